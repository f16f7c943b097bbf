//! SECURITY.md, Sessions (V7): ids renewed at each change of authentication,
//! server-side logout, idle and absolute expiry, cookie attributes, listing and
//! ending sessions, and the store never resurrecting a deleted session.

use app::infra::session_store::{DbSessionStore, id_hash};
use entity::session;
use frontline_tests::{DbKind, SESSION_COOKIE, TestApp, db_tests};
use sea_orm::{EntityTrait as _, PaginatorTrait as _};
use std::{sync::Arc, time::Duration};
use tower_sessions::{
    SessionStore as _,
    session::{Id, Record},
};

async fn session_rows(app: &TestApp) -> u64 {
    session::Entity::find().count(&app.db).await.unwrap_or_default()
}

/// The fewest SQL statements one `GET` of `path` sent in three tries (work
/// in the background only ever adds to a try), and how many of those tries
/// wrote anything.
async fn statements_per_render(client: &frontline_tests::TestClient, path: &str) -> (u64, u64) {
    let mut fewest = u64::MAX;
    let mut writes = 0;
    for _ in 0..3 {
        let (before, written) = (server::db::statements_run(), server::db::writes_run());
        client.get_text(path, 200).await;
        fewest = fewest.min(server::db::statements_run() - before);
        writes += server::db::writes_run() - written;
    }
    (fewest, writes)
}

