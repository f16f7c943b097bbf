//! The walking skeleton over HTTP: pages, figures, probes, 404, headers, compression.

use frontline_tests::{DbKind, TestApp, db_tests, fixtures};

/// The number shown for one of the home page's figures.
fn figure(html: &str, name: &str) -> u64 {
    let marker = format!("data-figure=\"{name}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {name} in:\n{html}"));
    let rest = &html[start..];
    let dd = rest
        .find("<dd>")
        .unwrap_or_else(|| panic!("figure {name} has no value"))
        + 4;
    let end = rest[dd..]
        .find("</dd>")
        .unwrap_or_else(|| panic!("figure {name} unterminated"));
    rest[dd..dd + end]
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("figure {name}: {e}"))
}

db_tests! {
    async fn home_page_starts_with_zero_figures(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let html = app.client().get_text("/", 200).await;
        assert!(html.contains("Cybersecurity help for hospitals"), "{html}");
        for name in ["organisations", "volunteers", "open-needs"] {
            assert_eq!(figure(&html, name), 0, "{name}");
        }
    }

    async fn home_page_shows_the_figures_from_the_database(db: DbKind) {
        use entity::{need::Status as N, vetting::VettingStatus as V};
        let app = TestApp::spawn(db).await;
        let approved = fixtures::organisation(&app.db, "Hôpital A", "CD", V::Approved).await;
        fixtures::organisation(&app.db, "Hôpital B", "NG", V::Approved).await;
        fixtures::organisation(&app.db, "Clinique C", "HT", V::Pending).await;
        for (i, status) in [V::Approved, V::Approved, V::Approved, V::Pending, V::Suspended].into_iter().enumerate() {
            fixtures::volunteer(&app.db, &format!("v{i}@example.org"), status).await;
        }
        let author = fixtures::account(&app.db, "member@example.org", entity::account::Role::OrganisationMember).await;
        for status in [N::Open, N::Draft, N::Submitted, N::Resolved] {
            fixtures::need(&app.db, approved, author, status).await;
        }

        let html = app.client().get_text("/", 200).await;

        assert_eq!(figure(&html, "organisations"), 2);
        assert_eq!(figure(&html, "volunteers"), 3);
        assert_eq!(figure(&html, "open-needs"), 1);
    }

    async fn probes_answer(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        assert_eq!(client.get_text("/healthz", 200).await.trim(), "ok");
        assert_eq!(client.get_text("/readyz", 200).await.trim(), "ready");
    }

    async fn readiness_fails_when_the_database_is_gone(db: DbKind) {
        let app = TestApp::spawn(db).await;
        app.db.clone().close().await.unwrap_or_else(|e| panic!("{e}"));
        let client = app.client();
        assert_eq!(client.get_text("/readyz", 503).await.trim(), "database unavailable");
        assert_eq!(client.get_text("/healthz", 200).await.trim(), "ok");
    }

    async fn unknown_paths_get_the_404_page(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let html = app.client().get_text("/no/such/page", 404).await;
        assert!(html.contains("Page not found"), "{html}");
        assert!(html.contains("<header"), "the 404 page keeps the layout: {html}");
    }
}

#[tokio::test]
async fn pages_name_their_language_and_direction() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let res = app
        .client()
        .http()
        .get(app.url("/about"))
        .header("accept-language", "fr-CH, fr;q=0.9, en;q=0.8")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap_or_default();
    // Swiss French gets French; the attributes come from the i18n layer.
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#), "{html}");
    assert!(html.contains("Comment fonctionne Frontline"), "{html}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let client = app.client();
    for path in ["/", "/about", "/nowhere", "/healthz", "/pkg/frontline.css"] {
        let res = client.get(path).await;
        let h = res.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no CSP"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "'wasm-unsafe-eval'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert!(h.contains_key("referrer-policy"), "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
    }
}

#[tokio::test]
async fn the_csp_nonce_is_fresh_and_on_every_inline_script() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let client = app.client();
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let res = client.get("/").await;
        let csp = res
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {csp}"))
            .to_owned();
        let html = res.text().await.unwrap_or_default();
        let scripts = html.matches("<script").count();
        assert!(scripts >= 2, "{html}");
        let with_nonce = html.matches(&format!("<script nonce=\"{nonce}\"")).count()
            + html
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count();
        // The i18n provider renders one empty <script></script>, which runs nothing.
        let empty = html.matches("<script></script>").count();
        assert_eq!(
            with_nonce + empty,
            scripts,
            "every script carries the nonce:\n{html}"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a nonce is never reused");
}

#[tokio::test]
async fn pages_and_bundles_are_compressed() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    // A client that does not decompress, to see what crosses the wire.
    let http = reqwest::Client::builder().no_gzip().build().unwrap();
    for (path, min_ratio) in [("/", 2), ("/pkg/frontline.wasm", 2), ("/pkg/frontline.js", 3)] {
        let plain = http
            .get(app.url(path))
            .header("accept-encoding", "identity")
            .send()
            .await
            .unwrap();
        assert_eq!(plain.status(), 200, "{path}");
        let plain_len = plain.bytes().await.map(|b| b.len()).unwrap_or_default();
        let gz = http
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(
            gz.headers().get("content-encoding").map(|v| v.as_bytes()),
            Some(&b"gzip"[..]),
            "{path}"
        );
        let gz_len = gz.bytes().await.map(|b| b.len()).unwrap_or_default();
        assert!(
            gz_len * min_ratio <= plain_len,
            "{path}: {gz_len} gzipped vs {plain_len}"
        );
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let body = vec![b'a'; app.settings.body_limit_bytes + 1];
    let res = app
        .client()
        .http()
        .post(app.url("/api/figures"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}
