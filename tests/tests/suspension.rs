//! Suspension suspends, and finished engagements stay finished, over HTTP on
//! both databases:
//! - a suspended volunteer, signed in again, is refused every action approval
//!   gave (confidential details, messages, hours, answers, cancelling, rating,
//!   offering) and no longer sees the needs it was engaged on;
//! - a member of a suspended organisation is refused every engagement action
//!   and every change to its needs, invitations included;
//! - on suspension, open proposals are withdrawn (capacity given back), active
//!   engagements flagged to every coordinator, the other side told, all audited;
//! - finished engagements are read-only (a completed one takes its ratings) and
//!   end the volunteer's view of the need.
//!
//! Refusals are collected rather than asserted one by one, so a run without the
//! guards lists every action that got through.

use app::clock::Clock as _;
use entity::{audit_log, engagement, need};
use frontline_tests::facts::{capacity, need_status, notified, status, today};
use frontline_tests::{DbKind, TestApp, TestClient, db_tests, fixtures, users::TestUser, world};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _,
};
use serde_json::Value;

async fn audited(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn row(app: &TestApp, need: i64, volunteer: i64, status: engagement::Status) -> i64 {
    let now = app.clock.now();
    engagement::ActiveModel {
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
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}

/// A proposal by the coordinator, accepted by the volunteer; with `confirm`,
/// confirmed by the member (active).
async fn engagement(
    c: &world::Cast,
    volunteer: &TestClient,
    volunteer_email: &str,
    need: i64,
    confirm: bool,
) -> i64 {
    let id = world::propose(&c.coordinator, need, volunteer_email).await;
    volunteer
        .call_json("/api/engagements/accept", &[("id", &id.to_string())])
        .await;
    if confirm {
        c.member
            .call_json("/api/engagements/confirm", &[("id", &id.to_string())])
            .await;
    }
    id
}

/// Calls `path` and records a failure unless the answer is `expected`.
async fn expect(
    failures: &mut Vec<String>,
    client: &TestClient,
    what: &str,
    path: &str,
    fields: &[(&str, &str)],
    expected: u16,
) {
    let res = client.call(path, fields).await;
    let code = res.status().as_u16();
    if code != expected {
        let body = res.text().await.unwrap_or_default();
        failures.push(format!("{what}: expected {expected}, got {code}: {body}"));
    }
}

/// The volunteer of engagement `a` may no longer read its confidential part,
/// read or post messages, or log hours.
async fn refused_the_work(f: &mut Vec<String>, cv: &TestClient, a: &str, today: &str) {
    expect(
        f,
        cv,
        "engagement page (confidential details)",
        "/api/engagements/page",
        &[("id", a)],
        403,
    )
    .await;
    expect(
        f,
        cv,
        "read messages",
        "/api/engagements/messages",
        &[("id", a), ("after", "0")],
        403,
    )
    .await;
    expect(
        f,
        cv,
        "post a message",
        "/api/engagements/message",
        &[("id", a), ("body", "still here")],
        403,
    )
    .await;
    expect(
        f,
        cv,
        "log hours",
        "/api/engagements/hours",
        &[("id", a), ("on", today), ("hours", "1"), ("hours_note", "")],
        403,
    )
    .await;
}

/// Every action listed in an engagement list's `can` is off.
fn nothing_offered(list: &Value) -> Result<(), String> {
    let rows = list.as_array().ok_or_else(|| format!("not a list: {list}"))?;
    if rows.is_empty() {
        return Err("the list is empty".into());
    }
    for e in rows {
        let offered: Vec<&String> = e["can"]
            .as_object()
            .map(|can| {
                can.iter()
                    .filter(|(_, v)| **v == Value::Bool(true))
                    .map(|(k, _)| k)
                    .collect()
            })
            .unwrap_or_default();
        if !offered.is_empty() {
            return Err(format!("engagement {} still offers {offered:?}", e["id"]));
        }
    }
    Ok(())
}

fn member_user(id: i64) -> TestUser {
    TestUser {
        id,
        email: "it@stluc.example".into(),
        password: frontline_tests::users::PASSWORD.into(),
        totp_secret: None,
    }
}

db_tests! {
    async fn a_suspended_volunteer_loses_every_right_approval_gave(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let second_coordinator = app.coordinator("coord2@example.org").await;
        let member_id = app.account_id("it@stluc.example").await;
        let v = c.volunteer_user.id;
        let email = c.volunteer_user.email.clone();
        // A completed engagement, not yet rated by the volunteer.
        let resolved = world::open_need(&app, &c.member, &c.coordinator, "Patching the lab").await;
        let completed = engagement(&c, &c.volunteer, &email, resolved, true).await;
        c.member
            .call_json("/api/engagements/complete", &[("id", &completed.to_string()), ("rating", "5"), ("comment", ""), ("resolved", "on")])
            .await;
        // Active, accepted (holding capacity) and proposed (holding none): 6 h, 2 slots.
        let active = engagement(&c, &c.volunteer, &email, c.need, true).await;
        let backups = world::open_need(&app, &c.member, &c.coordinator, "Backups for the lab").await;
        let accepted = engagement(&c, &c.volunteer, &email, backups, false).await;
        let phishing = world::open_need(&app, &c.member, &c.coordinator, "Phishing training").await;
        let proposed = world::propose(&c.coordinator, phishing, &email).await;
        assert_eq!(capacity(&app, v).await, (2, 6));
        let spare = world::open_need(&app, &c.member, &c.coordinator, "Asset inventory").await;

        c.coordinator
            .call_json("/api/vetting/volunteer_decide", &[("id", &v.to_string()), ("decision", "suspend"), ("note", "Under review")])
            .await;

        // Open proposals are withdrawn and their capacity given back; the work
        // under way stays, flagged to every coordinator.
        assert_eq!(status(&app, proposed).await, engagement::Status::Cancelled);
        assert_eq!(status(&app, accepted).await, engagement::Status::Cancelled);
        assert_eq!(status(&app, active).await, engagement::Status::Active);
        assert_eq!(status(&app, completed).await, engagement::Status::Completed);
        assert_eq!(capacity(&app, v).await, (1, 3), "only the active engagement's hold remains");
        assert_eq!(notified(&app, member_id, "engagement.withdrawn").await, 2, "the organisation is told");
        assert_eq!(notified(&app, c.coordinator_user.id, "engagement.withdrawn").await, 2, "so is the proposer");
        assert_eq!(notified(&app, v, "engagement.withdrawn").await, 0, "not the volunteer");
        assert_eq!(notified(&app, member_id, "engagement.on_hold").await, 1);
        for coordinator in [c.coordinator_user.id, second_coordinator.id] {
            assert_eq!(notified(&app, coordinator, "engagement.needs_reassignment").await, 1, "every coordinator");
        }
        let flagged = audited(&app, "engagement.flagged").await;
        assert_eq!(flagged.iter().map(|a| a.object_id).collect::<Vec<_>>(), vec![Some(active)]);
        let cancellations = audited(&app, "engagement.transition")
            .await
            .into_iter()
            .filter(|a| a.details.contains("\"to\":\"cancelled\"") && a.actor_account_id == Some(c.coordinator_user.id))
            .filter_map(|a| a.object_id)
            .collect::<Vec<_>>();
        assert_eq!(cancellations, vec![accepted, proposed]);
        let decision = audited(&app, "vetting.decided").await.pop().map(|a| a.details).unwrap_or_default();
        assert!(decision.contains("\"proposals_withdrawn\":2") && decision.contains("\"engagements_flagged\":1"), "{decision}");

        // A proposal that slipped through (made just before), and the volunteer
        // signed in again.
        let late = row(&app, spare, v, engagement::Status::Proposed).await;
        let elsewhere = fixtures::need(&app.db, c.organisation, member_id, need::Status::Open).await;
        let late_declined = row(&app, elsewhere, v, engagement::Status::Proposed).await;
        app.sign_in(&c.volunteer, &c.volunteer_user).await;
        let (a, late, late_declined, done) = (active.to_string(), late.to_string(), late_declined.to_string(), completed.to_string());
        let today = today(&app);
        let mut failures = Vec::new();
        let f = &mut failures;
        let cv = &c.volunteer;
        refused_the_work(f, cv, &a, &today).await;
        expect(f, cv, "cancel", "/api/engagements/cancel", &[("id", &a), ("cancel_note", "")], 403).await;
        expect(f, cv, "accept", "/api/engagements/accept", &[("id", &late)], 403).await;
        expect(f, cv, "decline", "/api/engagements/decline", &[("id", &late_declined), ("reason", "no_time"), ("note", "")], 403).await;
        expect(f, cv, "confirm", "/api/engagements/confirm", &[("id", &a)], 403).await;
        expect(f, cv, "complete", "/api/engagements/complete", &[("id", &a), ("rating", "5"), ("comment", ""), ("resolved", "on")], 403).await;
        expect(f, cv, "rate", "/api/engagements/rate", &[("id", &done), ("rating", "5"), ("comment", "")], 403).await;
        expect(f, cv, "offer", "/api/engagements/offer", &[("need", &spare.to_string()), ("note", "")], 403).await;
        expect(f, cv, "the need of the active engagement", "/api/needs/detail", &[("id", &c.need.to_string())], 404).await;
        expect(f, cv, "open needs", "/api/needs/open", &[], 403).await;
        if let Err(why) = nothing_offered(&cv.call_json("/api/engagements/list", &[]).await) {
            f.push(format!("list: {why}"));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(status(&app, active).await, engagement::Status::Active, "nothing moved");
        assert_eq!(capacity(&app, v).await, (1, 3));

        // The organisation keeps its rights on the active engagement.
        let page = c.member.call_json("/api/engagements/page", &[("id", &a)]).await;
        assert_eq!(page["engagement"]["can"]["message"], true, "{page}");
        c.member.call_json("/api/engagements/message", &[("id", &a), ("body", "We will wait for the programme.")]).await;
    }

    async fn a_suspended_organisation_loses_every_right_approval_gave(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let second_coordinator = app.coordinator("coord2@example.org").await;
        let member_id = app.account_id("it@stluc.example").await;
        let v = c.volunteer_user.id;
        let email = c.volunteer_user.email.clone();
        let active = engagement(&c, &c.volunteer, &email, c.need, true).await;
        let backups = world::open_need(&app, &c.member, &c.coordinator, "Backups for the lab").await;
        let accepted = engagement(&c, &c.volunteer, &email, backups, false).await;
        let phishing = world::open_need(&app, &c.member, &c.coordinator, "Phishing training").await;
        let proposed = world::propose(&c.coordinator, phishing, &email).await;
        assert_eq!(capacity(&app, v).await, (2, 6));
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let draft = world::draft_need(&c.member, &world::need_form("Email hardening", category, skill)).await;
        let link = c.member.call_json("/api/organisation/invite", &[]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();

        world::vet_organisation(&c.coordinator, c.organisation, "suspend").await;

        assert_eq!(status(&app, proposed).await, engagement::Status::Cancelled);
        assert_eq!(status(&app, accepted).await, engagement::Status::Cancelled);
        assert_eq!(status(&app, active).await, engagement::Status::Active);
        assert_eq!(capacity(&app, v).await, (1, 3), "the volunteer's hold on the withdrawn proposal is given back");
        assert_eq!(notified(&app, v, "engagement.withdrawn").await, 2, "the volunteer is told");
        assert_eq!(notified(&app, member_id, "engagement.withdrawn").await, 0, "not the suspended side");
        assert_eq!(notified(&app, v, "engagement.on_hold").await, 1);
        for coordinator in [c.coordinator_user.id, second_coordinator.id] {
            assert_eq!(notified(&app, coordinator, "engagement.needs_reassignment").await, 1, "every coordinator");
        }
        let flagged = audited(&app, "engagement.flagged").await;
        assert_eq!(flagged.iter().map(|a| a.object_id).collect::<Vec<_>>(), vec![Some(active)]);
        assert!(flagged[0].details.contains("organisation"), "{}", flagged[0].details);
        let decision = audited(&app, "vetting.decided").await.pop().map(|a| a.details).unwrap_or_default();
        assert!(decision.contains("\"proposals_withdrawn\":2") && decision.contains("\"engagements_flagged\":1"), "{decision}");

        // Proposals that slipped through, and the member signed in again.
        let author = member_id;
        let fresh = fixtures::need(&app.db, c.organisation, author, need::Status::Open).await;
        let to_confirm = row(&app, fresh, v, engagement::Status::Accepted).await.to_string();
        let other = fixtures::need(&app.db, c.organisation, author, need::Status::Open).await;
        let to_decline = row(&app, other, v, engagement::Status::Proposed).await.to_string();
        app.sign_in(&c.member, &member_user(member_id)).await;
        let a = active.to_string();
        let d = draft.to_string();
        let mut form = world::need_form("Email hardening, again", category, skill);
        form.push(("id".into(), d.clone()));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let new_need = world::need_form("Another need", category, skill);
        let new_need: Vec<(&str, &str)> = new_need.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut failures = Vec::new();
        let f = &mut failures;
        let m = &c.member;
        expect(f, m, "engagement page", "/api/engagements/page", &[("id", &a)], 403).await;
        expect(f, m, "read messages", "/api/engagements/messages", &[("id", &a), ("after", "0")], 403).await;
        expect(f, m, "post a message", "/api/engagements/message", &[("id", &a), ("body", "still here")], 403).await;
        expect(f, m, "complete", "/api/engagements/complete", &[("id", &a), ("rating", "5"), ("comment", ""), ("resolved", "on")], 403).await;
        expect(f, m, "cancel", "/api/engagements/cancel", &[("id", &a), ("cancel_note", "")], 403).await;
        expect(f, m, "confirm", "/api/engagements/confirm", &[("id", &to_confirm)], 403).await;
        expect(f, m, "decline", "/api/engagements/decline", &[("id", &to_decline), ("reason", "language"), ("note", "")], 403).await;
        expect(f, m, "accept", "/api/engagements/accept", &[("id", &to_decline)], 403).await;
        expect(f, m, "rate", "/api/engagements/rate", &[("id", &a), ("rating", "5"), ("comment", "")], 403).await;
        expect(f, m, "log hours", "/api/engagements/hours", &[("id", &a), ("on", &today(&app)), ("hours", "1"), ("hours_note", "")], 403).await;
        expect(f, m, "create a need", "/api/needs/create", &new_need, 403).await;
        expect(f, m, "edit a need", "/api/needs/update", &form, 403).await;
        expect(f, m, "the edit form", "/api/needs/form", &[("id", &d)], 403).await;
        expect(f, m, "submit a need", "/api/needs/submit", &[("id", &d)], 403).await;
        expect(f, m, "withdraw a need", "/api/needs/withdraw", &[("id", &fresh.to_string())], 403).await;
        expect(f, m, "invite", "/api/organisation/invite", &[], 403).await;
        if let Err(why) = nothing_offered(&m.call_json("/api/engagements/list", &[]).await) {
            f.push(format!("list: {why}"));
        }
        // Members still read their own needs, offered no change.
        let seen = m.call_json("/api/needs/detail", &[("id", &d)]).await;
        if seen["editable"] != false || seen["withdrawable"] != false || seen["submittable"] != false {
            f.push(format!("need detail offers changes: {seen}"));
        }
        // A colleague invited before cannot join a suspended organisation.
        let colleague = app.client();
        app.register(&colleague, "organisation_member", "nurse@stluc.example").await;
        expect(f, &colleague, "join", "/api/organisation/join", &[("token", &token)], 403).await;
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(status(&app, active).await, engagement::Status::Active, "nothing moved");
        assert_eq!(need_status(&app, draft).await, need::Status::Draft);
        assert_eq!(need_status(&app, fresh).await, need::Status::Open);

        // The volunteer keeps their rights on the active engagement.
        let page = c.volunteer.call_json("/api/engagements/page", &[("id", &a)]).await;
        assert!(page["engagement"]["confidential"]["details"].is_string(), "{page}");
        c.volunteer
            .call_json("/api/engagements/hours", &[("id", &a), ("on", &today(&app)), ("hours", "1"), ("hours_note", "")])
            .await;
    }

    async fn finished_engagements_are_read_only_and_end_the_view_of_the_need(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let author = app.account_id("it@stluc.example").await;
        let v = c.volunteer_user.id;
        let email = c.volunteer_user.email.clone();
        // Declined by the organisation after the volunteer accepted.
        let declined = engagement(&c, &c.volunteer, &email, c.need, false).await;
        c.member
            .call_json("/api/engagements/decline", &[("id", &declined.to_string()), ("reason", "language"), ("note", "")])
            .await;
        // Another volunteer takes the need: it is no longer open.
        let rival = app.client();
        let rival_user = world::volunteer(&app, &rival, "grace@volunteers.example", Some(&c.coordinator)).await;
        let taken = engagement(&c, &rival, &rival_user.email, c.need, true).await;
        // A completed engagement, rated by the organisation.
        let resolved = world::open_need(&app, &c.member, &c.coordinator, "Patching the lab").await;
        let completed = engagement(&c, &c.volunteer, &email, resolved, true).await;
        c.member
            .call_json("/api/engagements/complete", &[("id", &completed.to_string()), ("rating", "5"), ("comment", ""), ("resolved", "on")])
            .await;
        let expired = row(&app, fixtures::need(&app.db, c.organisation, author, need::Status::Open).await, v, engagement::Status::Expired).await;
        let cancelled = row(&app, fixtures::need(&app.db, c.organisation, author, need::Status::Open).await, v, engagement::Status::Cancelled).await;

        let mut failures = Vec::new();
        let f = &mut failures;
        for (what, id) in [("declined", declined), ("completed", completed), ("expired", expired), ("cancelled", cancelled)] {
            let e = id.to_string();
            for (side, client) in [("volunteer", &c.volunteer), ("organisation", &c.member), ("coordinator", &c.coordinator)] {
                expect(f, client, &format!("{side} posts to a {what} engagement"), "/api/engagements/message", &[("id", &e), ("body", "hello?")], 409).await;
                let page = client.call_json("/api/engagements/page", &[("id", &e)]).await;
                if page["engagement"]["can"]["message"] != false {
                    f.push(format!("the {what} engagement offers messages to the {side}"));
                }
            }
            // The volunteer no longer reads the confidential part through it.
            let page = c.volunteer.call_json("/api/engagements/page", &[("id", &e)]).await;
            if !page["engagement"]["confidential"].is_null() {
                f.push(format!("the volunteer of a {what} engagement reads the confidential part"));
            }
        }
        // Nor the need, now that it is not open (here: matched with someone else
        // after the volunteer's proposal expired).
        let moved_on = fixtures::need(&app.db, c.organisation, author, need::Status::Matched).await;
        row(&app, moved_on, v, engagement::Status::Expired).await;
        for (what, need) in [("declined", c.need), ("completed", resolved), ("expired", moved_on)] {
            expect(f, &c.volunteer, &format!("the need of a {what} engagement"), "/api/needs/detail", &[("id", &need.to_string())], 404).await;
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        let messages = entity::message::Entity::find().count(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(messages, 0, "nothing was posted");

        // The page offers no message form on a finished engagement, and does on a live one.
        let html = c.member.get_text(&format!("/engagements/{declined}"), 200).await;
        assert!(html.contains("data-thread-closed") && !html.contains("data-form=\"message\""), "a finished thread is read-only");
        let html = rival.get_text(&format!("/engagements/{taken}"), 200).await;
        assert!(html.contains("data-form=\"message\"") && !html.contains("data-thread-closed"), "a live thread takes messages");

        // A completed engagement still takes the volunteer's rating, once.
        c.volunteer
            .call_json("/api/engagements/rate", &[("id", &completed.to_string()), ("rating", "4"), ("comment", "Good team.")])
            .await;
        assert_eq!(c.volunteer.call("/api/engagements/rate", &[("id", &completed.to_string()), ("rating", "4"), ("comment", "")]).await.status(), 409);
        // The live engagement on the need still works, and its volunteer sees it.
        let t = taken.to_string();
        rival.call_json("/api/engagements/message", &[("id", &t), ("body", "Starting today.")]).await;
        rival.call_json("/api/needs/detail", &[("id", &c.need.to_string())]).await;
        // An open need stays visible to every approved volunteer, engagement or not.
        let open = world::open_need(&app, &c.member, &c.coordinator, "Asset inventory").await;
        let gone = engagement(&c, &c.volunteer, &email, open, false).await;
        c.volunteer
            .call_json("/api/engagements/decline", &[("id", &gone.to_string()), ("reason", "no_time"), ("note", "")])
            .await;
        let seen = c.volunteer.call_json("/api/needs/detail", &[("id", &open.to_string())]).await;
        assert!(seen["following"].is_null(), "{seen}");
    }

    /// Rejection, like suspension, takes away every right approval gave, for
    /// both sides (the sessions stay: rejection does not sign anyone out).
    async fn a_rejected_volunteer_and_organisation_lose_every_right_approval_gave(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        let email = c.volunteer_user.email.clone();
        let active = engagement(&c, &c.volunteer, &email, c.need, true).await;
        let phishing = world::open_need(&app, &c.member, &c.coordinator, "Phishing training").await;
        let proposed = world::propose(&c.coordinator, phishing, &email).await;
        let spare = world::open_need(&app, &c.member, &c.coordinator, "Asset inventory").await;
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;

        c.coordinator
            .call_json("/api/vetting/volunteer_decide", &[("id", &v.to_string()), ("decision", "reject"), ("note", "Not eligible")])
            .await;
        assert_eq!(status(&app, proposed).await, engagement::Status::Cancelled, "open proposals are withdrawn");
        assert_eq!(status(&app, active).await, engagement::Status::Active, "the work under way is flagged, not ended");
        assert_eq!(audited(&app, "engagement.flagged").await.len(), 1);

        let (a, spare) = (active.to_string(), spare.to_string());
        let today = today(&app);
        let mut failures = Vec::new();
        let f = &mut failures;
        let cv = &c.volunteer;
        refused_the_work(f, cv, &a, &today).await;
        expect(f, cv, "offer", "/api/engagements/offer", &[("need", &spare), ("note", "")], 403).await;
        expect(f, cv, "open needs", "/api/needs/open", &[], 403).await;
        expect(f, cv, "the need of the active engagement", "/api/needs/detail", &[("id", &c.need.to_string())], 404).await;
        let fits = cv.call_json("/api/matching/fits", &[]).await;
        if fits["approved"] != false || fits["needs"].as_array().is_none_or(|n| !n.is_empty()) {
            f.push(format!("fitting needs still offered: {fits}"));
        }

        world::vet_organisation(&c.coordinator, c.organisation, "reject").await;
        let m = &c.member;
        let new_need = world::need_form("Another need", category, skill);
        let new_need: Vec<(&str, &str)> = new_need.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        expect(f, m, "engagement page", "/api/engagements/page", &[("id", &a)], 403).await;
        expect(f, m, "post a message", "/api/engagements/message", &[("id", &a), ("body", "still here")], 403).await;
        expect(f, m, "create a need", "/api/needs/create", &new_need, 403).await;
        expect(f, m, "withdraw a need", "/api/needs/withdraw", &[("id", &spare)], 403).await;
        expect(f, m, "invite", "/api/organisation/invite", &[], 403).await;
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
