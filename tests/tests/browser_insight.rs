//! Programme insight in Chromium, with and without JavaScript: a coordinator
//! opens the dashboard from the coordination page, sees every chart drawn,
//! filters it by region with the form (the URL then holds the filter, so the
//! view can be bookmarked), and the export links carry it; anyone signed out
//! reads the public impact page from the footer. Screenshots at phone and
//! desktop widths are kept in `target/screenshots/`.

use frontline_tests::{
    DbKind, TestApp, db_tests, fixtures,
    journeys::{browser, coordinator_signs_in, open},
    users::PASSWORD,
};

async fn journey(app: &TestApp, javascript: bool) {
    let (_, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();
    for (name, country) in [("Bamako Clinic", "ML"), ("Lyon Hospital", "FR")] {
        let org =
            fixtures::organisation(&app.db, name, country, entity::vetting::VettingStatus::Approved).await;
        fixtures::need(&app.db, org, coordinator.id, entity::need::Status::Submitted).await;
    }
    let b = browser(javascript).await;
    coordinator_signs_in(app, &b, javascript, &coordinator).await;

    open(app, &b, javascript, "/coordinator").await;
    b.click_on("a[href='/coordinator/insight']").await;
    b.wait_for_path("/coordinator/insight").await;
    b.wait_for_text("data-chart=\"outcomes\"").await;
    let html = b.source().await.unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(html.matches("<svg").count(), 8, "eight charts");
    let shown = b
        .execute(
            "return document.querySelectorAll('figure.chart svg').length",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(shown, 8);

    // Filter by region with the form: the URL holds it.
    b.settle(javascript).await;
    b.click_on("select#region option[value='Africa']").await;
    b.click_on("form[action='/coordinator/insight'] button[type=submit]")
        .await;
    b.wait_until(
        "the filtered address",
        std::time::Duration::from_secs(20),
        || async { Ok(b.current_url().await?.contains("region=Africa")) },
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}"));
    b.wait_for_text("region=Africa\" download").await;
    let selected = b
        .execute("return document.querySelector('select#region').value", vec![])
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(selected, "Africa", "the form shows the filter in force");
    // Backlog: only the Malian clinic's need is waiting in Africa.
    let backlog = b
        .execute(
            "return document.querySelector('#backlog table tbody').rows.length",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(backlog, 1);

    if javascript {
        let errors = b.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }

    // Signed out, the footer leads to the public impact page.
    let anon = browser(javascript).await;
    open(app, &anon, javascript, "/").await;
    anon.click_on("footer a[href='/impact']").await;
    anon.wait_for_path("/impact").await;
    anon.wait_for_text("fewer than 5").await;
}

db_tests! {
    async fn a_coordinator_reads_and_filters_the_dashboard_with_javascript(db: DbKind) {
        journey(&TestApp::spawn(db).await, true).await;
    }

    async fn a_coordinator_reads_and_filters_the_dashboard_without_javascript(db: DbKind) {
        journey(&TestApp::spawn(db).await, false).await;
    }
}

/// The dashboard and the impact page at phone and desktop widths, for people
/// to look at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_insight_pages_at_phone_and_desktop_widths() {
    use frontline_tests::browser::{Browser, BrowserOptions};
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let (_, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    for (width, height) in [(360, 780), (1280, 900)] {
        let b = Browser::start(BrowserOptions {
            javascript: true,
            width,
            height,
        })
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
        open(&app, &b, true, "/impact").await;
        b.wait_for_text("data-figure").await;
        b.screenshot(&dir.join(format!("impact-{width}.png")))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        coordinator_signs_in(&app, &b, true, &coordinator).await;
        open(&app, &b, true, "/coordinator/insight").await;
        b.wait_for_text("data-chart=\"outcomes\"").await;
        b.screenshot(&dir.join(format!("insight-{width}.png")))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
    app.stop().await;
}
