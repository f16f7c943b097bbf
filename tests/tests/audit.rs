//! SECURITY.md, Logging and audit (V16): an append-only log with an entry for
//! every security event, readable and filterable by coordinators, holding no
//! secrets.

use entity::audit_log;
use frontline_tests::{DbKind, TestApp, db_tests};
use sea_orm::{ConnectionTrait as _, EntityTrait as _, QueryOrder as _};
use std::time::Duration;

async fn actions(app: &TestApp) -> Vec<String> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

db_tests! {
    async fn every_security_event_is_audited_without_secrets(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        let codes = app.enrol_totp(&client, &mut user).await;
        let cookie = client.session_cookie().unwrap_or_default();
        client.call_json("/api/logout", &[]).await;
        app.client().call("/api/login", &[("email", &user.email), ("password", "a wrong guess here")]).await;
        let c = app.client();
        c.call("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        c.call("/api/login_second_factor", &[("recovery_code", &codes[0])]).await;
        let new = "a different passphrase for ada";
        c.call_json("/api/change_password", &[("current_password", &user.password), ("new_password", new), ("confirm_password", new)]).await;
        app.clock.advance(Duration::from_secs(60));
        let code = user.code(&app, 0);
        c.call_json("/api/disable_mfa", &[("password", new), ("code", &code)]).await;
        let id = user.id.to_string();
        let link = coordinator.call_json("/api/admin/reset_link", &[("account", &id)]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        let newer = "yet another passphrase for ada";
        app.client().call_json("/api/reset_password", &[("token", token.as_str()), ("new_password", newer), ("confirm_password", newer)]).await;
        coordinator.call_json("/api/admin/set_role", &[("account", &id), ("role", "organisation_member")]).await;
        coordinator.call_json("/api/admin/set_status", &[("account", &id), ("disabled", "true")]).await;

        let seen = actions(&app).await;
        for expected in [
            "account.created",
            "login.succeeded",
            "login.failed",
            "logout",
            "mfa.enabled",
            "mfa.recovery_code_used",
            "password.changed",
            "mfa.disabled",
            "password.reset_issued",
            "password.reset_used",
            "account.role_changed",
            "account.status_changed",
            "session.ended",
        ] {
            assert!(seen.iter().any(|a| a == expected), "{expected} missing from {seen:?}");
        }

        let everything: Vec<String> = audit_log::Entity::find()
            .all(&app.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{} {:?} {}", e.action, e.actor_address, e.details))
            .collect();
        let secrets = [user.password.as_str(), new, newer, token.as_str(), cookie.as_str(), codes[0].as_str(), user.totp_secret.as_deref().unwrap_or("-")];
        for entry in &everything {
            for secret in secrets {
                assert!(!entry.contains(secret), "a secret in the audit log: {entry}");
            }
        }
    }

    async fn the_audit_log_is_append_only(db: DbKind) {
        let app = TestApp::spawn(db).await;
        app.register(&app.client(), "volunteer", "ada@example.org").await;
        assert!(app.db.execute_unprepared("UPDATE audit_log SET action = 'forged'").await.is_err());
        assert!(app.db.execute_unprepared("DELETE FROM audit_log").await.is_err());
        assert_eq!(actions(&app).await, vec!["account.created".to_owned(), "login.succeeded".to_owned()]);
    }

    async fn coordinators_read_and_filter_the_audit_log(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        app.client().call("/api/login", &[("email", &user.email), ("password", "a wrong guess here")]).await;

        let page = coordinator.call_json("/api/admin/audit", &[("action", "login.failed")]).await;
        let rows = page["rows"].as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 1, "{page}");
        assert_eq!(rows[0]["object"], format!("account {}", user.id));
        let html = coordinator.get_text("/coordinator/audit?action=login.failed", 200).await;
        assert_eq!(html.matches("data-audit-action=\"login.failed\"").count(), 1, "{html}");
        assert!(!html.contains("data-audit-action=\"account.created\""));
        let bad = coordinator.call("/api/admin/audit", &[("since", "yesterday")]).await;
        assert_eq!(bad.status(), 422);
    }
}
