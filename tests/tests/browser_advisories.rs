//! Advisories in Chromium, with and without JavaScript: a coordinator writes
//! and publishes a critical one; a day later nobody has answered, so the
//! member is reminded; the member follows the reminder, acknowledges it and
//! asks for help (the need form opens filled in); the coordinator sees the
//! acknowledgement in the reach. Screenshots at phone and
//! desktop widths go to `target/screenshots/`.

use app::services::jobs;
use frontline_tests::{
    DbKind, TestApp,
    browser::{Browser, BrowserOptions},
    db_tests,
    journeys::{browser, coordinator_signs_in, open, sign_in},
    users::PASSWORD,
    world,
};

async fn journey(app: &TestApp, javascript: bool) {
    let (coord_client, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();
    let member_client = app.client();
    let (member, org) =
        world::member_with_organisation(app, &member_client, "it@kinshasa.example", "Hôpital de Kinshasa")
            .await;

    let coord = browser(javascript).await;
    coordinator_signs_in(app, &coord, javascript, &coordinator).await;
    world::vet_organisation(&coord_client, org, "approve").await;
    open(app, &coord, javascript, "/coordinator/advisories/new").await;
    coord.fill("#field-title", "Fake rota portal phishing").await;
    coord.click_on("#field-severity option[value=critical]").await;
    coord
        .fill(
            "#field-summary",
            "Mails posing as the ministry ask staff to sign in to a fake rota portal.",
        )
        .await;
    coord
        .fill(
            "#field-body",
            "## What is happening\n\nStaff receive *urgent rota* mails.",
        )
        .await;
    coord
        .fill("#field-actions", "- Turn on MFA\n- Block the domain")
        .await;
    coord.fill("#field-indicators", "rota-update.example").await;
    coord.click_on("input[name='input[regions][Africa]']").await;
    coord
        .click_on("form[data-form=advisory] button[type=submit]")
        .await;
    coord.wait_for_text("data-advisory-status=\"draft\"").await;
    coord.settle(javascript).await;
    coord
        .click_on("form[data-form=publish] button[type=submit]")
        .await;
    coord.wait_for_text("data-advisory-status=\"published\"").await;
    coord.wait_for_text("data-figure=\"organisations\">1<").await;

    let m = browser(javascript).await;
    sign_in(app, &m, javascript, &member).await;
    m.wait_for_path("/account").await;
    open(app, &m, javascript, "/organisation").await;
    m.wait_for_text("Fake rota portal phishing").await;
    m.wait_for_text("Advisories waiting for your answer:").await;

    // A day passes without an answer: the periodic job reminds the members.
    app.clock.advance(std::time::Duration::from_secs(25 * 3600));
    jobs::tick(&app.state, "test")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    sign_in(app, &m, javascript, &member).await;
    m.wait_for_path("/account").await;
    open(app, &m, javascript, "/notifications").await;
    m.wait_for_text("data-notification=\"advisory.reminder\"").await;
    m.wait_for_text("Threat advisory not yet acknowledged:").await;
    m.settle(javascript).await;
    m.click_on("li[data-notification='advisory.reminder'] a").await;
    m.wait_for_text("data-acknowledged=\"none\"").await;
    m.settle(javascript).await;
    m.fill(
        "form[data-form=acknowledge] textarea[name=note]",
        "MFA is on for all staff.",
    )
    .await;
    m.click_on("form[data-form=acknowledge] button[value=acted]")
        .await;
    m.wait_for_text("data-acknowledged=\"acted\"").await;
    m.settle(javascript).await;
    m.click_on("a[data-action=need-help]").await;
    m.wait_for_path("/needs/new").await;
    m.wait_for_text("Help with: Fake rota portal phishing").await;

    // (The coordinator's session lapsed during the day.)
    coordinator_signs_in(app, &coord, javascript, &coordinator).await;
    open(
        app,
        &coord,
        javascript,
        &format!("/advisories/{}", advisory_id(app).await),
    )
    .await;
    coord.wait_for_text("data-acknowledged=\"acted\"").await;
    coord.wait_for_text("MFA is on for all staff.").await;

    if javascript {
        for b in [&m, &coord] {
            let errors = b.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
            assert!(errors.is_empty(), "console errors: {errors:#?}");
        }
    }
}

async fn advisory_id(app: &TestApp) -> i64 {
    use sea_orm::EntityTrait as _;
    entity::advisory::Entity::find()
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .map(|a| a.id)
        .unwrap_or_else(|| panic!("no advisory"))
}

db_tests! {
    async fn an_advisory_is_published_acknowledged_and_leads_to_a_need_with_javascript(db: DbKind) {
        journey(&TestApp::spawn(db).await, true).await;
    }

    async fn an_advisory_is_published_acknowledged_and_leads_to_a_need_without_javascript(db: DbKind) {
        journey(&TestApp::spawn(db).await, false).await;
    }
}

/// The advisory pages at phone and desktop widths, kept in `target/screenshots/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_advisory_pages_at_phone_and_desktop_widths() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let (coord_client, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();
    let member_client = app.client();
    let (member, org) =
        world::member_with_organisation(&app, &member_client, "it@kinshasa.example", "Hôpital de Kinshasa")
            .await;
    world::vet_organisation(&coord_client, org, "approve").await;
    let id = world::draft_advisory(
        &coord_client,
        &world::advisory_form(
            "Fake rota portal phishing",
            "critical",
            &[("input[regions][Africa]", "on")],
        ),
    )
    .await;
    world::publish_advisory(&coord_client, id).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for (width, height) in [(360, 780), (1280, 900)] {
        let options = || BrowserOptions {
            javascript: true,
            width,
            height,
        };
        let m = Browser::start(options())
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        sign_in(&app, &m, true, &member).await;
        m.wait_for_path("/account").await;
        for (name, path) in [
            ("organisation", "/organisation".to_owned()),
            ("advisory-member", format!("/advisories/{id}")),
        ] {
            open(&app, &m, true, &path).await;
            m.wait_for_text("Fake rota portal phishing").await;
            m.screenshot(&dir.join(format!("{name}-{width}.png")))
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
        }
        let c = Browser::start(options())
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        coordinator_signs_in(&app, &c, true, &coordinator).await;
        for (name, path) in [
            ("advisory-coordinator", format!("/advisories/{id}")),
            ("advisory-new", "/coordinator/advisories/new".to_owned()),
        ] {
            open(&app, &c, true, &path).await;
            m.settle(true).await;
            c.screenshot(&dir.join(format!("{name}-{width}.png")))
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
        }
    }
}
