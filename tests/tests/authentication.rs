//! SECURITY.md, Authentication (V6): passwords, hashing, MFA, throttling,
//! reset links, no default accounts. Over HTTP against the real server, on both
//! databases.

use entity::{account, recovery_code, reset_token};
use frontline_tests::{DbKind, TestApp, db_tests, users::PASSWORD};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use std::time::Duration;

fn field_error(body: &serde_json::Value, field: &str) -> Option<String> {
    body["Validation"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
        .map(ToOwned::to_owned)
}

async fn register_with(app: &TestApp, password: &str) -> (u16, serde_json::Value) {
    let res = app
        .client()
        .call(
            "/api/register",
            &[
                ("email", "ada@example.org"),
                ("display_name", "Ada Lovelace"),
                ("password", password),
                ("role", "volunteer"),
            ],
        )
        .await;
    let status = res.status().as_u16();
    (
        status,
        serde_json::from_str(&res.text().await.unwrap_or_default()).unwrap_or_default(),
    )
}

db_tests! {
    async fn there_are_no_default_accounts(db: DbKind) {
        let app = TestApp::spawn(db).await;
        assert_eq!(account::Entity::find().count(&app.db).await.ok(), Some(0));
    }

    async fn short_passwords_are_refused_and_long_ones_accepted(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (status, body) = register_with(&app, "Tr0ub4d!x7q").await;
        assert_eq!(status, 422);
        assert_eq!(field_error(&body, "password").as_deref(), Some("PasswordTooShort"));

        let long: String = "river lantern quiet orbit ".repeat(6).chars().take(150).collect();
        let (status, body) = register_with(&app, &long).await;
        assert_eq!(status, 200, "{body}");
    }

    async fn common_and_personal_passwords_are_refused(db: DbKind) {
        let app = TestApp::spawn(db).await;
        for weak in ["password12345", "adalovelace2026", "frontline2026"] {
            let (status, body) = register_with(&app, weak).await;
            assert_eq!(status, 422, "{weak}");
            assert_eq!(field_error(&body, "password").as_deref(), Some("PasswordWeak"), "{weak}");
        }
    }

    async fn passwords_are_argon2id_at_the_required_cost(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let stored = account::Entity::find_by_id(user.id).one(&app.db).await.ok().flatten().map(|a| a.password_hash);
        let stored = stored.unwrap_or_default();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(!stored.contains(PASSWORD));
    }

    async fn passwords_are_verified_exactly_as_typed(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let password = "  spaced river lantern orbit  ";
        let res = client
            .call("/api/register", &[("email", "ada@example.org"), ("display_name", "Ada"), ("password", password), ("role", "volunteer")])
            .await;
        assert_eq!(res.status(), 200);
        let fresh = app.client();
        let trimmed = fresh.call("/api/login", &[("email", "ada@example.org"), ("password", password.trim())]).await;
        assert_eq!(trimmed.status(), 401, "no trimming");
        let exact = fresh.call("/api/login", &[("email", "ada@example.org"), ("password", password)]).await;
        assert_eq!(exact.status(), 200);
    }

    async fn unknown_email_and_wrong_password_get_the_same_answer(db: DbKind) {
        let app = TestApp::spawn(db).await;
        app.register(&app.client(), "volunteer", "ada@example.org").await;
        let client = app.client();
        let wrong = client.call("/api/login", &[("email", "ada@example.org"), ("password", "not the right one at all")]).await;
        let unknown = client.call("/api/login", &[("email", "nobody@example.org"), ("password", "not the right one at all")]).await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(unknown.status(), 401);
        assert_eq!(wrong.text().await.ok(), unknown.text().await.ok());
    }

    async fn changing_the_password_needs_the_current_one(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "ada@example.org").await;
        let new = "a different passphrase for ada";
        let res = client
            .call("/api/change_password", &[("current_password", "not my password at all"), ("new_password", new), ("confirm_password", new)])
            .await;
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = serde_json::from_str(&res.text().await.unwrap_or_default()).unwrap_or_default();
        assert_eq!(field_error(&body, "current_password").as_deref(), Some("CurrentPasswordWrong"));

        let res = client
            .call("/api/change_password", &[("current_password", &user.password), ("new_password", new), ("confirm_password", new)])
            .await;
        assert_eq!(res.status(), 200);
        let fresh = app.client();
        assert_eq!(fresh.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await.status(), 401);
        assert_eq!(fresh.call("/api/login", &[("email", &user.email), ("password", new)]).await.status(), 200);
    }

    async fn totp_enrolment_then_sign_in_asks_for_the_code(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        let codes = app.enrol_totp(&client, &mut user).await;
        assert_eq!(codes.len(), 10);

        // Recovery codes are stored hashed.
        let stored: Vec<String> = recovery_code::Entity::find()
            .filter(recovery_code::Column::AccountId.eq(user.id))
            .all(&app.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.code_hash)
            .collect();
        assert_eq!(stored.len(), 10);
        for code in &codes {
            assert!(!stored.iter().any(|h| h.contains(&code.replace('-', ""))));
        }

        let fresh = app.client();
        fresh.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        assert_eq!(fresh.whoami().await, None, "the password alone does not sign in");
        app.clock.advance(Duration::from_secs(30));
        let wrong = fresh.call("/api/login_second_factor", &[("code", "000000")]).await;
        assert_eq!(wrong.status(), 422);
        let ok = fresh.call("/api/login_second_factor", &[("code", &user.code(&app, 0))]).await;
        assert_eq!(ok.status(), 200);
        assert_eq!(fresh.whoami().await.as_deref(), Some("ada@example.org"));
    }

    async fn a_totp_code_is_accepted_once(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut user).await;
        app.clock.advance(Duration::from_secs(30));
        let code = user.code(&app, 0);

        let first = app.client();
        first.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        assert_eq!(first.call("/api/login_second_factor", &[("code", &code)]).await.status(), 200);

        let second = app.client();
        second.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        assert_eq!(second.call("/api/login_second_factor", &[("code", &code)]).await.status(), 422, "replay");
        assert_eq!(second.whoami().await, None);
    }

    async fn a_recovery_code_signs_in_once(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        let codes = app.enrol_totp(&client, &mut user).await;
        for expected in [200, 422] {
            let c = app.client();
            c.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
            let res = c.call("/api/login_second_factor", &[("recovery_code", &codes[0])]).await;
            assert_eq!(res.status().as_u16(), expected);
        }
    }

    async fn removing_the_second_factor_needs_the_password_and_a_code(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut user).await;
        app.clock.advance(Duration::from_secs(30));
        let code = user.code(&app, 0);
        let res = client.call("/api/disable_mfa", &[("password", "not my password at all"), ("code", &code)]).await;
        assert_eq!(res.status(), 422);
        let res = client.call("/api/disable_mfa", &[("password", &user.password), ("code", "123456")]).await;
        assert_eq!(res.status(), 422);
        let res = client.call("/api/disable_mfa", &[("password", &user.password), ("code", &code)]).await;
        assert_eq!(res.status(), 200);
        let account = account::Entity::find_by_id(user.id).one(&app.db).await.ok().flatten();
        assert_eq!(account.and_then(|a| a.totp_secret), None);
    }

    async fn sign_in_is_throttled_per_account_without_permanent_lockout(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let attacker = app.client();
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let res = attacker.call("/api/login", &[("email", &user.email), ("password", "guess guess guess")]).await;
            statuses.push(res.status().as_u16());
            if res.status() == 429 {
                assert!(res.headers().get("retry-after").is_some(), "429 carries Retry-After");
            }
        }
        assert_eq!(&statuses[..3], &[401, 401, 401]);
        assert!(statuses.contains(&429), "{statuses:?}");
        // Even the right password waits while throttled…
        let res = attacker.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        assert_eq!(res.status(), 429);
        // …but only for a while: waits are bounded.
        app.clock.advance(Duration::from_secs(16 * 60));
        let res = app.client().call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        assert_eq!(res.status(), 200);
    }

    async fn sign_in_is_throttled_per_address_and_forwarded_for_is_ignored(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let attacker = app.client();
        let mut last = 0;
        // Generous (many people may share an address), but bounded.
        for i in 0..=app::infra::throttle::SHARED_FREE {
            // A different account each time, and a spoofed X-Forwarded-For.
            let res = attacker
                .http()
                .post(attacker.url("/api/login"))
                .header("sec-fetch-site", "same-origin")
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .form(&[("email", format!("victim{i}@example.org")), ("password", "guess guess guess".into())])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            last = res.status().as_u16();
        }
        assert_eq!(last, 429, "one address, many accounts: throttled despite X-Forwarded-For");
    }

    async fn behind_a_trusted_proxy_forwarded_addresses_count_separately(db: DbKind) {
        let app = TestApp::spawn_with(db, |s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap_or_else(|e| panic!("{e}"))]).await;
        let client = app.client();
        for i in 0..6 {
            let res = client
                .http()
                .post(client.url("/api/login"))
                .header("sec-fetch-site", "same-origin")
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .form(&[("email", format!("someone{i}@example.org")), ("password", "guess guess guess".into())])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(res.status(), 401, "each forwarded address is its own client");
        }
    }

    async fn second_factor_codes_are_throttled(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut user).await;
        let c = app.client();
        c.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(c.call("/api/login_second_factor", &[("code", "000000")]).await.status().as_u16());
        }
        assert!(statuses.contains(&429), "{statuses:?}");
    }

    async fn password_changes_are_throttled(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        app.register(&client, "volunteer", "ada@example.org").await;
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let res = client
                .call("/api/change_password", &[("current_password", "wrong wrong wrong"), ("new_password", "x"), ("confirm_password", "x")])
                .await;
            statuses.push(res.status().as_u16());
        }
        assert!(statuses.contains(&429), "{statuses:?}");
    }

    async fn reset_links_are_hashed_single_use_and_expire(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;

        let link: serde_json::Value = coordinator.call_json("/api/admin/reset_link", &[("account", &user.id.to_string())]).await;
        let link = link.as_str().unwrap_or_default().to_owned();
        let token = link.rsplit('/').next().unwrap_or_default().to_owned();
        assert!(token.len() >= 43, "at least 256 bits: {token}");
        let stored = reset_token::Entity::find().all(&app.db).await.unwrap_or_default();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].token_hash, token, "stored hashed");

        let page = app.client().get_text(&format!("/reset/{token}"), 200).await;
        assert!(page.contains("Test User"), "{page}");
        let new = "a brand new passphrase for ada";
        let client = app.client();
        let fields = [("token", token.as_str()), ("new_password", new), ("confirm_password", new)];
        assert_eq!(client.call("/api/reset_password", &fields).await.status(), 200);
        assert_eq!(client.call("/api/reset_password", &fields).await.status(), 404, "single use");
        assert_eq!(client.whoami().await, None, "a reset does not sign in");
        assert_eq!(app.client().call("/api/login", &[("email", &user.email), ("password", new)]).await.status(), 200);

        // Expiry: a new link is dead after 24 hours.
        let link: serde_json::Value = coordinator.call_json("/api/admin/reset_link", &[("account", &user.id.to_string())]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        app.clock.advance(Duration::from_secs(25 * 3600));
        let res = app.client().call("/api/reset_password", &[("token", token.as_str()), ("new_password", new), ("confirm_password", new)]).await;
        assert_eq!(res.status(), 404, "expired");
    }

    async fn a_reset_link_dies_when_the_password_changes(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "ada@example.org").await;
        let link: serde_json::Value = coordinator.call_json("/api/admin/reset_link", &[("account", &user.id.to_string())]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        app.clock.advance(Duration::from_secs(1));
        let new = "ada changed her own passphrase";
        client
            .call_json("/api/change_password", &[("current_password", &user.password), ("new_password", new), ("confirm_password", new)])
            .await;
        app.client().get_text(&format!("/reset/{token}"), 404).await;
    }

    async fn a_reset_does_not_bypass_the_second_factor(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut user).await;
        let link: serde_json::Value = coordinator.call_json("/api/admin/reset_link", &[("account", &user.id.to_string())]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        let new = "a brand new passphrase for ada";
        app.client()
            .call_json("/api/reset_password", &[("token", token.as_str()), ("new_password", new), ("confirm_password", new)])
            .await;
        assert_eq!(client.whoami().await, None, "the reset ended every session");
        let fresh = app.client();
        fresh.call_json("/api/login", &[("email", &user.email), ("password", new)]).await;
        assert_eq!(fresh.whoami().await, None, "the second factor is still required");
    }
}

#[tokio::test]
async fn unknown_accounts_cost_the_same_password_work() {
    // Median timings, compared with a wide margin: without the dummy hash an
    // unknown email answers ~50 times faster than a wrong password.
    let app = TestApp::spawn(DbKind::Sqlite).await;
    app.register(&app.client(), "volunteer", "ada@example.org").await;
    async fn time(app: &TestApp, email: &str) -> Duration {
        let client = app.client();
        let mut samples = Vec::new();
        for _ in 0..5 {
            // Keep throttling out of the measurement.
            entity::throttle::Entity::delete_many().exec(&app.db).await.ok();
            let start = std::time::Instant::now();
            client
                .call(
                    "/api/login",
                    &[("email", email), ("password", "some wrong password")],
                )
                .await;
            samples.push(start.elapsed());
        }
        samples.sort();
        samples[2]
    }
    let known = time(&app, "ada@example.org").await;
    let unknown = time(&app, "nobody@example.org").await;
    assert!(unknown * 4 >= known, "unknown {unknown:?} vs known {known:?}");
}
