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
    created_id(
        client.call("/api/needs/create", &pairs(fields)).await,
        "create need",
    )
    .await
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

/// Drafts, submits and opens a DMARC need of the member's organisation; returns its id.
///
/// # Panics
/// When any step fails.
pub async fn open_need(app: &TestApp, member: &TestClient, coordinator: &TestClient, title: &str) -> i64 {
    let category = category(app, "email_security").await;
    let skill = skill(app, "dmarc").await;
    let id = draft_need(member, &need_form(title, category, skill)).await;
    member
        .call_json("/api/needs/submit", &[("id", &id.to_string())])
        .await;
    coordinator
        .call_json(
            "/api/vetting/triage",
            &[("id", &id.to_string()), ("decision", "open"), ("note", "")],
        )
        .await;
    id
}

/// The id at the end of a redirect's `Location`.
///
/// # Panics
/// When the response is not a success with such a location.
pub async fn created_id(res: reqwest::Response, what: &str) -> i64 {
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        status.is_success(),
        "{what}: {status}: {}",
        res.text().await.unwrap_or_default()
    );
    location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no id in {location:?}"))
}

/// A coordinator proposes a volunteer (email or id) for a need; returns the engagement id.
///
/// # Panics
/// When the proposal fails.
pub async fn propose(coordinator: &TestClient, need: i64, volunteer: &str) -> i64 {
    let res = coordinator
        .call(
            "/api/engagements/propose",
            &[
                ("need", &need.to_string()),
                ("volunteer", volunteer),
                ("reason", "DMARC expert, speaks French, available now."),
            ],
        )
        .await;
    created_id(res, "propose").await
}

/// Everyone an engagement needs, signed in: a coordinator, a member of an
/// approved organisation with an open need, and an approved volunteer.
pub struct Cast {
    /// Coordinator (second factor passed).
    pub coordinator: TestClient,
    /// The coordinator's account.
    pub coordinator_user: TestUser,
    /// Member of the organisation.
    pub member: TestClient,
    /// The organisation.
    pub organisation: i64,
    /// An open need of it.
    pub need: i64,
    /// An approved volunteer.
    pub volunteer: TestClient,
    /// The volunteer's account.
    pub volunteer_user: TestUser,
}

/// Builds a [`Cast`] through the HTTP API.
///
/// # Panics
/// When any step fails.
pub async fn cast(app: &TestApp) -> Cast {
    let (coordinator, coordinator_user) = app.signed_in_coordinator("coord@example.org").await;
    let member = app.client();
    let (_, organisation) =
        member_with_organisation(app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
    vet_organisation(&coordinator, organisation, "approve").await;
    let need = open_need(app, &member, &coordinator, "DMARC for stluc.example").await;
    let volunteer_client = app.client();
    let volunteer_user = volunteer(
        app,
        &volunteer_client,
        "ada@volunteers.example",
        Some(&coordinator),
    )
    .await;
    Cast {
        coordinator,
        coordinator_user,
        member,
        organisation,
        need,
        volunteer: volunteer_client,
        volunteer_user,
    }
}

/// Form fields of an advisory; `targets` are extra `input[…]` fields (such as
/// `("input[everyone]", "on")` or `("input[regions][Africa]", "on")`).
#[must_use]
pub fn advisory_form(title: &str, severity: &str, targets: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("input[id]", "0"),
        ("input[title]", title),
        ("input[severity]", severity),
        (
            "input[summary]",
            "Phishing mails posing as the health ministry ask staff to sign in to a fake portal.",
        ),
        (
            "input[body]",
            "## What is happening\n\nMails with the subject *Urgent: new rota* link to a fake sign-in page.",
        ),
        (
            "input[actions]",
            "1. Turn on multi-factor authentication.\n2. Block the domains below.",
        ),
        (
            "input[indicators]",
            "rota-update.example\nhxxps://rota-update[.]example/login\n203.0.113.7",
        ),
        ("input[guidance][multi-factor-authentication]", "on"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fields.extend(targets.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    fields
}

/// A coordinator saves a draft advisory; returns its id.
///
/// # Panics
/// When saving fails.
pub async fn draft_advisory(coordinator: &TestClient, fields: &[(String, String)]) -> i64 {
    created_id(
        coordinator.call("/api/advisories/save", &pairs(fields)).await,
        "save advisory",
    )
    .await
}

/// A coordinator publishes a draft advisory.
///
/// # Panics
/// When publishing fails.
pub async fn publish_advisory(coordinator: &TestClient, id: i64) {
    let res = coordinator
        .call("/api/advisories/publish", &[("id", &id.to_string())])
        .await;
    let status = res.status();
    assert!(
        status.is_success(),
        "publish: {status}: {}",
        res.text().await.unwrap_or_default()
    );
}

/// The ids that fill in route parameters.
pub struct Ids {
    /// A need.
    pub need: i64,
    /// An engagement.
    pub engagement: i64,
    /// An organisation.
    pub organisation: i64,
    /// A volunteer account.
    pub volunteer: i64,
    /// An advisory; without one, its pages answer 404 (a full render all the same).
    pub advisory: Option<i64>,
}

/// Every page route with its parameters filled in. A route this does not know
/// panics, so a new page cannot escape the tests that use it.
///
/// # Panics
/// On a route with a parameter this does not know.
#[must_use]
pub fn concrete_paths(ids: &Ids) -> Vec<String> {
    let mut paths: Vec<String> = server::startup::page_paths()
        .into_iter()
        .map(|path| {
            if !path.contains('{') {
                return path;
            }
            let (prefix, _) = path.split_once('{').unwrap_or((&path, ""));
            let value = match prefix {
                "/needs/" => ids.need.to_string(),
                "/engagements/" => ids.engagement.to_string(),
                "/coordinator/organisations/" => ids.organisation.to_string(),
                "/coordinator/volunteers/" => ids.volunteer.to_string(),
                "/coordinator/match/" => ids.need.to_string(),
                "/coordinator/batch/" => "1".to_owned(),
                "/reset/" | "/invite/" | "/verify/" | "/unsubscribe/" => "no-such-token".to_owned(),
                "/guidance/" | "/coordinator/guidance/" => "multi-factor-authentication".to_owned(),
                "/advisories/" | "/coordinator/advisories/" => ids.advisory.unwrap_or(1).to_string(),
                _ => panic!("the concurrency test does not know how to fill in {path}"),
            };
            let rest = path.split_once('}').map_or("", |(_, r)| r);
            format!("{prefix}{value}{rest}")
        })
        .collect();
    // The 404 page (most of the panics were there) and a page with a query.
    paths.push("/no/such/page".to_owned());
    paths.push("/needs?page=2&q=dmarc".to_owned());
    paths.sort();
    paths.dedup();
    paths
}