db_tests! {
    async fn a_page_reads_who_is_asking_once_whatever_asks(db: DbKind) {
        // The menu, the page and its filters each ask who is signed in and
        // how many notifications they have unread; one request reads the
        // session, the account and the unread count once.
        // The mail workers look for due mail every second, and would count
        // with a page: they look only at start here (the mails the cast's
        // sign-ups queue stay queued).
        let app = TestApp::spawn_with(db, |s| s.mail_poll_millis = 3_600_000).await;
        let cast = frontline_tests::world::cast(&app).await;
        // Most a page may send: the session, the account, the unread count
        // and the page's own reads. A view of a page never writes (the
        // session's "last seen" is written at most once a minute).
        let pages = [
            // Whether the volunteer is approved, and one look at the log for
            // the need pool and one for the catalogue.
            (&cast.volunteer, "/needs".to_owned(), 6),
            (&cast.member, "/account".to_owned(), 4),
            (&cast.volunteer, "/engagements".to_owned(), 5),
            (&cast.coordinator, "/coordinator/triage".to_owned(), 5),
            (&cast.coordinator, format!("/coordinator/match/{}", cast.need), 8),
            (&cast.member, format!("/needs/{}", cast.need), 19),
        ];
        for (client, path, most) in pages {
            let (sent, writes) = statements_per_render(client, &path).await;
            assert!(sent <= most, "{path} sent {sent} statements, more than {most}");
            assert_eq!(writes, 0, "{path} wrote to the database");
        }
    }

    async fn a_list_of_engagements_costs_the_same_statements_whatever_its_length(db: DbKind) {
        // Each engagement in a list once cost seven statements of its own
        // (its need, volunteer, profile, role, organisation, categories and
        // hours); they are read for the whole list at once now.
        let app = TestApp::spawn_with(db, |s| s.mail_poll_millis = 3_600_000).await;
        let cast = frontline_tests::world::cast(&app).await;
        let need = format!("/needs/{}", cast.need);
        let console = format!("/coordinator/match/{}", cast.need);
        let pages = [
            (&cast.member, need.as_str()),
            (&cast.member, "/engagements"),
            (&cast.coordinator, need.as_str()),
            (&cast.coordinator, "/engagements"),
            (&cast.coordinator, console.as_str()),
        ];
        let measure = || async {
            let mut sent = Vec::new();
            for (client, path) in pages {
                sent.push((path, statements_per_render(client, path).await.0));
            }
            sent
        };
        frontline_tests::world::propose(&cast.coordinator, cast.need, &cast.volunteer_user.email).await;
        let one = measure().await;
        for n in 0..3 {
            let email = format!("extra{n}@example.org");
            frontline_tests::world::volunteer(&app, &app.client(), &email, Some(&cast.coordinator)).await;
            frontline_tests::world::propose(&cast.coordinator, cast.need, &email).await;
        }
        let four = measure().await;
        assert_eq!(one, four, "statements per view with one engagement and with four");
    }

    async fn signing_in_gives_a_new_session_id_and_kills_the_planted_one(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let victim = app.client();
        // A failed no-JavaScript sign-in creates an anonymous session (it keeps the typed email).
        victim.submit("/login", "/api/login", &[("email", "ada@example.org"), ("password", "wrong wrong wrong")]).await;
        let planted = victim.session_cookie().unwrap_or_else(|| panic!("no pre-login session"));

        app.sign_in(&victim, &user).await;
        let after = victim.session_cookie().unwrap_or_default();
        assert_ne!(after, planted, "a new id on sign-in");
        assert_eq!(victim.whoami().await.as_deref(), Some("ada@example.org"));

        let attacker = app.client().with_session_cookie(&planted);
        assert_eq!(attacker.whoami().await, None, "the pre-login id is dead");
        let id: Id = planted.parse().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(session::Entity::find_by_id(id_hash(&id)).one(&app.db).await.ok().flatten(), None);
    }

    async fn the_second_factor_gives_yet_another_id(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut user).await;
        let fresh = app.client();
        fresh.call_json("/api/login", &[("email", &user.email), ("password", &user.password)]).await;
        let half = fresh.session_cookie().unwrap_or_default();
        app.clock.advance(Duration::from_secs(30));
        fresh.call_json("/api/login_second_factor", &[("code", &user.code(&app, 0))]).await;
        let full = fresh.session_cookie().unwrap_or_default();
        assert_ne!(half, full);
        assert_eq!(app.client().with_session_cookie(&half).whoami().await, None);
    }

    async fn enrolling_the_second_factor_renews_the_session(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        let before = client.session_cookie().unwrap_or_default();
        app.enrol_totp(&client, &mut user).await;
        assert_ne!(client.session_cookie().unwrap_or_default(), before, "step-up renews the id");
        assert_eq!(app.client().with_session_cookie(&before).whoami().await, None);
    }

    async fn logout_deletes_the_session_on_the_server(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        app.register(&client, "volunteer", "ada@example.org").await;
        let cookie = client.session_cookie().unwrap_or_default();
        assert_eq!(session_rows(&app).await, 1);
        client.call_json("/api/logout", &[]).await;
        assert_eq!(session_rows(&app).await, 0);
        let replay = app.client().with_session_cookie(&cookie);
        assert_eq!(replay.whoami().await, None, "the old cookie is refused");
    }

    async fn the_store_never_resurrects_a_deleted_session(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let store = DbSessionStore::new(app.db.clone(), Arc::new(app.clock.clone()), Duration::from_secs(1800), Duration::from_secs(43200), app.state.availability.clone());
        let mut record = Record {
            id: Id::default(),
            data: std::collections::HashMap::new(),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        };
        store.create(&mut record).await.unwrap_or_else(|e| panic!("{e}"));
        // A request loaded the session, logout deleted it, then the request saves.
        let loaded = store.load(&record.id).await.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("not stored"));
        store.delete(&record.id).await.unwrap_or_else(|e| panic!("{e}"));
        store.save(&loaded).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(store.load(&record.id).await.unwrap_or_else(|e| panic!("{e}")).is_none());
        assert_eq!(session_rows(&app).await, 0);
    }

    async fn concurrent_requests_cannot_bring_a_logged_out_session_back(db: DbKind) {
        let app = TestApp::spawn(db).await;
        for round in 0..10 {
            let client = app.client();
            app.register(&client, "volunteer", &format!("ada{round}@example.org")).await;
            let cookie = client.session_cookie().unwrap_or_default();
            let replay = client.with_session_cookie(&cookie);
            // mfa_state writes the session (it keeps the enrolment secret) while logout deletes it.
            let writers: Vec<_> = (0..4)
                .map(|_| {
                    let c = replay.clone();
                    tokio::spawn(async move { c.call("/api/mfa_state", &[]).await.status() })
                })
                .collect();
            client.call_json("/api/logout", &[]).await;
            for w in writers {
                let _ = w.await;
            }
            assert_eq!(replay.whoami().await, None, "round {round}");
        }
        assert_eq!(session_rows(&app).await, 0);
    }

    async fn idle_sessions_expire_on_the_server(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        app.register(&client, "volunteer", "ada@example.org").await;
        app.clock.advance(Duration::from_secs(29 * 60));
        assert!(client.whoami().await.is_some(), "29 minutes idle: still signed in");
        app.clock.advance(Duration::from_secs(31 * 60));
        assert_eq!(client.whoami().await, None, "31 minutes idle: signed out");
    }

    async fn sessions_end_after_their_absolute_lifetime_even_when_used(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        app.register(&client, "volunteer", "ada@example.org").await;
        for _ in 0..(11 * 3) {
            app.clock.advance(Duration::from_secs(20 * 60));
            assert!(client.whoami().await.is_some());
        }
        app.clock.advance(Duration::from_secs(61 * 60));
        assert_eq!(client.whoami().await, None, "12 hours after sign-in");
    }

    async fn users_see_and_end_their_other_sessions(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let laptop = app.client();
        let user = app.register(&laptop, "volunteer", "ada@example.org").await;
        let phone = app.client();
        app.sign_in(&phone, &user).await;
        let sessions = laptop.call_json("/api/my_sessions", &[]).await;
        let sessions = sessions.as_array().cloned().unwrap_or_default();
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
        let other = sessions.iter().find(|s| s["current"] == false).and_then(|s| s["handle"].as_str()).unwrap_or_default().to_owned();
        laptop.call_json("/api/end_session", &[("handle", &other)]).await;
        assert_eq!(phone.whoami().await, None);
        assert!(laptop.whoami().await.is_some());

        app.sign_in(&phone, &user).await;
        laptop.call_json("/api/end_session", &[("handle", "others")]).await;
        assert_eq!(phone.whoami().await, None);
        assert!(laptop.whoami().await.is_some());
    }

    async fn nobody_ends_another_users_session_by_handle(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let ada = app.client();
        app.register(&ada, "volunteer", "ada@example.org").await;
        let handle = ada.call_json("/api/my_sessions", &[]).await[0]["handle"].as_str().unwrap_or_default().to_owned();
        let mallory = app.client();
        app.register(&mallory, "volunteer", "mallory@example.org").await;
        assert_eq!(mallory.call("/api/end_session", &[("handle", &handle)]).await.status(), 404);
        assert!(ada.whoami().await.is_some());
    }

    async fn a_password_change_ends_the_other_sessions(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let laptop = app.client();
        let user = app.register(&laptop, "volunteer", "ada@example.org").await;
        let phone = app.client();
        app.sign_in(&phone, &user).await;
        let before = laptop.session_cookie().unwrap_or_default();
        let new = "a different passphrase for ada";
        laptop.call_json("/api/change_password", &[("current_password", &user.password), ("new_password", new), ("confirm_password", new)]).await;
        assert_eq!(phone.whoami().await, None);
        assert!(laptop.whoami().await.is_some(), "this session stays");
        assert_ne!(laptop.session_cookie().unwrap_or_default(), before, "with a new id");
    }

    async fn disabling_an_account_ends_its_sessions(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "ada@example.org").await;
        coordinator.call_json("/api/admin/set_status", &[("account", &user.id.to_string()), ("disabled", "true")]).await;
        assert_eq!(client.whoami().await, None);
        assert_eq!(app.client().call("/api/login", &[("email", &user.email), ("password", &user.password)]).await.status(), 401);
        coordinator.call_json("/api/admin/set_status", &[("account", &user.id.to_string()), ("disabled", "false")]).await;
        assert_eq!(app.client().call("/api/login", &[("email", &user.email), ("password", &user.password)]).await.status(), 200);
    }

    async fn a_role_change_ends_the_sessions_so_the_next_has_a_new_id(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "ada@example.org").await;
        coordinator.call_json("/api/admin/set_role", &[("account", &user.id.to_string()), ("role", "organisation_member")]).await;
        assert_eq!(client.whoami().await, None);
    }

    async fn coordinators_can_end_anyones_sessions(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "ada@example.org").await;
        coordinator.call_json("/api/admin/end_sessions", &[("account", &user.id.to_string())]).await;
        assert_eq!(client.whoami().await, None);
    }
}

#[tokio::test]
async fn the_session_cookie_is_host_only_secure_http_only_and_same_site() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let res = app
        .client()
        .call(
            "/api/register",
            &[
                ("email", "ada@example.org"),
                ("display_name", "Ada"),
                ("password", frontline_tests::users::PASSWORD),
                ("role", "volunteer"),
            ],
        )
        .await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(SESSION_COOKIE))
        .unwrap_or_else(|| panic!("no session cookie"))
        .to_owned();
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "host-only: {cookie}");
    assert!(SESSION_COOKIE.starts_with("__Host-"));
}

#[tokio::test]
async fn development_mode_drops_secure_only_when_asked() {
    let app = TestApp::spawn_with(DbKind::Sqlite, |s| s.mode = server::settings::Mode::Development).await;
    let res = app
        .client()
        .call(
            "/api/register",
            &[
                ("email", "ada@example.org"),
                ("display_name", "Ada"),
                ("password", frontline_tests::users::PASSWORD),
                ("role", "volunteer"),
            ],
        )
        .await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("frontline="))
        .unwrap_or_else(|| panic!("no session cookie"))
        .to_owned();
    assert!(
        !cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}
