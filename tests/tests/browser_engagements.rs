//! The engagement journey in Chromium, with and without JavaScript, on both
//! databases: a coordinator proposes a volunteer, the volunteer accepts, the
//! organisation confirms, they exchange messages, the volunteer logs hours, the
//! organisation completes and rates, the volunteer rates and sees their history.

use entity::{engagement, need};
use frontline_tests::{
    DbKind, TestApp, db_tests,
    journeys::{browser, coordinator_signs_in, open, sign_in},
    users::TestUser,
    world,
};
use sea_orm::EntityTrait as _;

async fn journey(app: &TestApp, javascript: bool) {
    let c = world::cast(app).await;
    // The approvals were notified: read, so that the proposal is the one unread.
    for side in [&c.volunteer, &c.member] {
        side.call_json("/api/notifications/read", &[]).await;
    }
    let member_user = TestUser {
        id: app.account_id("it@stluc.example").await,
        email: "it@stluc.example".into(),
        password: frontline_tests::users::PASSWORD.into(),
        totp_secret: None,
    };

    // The coordinator proposes the volunteer from the need's page.
    let coord = browser(javascript).await;
    coordinator_signs_in(app, &coord, javascript, &c.coordinator_user).await;
    open(app, &coord, javascript, &format!("/needs/{}", c.need)).await;
    coord.fill("#field-volunteer", &c.volunteer_user.email).await;
    coord.fill("#field-reason", "DMARC expert; speaks French.").await;
    coord
        .click_on("form[data-form=propose] button[type=submit]")
        .await;
    coord.wait_for_text("data-engagement-status=\"proposed\"").await;
    let id = engagement::Entity::find()
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no engagement"))
        .id;
    let page = format!("/engagements/{id}");
    coord.wait_for_path(&page).await;

    // The volunteer sees the notification and accepts.
    let vol = browser(javascript).await;
    sign_in(app, &vol, javascript, &c.volunteer_user).await;
    vol.wait_for_text("data-unread=\"1\"").await;
    open(app, &vol, javascript, "/notifications").await;
    vol.click_on(&format!("a[href='{page}']")).await;
    vol.wait_for_path(&page).await;
    vol.wait_for_text("DMARC expert; speaks French.").await;
    assert!(
        !vol.source()
            .await
            .unwrap_or_default()
            .contains("data-confidential"),
        "no confidential details before the work is confirmed"
    );
    vol.settle(javascript).await;
    vol.click_on("button[data-action=accept]").await;
    vol.wait_for_text("data-engagement-status=\"accepted\"").await;

    // The organisation confirms and writes first.
    let member = browser(javascript).await;
    sign_in(app, &member, javascript, &member_user).await;
    member.wait_for_text("data-viewer=").await;
    open(app, &member, javascript, &page).await;
    member.click_on("button[data-action=confirm]").await;
    member.wait_for_text("data-engagement-status=\"active\"").await;
    member.settle(javascript).await;
    member
        .fill(
            "form[data-form=message] textarea",
            "Welcome! The DNS host is ready.",
        )
        .await;
    member
        .click_on("form[data-form=message] button[type=submit]")
        .await;
    member.wait_for_text("Welcome! The DNS host is ready.</p>").await;
    let need = need::Entity::find_by_id(c.need)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .map(|n| n.status);
    assert_eq!(need, Some(need::Status::Matched));

    // The volunteer, now working, reads the confidential part, answers and logs time.
    open(app, &vol, javascript, &page).await;
    vol.wait_for_text("data-confidential").await;
    vol.wait_for_text("Welcome! The DNS host is ready.").await;
    vol.fill("form[data-form=message] textarea", "Thanks, starting with SPF.")
        .await;
    vol.click_on("form[data-form=message] button[type=submit]").await;
    vol.wait_for_text("Thanks, starting with SPF.</p>").await;
    vol.settle(javascript).await;
    vol.fill("#field-hours", "2.5").await;
    vol.fill("#field-hours_note", "SPF and DKIM records").await;
    vol.click_on("form[data-form=hours] button[type=submit]").await;
    vol.wait_for_text("data-minutes=\"150\"").await;

    if javascript {
        // With JavaScript, a new message appears on an open page without reloading.
        open(app, &member, javascript, &page).await;
        member
            .fill("form[data-form=message] textarea", "Great progress, thank you!")
            .await;
        member
            .click_on("form[data-form=message] button[type=submit]")
            .await;
        member.wait_for_text("Great progress, thank you!</p>").await;
        vol.wait_for_text("Great progress, thank you!").await;
    }

    // The organisation completes and rates; the need is resolved.
    open(app, &member, javascript, &page).await;
    member
        .click_on("form[data-form=complete] #field-rating option[value='5']")
        .await;
    member
        .fill("form[data-form=complete] #field-comment", "Quick and clear.")
        .await;
    member
        .click_on("form[data-form=complete] button[type=submit]")
        .await;
    member.wait_for_text("data-engagement-status=\"completed\"").await;
    member.wait_for_text("data-organisation-rating=\"5\"").await;
    let need = need::Entity::find_by_id(c.need)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .map(|n| n.status);
    assert_eq!(need, Some(need::Status::Resolved));

    // The volunteer rates the experience and finds it in their history.
    open(app, &vol, javascript, &page).await;
    vol.click_on("form[data-form=rate] #field-rating option[value='4']")
        .await;
    vol.click_on("form[data-form=rate] button[type=submit]").await;
    vol.wait_for_text("data-volunteer-rating=\"4\"").await;
    open(app, &vol, javascript, "/volunteer/history").await;
    vol.wait_for_text("data-minutes=\"150\"").await;
    vol.wait_for_text("data-completed=\"1\"").await;

    if javascript {
        for b in [&coord, &vol, &member] {
            let errors = b.console_errors().await.unwrap_or_default();
            assert!(errors.is_empty(), "console errors: {errors:?}");
        }
    }
}

db_tests! {
    async fn engagement_journey_with_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        journey(&app, true).await;
    }

    async fn engagement_journey_without_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        journey(&app, false).await;
    }
}
