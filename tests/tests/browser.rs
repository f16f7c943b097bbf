//! In headless Chromium: the page hydrates without console errors, and works
//! without JavaScript.

use frontline_tests::{
    DbKind, TestApp,
    browser::{Browser, BrowserOptions},
    db_tests,
};
use std::time::Duration;

const NARROW: BrowserOptions = BrowserOptions {
    javascript: true,
    width: 420,
    height: 900,
};

db_tests! {
    async fn the_page_hydrates_and_the_menu_works(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let browser = Browser::start(NARROW).await.unwrap_or_else(|e| panic!("{e:#}"));
        browser.goto(&app.url("/")).await.unwrap_or_else(|e| panic!("{e:#}"));

        // The menu button only appears once the wasm bundle has hydrated the page.
        let toggle = browser.get(".site-nav__toggle").await.unwrap_or_else(|e| panic!("{e:#}"));
        browser
            .wait_until("hydration", Duration::from_secs(20), || browser.displayed(&toggle))
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let links = browser.get("#site-nav-links").await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(!browser.displayed(&links).await.unwrap_or(true), "links fold behind the menu");

        browser.click(&toggle).await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(browser.displayed(&links).await.unwrap_or(false), "the menu opens");
        assert_eq!(
            browser.attribute(&toggle, "aria-expanded").await.ok().flatten().as_deref(),
            Some("true")
        );

        // Client-side navigation after hydration.
        let about = browser.get("#site-nav-links a[href='/about']").await.unwrap_or_else(|e| panic!("{e:#}"));
        browser.click(&about).await.unwrap_or_else(|e| panic!("{e:#}"));
        browser
            .wait_until("the about page", Duration::from_secs(10), || async {
                Ok(browser.source().await?.contains("How Frontline works"))
            })
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));

        let errors = browser.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }

    async fn without_javascript_the_page_renders_and_navigates(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let browser = Browser::start(BrowserOptions { javascript: false, ..NARROW })
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        browser.goto(&app.url("/")).await.unwrap_or_else(|e| panic!("{e:#}"));

        let figures = browser.get("[data-figure='open-needs'] dd").await.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(browser.text(&figures).await.ok().as_deref(), Some("0"));
        let toggle = browser.get(".site-nav__toggle").await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(!browser.displayed(&toggle).await.unwrap_or(true), "no dead button without JavaScript");
        let about = browser.get("#site-nav-links a[href='/about']").await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(browser.displayed(&about).await.unwrap_or(false), "links stay visible");

        browser.click(&about).await.unwrap_or_else(|e| panic!("{e:#}"));
        browser
            .wait_until("the about page", Duration::from_secs(10), || async {
                Ok(browser.current_url().await?.ends_with("/about"))
            })
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let h1 = browser.get("h1").await.unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(browser.text(&h1).await.ok().as_deref(), Some("How Frontline works"));
    }
}
