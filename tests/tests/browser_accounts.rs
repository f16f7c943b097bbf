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

const WAIT: Duration = Duration::from_secs(20);

async fn fill(browser: &Browser, css: &str, text: &str) {
    let el = browser.get(css).await.unwrap_or_else(|e| panic!("{e:#}"));
    browser
        .type_text(&el, text)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
}

async fn click(browser: &Browser, css: &str) {
    let el = browser.get(css).await.unwrap_or_else(|e| panic!("{e:#}"));
    browser.click(&el).await.unwrap_or_else(|e| panic!("{e:#}"));
}

async fn wait_for_path(browser: &Browser, path: &str) {
    browser
        .wait_until(&format!("the page {path}"), WAIT, || async {
            let url = browser.current_url().await?;
            Ok(url.split('?').next().is_some_and(|u| u.ends_with(path)))
        })
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
}

async fn wait_for_text(browser: &Browser, text: &str) {
    let found = browser
        .wait_until(&format!("\"{text}\""), WAIT, || async {
            Ok(browser.source().await?.contains(text))
        })
        .await;
    if let Err(e) = found {
        let page = browser.source().await.unwrap_or_default();
        let main = page.split("<main").nth(1).unwrap_or(&page);
        let console = browser.console().await.unwrap_or_default();
        panic!("{e:#}\npage: <main{main}\nconsole: {console:#?}");
    }
}

/// With JavaScript, waits until the page has hydrated (the menu button loses
/// its `hidden` attribute), so forms are enhanced before the test uses them.
async fn settle(browser: &Browser, javascript: bool) {
    if javascript {
        browser
            .wait_until("hydration", WAIT, || async {
                let toggle = browser.get(".site-nav__toggle").await?;
                Ok(browser.attribute(&toggle, "hidden").await?.is_none())
            })
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
    }
}

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
    settle(&browser, javascript).await;
    click(&browser, "input[name=role][value=volunteer]").await;
    fill(&browser, "#field-display_name", "Grace Hopper").await;
    fill(&browser, "#field-email", "grace@example.org").await;
    fill(&browser, "#field-password", PASSWORD).await;
    click(&browser, "form[action='/api/register'] button[type=submit]").await;
    wait_for_path(&browser, "/account").await;
    wait_for_text(&browser, "grace@example.org").await;

    // Enrol TOTP.
    settle(&browser, javascript).await;
    click(&browser, "a[href='/account/two-factor'].button").await;
    wait_for_path(&browser, "/account/two-factor").await;
    wait_for_text(&browser, "data-secret").await;
    settle(&browser, javascript).await;
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
    fill(
        &browser,
        "form[action='/api/confirm_mfa'] #field-code",
        &user.code(app, 0),
    )
    .await;
    click(&browser, "form[action='/api/confirm_mfa'] button[type=submit]").await;
    wait_for_text(&browser, "data-recovery-codes").await;
    let codes = browser
        .source()
        .await
        .unwrap_or_default()
        .matches("<li><code>")
        .count();
    assert_eq!(codes, 10, "ten recovery codes shown once");

    // Sign out.
    settle(&browser, javascript).await;
    click(&browser, "form[action='/api/logout'] button").await;
    wait_for_text(&browser, "href=\"/login\"").await;
    assert_eq!(app.client().with_session_cookie("x").whoami().await, None);

    // Sign in with password and code.
    browser
        .goto(&app.url("/login"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    settle(&browser, javascript).await;
    fill(&browser, "#field-email", "grace@example.org").await;
    fill(&browser, "#field-password", PASSWORD).await;
    click(&browser, "form[action='/api/login'] button[type=submit]").await;
    wait_for_path(&browser, "/login/second-factor").await;
    settle(&browser, javascript).await;
    app.clock.advance(Duration::from_secs(30));
    user.password = PASSWORD.into();
    fill(
        &browser,
        "form[action='/api/login_second_factor'] #field-code",
        &user.code(app, 0),
    )
    .await;
    click(
        &browser,
        "form[action='/api/login_second_factor'] button[type=submit]",
    )
    .await;
    wait_for_path(&browser, "/account").await;
    wait_for_text(&browser, "data-viewer=\"Grace Hopper\"").await;

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
        settle(&browser, javascript).await;
        fill(&browser, "#field-email", "grace@example.org").await;
        fill(&browser, "#field-password", "not the password at all").await;
        click(&browser, "form[action='/api/login'] button[type=submit]").await;
        wait_for_text(&browser, "The email address or the password is incorrect.").await;
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
