//! The mail that tells people of what happened, received by a real SMTP server
//! on loopback: each step of an engagement reaches the other side with a link
//! and nothing confidential; new messages are a notice at most every 15
//! minutes; each person chooses per topic (at once, daily digest, never); a
//! signed one-click unsubscribe works signed out and cannot be forged;
//! proposals are reminded a day before they expire; invitations go by mail;
//! moving an account to a new address waits for the new address's link.

use app::services::jobs;
use entity::{account, mail_outbox, mail_preference};
use frontline_tests::{DbKind, TestApp, db_tests, smtp_sink::SmtpSink, users::PASSWORD, world};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::Value;
use std::time::Duration;

fn subjects(sink: &SmtpSink) -> Vec<(Vec<String>, Option<String>)> {
    sink.received()
        .iter()
        .map(|m| (m.to.clone(), m.header("Subject")))
        .collect()
}

/// Mails to `to` whose subject starts with `subject`, once the outbox is empty.
async fn count_to(app: &TestApp, sink: &SmtpSink, to: &str, subject: &str) -> usize {
    settle(app).await;
    sink.received()
        .iter()
        .filter(|m| m.to == [to] && m.header("Subject").is_some_and(|s| s.starts_with(subject)))
        .count()
}

/// Waits until no mail waits in the outbox (at most 20 s).
async fn settle(app: &TestApp) {
    for _ in 0..1000 {
        let waiting = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::State.is_in(["pending", "sending"]))
            .all(&app.db)
            .await
            .unwrap_or_default();
        if waiting.is_empty() {
            // The sink has written down what it accepted by the time the
            // worker marks it sent.
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the outbox did not empty");
}

fn advance(app: &TestApp, by: Duration) {
    app.clock.advance(by);
}

async fn tick(app: &TestApp) {
    // Past the job lease of any earlier run.
    advance(app, Duration::from_secs(61));
    jobs::tick(&app.state, "test")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
}

fn field_error(v: &Value, field: &str) -> Option<String> {
    v["Validation"].as_array()?.iter().find(|e| e["field"] == field)?["message"]
        .as_str()
        .map(ToOwned::to_owned)
}

async fn mode(app: &TestApp, account: i64, topic: &str) -> Option<String> {
    mail_preference::Entity::find()
        .filter(mail_preference::Column::AccountId.eq(account))
        .filter(mail_preference::Column::Topic.eq(topic))
        .one(&app.db)
        .await
        .unwrap_or_default()
        .map(|p| p.mode)
}

/// The part of a need's form that only an engaged volunteer may read.
const CONFIDENTIAL: &str = "registrar login";
/// A message's body, which no mail may carry.
const BODY: &str = "the firewall admin password is on the sticky note";
const TITLE: &str = "DMARC for stluc.example";
const MEMBER: &str = "it@stluc.example";
const VOLUNTEER: &str = "ada@volunteers.example";

db_tests! {
    async fn each_step_of_an_engagement_mails_the_other_side_a_link_and_nothing_confidential(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let c = world::cast(&app).await;
        let id = world::propose(&c.coordinator, c.need, VOLUNTEER).await;
        let e = id.to_string();

        let proposal = sink.mail_to(VOLUNTEER, &format!("New proposal: {TITLE}")).await;
        let text = proposal.text();
        assert!(text.contains(&format!("{}/engagements/{id}", app.settings.public_url)), "{text}");
        assert!(text.contains("Hôpital Saint-Luc"), "for whom: {text}");
        assert!(text.contains("Please answer by"), "the answer-by time: {text}");
        assert!(proposal.html().contains(&format!("href=\"{}/engagements/{id}\"", app.settings.public_url)));
        let unsubscribe = proposal.header("List-Unsubscribe").unwrap_or_default();
        let prefix = format!("<{}/unsubscribe/{}.proposals.", app.settings.public_url, c.volunteer_user.id);
        assert!(unsubscribe.starts_with(&prefix) && unsubscribe.ends_with('>'), "{unsubscribe}");
        assert_eq!(proposal.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
        assert!(proposal.header("Message-ID").is_some());

        c.volunteer.call_json("/api/engagements/accept", &[("id", &e)]).await;
        let accepted = sink.mail_to(MEMBER, &format!("Proposal accepted: {TITLE}")).await;
        assert!(accepted.text().contains(&format!("/engagements/{id}")));
        c.member.call_json("/api/engagements/confirm", &[("id", &e)]).await;
        sink.mail_to(VOLUNTEER, &format!("Work confirmed: {TITLE}")).await;

        // Three messages in a row: one notice; a quarter of an hour later, another.
        for n in 0..3 {
            c.member.call_json("/api/engagements/message", &[("id", &e), ("body", &format!("{BODY} ({n})"))]).await;
        }
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "New message").await, 1, "{:?}", subjects(&sink));
        advance(&app, Duration::from_secs(16 * 60));
        c.member.call_json("/api/engagements/message", &[("id", &e), ("body", BODY)]).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "New message").await, 2);
        assert_eq!(count_to(&app, &sink, MEMBER, "New message").await, 0, "not told of one's own messages");
        let notices = c.volunteer.call_json("/api/notifications/list", &[]).await;
        assert_eq!(
            notices.as_array().map(|n| n.iter().filter(|n| n["kind"] == "message.posted").count()),
            Some(4),
            "the page lists every message: {notices}"
        );

        c.member.call_json("/api/engagements/complete", &[("id", &e), ("rating", "5"), ("comment", ""), ("resolved", "on")]).await;
        let done = sink.mail_to(VOLUNTEER, &format!("Completed: please rate it: {TITLE}")).await;
        assert!(done.text().contains(&format!("/engagements/{id}")));

        // Vetting decisions were mailed too (the cast approved both sides).
        settle(&app).await;
        let vetting: Vec<String> = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Kind.eq("vetting"))
            .all(&app.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.recipient)
            .collect();
        assert!(vetting.contains(&MEMBER.to_owned()) && vetting.contains(&VOLUNTEER.to_owned()), "{vetting:?}");

        for mail in sink.received() {
            assert!(!mail.data.contains(CONFIDENTIAL) && !mail.text().contains(CONFIDENTIAL) && !mail.html().contains(CONFIDENTIAL),
                "confidential details in {:?}", mail.header("Subject"));
            assert!(!mail.text().contains("sticky note") && !mail.html().contains("sticky note"),
                "a message body in {:?}", mail.header("Subject"));
            assert!(!mail.text().is_empty() && !mail.html().is_empty(), "both alternatives");
        }
        app.stop().await;
    }

    async fn each_person_chooses_per_topic_and_the_daily_digest_gathers_the_day(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;

        // The page, without JavaScript: a radio group per topic, "at once" chosen.
        let page = c.volunteer.get_text("/account/mail", 200).await;
        assert!(page.contains(r#"name="proposals" value="immediately" checked"#), "{page}");
        let bad = c.volunteer.call("/api/mail/save", &[("messages", "sometimes")]).await;
        assert_eq!(bad.status().as_u16(), 422);
        let saved = c.volunteer.submit("/account/mail", "/api/mail/save",
            &[("proposals", "daily"), ("engagements", "immediately"), ("messages", "never"), ("vetting", "immediately")]).await;
        assert_eq!(saved.status().as_u16(), 302);
        assert_eq!(mode(&app, v, "proposals").await.as_deref(), Some("daily"));
        assert_eq!(mode(&app, v, "messages").await.as_deref(), Some("never"));
        let page = c.volunteer.get_text("/account/mail?saved=1", 200).await;
        assert!(page.contains(r#"name="proposals" value="daily" checked"#), "{page}");
        advance(&app, Duration::from_secs(1));

        // Daily: nothing at once, then one digest a day later.
        let id = world::propose(&c.coordinator, c.need, VOLUNTEER).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "New proposal").await, 0, "proposals go to the digest");
        // Never: no mail about messages.
        let e = id.to_string();
        c.volunteer.call_json("/api/engagements/accept", &[("id", &e)]).await;
        c.member.call_json("/api/engagements/confirm", &[("id", &e)]).await;
        c.member.call_json("/api/engagements/message", &[("id", &e), ("body", "hello")]).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "New message").await, 0);
        sink.mail_to(VOLUNTEER, &format!("Work confirmed: {TITLE}")).await;

        // A critical need does not wait for tomorrow's digest.
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let mut form = world::need_form("Ransomware on the lab network", category, skill);
        form.retain(|(k, _)| k != "input[urgency]");
        form.push(("input[urgency]".into(), "critical".into()));
        let need = world::draft_need(&c.member, &form).await;
        c.member.call_json("/api/needs/submit", &[("id", &need.to_string())]).await;
        c.coordinator.call_json("/api/vetting/triage", &[("id", &need.to_string()), ("decision", "open"), ("note", "")]).await;
        settle(&app).await;
        let proposed = entity::engagement::Entity::find()
            .filter(entity::engagement::Column::NeedId.eq(need))
            .filter(entity::engagement::Column::VolunteerId.eq(v))
            .one(&app.db).await.unwrap_or_default();
        if proposed.is_none() {
            world::propose(&c.coordinator, need, VOLUNTEER).await;
        }
        sink.mail_to(VOLUNTEER, "New proposal: Ransomware on the lab network").await;
        // Sessions end overnight; the digest does not need one.
        tick(&app).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "Your daily Frontline digest").await, 0, "not before a day");
        advance(&app, Duration::from_secs(24 * 3600));
        tick(&app).await;
        let digest = sink.mail_to(VOLUNTEER, "Your daily Frontline digest").await;
        assert!(digest.text().contains(&format!("New proposal: {TITLE}")), "{}", digest.text());
        let unsubscribe = digest.header("List-Unsubscribe").unwrap_or_default();
        assert!(unsubscribe.contains(&format!("/unsubscribe/{v}.all.")), "{unsubscribe}");
        tick(&app).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "Your daily Frontline digest").await, 1, "one a day");

        app.stop().await;
    }

    async fn a_signed_one_click_unsubscribe_works_signed_out_and_a_forged_one_does_nothing(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        world::propose(&c.coordinator, c.need, VOLUNTEER).await;
        let mail = sink.mail_to(VOLUNTEER, "New proposal").await;
        let told = sink.mail_to(MEMBER, "A volunteer was proposed").await;
        assert!(told.text().contains("The volunteer answers by"), "the organisation's words: {}", told.text());
        let header = mail.header("List-Unsubscribe").unwrap_or_default();
        let url = header.trim_start_matches('<').trim_end_matches('>').to_owned();
        assert!(mail.text().contains(&url), "the link is in the text too");
        let path = url.trim_start_matches(&app.settings.public_url).to_owned();
        let token = path.trim_start_matches("/unsubscribe/").to_owned();

        // Opening the link changes nothing (mail scanners open links).
        let stranger = app.client();
        let page = stranger.get_text(&path, 200).await;
        assert!(page.contains(&format!(r#"action="/unsubscribe/{token}""#)) && page.contains("List-Unsubscribe"), "{page}");
        assert_eq!(mode(&app, v, "proposals").await, None);

        // Forged or mangled links: 404, nothing changes.
        let (account, rest) = token.split_once('.').unwrap_or_default();
        let (_, signature) = rest.split_once('.').unwrap_or_default();
        let flipped: String = signature.chars().rev().collect();
        let forged = [
            format!("{}.{rest}", c.coordinator_user.id),
            format!("{account}.messages.{signature}"),
            format!("{account}.proposals.{flipped}"),
            format!("{account}.proposals.{}", &signature[..signature.len() - 2]),
            format!("{account}.nonsense.{signature}"),
            "x".repeat(300),
        ];
        let raw = reqwest::Client::new();
        for token in &forged {
            let res = raw.post(app.url(&format!("/unsubscribe/{token}")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click").send().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(res.status().as_u16(), 404, "{token}");
            stranger.get_text(&format!("/unsubscribe/{token}"), 404).await;
        }
        assert!(mail_preference::Entity::find().all(&app.db).await.unwrap_or_default().is_empty());

        // What a mail client sends (RFC 8058): no cookie, from anywhere.
        let res = raw.post(app.url(&path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "https://mail.example")
            .body("List-Unsubscribe=One-Click").send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(mode(&app, v, "proposals").await.as_deref(), Some("never"));
        assert_eq!(mode(&app, v, "messages").await, None, "only that topic");
        assert!(stranger.get_text(&path, 200).await.contains("data-unsubscribed"));
        // Again, from the page's button (a browser): back to the page.
        let again = stranger.submit(&path, &path, &[("List-Unsubscribe", "One-Click")]).await;
        assert_eq!(again.status().as_u16(), 303);
        assert_eq!(again.headers().get("location").and_then(|l| l.to_str().ok()), Some(path.as_str()));
        let audited = entity::audit_log::Entity::find()
            .filter(entity::audit_log::Column::Action.eq("account.mail_preferences_changed"))
            .all(&app.db).await.unwrap_or_default();
        assert_eq!(audited.len(), 1, "once: the second changed nothing");

        // No more proposal mail; the notification is still there.
        let other = world::open_need(&app, &c.member, &c.coordinator, "SPF for the lab").await;
        world::propose(&c.coordinator, other, VOLUNTEER).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "New proposal").await, 1);
        app.stop().await;
    }

    async fn a_proposal_is_reminded_once_a_day_before_it_expires(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let c = world::cast(&app).await;
        world::propose(&c.coordinator, c.need, VOLUNTEER).await;
        advance(&app, Duration::from_secs(46 * 3600));
        tick(&app).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "Reminder").await, 0, "more than a day left");
        advance(&app, Duration::from_secs(2 * 3600));
        tick(&app).await;
        let reminder = sink.mail_to(VOLUNTEER, "Reminder: a proposal waits for your answer").await;
        assert!(reminder.text().contains("Please answer by"), "{}", reminder.text());
        tick(&app).await;
        assert_eq!(count_to(&app, &sink, VOLUNTEER, "Reminder").await, 1, "once");
        assert_eq!(count_to(&app, &sink, MEMBER, "Reminder").await, 0, "the side that must answer only");
        app.stop().await;
    }

    async fn invitations_go_by_mail_and_their_links_work(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let c = world::cast(&app).await;
        let bad = c.member.call("/api/organisation/invite", &[("email", "not an address")]).await;
        assert_eq!(bad.status().as_u16(), 422);
        let sent = c.member.submit("/organisation", "/api/organisation/invite", &[("email", "Colleague@Stluc.example")]).await;
        assert_eq!(sent.status().as_u16(), 302);
        let page = c.member.get_text("/organisation", 200).await;
        assert!(page.contains("data-invitation-mailed") && page.contains("colleague@stluc.example"), "{page}");
        let mail = sink.mail_to("colleague@stluc.example", "Test User invites you to").await;
        let link = mail.link(&format!("{}/invite/", app.settings.public_url)).unwrap_or_else(|| panic!("{}", mail.text()));
        let token = link.rsplit('/').next().unwrap_or_default().to_owned();
        let colleague = app.client();
        app.register(&colleague, "organisation_member", "colleague@stluc.example").await;
        colleague.call_json("/api/organisation/join", &[("token", &token)]).await;
        let mine = colleague.call_json("/api/organisation/mine", &[]).await;
        assert_eq!(mine["organisation"]["id"], c.organisation, "{mine}");
        // Without an address, a link to hand over, and no mail (counted once
        // the mail already queued, such as the colleague's welcome, is out).
        settle(&app).await;
        let before = sink.received().len();
        c.member.call_json("/api/organisation/invite", &[]).await;
        settle(&app).await;
        assert_eq!(sink.received().len(), before);

        // A coordinator invites a coordinator: the set-password link goes by mail.
        let res = c.coordinator.call("/api/admin/invite_coordinator", &[("email", "grace@example.org"), ("display_name", "Grace")]).await;
        assert!(res.status().is_success(), "{}", res.status());
        let mail = sink.mail_to("grace@example.org", "You are invited to coordinate Frontline").await;
        let link = mail.link(&format!("{}/reset/", app.settings.public_url)).unwrap_or_else(|| panic!("{}", mail.text()));
        let token = link.rsplit('/').next().unwrap_or_default().to_owned();
        let new = "grace chooses a long passphrase";
        let set = app.client().call("/api/reset_password", &[("token", &token), ("new_password", new), ("confirm_password", new)]).await;
        assert_eq!(set.status().as_u16(), 200);
        let login = app.client().call("/api/login", &[("email", "grace@example.org"), ("password", new)]).await;
        assert_eq!(login.status().as_u16(), 200);
        app.stop().await;
    }

    async fn moving_to_a_new_address_needs_the_password_and_the_new_addresss_link(db: DbKind) {
        let sink = SmtpSink::start().await;
        let app = TestApp::spawn_with(db, frontline_tests::smtp_sink::settings_for(&sink)).await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "old@example.org").await;
        let other = app.register(&app.client(), "volunteer", "taken@example.org").await;

        let wrong = client.call("/api/mail/change_email", &[("email", "new@example.org"), ("password", "not my password at all")]).await;
        assert_eq!(wrong.status().as_u16(), 422);
        let body: Value = serde_json::from_str(&wrong.text().await.unwrap_or_default()).unwrap_or_default();
        assert_eq!(field_error(&body, "password").as_deref(), Some("CurrentPasswordWrong"));
        let same = client.call("/api/mail/change_email", &[("email", "OLD@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(same.status().as_u16(), 422);

        let asked = client.submit("/account/mail", "/api/mail/change_email", &[("email", "New@Example.org"), ("password", PASSWORD)]).await;
        assert_eq!(asked.status().as_u16(), 302);
        let taken = client.submit("/account/mail", "/api/mail/change_email", &[("email", "taken@example.org"), ("password", PASSWORD)]).await;
        assert_eq!(asked.headers().get("location"), taken.headers().get("location"), "the same answer for a taken address");
        sink.mail_to("taken@example.org", "Someone tried to use your address on Frontline").await;
        let link_mail = sink.mail_to("new@example.org", "Confirm your new address for Frontline").await;
        let notice = sink.mail_to("old@example.org", "Your Frontline account's address is being changed").await;
        assert!(notice.text().contains("new@example.org"));
        assert_eq!(client.whoami().await.as_deref(), Some("old@example.org"), "nothing moves before the link");
        assert_eq!(count_to(&app, &sink, "taken@example.org", "Confirm your new address").await, 0, "no link to a taken address");
        let page = client.get_text("/account/mail", 200).await;
        assert!(page.contains("data-pending-email"), "{page}");

        let link = link_mail.link(&format!("{}/verify/", app.settings.public_url)).unwrap_or_else(|| panic!("{}", link_mail.text()));
        let token = link.rsplit('/').next().unwrap_or_default().to_owned();
        assert!(app.client().get_text(&format!("/verify/{token}"), 200).await.contains("new@example.org"));
        app.client().call_json("/api/verify_email", &[("token", &token)]).await;
        let moved = account::Entity::find_by_id(user.id).one(&app.db).await.unwrap_or_default().unwrap_or_else(|| panic!("gone"));
        assert_eq!(moved.email, "new@example.org");
        assert!(moved.email_verified_at.is_some());
        assert_eq!(app.client().call("/api/verify_email", &[("token", &token)]).await.status().as_u16(), 404, "once");
        assert_eq!(app.client().call("/api/login", &[("email", "new@example.org"), ("password", PASSWORD)]).await.status().as_u16(), 200);
        assert_eq!(app.client().call("/api/login", &[("email", "old@example.org"), ("password", PASSWORD)]).await.status().as_u16(), 401);
        let untouched = account::Entity::find_by_id(other.id).one(&app.db).await.unwrap_or_default().map(|a| a.email);
        assert_eq!(untouched.as_deref(), Some("taken@example.org"));
        app.stop().await;
    }
}
