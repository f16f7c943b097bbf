//! Programme insight on a fixture whose every figure is known: the dashboard's
//! numbers (whole and filtered), its charts (SVG that parses, marks equal to
//! the data table), the CSV exports (read back with a CSV parser, formulas
//! neutralised, nothing secret, audited, bad filters a 422), and the public
//! impact page (figures from fewer than five organisations suppressed).

use app::clock::Clock as _;
use entity::{audit_log, engagement, hours_log, need, vetting::VettingStatus, volunteer};
use frontline_tests::{DbKind, TestApp, TestClient, db_tests, fixtures, world};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, IntoActiveModel as _,
    QueryFilter as _,
};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

/// The need categories the fixture uses: (first, second).
async fn categories(app: &TestApp) -> (i64, i64) {
    (
        world::category(app, "email_security").await,
        world::category(app, "incident_response").await,
    )
}

struct Need {
    org: i64,
    category: i64,
    urgency: need::Urgency,
    status: need::Status,
    /// Days before now it opened (None: never opened).
    opened_days_ago: Option<i64>,
    /// Days before now it finished.
    closed_days_ago: Option<i64>,
}

/// Inserts a need as described; returns its id and when it opened.
async fn need(app: &TestApp, author: i64, n: Need) -> (i64, OffsetDateTime) {
    let now = app.clock.now();
    let id = fixtures::need(&app.db, n.org, author, n.status).await;
    let opened = n.opened_days_ago.map(|d| now - Duration::days(d));
    let mut m = need::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("need {id}"))
        .into_active_model();
    m.category_id = Set(n.category);
    m.urgency = Set(n.urgency);
    m.opened_at = Set(opened);
    m.submitted_at = Set(opened.or(Some(now)));
    m.closed_at = Set(n.closed_days_ago.map(|d| now - Duration::days(d)));
    m.created_at = Set(opened.unwrap_or(now) - Duration::days(1));
    m.update(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
    (id, opened.unwrap_or(now))
}

