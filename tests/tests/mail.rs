//! Email through the transactional outbox, received by a real SMTP server on
//! loopback: each mail reaches the server once with its own `Message-ID` and
//! both alternatives; nothing is lost while the server is down; failures back
//! off and end as dead letters; several instances deliver each mail exactly once.

use app::{
    domain::codes::MailState,
    i18n::Locale,
    infra::{db::begin_write, outbox},
    services::mail::templates,
};
use entity::mail_outbox;
use frontline_tests::{DbKind, TestApp, TestDatabase, db_tests, smtp_sink::SmtpSink};
use sea_orm::{EntityTrait as _, TransactionTrait as _};
use std::{collections::HashSet, time::Duration};

/// Queues `n` test mails in one transaction, as an event would; returns their rows' ids.
async fn queue(app: &TestApp, n: usize, note: &str) -> Vec<i64> {
    let txn = begin_write(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
    let mut ids = Vec::new();
    for i in 0..n {
        let mail = templates::test(Locale::en, &format!("person{i}@example.org"), note);
        ids.push(
            outbox::enqueue(&txn, &app.state.config.mail, now(app), mail)
                .await
                .unwrap_or_else(|e| panic!("{e:?}")),
        );
    }
    txn.commit().await.unwrap_or_else(|e| panic!("{e}"));
    ids
}

/// The app's (test) clock.
fn now(app: &TestApp) -> time::OffsetDateTime {
    use app::clock::Clock as _;
    app.clock.now()
}

async fn rows(app: &TestApp) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Waits until every row is in `state` (at most 20 s).
async fn all_in(app: &TestApp, state: MailState) -> Vec<mail_outbox::Model> {
    for _ in 0..1000 {
        let rows = rows(app).await;
        if rows.iter().all(|r| r.state == state.code()) {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not every mail became {state}: {:?}", rows(app).await);
}

/// Waits until every row has been tried at least once and none is being sent.
async fn all_tried(app: &TestApp) -> Vec<mail_outbox::Model> {
    for _ in 0..1000 {
        let rows = rows(app).await;
        if rows
            .iter()
            .all(|r| r.attempts >= 1 && r.state != MailState::Sending.code())
        {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not every mail was tried: {:?}", rows(app).await);
}

/// Each Message-ID at most once at the sink; returns how many distinct ones.
fn distinct_message_ids(sink: &SmtpSink) -> usize {
    let received = sink.received();
    let ids: HashSet<String> = received
        .iter()
        .map(|m| {
            m.header("Message-ID")
                .unwrap_or_else(|| panic!("no Message-ID in:\n{}", m.data))
        })
        .collect();
    assert_eq!(ids.len(), received.len(), "a mail was delivered twice");
    ids.len()
}

db_tests! {
    async fn a_queued_mail_reaches_the_smtp_server_once_with_its_message_id_and_both_alternatives(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let ids = queue(&app, 3, "note <b>bold</b> & more").await;
        let received = sink.wait_for(3, Duration::from_secs(20)).await;
        let rows = all_in(&app, MailState::Sent).await;
        assert_eq!(rows.len(), 3);
        for row in &rows {
            assert!(ids.contains(&row.id));
            assert_eq!(row.attempts, 1);
            assert!(row.sent_at.is_some());
            let mail = received
                .iter()
                .find(|m| m.header("Message-ID").as_deref() == Some(row.message_id.as_str()))
                .unwrap_or_else(|| panic!("{} never arrived", row.message_id));
            assert_eq!(mail.to, vec![row.recipient.clone()], "the envelope's recipient");
            assert_eq!(mail.from, "frontline@localhost");
            assert_eq!(mail.header("To").as_deref(), Some(row.recipient.as_str()));
            assert_eq!(mail.header("Subject").as_deref(), Some("Frontline mail test"));
            assert!(mail.header("Content-Type").unwrap_or_default().starts_with("multipart/alternative"));
            assert!(mail.text().contains("note <b>bold</b> & more"), "{}", mail.text());
            assert!(mail.html().contains("note &lt;b&gt;bold&lt;/b&gt; &amp; more"), "{}", mail.html());
        }
        // A mail whose event rolled back does not exist, so it is never sent.
        let txn = begin_write(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
        outbox::enqueue(&txn, &app.state.config.mail, now(&app), templates::test(Locale::en, "ghost@example.org", "x"))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        txn.rollback().await.unwrap_or_else(|e| panic!("{e}"));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(distinct_message_ids(&sink), 3, "each mail once, and nothing of a rolled-back event");
        assert_eq!(outbox::state_counts(&app.db).await.unwrap_or_default()
            .into_iter().find(|(s, _)| *s == MailState::Sent).map(|(_, n)| n), Some(3));
        app.stop().await;
    }

    async fn with_the_mail_server_down_nothing_is_lost_and_each_mail_arrives_once_when_it_returns(db: DbKind) {
        let mut sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        sink.stop().await;
        queue(&app, 5, "during the outage").await;
        let tried = all_tried(&app).await;
        for row in &tried {
            assert_eq!(row.state, MailState::Pending.code(), "waiting for another attempt");
            assert!(row.next_attempt_at > now(&app), "backing off");
            assert!(row.last_error.is_some());
        }
        assert!(sink.received().is_empty());
        // More events while the server is down.
        queue(&app, 5, "still down").await;
        all_tried(&app).await;
        sink.restart().await;
        // The back-off has not passed: nothing is retried yet.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(sink.received().is_empty(), "retried before its back-off");
        app.clock.advance(Duration::from_secs(3600));
        sink.wait_for(10, Duration::from_secs(20)).await;
        all_in(&app, MailState::Sent).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(distinct_message_ids(&sink), 10, "every mail, once");
        app.stop().await;
    }

    async fn failures_back_off_and_end_as_dead_letters_that_can_be_retried(db: DbKind) {
        let mut sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, |s| {
            frontline_tests::smtp_sink::settings_for(&sink)(s);
            s.mail_max_attempts = 3;
            s.mail_retry_base_secs = 60;
        })
        .await;
        sink.stop().await;
        let id = queue(&app, 1, "x").await[0];
        // Attempts 1 and 2 fail and wait 60 s, then 120 s.
        for (attempt, wait) in [(1, 60), (2, 120)] {
            let row = &all_tried(&app).await[0];
            assert_eq!(row.attempts, attempt);
            assert_eq!(row.state, MailState::Pending.code());
            assert_eq!(row.next_attempt_at - now(&app), time::Duration::seconds(wait));
            app.clock.advance(Duration::from_secs(wait.unsigned_abs()));
            for _ in 0..1000 {
                if rows(&app).await[0].attempts > attempt { break; }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let dead = all_in(&app, MailState::Dead).await;
        assert_eq!(dead[0].attempts, 3, "dead after max_attempts");
        app.clock.advance(Duration::from_secs(24 * 3600));
        sink.restart().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(sink.received().is_empty(), "a dead letter stays dead");
        // A permanent refusal is dead at once.
        sink.refuse(true);
        let refused = queue(&app, 1, "refused").await[0];
        for _ in 0..1000 {
            let row = mail_outbox::Entity::find_by_id(refused).one(&app.db).await.ok().flatten();
            if row.as_ref().is_some_and(|r| r.state == MailState::Dead.code()) {
                assert_eq!(row.map(|r| r.attempts), Some(1), "no retry after a 5xx");
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(rows(&app).await.iter().filter(|r| r.state == MailState::Dead.code()).count(), 2);
        // Retried, the dead letters go out.
        sink.refuse(false);
        let txn = app.db.begin().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(outbox::retry(&txn, id, now(&app)).await.unwrap_or(false));
        assert!(outbox::retry(&txn, refused, now(&app)).await.unwrap_or(false));
        assert!(!outbox::retry(&txn, id, now(&app)).await.unwrap_or(true), "only a dead letter is retried");
        txn.commit().await.unwrap_or_else(|e| panic!("{e}"));
        sink.wait_for(2, Duration::from_secs(20)).await;
        all_in(&app, MailState::Sent).await;
        assert_eq!(distinct_message_ids(&sink), 2);
        app.stop().await;
    }

    async fn two_instances_on_one_database_deliver_each_mail_exactly_once(db: DbKind) {
        let sink = SmtpSink::start().await;
        let database = TestDatabase::create(db).await;
        let second = database.shared();
        let clock = frontline_tests::TestClock::default();
        let a = TestApp::spawn_on_with_clock(database, clock.clone(), frontline_tests::smtp_sink::settings_for(&sink)).await;
        let b = TestApp::spawn_on_with_clock(second, clock.clone(), frontline_tests::smtp_sink::settings_for(&sink)).await;
        let n = 200;
        for half in 0..2 {
            queue(if half == 0 { &a } else { &b }, n / 2, "both instances").await;
        }
        let started = std::time::Instant::now();
        sink.wait_for(n, Duration::from_secs(60)).await;
        let took = started.elapsed();
        all_in(&a, MailState::Sent).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(distinct_message_ids(&sink), n, "each mail exactly once across both instances");
        eprintln!("{n} mails delivered by two instances in {took:?}");
        b.stop().await;
        a.stop().await;
    }
}

/// Waits for a mail with `subject` to `to` (at most 20 s); returns it.
async fn mail_to(sink: &SmtpSink, to: &str, subject: &str) -> frontline_tests::smtp_sink::Received {
    for _ in 0..1000 {
        if let Some(mail) = sink
            .received()
            .into_iter()
            .find(|m| m.to == [to] && m.header("Subject").as_deref() == Some(subject))
        {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "no mail \"{subject}\" to {to}: {:?}",
        sink.received()
            .iter()
            .map(|m| (m.to.clone(), m.header("Subject")))
            .collect::<Vec<_>>()
    );
}

/// How many mails with `subject` the sink holds.
fn count_subject(sink: &SmtpSink, subject: &str) -> usize {
    sink.received()
        .iter()
        .filter(|m| m.header("Subject").as_deref() == Some(subject))
        .count()
}

const RESET: &str = "Reset your Frontline password";
const VERIFY: &str = "Confirm your email address for Frontline";
const NOTICE: &str = "Someone tried to register with your address";

/// The token at the end of a mailed `…/reset/TOKEN` link.
fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

db_tests! {
    async fn registering_with_a_taken_address_mails_its_owner_a_notice_and_the_page_says_nothing(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        app.register(&app.client(), "volunteer", "ada@example.org").await;
        let fields = [
            ("email", "Ada@Example.org"),
            ("display_name", "Someone Else"),
            ("password", "another long passphrase here"),
            ("role", "organisation_member"),
        ];
        let again = app.client().submit("/register", "/api/register", &fields).await;
        assert_eq!(again.status().as_u16(), 302);
        let mut new_fields = fields;
        new_fields[0] = ("email", "new@example.org");
        let fresh = app.client().submit("/register", "/api/register", &new_fields).await;
        assert_eq!(again.headers().get("location"), fresh.headers().get("location"), "the same answer for a taken address");
        let notice = mail_to(&sink, "ada@example.org", NOTICE).await;
        mail_to(&sink, "new@example.org", VERIFY).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(count_subject(&sink, NOTICE), 1, "one notice, to the taken address only");
        assert_eq!(sink.received().len(), 3, "besides: a verification link for each new account");
        assert!(notice.text().contains(&format!("{}/reset", app.settings.public_url)), "{}", notice.text());
        assert!(notice.html().contains("/reset\""), "{}", notice.html());
        assert!(!notice.data.contains("Someone Else"), "nothing the stranger typed");
        // More tries within the hour, from other clients: no more notices. An
        // hour later, one more.
        for _ in 0..3 {
            assert_eq!(app.client().submit("/register", "/api/register", &fields).await.status().as_u16(), 302);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(count_subject(&sink, NOTICE), 1, "at most one notice an hour to an address");
        app.clock.advance(Duration::from_secs(61 * 60));
        assert_eq!(app.client().submit("/register", "/api/register", &fields).await.status().as_u16(), 302);
        for _ in 0..100 {
            if count_subject(&sink, NOTICE) == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(count_subject(&sink, NOTICE), 2, "the next hour, the next notice");
        app.stop().await;
    }

    async fn a_mailed_reset_link_works_once_ends_sessions_and_the_form_answers_the_same_for_unknown_addresses(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let signed_in = app.client();
        let user = app.register(&signed_in, "volunteer", "ada@example.org").await;
        assert!(app.client().get_text("/login", 200).await.contains("href=\"/reset\""), "the sign-in page links to it");
        let form = app.client().get_text("/reset", 200).await;
        assert!(form.contains("action=\"/api/request_reset\""), "a plain form: {form}");

        let known = app.client().submit("/reset", "/api/request_reset", &[("email", "ADA@example.org")]).await;
        let unknown = app.client().submit("/reset", "/api/request_reset", &[("email", "nobody@example.org")]).await;
        assert_eq!(known.status().as_u16(), 302);
        assert_eq!(unknown.status().as_u16(), 302);
        assert_eq!(known.headers().get("location"), unknown.headers().get("location"), "the same answer");
        assert!(app.client().get_text("/reset?sent=1", 200).await.contains("If an account uses this address"));
        let bad = app.client().call("/api/request_reset", &[("email", "not an address")]).await;
        assert_eq!(bad.status().as_u16(), 422, "a malformed address is a clear 4xx");

        let mail = &mail_to(&sink, "ada@example.org", RESET).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(count_subject(&sink, RESET), 1, "no mail for an address without an account");
        assert!(sink.received().iter().all(|m| m.to == ["ada@example.org"]));
        let link = mail
            .link(&format!("{}/reset/", app.settings.public_url))
            .unwrap_or_else(|| panic!("no link in {}", mail.text()));
        assert!(mail.html().contains(&format!("href=\"{link}\"")), "{}", mail.html());
        let token = token_of(&link);
        assert!(token.len() >= 43, "256 bits: {token}");
        let stored = entity::reset_token::Entity::find().all(&app.db).await.unwrap_or_default();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].token_hash, token, "stored hashed");
        let sent = all_in(&app, MailState::Sent).await;
        assert!(sent.iter().all(|r| r.body_text.is_empty() && r.body_html.is_empty()), "the link leaves the outbox once sent");

        app.client().get_text(&format!("/reset/{token}"), 200).await;
        let new = "a brand new passphrase for ada";
        let fields = [("token", token.as_str()), ("new_password", new), ("confirm_password", new)];
        assert_eq!(app.client().call("/api/reset_password", &fields).await.status(), 200);
        assert_eq!(app.client().call("/api/reset_password", &fields).await.status(), 404, "single use");
        assert_eq!(signed_in.whoami().await, None, "redeeming ended every session");
        assert_eq!(app.client().call("/api/login", &[("email", &user.email), ("password", &user.password)]).await.status(), 401);
        assert_eq!(app.client().call("/api/login", &[("email", &user.email), ("password", new)]).await.status(), 200);
        app.stop().await;
    }

    async fn mailed_reset_links_expire_soon_and_are_throttled_per_address_asked_for(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, |s| {
            frontline_tests::smtp_sink::settings_for(&sink)(s);
            s.self_reset_minutes = 30;
        })
        .await;
        app.register(&app.client(), "volunteer", "ada@example.org").await;
        app.client().call_json("/api/request_reset", &[("email", "ada@example.org")]).await;
        let mail = &mail_to(&sink, "ada@example.org", RESET).await;
        let token = token_of(&mail.link(&format!("{}/reset/", app.settings.public_url)).unwrap_or_default());
        app.clock.advance(Duration::from_secs(31 * 60));
        app.client().get_text(&format!("/reset/{token}"), 404).await;
        // The same for an address with an account and one without: three free, then waits.
        for email in ["ada@example.org", "nobody@example.org"] {
            let mut statuses = Vec::new();
            for _ in 0..4 {
                statuses.push(app.client().call("/api/request_reset", &[("email", email)]).await.status().as_u16());
            }
            assert_eq!(statuses, vec![200, 200, 200, 429], "{email}");
        }
        app.stop().await;
    }

    async fn a_coordinator_still_needs_the_second_factor_after_a_mailed_reset(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let (client, user) = app.signed_in_coordinator("coord@example.org").await;
        app.client().call_json("/api/request_reset", &[("email", user.email.as_str())]).await;
        let mail = &mail_to(&sink, &user.email, RESET).await;
        let token = token_of(&mail.link(&format!("{}/reset/", app.settings.public_url)).unwrap_or_default());
        let new = "the coordinator's new passphrase";
        app.client()
            .call_json("/api/reset_password", &[("token", token.as_str()), ("new_password", new), ("confirm_password", new)])
            .await;
        assert_eq!(client.whoami().await, None, "sessions ended");
        let fresh = app.client();
        fresh.call_json("/api/login", &[("email", user.email.as_str()), ("password", new)]).await;
        assert_eq!(fresh.whoami().await, None, "the second factor is still required");
        app.stop().await;
    }
}

db_tests! {
    async fn with_no_mail_server_mails_are_eml_files_in_the_mail_folder(db: DbKind) {
        let app = TestApp::spawn_with(db, |s| s.mail_poll_millis = 20).await;
        assert!(app.settings.smtp_url.is_none(), "no SMTP server by default");
        app.register(&app.client(), "volunteer", "ada@example.org").await;
        app.client().call_json("/api/request_reset", &[("email", "ada@example.org")]).await;
        let rows = all_in(&app, MailState::Sent).await;
        assert_eq!(rows.len(), 2, "the verification link and the reset link");
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(&app.mail_dir)
            .unwrap_or_else(|e| panic!("{}: {e}", app.mail_dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        assert_eq!(files.len(), 2, "{files:?}");
        let emls: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap_or_default()).collect();
        for row in &rows {
            assert!(emls.iter().any(|eml| eml.contains(&format!("Message-ID: {}", row.message_id))), "{emls:?}");
        }
        assert!(emls.iter().any(|eml| eml.contains("To: ada@example.org") && eml.contains("Subject: Reset your Frontline password")), "{emls:?}");
        app.stop().await;
    }
}

#[test]
fn mail_settings_default_to_files_beside_the_database_and_refuse_bad_servers() {
    use server::settings::Settings;
    let defaults = Settings::defaults().unwrap_or_else(|e| panic!("{e}"));
    assert!(defaults.smtp_url.is_none());
    assert_eq!(defaults.mail_dir(), std::path::PathBuf::from("data/mail"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let load = |toml: &str| {
        let path = dir.path().join("frontline.toml");
        std::fs::write(&path, toml).unwrap_or_else(|e| panic!("{e}"));
        Settings::load(Some(&path))
    };
    let beside = load("database_url = \"sqlite:///srv/frontline/db/frontline.db?mode=rwc\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        beside.mail_dir(),
        std::path::PathBuf::from("/srv/frontline/db/mail")
    );
    for (toml, key) in [
        (
            "smtp_url = \"smtp://user:hunter2secret@mail.example.org?tls=none\"\n",
            "smtp_url",
        ),
        (
            "smtp_url = \"http://user:hunter2secret@mail.example.org\"\n",
            "smtp_url",
        ),
        ("mail_from = \"not a mailbox\"\n", "mail_from"),
        ("mail_max_attempts = 0\n", "mail_max_attempts"),
    ] {
        let err = load(toml)
            .err()
            .unwrap_or_else(|| panic!("accepted {toml}"))
            .to_string();
        assert!(err.contains(key), "{toml}: {err}");
        assert!(!err.contains("hunter2secret"), "the password leaked: {err}");
    }
    assert!(
        load("smtp_url = \"smtps://user:pw@mail.example.org\"\nmail_from = \"Frontline <f@example.org>\"\n")
            .is_ok()
    );
}

db_tests! {
    async fn coordinators_see_the_outbox_and_retry_a_dead_letter_without_javascript(db: DbKind) {
        let mut sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, |s| {
            frontline_tests::smtp_sink::settings_for(&sink)(s);
            s.mail_max_attempts = 1;
        })
        .await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        queue(&app, 2, "delivered").await;
        sink.wait_for(2, Duration::from_secs(20)).await;
        all_in(&app, MailState::Sent).await;
        sink.stop().await;
        app.client().call_json("/api/request_reset", &[("email", "coord@example.org")]).await;
        let dead = loop {
            let rows = rows(&app).await;
            if let Some(row) = rows.iter().find(|r| r.state == MailState::Dead.code()) {
                break row.clone();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(dead.kind, "password_reset");

        let page = coordinator.get_text("/coordinator/mail", 200).await;
        for needle in [
            "data-mail-state=\"sent\"><td>Sent</td><td>2</td>",
            "data-mail-state=\"dead\"><td>Dead letters</td><td>1</td>",
            "data-mail-kind=\"test\" data-mail-state=\"sent\"><td>Test</td><td>Sent</td><td>2</td>",
            "data-mail-kind=\"password_reset\" data-mail-state=\"dead\"",
            "coord@example.org",
            "action=\"/api/admin/retry_mail\"",
        ] {
            assert!(page.contains(needle), "{needle} not in:\n{page}");
        }
        assert!(!page.contains("/reset/"), "no link from a mail's body on the page");
        let overview = coordinator.call_json("/api/admin/mail", &[]).await;
        assert_eq!(overview["dead"][0]["id"].as_i64(), Some(dead.id), "{overview}");

        sink.restart().await;
        let res = coordinator
            .submit("/coordinator/mail", "/api/admin/retry_mail", &[("mail", &dead.id.to_string())])
            .await;
        assert_eq!(res.status().as_u16(), 302, "a plain form post is answered with a redirect");
        let mail = &sink.wait_for(3, Duration::from_secs(20)).await[2];
        assert_eq!(mail.header("Message-ID").as_deref(), Some(dead.message_id.as_str()), "the same Message-ID on retry");
        all_in(&app, MailState::Sent).await;
        assert_eq!(frontline_tests::facts::audited(&app, "mail.retried").await, 1);
        let again = coordinator.call("/api/admin/retry_mail", &[("mail", &dead.id.to_string())]).await;
        assert_eq!(again.status().as_u16(), 404, "only a dead letter can be retried");
        let bad = coordinator.call("/api/admin/retry_mail", &[("mail", "not a number")]).await;
        assert!(bad.status().is_client_error(), "{}", bad.status());
        app.stop().await;
    }
}

/// The `p`-th percentile of `samples` (sorted in place).
fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a short list"
    )]
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

/// Benchmark, not a timed test (run with `--run-ignored only`, figures on stderr):
/// delivery throughput of one instance to the loopback sink, and the latency of
/// a request that queues a mail (a reset request) with the mail server up, down
/// (connections refused) and hung (connections accepted, never answered).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: prints figures"]
async fn bench_delivery_throughput_and_request_latency_with_the_mail_server_up_down_and_hung() {
    let mut sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(DbKind::Sqlite, |s| {
        frontline_tests::smtp_sink::settings_for(&sink)(s);
        s.mail_timeout_secs = 30;
    })
    .await;
    let n = 1000;
    queue(&app, n, "throughput").await;
    let started = std::time::Instant::now();
    sink.wait_for(n, Duration::from_secs(300)).await;
    let took = started.elapsed();
    #[expect(clippy::cast_precision_loss, reason = "a figure")]
    let rate = n as f64 / took.as_secs_f64();
    eprintln!("throughput: {n} mails in {took:.2?} = {rate:.0} mails/s (one instance, SQLite)");

    let per_state = 150;
    for (i, state) in ["up", "down", "hung"].iter().enumerate() {
        match *state {
            "down" => sink.stop().await,
            "hung" => {
                sink.restart().await;
                sink.stall(true);
            }
            _ => {}
        }
        let mut samples = Vec::with_capacity(per_state);
        for j in 0..per_state {
            let email = format!("bench{i}-{j}@example.org");
            frontline_tests::fixtures::account(&app.db, &email, entity::account::Role::Volunteer).await;
            // Ten requests per client address stay under its throttle.
            let client = app.client_from(&format!("127.0.{}.{}", 10 + i, 2 + j / 10));
            let t = std::time::Instant::now();
            let res = client
                .call("/api/request_reset", &[("email", email.as_str())])
                .await;
            samples.push(t.elapsed());
            assert_eq!(res.status().as_u16(), 200);
        }
        let p50 = percentile(&mut samples, 0.50);
        let p99 = percentile(&mut samples, 0.99);
        eprintln!(
            "request_reset with the mail server {state}: p50 {p50:.2?}, p99 {p99:.2?} ({per_state} requests)"
        );
    }
    app.stop().await;
}

db_tests! {
    async fn a_new_account_verifies_its_address_through_the_mailed_link_and_vetting_waits_for_it(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let user = app.register_unverified(&client, "volunteer", "ada@example.org").await;
        let skill = frontline_tests::world::skill(&app, "dmarc").await;
        let profile = frontline_tests::world::profile_form(skill, true);
        let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        client.call_json("/api/volunteer/save", &fields).await;
        let page = client.get_text("/account", 200).await;
        assert!(page.contains("data-unverified"), "an unverified account uses its account pages: {page}");
        let approve = [("id", user.id.to_string()), ("decision", "approve".into()), ("note", String::new())];
        let approve: Vec<(&str, &str)> = approve.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(coordinator.call("/api/vetting/volunteer_decide", &approve).await.status().as_u16(), 422, "vetting waits for a verified address");

        let mail = mail_to(&sink, "ada@example.org", VERIFY).await;
        assert!(mail.html().contains("/verify/"), "{}", mail.html());
        let link = mail.link(&format!("{}/verify/", app.settings.public_url)).unwrap_or_else(|| panic!("{}", mail.text()));
        let token = token_of(&link);
        let stored = entity::email_verification::Entity::find().all(&app.db).await.unwrap_or_default();
        assert!(stored.iter().all(|r| r.token_hash != token), "stored hashed");
        // Opening the link changes nothing; the button confirms (a plain form).
        let page = app.client().get_text(&format!("/verify/{token}"), 200).await;
        assert!(page.contains("action=\"/api/verify_email\"") && page.contains("ada@example.org"), "{page}");
        assert!(client.get_text("/account", 200).await.contains("data-unverified"));
        let res = client.submit(&format!("/verify/{token}"), "/api/verify_email", &[("token", token.as_str())]).await;
        assert_eq!(res.status().as_u16(), 302);
        assert_eq!(res.headers().get("location").and_then(|l| l.to_str().ok()), Some("/account?verified=1"));
        assert!(!client.get_text("/account", 200).await.contains("data-unverified"));
        assert_eq!(app.client().call("/api/verify_email", &[("token", token.as_str())]).await.status().as_u16(), 404, "single use");
        assert_eq!(frontline_tests::facts::audited(&app, "account.email_verified").await, 1);
        coordinator.call_json("/api/vetting/volunteer_decide", &approve).await;
        app.stop().await;
    }

    async fn the_verification_link_can_be_sent_again_and_an_organisation_waits_for_a_verified_member(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (user, org) = frontline_tests::world::member_with_organisation(&app, &member, "it@clinic.example", "Clinic").await;
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!("UPDATE account SET email_verified_at = NULL WHERE id = {}", user.id))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let decide = [("id", org.to_string()), ("decision", "approve".into()), ("note", String::new())];
        let decide: Vec<(&str, &str)> = decide.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(coordinator.call("/api/vetting/organisation_decide", &decide).await.status().as_u16(), 422);
        mail_to(&sink, "it@clinic.example", VERIFY).await;
        // Sent again from the account page (a plain form), throttled.
        let res = member.submit("/account", "/api/resend_verification", &[]).await;
        assert_eq!(res.status().as_u16(), 302);
        for _ in 0..1000 {
            if count_subject(&sink, VERIFY) >= 2 { break; }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let links: Vec<String> = sink
            .received()
            .iter()
            .filter(|m| m.to == ["it@clinic.example"] && m.header("Subject").as_deref() == Some(VERIFY))
            .filter_map(|m| m.link(&format!("{}/verify/", app.settings.public_url)))
            .collect();
        assert_eq!(links.len(), 2, "the first link and the one sent again");
        let statuses: Vec<u16> = {
            let mut s = Vec::new();
            for _ in 0..3 {
                s.push(member.call("/api/resend_verification", &[]).await.status().as_u16());
            }
            s
        };
        assert_eq!(statuses, vec![200, 200, 429], "throttled per account");
        assert_eq!(app.client().call("/api/resend_verification", &[]).await.status().as_u16(), 401);
        let token = token_of(&links[0]);
        app.client().call_json("/api/verify_email", &[("token", token.as_str())]).await;
        coordinator.call_json("/api/vetting/organisation_decide", &decide).await;
        app.stop().await;
    }
}
