//! Slow links: each page's first render (its HTML and the stylesheet, as a
//! browser receives them, compressed) stays under 30 KB for every role; and
//! under Chromium's network emulation at 2G (250 kbit/s, 300 ms round trip) the
//! home page, the sign-in page and the needs list are readable — painted, with
//! their stylesheet — in under 5 s.
//!
//! Both tests print their figures (weights per page, paint times), for the note.

use frontline_tests::{
    DbKind, SESSION_COOKIE, TestApp, TestClient,
    journeys::{browser, open, sign_in},
    world::{self, Ids, concrete_paths},
};
use std::time::Duration;

/// The most a page's first render may weigh, compressed.
const FIRST_RENDER_MAX_BYTES: usize = 30 * 1024;

/// What a current browser offers.
const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// A client that keeps responses compressed, as they travel.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The status and compressed size of `path` fetched with `client`'s session.
async fn weigh(raw: &reqwest::Client, client: &TestClient, path: &str) -> (u16, usize) {
    let mut req = raw
        .get(client.url(path))
        .header("accept", "text/html")
        .header("accept-encoding", ACCEPT_ENCODING);
    if let Some(session) = client.session_cookie() {
        req = req.header("cookie", format!("{SESSION_COOKIE}={session}"));
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = res.status().as_u16();
    let body = res.bytes().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    (status, body.len())
}

/// The stylesheet's address in a page.
fn stylesheet(html: &str) -> Option<String> {
    let at = html.find("rel=\"stylesheet\"")?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let href = tag.split("href=\"").nth(1)?;
    Some(href[..href.find('"')?].to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_weight_every_page_first_render_is_under_30_kb_compressed() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let cast = world::cast(&app).await;
    let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
    let paths = concrete_paths(&Ids {
        need: cast.need,
        engagement,
        organisation: cast.organisation,
        volunteer: app.account_id("ada@volunteers.example").await,
        advisory: None,
    });
    let raw = raw_client();
    let roles = [
        ("anonymous", app.client()),
        ("member", cast.member.clone()),
        ("volunteer", cast.volunteer.clone()),
        ("coordinator", cast.coordinator.clone()),
    ];
    let home = app.client().get_text("/", 200).await;
    let href = stylesheet(&home).unwrap_or_else(|| panic!("no stylesheet in {home}"));
    let (_, css) = weigh(&raw, &app.client(), &href).await;
    println!("stylesheet {href}: {css} bytes compressed");
    let mut heavy = Vec::new();
    let mut measured = 0;
    println!("| role | page | HTML (compressed) | HTML + CSS |");
    println!("|---|---|---|---|");
    for (role, client) in &roles {
        for path in &paths {
            let (status, html) = weigh(&raw, client, path).await;
            if (300..400).contains(&status) {
                continue;
            }
            let total = html + css;
            measured += 1;
            println!("| {role} | {path} ({status}) | {html} | {total} |");
            if total > FIRST_RENDER_MAX_BYTES {
                heavy.push(format!("{role} {path}: {total} bytes"));
            }
        }
    }
    assert!(measured >= 60, "only {measured} pages measured");
    assert!(heavy.is_empty(), "first renders over 30 KB: {heavy:#?}");
    app.stop().await;
}

/// A 2G link, for `Network.emulateNetworkConditions`: 300 ms round trip,
/// 250 kbit/s each way (in bytes per second).
fn two_g() -> serde_json::Value {
    serde_json::json!({
        "offline": false,
        "latency": 300,
        "downloadThroughput": 250_000 / 8,
        "uploadThroughput": 250_000 / 8,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_on_2g_the_home_sign_in_and_needs_pages_are_readable_within_5_s() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let cast = world::cast(&app).await;
    let mut slow = Vec::new();
    for javascript in [true, false] {
        let b = browser(javascript).await;
        for (cmd, params) in [
            ("Network.enable", serde_json::json!({})),
            // Every visit is a first visit: nothing comes from the cache.
            (
                "Network.setCacheDisabled",
                serde_json::json!({ "cacheDisabled": true }),
            ),
            ("Network.emulateNetworkConditions", two_g()),
        ] {
            b.cdp(cmd, params)
                .await
                .unwrap_or_else(|e| panic!("{cmd}: {e:#}"));
        }
        for path in ["/", "/login", "/needs"] {
            if path == "/needs" {
                sign_in(&app, &b, false, &cast.volunteer_user).await;
                b.wait_for_text("data-viewer=").await;
            }
            open(&app, &b, false, path).await;
            // Readable: painted (when the browser reports paints), else the
            // moment the HTML and the stylesheet (render-blocking) are in.
            let painted = b
                .execute(
                    "const p = performance.getEntriesByName('first-contentful-paint')[0];\
                     const nav = performance.getEntriesByType('navigation')[0];\
                     const css = performance.getEntriesByType('resource').filter(r => new URL(r.name).pathname.endsWith('.css'));\
                     const ready = Math.max(nav.responseEnd, ...css.map(r => r.responseEnd));\
                     const styled = [...document.styleSheets].some(s => s.cssRules.length > 0);\
                     return [p ? p.startTime : ready, styled, document.querySelector('main h1') !== null,\
                             location.pathname, css.length, nav.responseEnd];",
                    vec![],
                )
                .await
                .unwrap_or_else(|e| panic!("{e:#}"));
            let ms = painted[0].as_f64().unwrap_or(f64::INFINITY);
            println!(
                "2G, javascript={javascript}: {path} readable at {ms:.0} ms (HTML in at {:.0} ms)",
                painted[5].as_f64().unwrap_or_default()
            );
            assert_eq!(painted[3], path, "the page itself, not a redirect");
            assert_eq!(painted[1], true, "{path}: the stylesheet applies");
            assert_eq!(painted[2], true, "{path}: the page has its heading");
            assert_eq!(
                painted[4], 1,
                "{path}: the stylesheet was fetched (nothing cached)"
            );
            // The emulation is on: the HTML alone takes more than a round trip.
            assert!(
                painted[5].as_f64().unwrap_or_default() >= 300.0,
                "{path}: no 2G emulation?"
            );
            if ms >= 5_000.0 {
                slow.push(format!("{path} (javascript={javascript}): {ms:.0} ms"));
            }
        }
    }
    assert!(slow.is_empty(), "not readable within 5 s at 2G: {slow:?}");
    app.stop().await;
}
