//! Engagements over HTTP on both databases: the whole lifecycle, every illegal
//! transition refused, expiry under a controlled clock, the capacity race, the
//! run-once job across two instances, and who sees what.

use app::{
    infra::lease,
    services::{engagements, jobs},
};
use entity::{audit_log, engagement, job_lease, need};
use frontline_tests::facts::{audited, capacity, need_status, notified, status, today};
use frontline_tests::{DbKind, TestApp, TestClient, TestDatabase, db_tests, fixtures, world};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait as _, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _,
};
use serde_json::Value;
use std::time::Duration;
use time::OffsetDateTime;

const HOUR: Duration = Duration::from_secs(3600);

async fn page(client: &TestClient, id: i64) -> Value {
    client
        .call_json("/api/engagements/page", &[("id", &id.to_string())])
        .await
}

fn field_error(v: &Value, field: &str) -> Option<String> {
    v["Validation"].as_array()?.iter().find(|e| e["field"] == field)?["message"]
        .as_str()
        .map(ToOwned::to_owned)
}

async fn refused(client: &TestClient, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let res = client.call(path, fields).await;
    let code = res.status().as_u16();
    let body = serde_json::from_str(&res.text().await.unwrap_or_default()).unwrap_or_default();
    (code, body)
}

/// An engagement row in any status (holding no capacity), on a fresh need of
/// `organisation` in the status that goes with it.
async fn engagement_in(
    app: &TestApp,
    organisation: i64,
    author: i64,
    volunteer: i64,
    status: engagement::Status,
) -> (i64, i64) {
    let need_status = match status {
        engagement::Status::Active => need::Status::Matched,
        engagement::Status::Completed => need::Status::Resolved,
        _ => need::Status::Open,
    };
    let need = fixtures::need(&app.db, organisation, author, need_status).await;
    let now = app.clock_now();
    let e = engagement::ActiveModel {
        need_id: Set(need),
        volunteer_id: Set(volunteer),
        status: Set(status),
        proposed_by: Set(None),
        proposer_kind: Set(engagement::ProposerKind::Matcher),
        reason: Set("fixture".into()),
        weekly_hours: Set(1),
        holds_capacity: Set(false),
        expires_at: Set(Some(now + time::Duration::hours(72))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (e.id, need)
}

trait ClockNow {
    fn clock_now(&self) -> OffsetDateTime;
}

impl ClockNow for TestApp {
    fn clock_now(&self) -> OffsetDateTime {
        use app::clock::Clock as _;
        self.clock.now()
    }
}

db_tests! {
    async fn the_whole_lifecycle_over_http(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        assert_eq!(notified(&app, v, "vetting.approved").await, 1, "the volunteer was told of their approval");
        c.volunteer.call_json("/api/notifications/read", &[]).await;
        let id = world::propose(&c.coordinator, c.need, &c.volunteer_user.email).await;
        let e = id.to_string();
        assert_eq!(status(&app, id).await, engagement::Status::Proposed);
        assert_eq!(notified(&app, v, "engagement.proposed").await, 1, "the volunteer is told");
        let who = c.volunteer.call_json("/api/whoami", &[]).await;
        assert_eq!(who["unread"], 1, "{who}");

        // Proposed: the volunteer sees the proposal and why, not the confidential part.
        let p = page(&c.volunteer, id).await;
        assert!(p["engagement"]["confidential"].is_null(), "{p}");
        assert_eq!(p["engagement"]["reason"], "DMARC expert, speaks French, available now.");
        assert_eq!(p["engagement"]["can"]["accept"], true);
        assert_eq!(c.volunteer.call_json("/api/whoami", &[]).await["unread"], 0, "opening it reads its notifications");

        c.volunteer.call_json("/api/engagements/accept", &[("id", &e)]).await;
        assert_eq!(status(&app, id).await, engagement::Status::Accepted);
        assert_eq!(capacity(&app, v).await, (1, 3), "12 h over four weeks: 3 h a week held");
        let p = page(&c.volunteer, id).await;
        assert!(p["engagement"]["confidential"].is_null(), "not before the organisation confirms: {p}");

        // The volunteer cannot lower their limits under what they committed.
        let skill = world::skill(&app, "dmarc").await;
        let mut profile = world::profile_form(skill, false);
        profile.retain(|(k, _)| k != "input[hours_per_week]");
        profile.push(("input[hours_per_week]".into(), "2".into()));
        let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (code, body) = refused(&c.volunteer, "/api/volunteer/save", &fields).await;
        assert_eq!((code, field_error(&body, "hours_per_week").as_deref()), (422, Some("BelowCommitted")));

        c.member.call_json("/api/engagements/confirm", &[("id", &e)]).await;
        assert_eq!(status(&app, id).await, engagement::Status::Active);
        assert_eq!(need_status(&app, c.need).await, need::Status::Matched);

        // Active: the volunteer reads the confidential part, and that read is audited.
        let reads = audited(&app, "need.confidential_read").await;
        let p = page(&c.volunteer, id).await;
        let details = p["engagement"]["confidential"]["details"].as_str().unwrap_or_default();
        assert!(details.contains("registrar login"), "{p}");
        assert_eq!(audited(&app, "need.confidential_read").await, reads + 1);

        // Messages, in order, to the participants.
        c.member.call_json("/api/engagements/message", &[("id", &e), ("body", "Welcome! The DNS host is ready.")]).await;
        c.volunteer.call_json("/api/engagements/message", &[("id", &e), ("body", "Thanks, starting with SPF.")]).await;
        let thread = c.coordinator.call_json("/api/engagements/messages", &[("id", &e), ("after", "0")]).await;
        let thread = thread.as_array().cloned().unwrap_or_default();
        assert_eq!(thread.len(), 2);
        assert_eq!((thread[0]["side"].as_str(), thread[1]["side"].as_str()), (Some("organisation"), Some("volunteer")));
        let first = thread[0]["id"].as_i64().unwrap_or_default().to_string();
        let newer = c.member.call_json("/api/engagements/messages", &[("id", &e), ("after", &first)]).await;
        assert_eq!(newer.as_array().map(Vec::len), Some(1), "only what is new: {newer}");
        let (code, body) = refused(&c.member, "/api/engagements/message", &[("id", &e), ("body", "   ")]).await;
        assert_eq!((code, field_error(&body, "body").as_deref()), (422, Some("Required")));
        assert_eq!(notified(&app, v, "message.posted").await, 1, "told of the member's message, not of their own");

        // Hours: bad input is refused with a reason and nothing is kept.
        let today = today(&app);
        let (code, body) = refused(&c.volunteer, "/api/engagements/hours", &[("id", &e), ("on", &today), ("hours", "lots"), ("hours_note", "")]).await;
        assert_eq!((code, field_error(&body, "hours").as_deref()), (422, Some("NumberInvalid")));
        let (code, body) = refused(&c.volunteer, "/api/engagements/hours", &[("id", &e), ("on", "2999-01-01"), ("hours", "1"), ("hours_note", "")]).await;
        assert_eq!((code, field_error(&body, "on").as_deref()), (422, Some("DateInvalid")));
        let (code, _) = refused(&c.member, "/api/engagements/hours", &[("id", &e), ("on", &today), ("hours", "1"), ("hours_note", "")]).await;
        assert_eq!(code, 403, "only the volunteer logs hours");
        c.volunteer.call_json("/api/engagements/hours", &[("id", &e), ("on", &today), ("hours", "2,5"), ("hours_note", "SPF and DKIM")]).await;
        assert_eq!(need_status(&app, c.need).await, need::Status::InProgress, "the first log starts the work");
        assert_eq!(page(&c.member, id).await["engagement"]["minutes_logged"], 150);

        // The organisation completes and rates; the need is resolved; capacity comes back.
        let (code, body) = refused(&c.member, "/api/engagements/complete", &[("id", &e), ("rating", "9"), ("comment", ""), ("resolved", "on")]).await;
        assert_eq!((code, field_error(&body, "rating").as_deref()), (422, Some("InvalidChoice")));
        c.member.call_json("/api/engagements/complete", &[("id", &e), ("rating", "5"), ("comment", "Quick and clear."), ("resolved", "on")]).await;
        assert_eq!(status(&app, id).await, engagement::Status::Completed);
        assert_eq!(need_status(&app, c.need).await, need::Status::Resolved);
        assert_eq!(capacity(&app, v).await, (0, 0));

        c.volunteer.call_json("/api/engagements/rate", &[("id", &e), ("rating", "4"), ("comment", "Well prepared team.")]).await;
        let (code, _) = refused(&c.volunteer, "/api/engagements/rate", &[("id", &e), ("rating", "1"), ("comment", "")]).await;
        assert_eq!(code, 409, "rated once");
        let p = page(&c.member, id).await;
        assert_eq!((p["engagement"]["organisation_rating"].as_i64(), p["engagement"]["volunteer_rating"].as_i64()), (Some(5), Some(4)));

        let history = c.volunteer.call_json("/api/engagements/history", &[]).await;
        assert_eq!((history["minutes"].as_i64(), history["completed"].as_i64()), (Some(150), Some(1)), "{history}");

        for (action, count) in [
            ("engagement.proposed", 1),
            ("engagement.transition", 3),
            ("engagement.message_posted", 2),
            ("engagement.hours_logged", 1),
            ("engagement.rated", 1),
        ] {
            assert_eq!(audited(&app, action).await, count, "{action}");
        }
        let pages = [format!("/engagements/{id}"), "/engagements".into(), "/notifications".into(), "/volunteer/history".into()];
        for path in &pages {
            let html = c.volunteer.get_text(path, 200).await;
            assert!(html.contains("DMARC for stluc.example"), "{path} names the need");
        }
    }

    async fn every_illegal_transition_is_refused(db: DbKind) {
        use engagement::Status as S;
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let author = app.account_id("it@stluc.example").await;
        let v = c.volunteer_user.id;
        let today = today(&app);
        let parties = [("volunteer", &c.volunteer), ("organisation", &c.member), ("coordinator", &c.coordinator)];
        let actions = ["accept", "decline", "confirm", "complete", "cancel", "hours", "rate"];
        // Everything allowed, with where it leads; all else must be refused.
        let allowed = |from: S, party: &str, action: &str| -> Option<S> {
            match (from, party, action) {
                (S::Proposed, "volunteer", "accept") => Some(S::Accepted),
                (S::Proposed | S::Accepted, "volunteer" | "organisation", "decline") => Some(S::Declined),
                (S::Accepted, "organisation", "confirm") => Some(S::Active),
                (S::Proposed | S::Accepted | S::Active, "coordinator", "cancel")
                | (S::Active, "volunteer" | "organisation", "cancel") => Some(S::Cancelled),
                (S::Active, "organisation", "complete") => Some(S::Completed),
                (S::Active, "volunteer", "hours") => Some(S::Active),
                (S::Completed, "volunteer", "rate") => Some(S::Completed),
                _ => None,
            }
        };
        let mut failures = Vec::new();
        let mut refusals = 0;
        for from in [S::Proposed, S::Accepted, S::Active, S::Completed, S::Declined, S::Expired, S::Cancelled] {
            for (party, client) in parties {
                for action in actions {
                    let (id, _) = engagement_in(&app, c.organisation, author, v, from).await;
                    let e = id.to_string();
                    let reason = if party == "volunteer" { "no_time" } else { "language" };
                    let fields: Vec<(&str, &str)> = match action {
                        "decline" => vec![("id", &e), ("reason", reason), ("note", "")],
                        "complete" => vec![("id", &e), ("rating", "4"), ("comment", ""), ("resolved", "on")],
                        "cancel" => vec![("id", &e), ("cancel_note", "")],
                        "hours" => vec![("id", &e), ("on", &today), ("hours", "1"), ("hours_note", "")],
                        "rate" => vec![("id", &e), ("rating", "5"), ("comment", "")],
                        _ => vec![("id", &e)],
                    };
                    let code = client.call(&format!("/api/engagements/{action}"), &fields).await.status().as_u16();
                    let now = status(&app, id).await;
                    match allowed(from, party, action) {
                        Some(to) if !(200..300).contains(&code) || now != to => {
                            failures.push(format!("{from:?}: {party} {action} should lead to {to:?}; got {code}, {now:?}"));
                        }
                        None if !(400..500).contains(&code) || now != from => {
                            failures.push(format!("{from:?}: {party} {action} should be refused; got {code}, {now:?}"));
                        }
                        None => refusals += 1,
                        Some(_) => {}
                    }
                    // Release what a successful accept took, for the next rounds.
                    sea_orm::ConnectionTrait::execute_unprepared(
                        &app.db,
                        &format!("UPDATE volunteer SET active_engagements = 0, committed_hours = 0 WHERE account_id = {v}"),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(refusals, 7 * 3 * 7 - 14, "every combination was tried");
    }

    async fn unanswered_proposals_expire_on_time(db: DbKind) {
        // The background loop never fires during the test (a one-hour period);
        // the test runs the job itself, at times it chooses.
        let app = TestApp::spawn_with(db, |s| s.job_interval_secs = 3600).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        let proposed = world::propose(&c.coordinator, c.need, &c.volunteer_user.email).await;
        let other = world::open_need(&app, &c.member, &c.coordinator, "Backups for the lab").await;
        let offered = world::created_id(
            c.volunteer.call("/api/engagements/offer", &[("need", &other.to_string()), ("note", "Happy to help")]).await,
            "offer",
        )
        .await;
        assert_eq!(status(&app, offered).await, engagement::Status::Accepted, "an offer commits the volunteer");
        assert_eq!(capacity(&app, v).await, (1, 3));

        app.clock.advance(71 * HOUR);
        assert_eq!(jobs::tick(&app.state, "test").await.ok(), Some(Some(0)), "not yet");
        assert_eq!(status(&app, proposed).await, engagement::Status::Proposed);

        app.clock.advance(2 * HOUR);
        assert_eq!(jobs::tick(&app.state, "test").await.ok(), Some(Some(2)));
        assert_eq!(status(&app, proposed).await, engagement::Status::Expired);
        assert_eq!(status(&app, offered).await, engagement::Status::Expired);
        assert_eq!(capacity(&app, v).await, (0, 0), "the offer's hold is given back");
        assert_eq!(notified(&app, v, "engagement.expired").await, 2);
        app.sign_in(&c.volunteer, &c.volunteer_user).await; // 73 hours later
        let (code, _) = refused(&c.volunteer, "/api/engagements/accept", &[("id", &proposed.to_string())]).await;
        assert_eq!(code, 409, "too late");

        app.clock.advance(2 * HOUR);
        assert_eq!(jobs::tick(&app.state, "test").await.ok(), Some(Some(0)), "each expires once");
        assert_eq!(notified(&app, v, "engagement.expired").await, 2);
    }

    async fn the_last_slot_goes_to_exactly_one_of_a_hundred(db: DbKind) {
        let app = TestApp::spawn_with(db, |s| s.db_max_connections = 20).await;
        let c = world::cast(&app).await;
        let author = app.account_id("it@stluc.example").await;
        let v = c.volunteer_user.id;
        // Round one: one slot, plenty of hours. Round two: ten slots, hours for one.
        for (slots, hours) in [(1_i16, 60_i16), (10, 1)] {
            app.db
                .execute_unprepared(&format!(
                    "UPDATE volunteer SET max_concurrent = {slots}, hours_per_week = {hours}, \
                     active_engagements = 0, committed_hours = 0 WHERE account_id = {v}"
                ))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut ids = Vec::new();
            for _ in 0..100 {
                ids.push(engagement_in(&app, c.organisation, author, v, engagement::Status::Proposed).await.0);
            }
            let attempts = ids.iter().map(|id| {
                let client = c.volunteer.clone();
                let id = id.to_string();
                tokio::spawn(async move { client.call("/api/engagements/accept", &[("id", &id)]).await.status().as_u16() })
            });
            let mut codes = Vec::new();
            for attempt in attempts.collect::<Vec<_>>() {
                codes.push(attempt.await.unwrap_or_else(|e| panic!("{e}")));
            }
            let won = codes.iter().filter(|c| **c == 200).count();
            let full = codes.iter().filter(|c| **c == 422).count();
            assert_eq!((won, full), (1, 99), "slots {slots}, hours {hours}: {codes:?}");
            assert_eq!(capacity(&app, v).await, (1, 1));
            let accepted = engagement::Entity::find()
                .filter(engagement::Column::VolunteerId.eq(v))
                .filter(engagement::Column::Status.eq(engagement::Status::Accepted))
                .count(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(accepted, 1);
            // Reset for the next round.
            app.db
                .execute_unprepared(&format!("UPDATE engagement SET status = 'cancelled' WHERE volunteer_id = {v}"))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        // Behind the conditional update, the database refuses an overdraft itself.
        let overdraft = app
            .db
            .execute_unprepared(&format!("UPDATE volunteer SET active_engagements = max_concurrent + 1 WHERE account_id = {v}"))
            .await;
        assert!(overdraft.is_err(), "the CHECK constraint holds");
    }

    async fn two_instances_run_the_expiry_job_once(db: DbKind) {
        let database = TestDatabase::create(db).await;
        let second = database.shared();
        let clock = frontline_tests::TestClock::default();
        let a = TestApp::spawn_on_with_clock(database, clock.clone(), |s| s.job_interval_secs = 1).await;
        let b = TestApp::spawn_on_with_clock(second, clock.clone(), |s| s.job_interval_secs = 1).await;
        let c = world::cast(&a).await;
        let author = a.account_id("it@stluc.example").await;
        let v = c.volunteer_user.id;
        let mut ids = Vec::new();
        for _ in 0..20 {
            ids.push(engagement_in(&a, c.organisation, author, v, engagement::Status::Proposed).await.0);
        }
        // Both instances tick every second; the clock stands still after this, so
        // one period lasts for the rest of the test: the job must run exactly once.
        let mut waited = 0;
        while runs(&a).await == 0 {
            assert!(waited < 200, "the job never ran");
            tokio::time::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        let runs_before = runs(&a).await;
        clock.advance(73 * HOUR);
        let mut waited = 0;
        while live(&a, v).await > 0 {
            assert!(waited < 200, "the job never ran");
            tokio::time::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        // Let both instances tick a few more times.
        tokio::time::sleep(Duration::from_millis(3500)).await;
        assert_eq!(runs(&a).await, runs_before + 1, "one run in one period, across both instances");
        assert_eq!(notified(&b, v, "engagement.expired").await, 20, "each proposal expired and was announced once");
        let expirations = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("engagement.transition"))
            .all(&b.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|row| row.details.contains("\"to\":\"expired\""))
            .count();
        assert_eq!(expirations, 20);
        b.stop().await;
        a.stop().await;
    }

    async fn the_lease_goes_to_one_instance_per_period(db: DbKind) {
        let database = TestDatabase::create(db).await;
        let second = database.shared();
        let clock = frontline_tests::TestClock::default();
        let a = TestApp::spawn_on_with_clock(database, clock.clone(), |s| s.job_interval_secs = 3600).await;
        let b = TestApp::spawn_on_with_clock(second, clock.clone(), |s| s.job_interval_secs = 3600).await;
        let now = a.clock_now();
        const HOUR: Duration = Duration::from_secs(3600);
        for round in 0..30_i64 {
            let at = now + time::Duration::hours(round);
            let (sa, sb) = (a.state.clone(), b.state.clone());
            let (x, y) = tokio::join!(
                tokio::spawn(async move { lease::try_lease(&sa.db, jobs::EXPIRE_PROPOSALS, "a", at, HOUR).await }),
                tokio::spawn(async move { lease::try_lease(&sb.db, jobs::EXPIRE_PROPOSALS, "b", at, HOUR).await }),
            );
            let won = [x, y]
                .into_iter()
                .map(|r| r.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}")))
                .filter(|w| *w)
                .count();
            assert_eq!(won, 1, "round {round}");
            // Within the period, nobody takes it again, not even the holder.
            let later = at + time::Duration::minutes(59);
            assert!(!lease::try_lease(&a.state.db, jobs::EXPIRE_PROPOSALS, "a", later, HOUR).await.unwrap_or(true));
            assert!(!lease::try_lease(&b.state.db, jobs::EXPIRE_PROPOSALS, "b", later, HOUR).await.unwrap_or(true));
        }
        // And the work itself is idempotent: run twice at once, each proposal expires once.
        let c = world::cast(&a).await;
        let author = a.account_id("it@stluc.example").await;
        for _ in 0..10 {
            engagement_in(&a, c.organisation, author, c.volunteer_user.id, engagement::Status::Proposed).await;
        }
        let at = a.clock_now() + time::Duration::hours(73);
        let (sa, sb) = (a.state.clone(), b.state.clone());
        let (x, y) = tokio::join!(engagements::expire_due(&sa, at), engagements::expire_due(&sb, at));
        assert_eq!(x.unwrap_or_default() + y.unwrap_or_default(), 10);
    }

    async fn who_sees_what_of_an_engagement(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let id = world::propose(&c.coordinator, c.need, &c.volunteer_user.id.to_string()).await;
        let e = id.to_string();
        c.volunteer.call_json("/api/engagements/accept", &[("id", &e)]).await;
        c.member.call_json("/api/engagements/message", &[("id", &e), ("body", "Can you start Monday?")]).await;
        c.member
            .call_json("/api/engagements/decline", &[("id", &e), ("reason", "language"), ("note", "We need Portuguese on calls.")])
            .await;
        assert_eq!(capacity(&app, c.volunteer_user.id).await, (0, 0), "a decline gives the hold back");

        // The organisation's reason is for coordinators and the matcher only.
        let seen = page(&c.volunteer, id).await;
        let text = seen.to_string();
        assert_eq!(seen["engagement"]["declined_by"], "organisation");
        assert!(!text.contains("Portuguese") && !text.contains("\"language\""), "{text}");
        assert!(seen["engagement"]["decline"].is_null(), "no decline fields at all: {text}");
        let html = c.volunteer.get_text(&format!("/engagements/{id}"), 200).await;
        assert!(!html.contains("Portuguese") && !html.contains("data-decline-reason"));
        for client in [&c.member, &c.coordinator] {
            let seen = page(client, id).await;
            assert_eq!(seen["engagement"]["decline"]["reason"], "language");
            assert_eq!(seen["engagement"]["decline"]["note"], "We need Portuguese on calls.");
        }
        let stored = engagement::Entity::find_by_id(id).one(&app.db).await.ok().flatten().and_then(|e| e.decline_reason);
        assert_eq!(stored.as_deref(), Some("language"), "kept for the matcher");

        // Outsiders: another volunteer and another organisation's member see nothing.
        let outsider = app.client();
        world::volunteer(&app, &outsider, "eve@volunteers.example", Some(&c.coordinator)).await;
        let other_member = app.client();
        world::member_with_organisation(&app, &other_member, "it@other.example", "Other Clinic").await;
        for client in [&outsider, &other_member] {
            for (path, fields) in [
                ("/api/engagements/page", vec![("id", e.as_str())]),
                ("/api/engagements/messages", vec![("id", e.as_str()), ("after", "0")]),
                ("/api/engagements/message", vec![("id", e.as_str()), ("body", "hello?")]),
            ] {
                assert_eq!(client.call(path, &fields).await.status(), 404, "{path}");
            }
            let list = client.call_json("/api/engagements/list", &[]).await;
            assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
        }
    }

    async fn offers_and_confirmation_call_off_the_rest(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let second = app.client();
        let rival = world::volunteer(&app, &second, "grace@volunteers.example", Some(&c.coordinator)).await;
        let pending = app.client();
        world::volunteer(&app, &pending, "pending@volunteers.example", None).await;
        let need = c.need.to_string();

        let (code, _) = refused(&pending, "/api/engagements/offer", &[("need", &need), ("note", "")]).await;
        assert_eq!(code, 403, "only approved volunteers offer");
        let offer = world::created_id(c.volunteer.call("/api/engagements/offer", &[("need", &need), ("note", "")]).await, "offer").await;
        let (code, body) = refused(&c.volunteer, "/api/engagements/offer", &[("need", &need), ("note", "")]).await;
        assert_eq!((code, field_error(&body, "volunteer").as_deref()), (422, Some("AlreadyProposed")));
        assert_eq!(notified(&app, app.account_id("it@stluc.example").await, "engagement.offered").await, 1);

        let proposal = world::propose(&c.coordinator, c.need, &rival.email).await;
        second.call_json("/api/engagements/accept", &[("id", &proposal.to_string())]).await;
        assert_eq!(capacity(&app, rival.id).await, (1, 3));

        c.member.call_json("/api/engagements/confirm", &[("id", &offer.to_string())]).await;
        assert_eq!(status(&app, offer).await, engagement::Status::Active);
        assert_eq!(status(&app, proposal).await, engagement::Status::Cancelled, "the need is taken");
        assert_eq!(capacity(&app, rival.id).await, (0, 0), "the rival's hold is given back");
        assert_eq!(notified(&app, rival.id, "engagement.cancelled").await, 1);
        let (code, _) = refused(&c.coordinator, "/api/engagements/propose", &[("need", &need), ("volunteer", &rival.email), ("reason", "again")]).await;
        assert_eq!(code, 409, "the need is no longer open");
    }

    async fn withdrawing_a_need_calls_off_its_proposals(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let offer = world::created_id(
            c.volunteer.call("/api/engagements/offer", &[("need", &c.need.to_string()), ("note", "")]).await,
            "offer",
        )
        .await;
        assert_eq!(capacity(&app, c.volunteer_user.id).await, (1, 3));
        c.member.call_json("/api/needs/withdraw", &[("id", &c.need.to_string())]).await;
        assert_eq!(status(&app, offer).await, engagement::Status::Cancelled);
        assert_eq!(capacity(&app, c.volunteer_user.id).await, (0, 0));
    }

    async fn forms_work_without_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let need_page = format!("/needs/{}", c.need);
        // A bad proposal comes back to the form with the typed text kept.
        let res = c.coordinator.submit(&need_page, "/api/engagements/propose", &[("need", &c.need.to_string()), ("volunteer", "nobody@example.org"), ("reason", "Kept reason")]).await;
        assert!(res.status().is_redirection(), "{}", res.status());
        let html = c.coordinator.get_text(&need_page, 200).await;
        assert!(html.contains("Kept reason") && html.contains("nobody@example.org"), "kept input");
        let res = c.coordinator.submit(&need_page, "/api/engagements/propose", &[("need", &c.need.to_string()), ("volunteer", &c.volunteer_user.email), ("reason", "Good fit")]).await;
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        assert!(location.starts_with("/engagements/"), "{location}");
        let path = location.clone();
        let res = c.volunteer.submit(&path, "/api/engagements/accept", &[("id", path.trim_start_matches("/engagements/"))]).await;
        assert!(res.status().is_redirection());
        let html = c.volunteer.get_text(&path, 200).await;
        assert!(html.contains("data-engagement-status=\"accepted\""), "{html}");
        // A message posted as a plain form appears in the thread.
        let res = c.volunteer.submit(&path, "/api/engagements/message", &[("id", path.trim_start_matches("/engagements/")), ("body", "Plain <b>text</b> only")]).await;
        assert!(res.status().is_redirection());
        let html = c.member.get_text(&path, 200).await;
        assert!(html.contains("Plain &lt;b&gt;text&lt;/b&gt; only"), "escaped message in the thread");
    }
}

async fn runs(app: &TestApp) -> i64 {
    job_lease::Entity::find_by_id(jobs::EXPIRE_PROPOSALS.to_owned())
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .map_or(0, |l| l.runs)
}

async fn live(app: &TestApp, volunteer: i64) -> u64 {
    engagement::Entity::find()
        .filter(engagement::Column::VolunteerId.eq(volunteer))
        .filter(engagement::Column::Status.eq(engagement::Status::Proposed))
        .count(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}
