//! Browser journeys for accounts, with and without JavaScript: register, enrol
//! TOTP, sign out, sign in with a code. The CSP header is on every page, so
//! these also show that hydration works under the nonce policy.

use frontline_tests::{
    DbKind, TestApp,
    browser::{Browser, BrowserOptions},
    db_tests,
    users::{PASSWORD, TestUser},
};
use std::time::Duration;

async fn journey(app: &TestApp, javascript: bool) {
    let browser = Browser::start(BrowserOptions {
        javascript,
        ..BrowserOptions::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}"));

    // Register as a volunteer.
    browser
        .goto(&app.url("/register"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    browser.settle(javascript).await;
    browser.click_on("input[name=role][value=volunteer]").await;
    browser.fill("#field-display_name", "Grace Hopper").await;
    browser.fill("#field-email", "grace@example.org").await;
    browser.fill("#field-password", PASSWORD).await;
    browser
        .click_on("form[action='/api/register'] button[type=submit]")
        .await;
    browser.wait_for_path("/login").await;
    browser.settle(javascript).await;
    browser.fill("#field-password", PASSWORD).await;
    browser
        .click_on("form[action='/api/login'] button[type=submit]")
        .await;
    browser.wait_for_path("/volunteer").await;
    browser
        .goto(&app.url("/account"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    browser.wait_for_text("grace@example.org").await;

    // Enrol TOTP.
    browser.settle(javascript).await;
    browser.click_on("a[href='/account/two-factor'].button").await;
    browser.wait_for_path("/account/two-factor").await;
    browser.wait_for_text("data-secret").await;
    browser.settle(javascript).await;
    let key = browser
        .get("code[data-secret]")
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let key = browser.text(&key).await.unwrap_or_default().replace(' ', "");
    let mut user = TestUser {
        id: app.account_id("grace@example.org").await,
        email: "grace@example.org".into(),
        password: PASSWORD.into(),
        totp_secret: Some(key),
    };
    assert!(
        browser.find(".qr svg").await.ok().flatten().is_some(),
        "the QR code is drawn"
    );
    browser
        .fill("form[action='/api/confirm_mfa'] #field-code", &user.code(app, 0))
        .await;
    browser
        .click_on("form[action='/api/confirm_mfa'] button[type=submit]")
        .await;
    browser.wait_for_text("data-recovery-codes").await;
    let codes = browser
        .source()
        .await
        .unwrap_or_default()
        .matches("<li><code>")
        .count();
    assert_eq!(codes, 10, "ten recovery codes shown once");

    // Sign out.
    browser.settle(javascript).await;
    browser.click_on("form[action='/api/logout'] button").await;
    browser.wait_for_text("href=\"/login\"").await;
    assert_eq!(app.client().with_session_cookie("x").whoami().await, None);

    // Sign in with password and code.
    browser
        .goto(&app.url("/login"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    browser.settle(javascript).await;
    browser.fill("#field-email", "grace@example.org").await;
    browser.fill("#field-password", PASSWORD).await;
    browser
        .click_on("form[action='/api/login'] button[type=submit]")
        .await;
    browser.wait_for_path("/login/second-factor").await;
    browser.settle(javascript).await;
    app.clock.advance(Duration::from_secs(30));
    user.password = PASSWORD.into();
    browser
        .fill(
            "form[action='/api/login_second_factor'] #field-code",
            &user.code(app, 0),
        )
        .await;
    browser
        .click_on("form[action='/api/login_second_factor'] button[type=submit]")
        .await;
    browser.wait_for_path("/account").await;
    browser.wait_for_text("data-viewer=\"Grace Hopper\"").await;

    if javascript {
        let errors = browser.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }
}

db_tests! {
    async fn register_enrol_sign_out_and_in_with_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        journey(&app, true).await;
    }

    async fn register_enrol_sign_out_and_in_without_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        journey(&app, false).await;
    }
}

#[tokio::test]
async fn a_wrong_password_shows_the_error_next_to_the_form_and_keeps_the_email() {
    for javascript in [true, false] {
        let app = TestApp::spawn(DbKind::Sqlite).await;
        app.register(&app.client(), "volunteer", "grace@example.org")
            .await;
        let browser = Browser::start(BrowserOptions {
            javascript,
            ..BrowserOptions::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
        browser
            .goto(&app.url("/login"))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        browser.settle(javascript).await;
        browser.fill("#field-email", "grace@example.org").await;
        browser.fill("#field-password", "not the password at all").await;
        browser
            .click_on("form[action='/api/login'] button[type=submit]")
            .await;
        browser
            .wait_for_text("The email address or the password is incorrect.")
            .await;
        let email = browser
            .get("#field-email")
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let value = browser
            .attribute(&email, "value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let typed = browser
            .execute("return document.querySelector('#field-email') ? document.querySelector('#field-email').value : null", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(ToOwned::to_owned));
        assert!(
            value == "grace@example.org" || typed.as_deref() == Some("grace@example.org"),
            "javascript={javascript}: {value:?} {typed:?}"
        );
    }
}
