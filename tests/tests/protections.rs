//! SECURITY.md, Browser (V3): CSRF on every server function, security headers,
//! no caching of private pages, HSTS; and Access control (V8) for this issue's
//! roles: volunteers and anonymous visitors never reach coordinator pages or
//! server functions.

use frontline_tests::{DbKind, TestApp, db_tests};
use sea_orm::EntityTrait as _;

/// Every server function the application registers.
fn server_functions() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    paths.sort_unstable();
    paths
}

db_tests! {
    async fn every_server_function_refuses_cross_site_posts(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let session = coordinator.session_cookie().unwrap_or_default();
        let paths = server_functions();
        assert!(paths.len() >= 20, "{paths:?}");
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
        for path in &paths {
            let attempts: [(&str, &str); 3] = [
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-site", "same-site"),
                ("origin", "null"),
            ];
            for (header, value) in attempts {
                let res = http
                    .post(app.url(path))
                    .header("cookie", format!("{}={session}", frontline_tests::SESSION_COOKIE))
                    .header(header, value)
                    .form(&[("account", "1")])
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(res.status(), 403, "{path} with {header}: {value}");
                let vary: Vec<String> = res.headers().get_all("vary").iter().filter_map(|v| v.to_str().ok().map(ToOwned::to_owned)).collect();
                assert!(vary.iter().any(|v| v.contains("Sec-Fetch-Site") && v.contains("Origin")), "{path}: {vary:?}");
            }
            let res = http
                .post(app.url(path))
                .header("cookie", format!("{}={session}", frontline_tests::SESSION_COOKIE))
                .header("origin", "https://evil.example")
                .form(&[("account", "1")])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(res.status(), 403, "{path} from a foreign origin");
        }
        // Still signed in: none of the refused requests did anything.
        assert_eq!(coordinator.whoami().await.as_deref(), Some("coord@example.org"));
    }

    async fn a_same_origin_form_post_without_javascript_works(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let browser = app.client();
        let res = browser.submit("/login", "/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        assert_eq!(res.status(), 302);
        assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/account"));
        assert_eq!(browser.whoami().await.as_deref(), Some("ada@example.org"));
        // An older browser: no Sec-Fetch-Site, but a same-origin Origin.
        let res = browser
            .http()
            .post(browser.url("/api/logout"))
            .header("origin", browser.url(""))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 302);
        assert_eq!(browser.whoami().await, None);
    }

    async fn a_failed_form_post_without_javascript_shows_the_error_and_keeps_the_input(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let browser = app.client();
        let res = browser
            .submit("/register", "/api/register", &[("email", "not-an-email"), ("display_name", "Ada </textarea><script>alert(1)</script>"), ("password", "short"), ("role", "volunteer")])
            .await;
        assert_eq!(res.status(), 302);
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let path = location.trim_start_matches(&browser.url(""));
        assert_eq!(path, "/register", "back to the page, with neither the error nor a typed value in the address");
        let page = browser.get_text(path, 200).await;
        assert!(page.contains("Enter an email address like"), "{page}");
        assert!(page.contains("Use at least 12 characters."), "{page}");
        assert!(page.contains("value=\"not-an-email\""), "the email is kept: {page}");
        assert!(page.contains("Ada &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped: {page}");
        assert!(!page.contains("<script>alert(1)"), "{page}");
        assert!(!page.contains("value=\"short\""), "passwords are never kept");
        // An error summary leads, taking the focus, each message a link to its field.
        let summary = page.split("data-error-summary").nth(1).unwrap_or_else(|| panic!("no error summary: {page}"));
        assert!(page.contains("autofocus"), "the summary takes the focus");
        assert!(summary.contains("href=\"#field-email\"") && summary.contains("href=\"#field-password\""), "{summary}");
        // Shown once: a reload is a fresh form.
        let again = browser.get_text(path, 200).await;
        assert!(
            !again.contains("field__error")
                && !again.contains("&quot;server_message&quot;:&quot;")
                && !again.contains("data-error-summary"),
            "the error went with the first render: {}",
            again.split("<main").nth(1).unwrap_or_default()
        );
        assert!(!again.contains("value=\"not-an-email\""), "{again}");
    }

    async fn a_failed_post_keeps_the_rest_of_the_address(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let browser = app.client();
        let res = browser
            .submit("/login?next=%2Fneeds", "/api/login", &[("email", "nobody@example.org"), ("password", "wrong password here")])
            .await;
        assert_eq!(res.status(), 302);
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let path = location.trim_start_matches(&browser.url(""));
        assert_eq!(path, "/login?next=%2Fneeds");
        let page = browser.get_text(path, 200).await;
        assert!(page.contains("role=\"alert\""), "the error is shown: {page}");
    }

    async fn private_pages_and_answers_are_never_cached(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        app.register(&client, "volunteer", "ada@example.org").await;
        for path in ["/account", "/account/sessions", "/"] {
            let res = client.get(path).await;
            assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"), "{path}");
        }
        let res = client.call("/api/whoami", &[]).await;
        assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        let res = client.get("/pkg/frontline.css").await;
        assert_ne!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"), "the static bundle may be cached");
    }

    async fn static_files_are_fetched_once(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let header = |res: &reqwest::Response, name: &str| {
            res.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
        };
        let home = client.get_text("/", 200).await;
        // The page links its stylesheet by version; it has no island, so no bundle.
        let css = home
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|href| href.starts_with("/pkg/frontline.css?v="))
            .unwrap_or_else(|| panic!("no versioned stylesheet: {home}"))
            .to_owned();
        assert!(!home.contains("<leptos-island"), "the home page has no island: {home}");
        assert!(!home.contains("modulepreload") && !home.contains("rel=\"preload\""), "{home}");
        assert!(home.contains("if (document.querySelector(\"leptos-island\"))"), "{home}");

        // The versioned URL may be kept for a year.
        let res = client.get(&css).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
        // Any other version (an old page after a new build) is revalidated.
        let stale = client.get("/pkg/frontline.css?v=0000000000000000").await;
        assert_eq!(header(&stale, "cache-control").as_deref(), Some("no-cache"));

        // Unversioned: revalidated, and a browser that has it gets 304 with no body.
        let res = client.get("/pkg/frontline.js").await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "cache-control").as_deref(), Some("no-cache"));
        let modified = header(&res, "last-modified").unwrap_or_else(|| panic!("no Last-Modified"));
        let again = client
            .request(reqwest::Method::GET, "/pkg/frontline.js")
            .header("if-modified-since", &modified)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.status(), 304);
        assert_eq!(header(&again, "cache-control").as_deref(), Some("no-cache"));
        assert!(again.bytes().await.unwrap_or_default().is_empty());

        assert_eq!(client.get("/pkg/nothing-here.js").await.status(), 404);
    }

    async fn volunteers_never_reach_coordinator_pages_or_functions(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut volunteer = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut volunteer).await;
        for path in ["/coordinator", "/coordinator/accounts", "/coordinator/audit"] {
            let page = client.get_text(path, 403).await;
            assert!(page.contains("Not allowed"), "{path}");
        }
        for (path, fields) in [
            ("/api/admin/accounts", vec![]),
            ("/api/admin/audit", vec![]),
            ("/api/admin/set_role", vec![("account", volunteer.id.to_string()), ("role", "coordinator".to_owned())]),
            ("/api/admin/reset_link", vec![("account", volunteer.id.to_string())]),
            ("/api/admin/invite_coordinator", vec![("email", "x@example.org".to_owned()), ("display_name", "X".to_owned())]),
            ("/api/require_coordinator", vec![]),
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(client.call(path, &fields).await.status(), 403, "{path}");
        }
        let role = entity::account::Entity::find_by_id(volunteer.id)
            .one(&app.db)
            .await
            .ok()
            .flatten()
            .map(|a| a.role);
        assert_eq!(role, Some(entity::account::Role::Volunteer));
    }

    async fn anonymous_visitors_are_sent_to_sign_in(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let res = client.get("/coordinator/audit").await;
        assert_eq!(res.status(), 302);
        assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/login?next=/coordinator/audit"));
        assert_eq!(client.call("/api/admin/accounts", &[]).await.status(), 401);
        assert_eq!(client.call("/api/my_sessions", &[]).await.status(), 401);
    }

    async fn coordinators_must_enrol_a_second_factor_before_admin_pages(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.coordinator("coord@example.org").await;
        let client = app.client();
        app.sign_in(&client, &user).await;
        let res = client.get("/coordinator").await;
        assert_eq!(res.status(), 302);
        assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/account/two-factor?required=1"));
        assert_eq!(client.call("/api/admin/accounts", &[]).await.status(), 403);
        let mut user = user;
        app.enrol_totp(&client, &mut user).await;
        client.get_text("/coordinator", 200).await;
        assert_eq!(client.call("/api/admin/accounts", &[]).await.status(), 200);
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_served_over_https() {
    let plain = TestApp::spawn(DbKind::Sqlite).await;
    assert!(
        plain
            .client()
            .get("/")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
    let tls = TestApp::spawn_with(DbKind::Sqlite, |s| {
        s.public_url = "https://frontline.example.org".into()
    })
    .await;
    let res = tls.client().get("/").await;
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(hsts.contains("max-age=31536000"), "{hsts}");
}

#[tokio::test]
async fn malformed_server_function_input_is_a_400_not_a_500() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let client = app.client();
    let res = client.call("/api/login", &[("nonsense", "1")]).await;
    assert_eq!(res.status(), 400);
    let res = client
        .call(
            "/api/admin/set_status",
            &[("account", "not-a-number"), ("disabled", "true")],
        )
        .await;
    assert_eq!(res.status(), 400);
}
