//! Mail journeys in Chromium, with and without JavaScript, following the links
//! a real SMTP server on loopback received: register → confirm the address
//! from the mail; ask for a reset → follow the mailed link → the new password
//! works and the old sessions are gone; an unsubscribe link works signed out.

use frontline_tests::{
    DbKind, TestApp,
    browser::{Browser, BrowserOptions},
    smtp_sink::{Received, SmtpSink},
    users::PASSWORD,
    world,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

/// The mailed link starting with `prefix` (after the site's public URL), as a
/// URL of the test server.
fn link(app: &TestApp, mail: &Received, prefix: &str) -> String {
    let public = app.settings.public_url.trim_end_matches('/');
    let link = mail
        .link(&format!("{public}{prefix}"))
        .unwrap_or_else(|| panic!("no {prefix} link in {}", mail.text()));
    app.url(link.trim_start_matches(public))
}

async fn spawn(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(DbKind::Sqlite, move |s| {
        s.smtp_url = Some(url.into());
        s.mail_poll_millis = 20;
        s.mail_timeout_secs = 5;
    })
    .await
}

async fn browser(javascript: bool) -> Browser {
    Browser::start(BrowserOptions {
        javascript,
        ..BrowserOptions::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}"))
}

async fn goto(browser: &Browser, url: &str, javascript: bool) {
    browser.goto(url).await.unwrap_or_else(|e| panic!("{e:#}"));
    browser.settle(javascript).await;
}

async fn verify_and_reset(javascript: bool) {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let browser = browser(javascript).await;
    let email = "lin@example.org";

    // Register; the page does not sign in. Sign in: the address waits for its link.
    goto(&browser, &app.url("/register"), javascript).await;
    browser.click_on("input[name=role][value=volunteer]").await;
    browser.fill("#field-display_name", "Lin Mei").await;
    browser.fill("#field-email", email).await;
    browser.fill("#field-password", PASSWORD).await;
    browser
        .click_on("form[action='/api/register'] button[type=submit]")
        .await;
    browser.wait_for_path("/login").await;
    browser.settle(javascript).await;
    // The address is filled in already.
    browser.fill("#field-password", PASSWORD).await;
    browser
        .click_on("form[action='/api/login'] button[type=submit]")
        .await;
    browser.wait_for_path("/volunteer").await;
    goto(&browser, &app.url("/account"), javascript).await;
    browser.wait_for_text("data-unverified").await;

    // The link from the mail confirms the address.
    let mail = sink
        .mail_to(email, "Confirm your email address for Frontline")
        .await;
    goto(&browser, &link(&app, &mail, "/verify/"), javascript).await;
    browser.wait_for_text(email).await;
    browser
        .click_on("form[action='/api/verify_email'] button[type=submit]")
        .await;
    browser.wait_for_path("/account").await;
    browser.wait_for_text("data-verified").await;
    let account = entity::account::Entity::find()
        .filter(entity::account::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap_or_default()
        .unwrap_or_else(|| panic!("no account"));
    assert!(account.email_verified_at.is_some());

    // Another session, signed in elsewhere: the reset will end it.
    let elsewhere = app.client();
    let signed_in = elsewhere
        .call("/api/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(signed_in.status().as_u16(), 200);

    // Sign out; ask for a reset; follow the mailed link; choose a new password.
    browser.click_on("form[action='/api/logout'] button").await;
    browser.wait_for_text("href=\"/login\"").await;
    goto(&browser, &app.url("/reset"), javascript).await;
    browser.fill("#field-email", email).await;
    browser
        .click_on("form[action='/api/request_reset'] button[type=submit]")
        .await;
    browser.wait_for_text("If an account uses this address").await;
    let mail = sink.mail_to(email, "Reset your Frontline password").await;
    goto(&browser, &link(&app, &mail, "/reset/"), javascript).await;
    let new = "a new passphrase lin chose";
    browser.fill("#field-new_password", new).await;
    browser.fill("#field-confirm_password", new).await;
    browser
        .click_on("form[action='/api/reset_password'] button[type=submit]")
        .await;
    browser.wait_for_path("/login").await;
    assert_eq!(
        elsewhere.whoami().await,
        None,
        "the reset ended the other sessions"
    );
    browser.settle(javascript).await;
    browser.fill("#field-email", email).await;
    browser.fill("#field-password", new).await;
    browser
        .click_on("form[action='/api/login'] button[type=submit]")
        .await;
    browser.wait_for_path("/account").await;
    browser.wait_for_text("data-viewer=\"Lin Mei\"").await;
    let old = app
        .client()
        .call("/api/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(old.status().as_u16(), 401, "the old password is gone");

    if javascript {
        let errors = browser.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }
    app.stop().await;
}

async fn unsubscribe(javascript: bool) {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let c = world::cast(&app).await;
    world::propose(&c.coordinator, c.need, "ada@volunteers.example").await;
    let mail = sink.mail_to("ada@volunteers.example", "New proposal").await;
    let url = link(&app, &mail, "/unsubscribe/");

    // Signed out, in a browser that never saw Frontline.
    let browser = browser(javascript).await;
    goto(&browser, &url, javascript).await;
    browser.wait_for_text("Stop mail from Frontline about").await;
    browser
        .click_on("form[action^='/unsubscribe/'] button[type=submit]")
        .await;
    browser.wait_for_text("data-unsubscribed").await;
    let chosen = entity::mail_preference::Entity::find()
        .filter(entity::mail_preference::Column::AccountId.eq(c.volunteer_user.id))
        .all(&app.db)
        .await
        .unwrap_or_default();
    assert_eq!(chosen.len(), 1, "{chosen:?}");
    assert_eq!(
        (chosen[0].topic.as_str(), chosen[0].mode.as_str()),
        ("proposals", "never")
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_the_address_and_reset_the_password_from_the_mails_with_javascript() {
    verify_and_reset(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_the_address_and_reset_the_password_from_the_mails_without_javascript() {
    verify_and_reset(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsubscribe_signed_out_from_the_mailed_link_with_javascript() {
    unsubscribe(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsubscribe_signed_out_from_the_mailed_link_without_javascript() {
    unsubscribe(false).await;
}

/// Screenshots of the mail pages at phone and desktop widths, kept in
/// `target/screenshots/` for people to look at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mail_pages_at_phone_and_desktop_widths() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let c = world::cast(&app).await;
    world::propose(&c.coordinator, c.need, "ada@volunteers.example").await;
    let mail = sink.mail_to("ada@volunteers.example", "New proposal").await;
    let unsubscribe = link(&app, &mail, "/unsubscribe/");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    for (width, height) in [(360, 780), (1280, 900)] {
        let browser = Browser::start(BrowserOptions {
            javascript: true,
            width,
            height,
        })
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
        goto(&browser, &unsubscribe, true).await;
        browser.wait_for_text("Stop mail from Frontline about").await;
        browser
            .screenshot(&dir.join(format!("unsubscribe-{width}.png")))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        goto(&browser, &app.url("/login"), true).await;
        browser.fill("#field-email", "ada@volunteers.example").await;
        browser.fill("#field-password", PASSWORD).await;
        browser
            .click_on("form[action='/api/login'] button[type=submit]")
            .await;
        browser.wait_for_text("data-viewer").await;
        goto(&browser, &app.url("/account/mail"), true).await;
        browser.wait_for_text("data-topic").await;
        browser
            .screenshot(&dir.join(format!("account-mail-{width}.png")))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        goto(&browser, &app.url("/notifications"), true).await;
        browser
            .screenshot(&dir.join(format!("notifications-{width}.png")))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
    app.stop().await;
}
