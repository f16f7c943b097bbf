//! A small world for the organisation, need and volunteer tests: organisations
//! with members, volunteers with profiles, needs — all made through the real
//! HTTP API, as their users would.

use crate::{TestApp, TestClient, users::TestUser};

/// Form fields of an organisation registration.
#[must_use]
pub fn organisation_form(name: &str, country: &str) -> Vec<(String, String)> {
    [
        ("input[name]", name),
        ("input[kind]", "hospital"),
        ("input[country]", country),
        ("input[city]", "Capital"),
        ("input[size]", "from_250"),
        ("input[languages][en]", "on"),
        ("input[languages][fr]", "on"),
        ("input[website]", "https://hospital.example.org"),
        ("input[contact_name]", "IT lead"),
        ("input[contact_email]", "it@hospital.example.org"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// Form fields of a need in category `category_id`, requiring skill `skill_id`.
#[must_use]
pub fn need_form(title: &str, category_id: i64, skill_id: i64) -> Vec<(String, String)> {
    vec![
        ("input[title]".into(), title.into()),
        ("input[category]".into(), category_id.to_string()),
        ("input[urgency]".into(), "high".into()),
        ("input[effort_hours]".into(), "12".into()),
        ("input[languages][en]".into(), "on".into()),
        ("input[mode]".into(), "remote".into()),
        (
            "input[public_summary]".into(),
            "Set up SPF, DKIM and DMARC for our domain.".into(),
        ),
        (
            "input[confidential_details]".into(),
            "Our domain is stluc.example; the registrar login is shared.".into(),
        ),
        (format!("input[skill_level][{skill_id}]"), "2".into()),
        (format!("input[skill_weight][{skill_id}]"), "must".into()),
    ]
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// A need category's id by code.
///
/// # Panics
/// When unknown.
pub async fn category(app: &TestApp, code: &str) -> i64 {
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    entity::need_category::Entity::find()
        .filter(entity::need_category::Column::Code.eq(code))
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no category {code}"))
        .id
}

/// A skill's id by code.
///
/// # Panics
/// When unknown.
pub async fn skill(app: &TestApp, code: &str) -> i64 {
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    entity::skill::Entity::find()
        .filter(entity::skill::Column::Code.eq(code))
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no skill {code}"))
        .id
}

/// An organisation member signed in on `client` with a freshly registered
/// organisation; returns the member and the organisation id.
///
/// # Panics
/// When any step fails.
pub async fn member_with_organisation(
    app: &TestApp,
    client: &TestClient,
    email: &str,
    name: &str,
) -> (TestUser, i64) {
    let user = app.register(client, "organisation_member", email).await;
    let fields = organisation_form(name, "CD");
    let res = client.call("/api/organisation/create", &pairs(&fields)).await;
    assert!(res.status().is_success(), "create organisation: {}", res.status());
    let org = client.call_json("/api/organisation/mine", &[]).await;
    let id = org["organisation"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no organisation: {org}"));
    (user, id)
}

/// Drafts a need on `client` (an organisation member); returns its id.
///
/// # Panics
/// When creation fails.
pub async fn draft_need(client: &TestClient, fields: &[(String, String)]) -> i64 {
    let res = client.call("/api/needs/create", &pairs(fields)).await;
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        status.is_success(),
        "create need: {status}: {}",
        res.text().await.unwrap_or_default()
    );
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no need id in {location:?}"))
}

/// A coordinator decides about an organisation (`approve`, `reject`, `suspend`).
///
/// # Panics
/// When the call fails.
pub async fn vet_organisation(coordinator: &TestClient, id: i64, decision: &str) {
    coordinator
        .call_json(
            "/api/vetting/organisation_decide",
            &[
                ("id", &id.to_string()),
                ("decision", decision),
                ("note", "checked"),
            ],
        )
        .await;
}

/// Form fields of a volunteer profile with one skill.
#[must_use]
pub fn profile_form(skill_id: i64, accept: bool) -> Vec<(String, String)> {
    let mut fields = vec![
        ("input[country]".to_owned(), "FR".to_owned()),
        ("input[utc_offset]".to_owned(), "60".to_owned()),
        ("input[hours_per_week]".to_owned(), "6".to_owned()),
        ("input[max_concurrent]".to_owned(), "2".to_owned()),
        ("input[onsite_scope]".to_owned(), "own_country".to_owned()),
        ("input[languages][en]".to_owned(), "on".to_owned()),
        ("input[languages][fr]".to_owned(), "on".to_owned()),
        (format!("input[skill_level][{skill_id}]"), "3".to_owned()),
        ("input[employer]".to_owned(), "Northwind Security".to_owned()),
    ];
    if accept {
        fields.push(("input[accept_code_of_conduct]".to_owned(), "on".to_owned()));
    }
    fields
}

/// A volunteer signed in on `client` with a profile, approved by `coordinator`
/// when given.
///
/// # Panics
/// When any step fails.
pub async fn volunteer(
    app: &TestApp,
    client: &TestClient,
    email: &str,
    coordinator: Option<&TestClient>,
) -> TestUser {
    let user = app.register(client, "volunteer", email).await;
    let skill = skill(app, "dmarc").await;
    let res = client
        .call("/api/volunteer/save", &pairs(&profile_form(skill, true)))
        .await;
    assert!(res.status().is_success(), "save profile: {}", res.status());
    if let Some(coordinator) = coordinator {
        coordinator
            .call_json(
                "/api/vetting/volunteer_decide",
                &[
                    ("id", &user.id.to_string()),
                    ("decision", "approve"),
                    ("note", ""),
                ],
            )
            .await;
    }
    user
}