/// Inserts a proposal `hours` after `at`: accepted an hour later and confirmed
/// `confirmed_after` hours after `at`, or declined / expired.
async fn proposal(
    app: &TestApp,
    need: i64,
    volunteer: i64,
    at: OffsetDateTime,
    status: engagement::Status,
    confirmed_after: Option<i64>,
) -> i64 {
    let accepted = confirmed_after.map(|h| at + Duration::hours(h - 1));
    engagement::ActiveModel {
        need_id: Set(need),
        volunteer_id: Set(volunteer),
        status: Set(status),
        proposed_by: Set(None),
        proposer_kind: Set(engagement::ProposerKind::Coordinator),
        reason: Set("fixture".into()),
        weekly_hours: Set(2),
        holds_capacity: Set(false),
        fast_path: Set(false),
        declined_by: Set((status == engagement::Status::Declined).then(|| "volunteer".to_owned())),
        decline_reason: Set((status == engagement::Status::Declined).then(|| "no_time".to_owned())),
        created_at: Set(at),
        updated_at: Set(at),
        accepted_at: Set(accepted),
        confirmed_at: Set(confirmed_after.map(|h| at + Duration::hours(h))),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}

async fn hours(app: &TestApp, engagement: i64, days_ago: i64, minutes: i32) {
    let on = app.clock.now() - Duration::days(days_ago);
    hours_log::ActiveModel {
        engagement_id: Set(engagement),
        logged_on: Set(on.date()),
        minutes: Set(minutes),
        note: Set("secret note about the PACS server".into()),
        created_at: Set(on),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// The dashboard fixture (see the expectations in the test below). Returns
/// the signed-in coordinator.
async fn fixture(app: &TestApp) -> TestClient {
    let (coordinator, user) = app.signed_in_coordinator("coord@example.org").await;
    let (c1, c2) = categories(app).await;
    let org = async |name: &str, country: &str| {
        fixtures::organisation(&app.db, name, country, VettingStatus::Approved).await
    };
    let a1 = org("=HYPERLINK(\"http://evil.example\")", "ML").await; // Africa, low
    let a2 = org("Nairobi General", "KE").await; // Africa, lower-middle
    let b1 = org("São Paulo Clinic", "BR").await; // Americas, upper-middle
    let e1 = org("Lyon Hospital", "FR").await; // Europe, high
    let s1 = org("Pune Hospital", "IN").await; // Asia, lower-middle
    let v1 = fixtures::volunteer(&app.db, "v1@example.org", VettingStatus::Approved).await;
    let v2 = fixtures::volunteer(&app.db, "v2@example.org", VettingStatus::Approved).await;
    fixtures::volunteer(&app.db, "v3@example.org", VettingStatus::Pending).await;
    // v1 holds one engagement of 2 h a week (of 1 slot, 4 h).
    volunteer::Entity::update_many()
        .col_expr(
            volunteer::Column::ActiveEngagements,
            sea_orm::sea_query::Expr::value(1),
        )
        .col_expr(
            volunteer::Column::CommittedHours,
            sea_orm::sea_query::Expr::value(2),
        )
        .filter(volunteer::Column::AccountId.eq(v1))
        .exec(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let author = user.id;
    use need::{Status as S, Urgency as U};
    let n = |org, category, urgency, status, opened, closed| Need {
        org,
        category,
        urgency,
        status,
        opened_days_ago: opened,
        closed_days_ago: closed,
    };
    // n1: critical, proposed after 2 h, confirmed after 5 h; 2 h logged.
    let (n1, at) = need(app, author, n(a1, c1, U::Critical, S::InProgress, Some(20), None)).await;
    let e = proposal(
        app,
        n1,
        v1,
        at + Duration::hours(2),
        engagement::Status::Active,
        Some(3),
    )
    .await;
    hours(app, e, 15, 120).await;
    // n2: critical, declined after 4 h, then proposed again after 10 h and
    // confirmed after 12 h; resolved 5 days ago; 1 h logged.
    let (n2, at) = need(
        app,
        author,
        n(a1, c1, U::Critical, S::Resolved, Some(19), Some(5)),
    )
    .await;
    proposal(
        app,
        n2,
        v2,
        at + Duration::hours(4),
        engagement::Status::Declined,
        None,
    )
    .await;
    let e = proposal(
        app,
        n2,
        v1,
        at + Duration::hours(10),
        engagement::Status::Completed,
        Some(2),
    )
    .await;
    hours(app, e, 10, 60).await;
    // n3: high, proposed after a day, expired; still open.
    let (n3, at) = need(app, author, n(a2, c1, U::High, S::Open, Some(30), None)).await;
    proposal(
        app,
        n3,
        v2,
        at + Duration::hours(24),
        engagement::Status::Expired,
        None,
    )
    .await;
    // n4: normal, open without a proposal, second category.
    need(app, author, n(b1, c2, U::Normal, S::Open, Some(40), None)).await;
    // n5: low, submitted (never opened), second category.
    need(app, author, n(e1, c2, U::Low, S::Submitted, None, None)).await;
    // n6: long before the range: opened 400 days ago, resolved 390.
    let (n6, at) = need(app, author, n(s1, c1, U::High, S::Resolved, Some(400), Some(390))).await;
    let e = proposal(
        app,
        n6,
        v2,
        at + Duration::hours(1),
        engagement::Status::Completed,
        Some(2),
    )
    .await;
    hours(app, e, 395, 300).await;
    // n7: a draft, counted nowhere.
    need(app, author, n(a2, c1, U::Normal, S::Draft, None, None)).await;
    coordinator
}

fn rows(v: &Value, key: &str) -> Vec<Value> {
    v[key].as_array().cloned().unwrap_or_default()
}

/// (needs, matched) of a group in a share list.
fn share(v: &Value, key: &str, group: &str) -> (i64, i64) {
    rows(v, key)
        .iter()
        .find(|r| r["group"] == group)
        .map(|r| {
            (
                r["needs"].as_i64().unwrap_or(-1),
                r["matched"].as_i64().unwrap_or(-1),
            )
        })
        .unwrap_or((-1, -1))
}

fn sum(v: &Value, key: &str, field: &str) -> i64 {
    rows(v, key).iter().map(|r| r[field].as_i64().unwrap_or(0)).sum()
}

async fn dashboard(coordinator: &TestClient, filters: &[(&str, &str)]) -> Value {
    let fields: Vec<(String, &str)> = filters
        .iter()
        .map(|(k, v)| (format!("filters[{k}]"), *v))
        .collect();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let res = coordinator.call("/api/insight/dashboard", &fields).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 200, "{filters:?}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The `data-value`s of each chart's SVG and of its table, which must agree.
fn check_charts(html: &str) -> usize {
    let mut charts = 0;
    for figure in html
        .split("<figure ")
        .skip(1)
        .filter(|f| f.starts_with("data-chart="))
    {
        let figure = figure.split("</figure>").next().unwrap_or_default();
        let start = figure
            .find("<svg")
            .unwrap_or_else(|| panic!("no svg in {figure}"));
        let end = figure
            .find("</svg>")
            .map(|e| e + "</svg>".len())
            .unwrap_or_default();
        let svg = &figure[start..end];
        let doc =
            roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG does not parse: {e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let labelled = root.attribute("aria-labelledby").unwrap_or_default();
        for id in labelled.split(' ') {
            assert!(
                doc.descendants().any(|n| n.attribute("id") == Some(id)),
                "{id} missing"
            );
        }
        let marks: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("data-value"))
            .collect();
        let table = &figure[end..];
        let cells: Vec<&str> = table
            .split("<td data-value=\"")
            .skip(1)
            .filter_map(|c| c.split('"').next())
            .collect();
        assert_eq!(marks, cells, "the chart's marks equal its table: {figure}");
        charts += 1;
    }
    charts
}

db_tests! {
    async fn the_dashboard_counts_what_the_fixture_holds(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let coordinator = fixture(&app).await;
        let (c1, c2) = categories(&app).await;

        let d = dashboard(&coordinator, &[]).await;
        // Opened in the last half year: n1–n4; matched n1, n2; resolved n2.
        assert_eq!(sum(&d, "weeks", "opened"), 4, "{d}");
        assert_eq!(sum(&d, "weeks", "matched"), 2);
        assert_eq!(sum(&d, "weeks", "resolved"), 1);
        assert!((26..=27).contains(&rows(&d, "weeks").len()), "the weeks that overlap 181 days");
        let tier = |urgency: &str| rows(&d, "delays").into_iter().find(|r| r["urgency"] == urgency).unwrap_or_default();
        let critical = tier("critical");
        assert_eq!(critical["needs"], 2);
        assert_eq!(
            (critical["to_proposal"]["median"].as_f64(), critical["to_proposal"]["p90"].as_f64()),
            (Some(2.0), Some(4.0))
        );
        assert_eq!(
            (critical["to_engagement"]["median"].as_f64(), critical["to_engagement"]["p90"].as_f64()),
            (Some(5.0), Some(12.0))
        );
        let high = tier("high");
        assert_eq!((high["needs"].as_i64(), high["to_proposal"]["median"].as_f64()), (Some(1), Some(24.0)));
        assert_eq!(high["to_engagement"]["count"], 0);
        assert_eq!(share(&d, "by_income", "low"), (2, 2));
        assert_eq!(share(&d, "by_income", "lower_middle"), (1, 0));
        assert_eq!(share(&d, "by_income", "upper_middle"), (1, 0));
        assert_eq!(share(&d, "by_income", "high"), (0, 0));
        assert_eq!(share(&d, "by_region", "Africa"), (3, 2));
        assert_eq!(share(&d, "by_region", "Americas"), (1, 0));
        assert_eq!(share(&d, "by_region", "Asia"), (0, 0), "n6 opened before the range");
        assert_eq!(sum(&d, "hours", "minutes"), 180);
        let u = &d["utilisation"];
        assert_eq!(
            [&u["volunteers"], &u["slots_used"], &u["slots"], &u["hours_used"], &u["hours"]].map(|v| v.as_i64()),
            [Some(2), Some(1), Some(2), Some(2), Some(8)]
        );
        let backlog: Vec<(i64, Vec<i64>)> = rows(&d, "backlog")
            .iter()
            .map(|b| {
                (
                    b["category"].as_i64().unwrap_or(0),
                    b["counts"].as_array().cloned().unwrap_or_default().iter().map(|c| c.as_i64().unwrap_or(0)).collect(),
                )
            })
            .collect();
        let mut expected = vec![(c1, vec![0, 1, 0, 0]), (c2, vec![0, 0, 1, 1])];
        expected.sort();
        assert_eq!(backlog, expected);
        let outcomes: Vec<(String, i64)> = rows(&d, "outcomes")
            .iter()
            .map(|o| (o["outcome"].as_str().unwrap_or_default().to_owned(), o["count"].as_i64().unwrap_or(0)))
            .collect();
        assert_eq!(
            outcomes,
            [("accepted".to_owned(), 2), ("declined:no_time".to_owned(), 1), ("expired".to_owned(), 1)]
        );

        // Filters: a region, an income group, a category, a range.
        let africa = dashboard(&coordinator, &[("region", "Africa")]).await;
        assert_eq!(sum(&africa, "weeks", "opened"), 3);
        assert_eq!(sum(&africa, "hours", "minutes"), 180);
        assert_eq!(africa["utilisation"]["volunteers"], 0, "the fixture's volunteers live in France");
        let low = dashboard(&coordinator, &[("income", "lower_middle")]).await;
        assert_eq!(sum(&low, "weeks", "opened"), 1);
        assert_eq!(rows(&low, "outcomes").len(), 1, "n3's expiry only: {low}");
        let c2_text = c2.to_string();
        let second = dashboard(&coordinator, &[("category", &c2_text)]).await;
        assert_eq!(sum(&second, "weeks", "opened"), 1);
        assert_eq!(rows(&second, "backlog").len(), 1);
        let now = app.clock.now();
        let day = |d: i64| app::model::day((now - Duration::days(d)).date());
        let (from, to) = (day(500), day(300));
        let long_ago = dashboard(&coordinator, &[("from", &from), ("to", &to)]).await;
        assert_eq!(sum(&long_ago, "weeks", "opened"), 1, "n6 only: {long_ago}");
        assert_eq!(sum(&long_ago, "hours", "minutes"), 300);
        assert_eq!(share(&long_ago, "by_region", "Asia"), (1, 1));

        // Bad filters are a 422 naming each field; nothing is computed.
        for (field, value) in [("from", "2026-02-30"), ("region", "Atlantis"), ("income", "rich"), ("category", "999999")] {
            let res = coordinator.call("/api/insight/dashboard", &[(&format!("filters[{field}]"), value)]).await;
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            assert!(status == 422 && body.contains(field), "{field}={value}: {status} {body}");
        }
        let res = coordinator
            .call("/api/insight/dashboard", &[("filters[from]", &to), ("filters[to]", &from)])
            .await;
        assert_eq!(res.status().as_u16(), 422, "a range that ends before it starts");

        // The page: every chart's SVG parses and its marks equal its table,
        // with and without filters.
        for path in ["/coordinator/insight", "/coordinator/insight?region=Africa", "/coordinator/insight?income=high"] {
            let html = coordinator.get_text(path, 200).await;
            assert_eq!(check_charts(&html), 8, "{path}");
            assert!(html.contains("/coordinator/insight/needs.csv?from="), "export links carry the filters");
        }
        let html = coordinator.get_text("/coordinator/insight?from=2026-13-01", 200).await;
        assert!(html.contains("id=\"filter-errors\"") && html.contains("data-field=\"from\""), "{html}");
        assert_eq!(check_charts(&html), 0, "nothing computed from a bad filter");
        app.stop().await;
    }

    async fn exports_read_back_as_the_rows_with_nothing_secret(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let coordinator = fixture(&app).await;
        let export = async |what: &str, query: &str| {
            let res = coordinator.get(&format!("/coordinator/insight/{what}.csv{query}")).await;
            let status = res.status().as_u16();
            let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let disposition = res.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let body = res.text().await.unwrap_or_default();
            assert_eq!(status, 200, "{what}: {body}");
            assert!(kind.starts_with("text/csv") && disposition.contains(&format!("frontline-{what}-")), "{kind} {disposition}");
            for secret in ["argon2", "Domain: hospital.example", "secret note", "it@example.org"] {
                assert!(!body.contains(secret), "{what} carries {secret:?}");
            }
            let mut reader = csv::Reader::from_reader(body.as_bytes());
            let header: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
            let rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap_or_else(|e| panic!("{what}: {e}")).iter().map(str::to_owned).collect())
                .collect();
            (header, rows)
        };
        let column = |header: &[String], name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name}"));

        // Needs created in the range: n1–n5 (n6 long ago, n7 a draft).
        let (header, needs) = export("needs", "").await;
        assert_eq!(needs.len(), 5, "{needs:?}");
        let name = column(&header, "organisation");
        assert!(
            needs.iter().any(|r| r[name] == "'=HYPERLINK(\"http://evil.example\")"),
            "a formula is neutralised: {needs:?}"
        );
        assert!(!header.iter().any(|h| h.contains("confidential")));
        let (_, africa) = export("needs", "?region=Africa").await;
        assert_eq!(africa.len(), 3);
        let (header, hours) = export("hours", "").await;
        let minutes = column(&header, "minutes");
        assert_eq!(hours.iter().map(|r| r[minutes].parse::<i64>().unwrap_or(0)).sum::<i64>(), 180);
        let (_, engagements) = export("engagements", "").await;
        assert_eq!(engagements.len(), 4, "n6's proposal is older than the range");
        let (header, volunteers) = export("volunteers", "").await;
        assert_eq!(volunteers.len(), 3);
        assert_eq!(header.len(), 14);
        let (_, organisations) = export("organisations", "?income=lower_middle").await;
        assert_eq!(organisations.len(), 2, "Nairobi and Pune");
        let (header, audit) = export("audit", "").await;
        let action = column(&header, "action");
        assert!(audit.iter().any(|r| r[action] == "insight.exported"), "the exports are in the log");

        // Every export was audited with what and which filters.
        let entries = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("insight.exported"))
            .all(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(entries.len(), 7);
        assert!(entries.iter().any(|e| e.details.contains("\"export\":\"needs\"") && e.details.contains("\"region\":\"Africa\"")));

        // Bad filters and unknown exports; other roles.
        let bad = coordinator.get("/coordinator/insight/needs.csv?from=yesterday").await;
        assert_eq!(bad.status().as_u16(), 422);
        assert!(bad.text().await.unwrap_or_default().contains("from"));
        assert_eq!(coordinator.get("/coordinator/insight/accounts.csv").await.status().as_u16(), 404);
        assert_eq!(app.client().get("/coordinator/insight/needs.csv").await.status().as_u16(), 401);
        let member = app.client();
        world::member_with_organisation(&app, &member, "m@example.org", "Clinic").await;
        assert_eq!(member.get("/coordinator/insight/needs.csv").await.status().as_u16(), 403);
        app.stop().await;
    }

    async fn the_public_page_hides_what_fewer_than_five_organisations_make(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (c1, _) = categories(&app).await;
        let author = fixtures::account(&app.db, "author@example.org", entity::account::Role::OrganisationMember).await;
        let v = fixtures::volunteer(&app.db, "v@example.org", VettingStatus::Approved).await;
        // Five African organisations helped long ago (critical needs confirmed
        // after 1–5 h, one hour logged each); a sixth helped ten days ago.
        for i in 0..6_i64 {
            let org = fixtures::organisation(&app.db, &format!("Clinic {i}"), if i % 2 == 0 { "ML" } else { "KE" }, VettingStatus::Approved).await;
            let recent = i == 5;
            let (id, at) = need(
                &app,
                author,
                Need {
                    org,
                    category: c1,
                    urgency: need::Urgency::Critical,
                    status: need::Status::Resolved,
                    opened_days_ago: Some(if recent { 10 } else { 200 }),
                    closed_days_ago: Some(if recent { 2 } else { 150 }),
                },
            )
            .await;
            let e = proposal(&app, id, v, at, engagement::Status::Completed, Some(i + 1)).await;
            hours(&app, e, if recent { 5 } else { 190 }, 60).await;
        }
        let impact = app::services::insight::impact(&app.db, app.clock.now()).await.unwrap_or_else(|e| panic!("{e}"));
        let life = &impact.lifetime;
        assert_eq!((life.organisations_helped, life.hours), (Some(6), Some(6)));
        assert_eq!(life.critical_median_hours, Some(3.0));
        assert_eq!(life.resolved_by_category, vec![(c1, Some(6))]);
        let africa = life.by_region.iter().find(|(r, _)| r == "Africa").map(|r| r.1);
        assert_eq!(africa, Some(Some(6)));
        // Low (Mali) 3 and lower-middle (Kenya) 3: both under five.
        assert!(life.by_income.iter().all(|(_, v)| v.is_none()), "{:?}", life.by_income);
        let recent = &impact.recent;
        assert_eq!(
            (recent.organisations_helped, recent.hours, recent.critical_median_hours),
            (None, None, None),
            "one organisation in the last 90 days"
        );
        assert_eq!(recent.resolved_by_category, vec![(c1, None)]);

        // Signed out, the page shows the figures and "fewer than 5".
        let html = app.client().get_text("/impact", 200).await;
        let helped = |html: &str| {
            html.split("data-figure=\"helped\"")
                .nth(1)
                .and_then(|rest| rest.split('>').nth(1))
                .and_then(|text| text.split('<').next())
                .unwrap_or_default()
                .to_owned()
        };
        assert!(helped(&html) == "6" && html.contains("fewer than 5"), "{html}");
        assert!(!html.contains("Clinic 0"), "no organisation is named");
        // The figures are cached: a new organisation helped shows later, not now.
        let org = fixtures::organisation(&app.db, "Late Clinic", "ML", VettingStatus::Approved).await;
        let (id, at) = need(&app, author, Need { org, category: c1, urgency: need::Urgency::High, status: need::Status::InProgress, opened_days_ago: Some(3), closed_days_ago: None }).await;
        proposal(&app, id, v, at, engagement::Status::Active, Some(1)).await;
        let again = app.client().get_text("/impact", 200).await;
        assert_eq!(helped(&again), "6", "cached for a few minutes");
        let fresh = app::services::insight::impact(&app.db, app.clock.now()).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fresh.lifetime.organisations_helped, Some(7));
        app.stop().await;
    }
}
