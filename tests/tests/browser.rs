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
    async fn pages_without_islands_load_no_wasm_and_pages_with_them_hydrate(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let browser = Browser::start(NARROW).await.unwrap_or_else(|e| panic!("{e:#}"));
        let fetched = || async {
            let names = browser
                .execute("return performance.getEntriesByType('resource').map(e => e.name);", vec![])
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
            names.as_array().cloned().unwrap_or_default().iter().filter_map(|n| n.as_str().map(str::to_owned)).collect::<Vec<_>>()
        };

        // The home page has no island: it fetches its stylesheet, never the bundle.
        browser.goto(&app.url("/")).await.unwrap_or_else(|e| panic!("{e:#}"));
        tokio::time::sleep(Duration::from_secs(1)).await;
        let home = fetched().await;
        assert!(home.iter().any(|n| n.contains("/pkg/frontline.css?v=")), "{home:#?}");
        assert!(!home.iter().any(|n| n.contains(".wasm") || n.contains("frontline.js")), "{home:#?}");
        let about = browser.get(".site-nav__links a[href='/about']").await.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(browser.displayed(&about).await.unwrap_or(false), "the links show on a narrow screen");

        // The registration form has islands (live validation): the bundle loads and hydrates them.
        browser.goto(&app.url("/register")).await.unwrap_or_else(|e| panic!("{e:#}"));
        browser.settle(true).await;
        let login = fetched().await;
        assert!(login.iter().any(|n| n.contains("/pkg/frontline.wasm?v=")), "{login:#?}");
        browser.fill("input[name='email']", "not an address").await;
        browser.wait_for_text("like name@example.org").await;

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
        let about = browser.get(".site-nav__links a[href='/about']").await.unwrap_or_else(|e| panic!("{e:#}"));
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
