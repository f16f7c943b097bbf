//! Steps the browser journeys share: starting a browser, signing in.

use crate::{
    TestApp,
    browser::{Browser, BrowserOptions},
    users::TestUser,
};
use std::time::Duration;

/// A headless Chromium, with or without JavaScript.
///
/// # Panics
/// When Chromium or chromedriver cannot start.
pub async fn browser(javascript: bool) -> Browser {
    Browser::start(BrowserOptions {
        javascript,
        ..BrowserOptions::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}"))
}

/// Opens `path` and, with JavaScript, waits for hydration.
///
/// # Panics
/// When the page cannot be opened.
pub async fn open(app: &TestApp, b: &Browser, javascript: bool, path: &str) {
    b.goto(&app.url(path)).await.unwrap_or_else(|e| panic!("{e:#}"));
    b.settle(javascript).await;
}

/// Signs a user in with their password, in the browser.
///
/// # Panics
/// When a step fails.
pub async fn sign_in(app: &TestApp, b: &Browser, javascript: bool, user: &TestUser) {
    open(app, b, javascript, "/login").await;
    b.fill("#field-email", &user.email).await;
    b.fill("#field-password", &user.password).await;
    b.click_on("form[action='/api/login'] button[type=submit]").await;
}

/// Signs a coordinator in, in the browser (password, then a TOTP code).
///
/// # Panics
/// When a step fails.
pub async fn coordinator_signs_in(app: &TestApp, b: &Browser, javascript: bool, user: &TestUser) {
    sign_in(app, b, javascript, user).await;
    b.wait_for_path("/login/second-factor").await;
    b.settle(javascript).await;
    app.clock.advance(Duration::from_secs(30));
    b.fill(
        "form[action='/api/login_second_factor'] #field-code",
        &user.code(app, 0),
    )
    .await;
    b.click_on("form[action='/api/login_second_factor'] button[type=submit]")
        .await;
    b.wait_for_path("/account").await;
}
