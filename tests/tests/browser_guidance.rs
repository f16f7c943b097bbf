//! The guidance editor in Chromium, with and without JavaScript: a
//! coordinator opens a shipped article from the public library, edits it, is
//! refused with the field named (and the typed text kept) when the title is
//! emptied, saves, and readers see the new text; the editor lists both
//! versions in its history.

use sea_orm::EntityTrait as _;

use frontline_tests::{
    DbKind, TestApp, db_tests,
    journeys::{browser, coordinator_signs_in, open},
    users::PASSWORD,
};

async fn journey(app: &TestApp, javascript: bool) {
    let (_, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();
    let b = browser(javascript).await;
    coordinator_signs_in(app, &b, javascript, &coordinator).await;

    open(app, &b, javascript, "/guidance/patching").await;
    b.settle(javascript).await;
    b.click_on("a[href='/coordinator/guidance/patching']").await;
    b.wait_for_path("/coordinator/guidance/patching").await;
    b.wait_for_text("data-form=\"guidance\"").await;
    b.settle(javascript).await;

    // An empty title is refused, naming the field; what was typed stays.
    b.clear("#field-title").await;
    b.clear("#field-summary").await;
    b.fill(
        "#field-summary",
        "Patch the internet-facing systems first, within days.",
    )
    .await;
    b.click_on("form[data-form=guidance] button[type=submit]").await;
    b.wait_for_text("aria-invalid=\"true\"").await;
    b.wait_for_text("Patch the internet-facing systems first, within days.")
        .await;

    b.settle(javascript).await;
    b.fill("#field-title", "Patching, edge systems first").await;
    b.click_on("form[data-form=guidance] button[type=submit]").await;
    b.wait_for_path("/guidance/patching").await;
    b.wait_for_text("Patching, edge systems first").await;
    b.wait_for_text("Patch the internet-facing systems first, within days.")
        .await;

    // Anyone reads the new version; the editor keeps both.
    let anon = app.client();
    let page = anon.get_text("/guidance/patching", 200).await;
    assert!(
        page.contains("Patching, edge systems first"),
        "readers see the edit"
    );
    open(app, &b, javascript, "/coordinator/guidance/patching").await;
    b.wait_for_text("data-history=\"\"").await;
    let html = b.source().await.unwrap_or_else(|e| panic!("{e:#}"));
    let history = html.split("data-history=\"\"").nth(1).unwrap_or_default();
    assert_eq!(
        history.matches("<tr>").count(),
        3,
        "a header and two versions: {history}"
    );
    let name = entity::account::Entity::find_by_id(coordinator.id)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .map(|a| a.display_name)
        .unwrap_or_else(|| panic!("no coordinator"));
    assert!(
        history.contains(&name) && history.contains("Shipped with Frontline"),
        "who saved each: {history}"
    );

    if javascript {
        let errors = b.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }
}

db_tests! {
    async fn a_coordinator_edits_an_article_with_javascript(db: DbKind) {
        journey(&TestApp::spawn(db).await, true).await;
    }

    async fn a_coordinator_edits_an_article_without_javascript(db: DbKind) {
        journey(&TestApp::spawn(db).await, false).await;
    }
}
