//! The matcher over HTTP on both databases: the console's ranking and its
//! explanations, the triage board's order, "needs that fit you", batch runs
//! from start to apply (stale pairs skipped), and what the database adds to
//! the profiles (pending proposals use capacity, declines lower a pair, new
//! approvals show without a restart).

use entity::{engagement, need};
use frontline_tests::{DbKind, TestApp, TestClient, db_tests, world};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
};
use serde_json::Value;
use std::time::Duration;

async fn console(coordinator: &TestClient, need: i64) -> Value {
    coordinator
        .call_json("/api/matching/console", &[("need", &need.to_string())])
        .await
}

fn candidate_ids(console: &Value) -> Vec<i64> {
    console["candidates"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["volunteer_id"].as_i64()).collect())
        .unwrap_or_default()
}

async fn set_urgency(app: &TestApp, need: i64, urgency: &str) {
    app.db
        .execute_unprepared(&format!(
            "UPDATE need SET urgency = '{urgency}' WHERE id = {need}"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Waits (bounded) for a batch run to leave `running`; returns its view.
async fn finished(coordinator: &TestClient, run: i64) -> Value {
    for _ in 0..200 {
        let v = coordinator
            .call_json("/api/matching/batch", &[("id", &run.to_string())])
            .await;
        if v["status"] != "running" {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("batch run {run} never finished");
}

db_tests! {
    async fn the_console_ranks_and_explains(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        let role = entity::ecsf_role::Entity::find()
            .one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no ECSF role"));
        app.db
            .execute_unprepared(&format!("UPDATE volunteer SET ecsf_role_id = {} WHERE account_id = {v}", role.id))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let view = console(&c.coordinator, c.need).await;
        assert_eq!(view["open"], true, "{view}");
        // Who the candidate is: the name and role the pool keeps beside the
        // index, the country and languages of the index's profile.
        let name = entity::account::Entity::find_by_id(v)
            .one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("account {v}"))
            .display_name;
        let shown = &view["candidates"][0];
        assert_eq!(
            [&shown["name"], &shown["role"], &shown["country"], &shown["languages"]],
            [&Value::from(name), &Value::from(role.name), &Value::from("FR"), &serde_json::json!(["en", "fr"])],
            "{shown}"
        );
        assert_eq!(view["eligible"], 1);
        assert_eq!(candidate_ids(&view), vec![v]);
        let factors = view["candidates"][0]["factors"].as_array().cloned().unwrap_or_default();
        let names: Vec<&str> = factors.iter().filter_map(|f| f["name"].as_str()).collect();
        assert_eq!(names, ["skill", "language", "timezone", "region", "load", "track_record"]);
        let sum: f64 = factors.iter().filter_map(|f| f["contribution"].as_f64()).sum();
        let fit = view["candidates"][0]["fit"].as_f64().unwrap_or_default();
        assert!((sum - fit).abs() < 1e-9 && fit > 0.5 && fit <= 1.0, "fit {fit} = Σ {sum}");
        assert_eq!(factors[0]["value"], 1.0, "expert (3) for a practitioner (2) need");

        // A volunteer without the must skill is excluded, and the console says why.
        let other = app.client();
        let user = app.register(&other, "volunteer", "nodmarc@volunteers.example").await;
        let backups = world::skill(&app, "restore_testing").await;
        let profile = world::profile_form(backups, true);
        let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        other.call_json("/api/volunteer/save", &fields).await;
        c.coordinator
            .call_json("/api/vetting/volunteer_decide", &[("id", &user.id.to_string()), ("decision", "approve"), ("note", "")])
            .await;
        let view = console(&c.coordinator, c.need).await;
        assert_eq!(view["volunteers"], 2, "the new approval is seen without a restart");
        assert_eq!(view["eligible"], 1);
        assert_eq!(view["excluded_by_gate"], serde_json::json!([["must_skills", 1]]));
        let asked = c
            .coordinator
            .call_json("/api/matching/console", &[("need", &c.need.to_string()), ("ask", "nodmarc@volunteers.example")])
            .await;
        let gate = &asked["asked"]["excluded"]["gate"];
        assert_eq!((gate["gate"].as_str(), gate["have"].as_i64(), gate["need"].as_i64()), (Some("must_skills"), Some(0), Some(2)), "{asked}");
        assert_eq!(gate["skill"], "SPF, DKIM and DMARC configuration");

        // Proposing from the console makes a proposal of #5; the candidate is then marked.
        let res = c.coordinator.call(
            "/api/engagements/propose",
            &[("need", &c.need.to_string()), ("volunteer", &v.to_string()), ("reason", view["candidates"][0]["reason"].as_str().unwrap_or_default())],
        ).await;
        world::created_id(res, "propose").await;
        let view = console(&c.coordinator, c.need).await;
        assert_eq!(view["candidates"][0]["engaged"], true);

        // Only coordinators see the console.
        assert_eq!(c.volunteer.call("/api/matching/console", &[("need", &c.need.to_string())]).await.status(), 403);
        assert_eq!(c.member.call("/api/matching/console", &[("need", &c.need.to_string())]).await.status(), 403);
    }

    async fn a_run_whose_preview_cannot_be_read_is_not_applied(db: DbKind) {
        use sea_orm::ConnectionTrait as _;
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let res = c.coordinator.call("/api/matching/batch_start", &[]).await;
        let run = world::created_id(res, "start batch").await;
        let view = finished(&c.coordinator, run).await;
        assert_eq!(view["status"], "ready", "{view}");
        app.db
            .execute_unprepared(&format!("UPDATE match_run SET preview = '{{\"pairs\": 7}}' WHERE id = {run}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let res = c.coordinator.call("/api/matching/batch_apply", &[("id", &run.to_string())]).await;
        assert!(res.status().is_server_error(), "an unreadable preview was applied: {}", res.status());
        let view = c.coordinator.call("/api/matching/batch", &[("id", &run.to_string())]).await;
        assert!(view.status().is_server_error(), "an unreadable preview was shown as empty: {}", view.status());
        let status = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                format!("SELECT status FROM match_run WHERE id = {run}"),
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .and_then(|row| row.try_get_by_index::<String>(0).ok());
        assert_eq!(status.as_deref(), Some("ready"), "the run must stay ready");
        let proposals = engagement::Entity::find().all(&app.db).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(proposals.is_empty(), "nothing may be proposed from an unreadable preview");
    }

    async fn applying_a_run_skips_a_volunteer_whose_room_went_to_a_newer_proposal(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        // One volunteer with two slots, two open needs: the run proposes both.
        world::open_need(&app, &c.member, &c.coordinator, "DMARC for the lab").await;
        let res = c.coordinator.call("/api/matching/batch_start", &[]).await;
        let run = world::created_id(res, "start batch").await;
        let view = finished(&c.coordinator, run).await;
        assert_eq!(view["pairs_total"], 2, "{view}");

        // Meanwhile a coordinator proposes them by hand for a newer need: one slot is left.
        let clinic = world::open_need(&app, &c.member, &c.coordinator, "DMARC for the clinic").await;
        world::propose(&c.coordinator, clinic, &v.to_string()).await;
        let outcome = c.coordinator.call_json("/api/matching/batch_apply", &[("id", &run.to_string())]).await;
        assert_eq!(
            (outcome["created"].as_i64(), outcome["stale_volunteer"].as_i64(), outcome["stale_need"].as_i64()),
            (Some(1), Some(1), Some(0)),
            "{outcome}"
        );
        let waiting = engagement::Entity::find()
            .filter(engagement::Column::VolunteerId.eq(v))
            .filter(engagement::Column::Status.eq(engagement::Status::Proposed))
            .count(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(waiting, 2, "never more proposals than slots");
    }

    async fn pending_proposals_use_capacity_and_declines_lower_a_pair(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        // Two slots: two pending proposals fill them for matching purposes.
        let second = world::open_need(&app, &c.member, &c.coordinator, "DMARC for the lab").await;
        let third = world::open_need(&app, &c.member, &c.coordinator, "DMARC for the clinic").await;
        world::propose(&c.coordinator, c.need, &v.to_string()).await;
        world::propose(&c.coordinator, second, &v.to_string()).await;
        let view = console(&c.coordinator, third).await;
        assert_eq!(view["eligible"], 0, "{view}");
        assert_eq!(view["excluded_by_gate"], serde_json::json!([["capacity", 1]]));

        // The organisation declines one: the other needs of that organisation rank the volunteer lower.
        let first = engagement::Entity::find()
            .filter(engagement::Column::NeedId.eq(c.need))
            .one(&app.db)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("no engagement"));
        let before = console(&c.coordinator, third).await;
        c.member
            .call_json("/api/engagements/decline", &[("id", &first.id.to_string()), ("reason", "availability"), ("note", "")])
            .await;
        let view = console(&c.coordinator, third).await;
        assert_eq!(view["eligible"], 1, "a slot is free again: {view}");
        let lowered = view["candidates"][0]["lowered"].as_f64().unwrap_or(1.0);
        assert!((lowered - 0.6).abs() < 1e-9, "{view}");
        assert_eq!(before["eligible"], 0);
    }

    async fn the_triage_board_orders_by_tier_then_priority_then_waiting(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let low = c.need;
        let critical = world::open_need(&app, &c.member, &c.coordinator, "Ransomware on the lab network").await;
        let high = world::open_need(&app, &c.member, &c.coordinator, "Phishing wave").await;
        set_urgency(&app, low, "low").await;
        set_urgency(&app, critical, "critical").await;
        set_urgency(&app, high, "high").await;
        let board = c.coordinator.call_json("/api/matching/triage", &[]).await;
        let order: Vec<i64> = board["rows"].as_array().map(|r| r.iter().filter_map(|r| r["need"]["id"].as_i64()).collect()).unwrap_or_default();
        assert_eq!(order, vec![critical, high, low], "{board}");
        let filtered = c.coordinator.call_json("/api/matching/triage", &[("urgency", "high")]).await;
        assert_eq!(filtered["total"], 1);
        let africa = c.coordinator.call_json("/api/matching/triage", &[("region", "Africa"), ("income", "low")]).await;
        assert_eq!(africa["total"], 3, "DR Congo is a low-income African country: {africa}");
        let europe = c.coordinator.call_json("/api/matching/triage", &[("region", "Europe")]).await;
        assert_eq!(europe["total"], 0);
        let html = c.coordinator.get_text("/coordinator/triage", 200).await;
        assert!(html.find("Ransomware on the lab network") < html.find("Phishing wave"));
        // The page filters too, and keeps the chosen values selected.
        let html = c.coordinator.get_text("/coordinator/triage?urgency=high&region=Africa", 200).await;
        assert!(html.contains("Phishing wave") && !html.contains("Ransomware on the lab network"));
        assert!(html.contains(r#"<option value="high" selected"#), "urgency kept");
        assert!(html.contains(r#"<option value="Africa" selected"#), "region kept");
        assert!(!html.contains(r#"<option value="critical" selected"#));
    }

    async fn needs_that_fit_a_volunteer(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let fits = c.volunteer.call_json("/api/matching/fits", &[]).await;
        assert_eq!(fits["approved"], true);
        let needs: Vec<i64> = fits["needs"].as_array().map(|n| n.iter().filter_map(|n| n["need"]["id"].as_i64()).collect()).unwrap_or_default();
        assert_eq!(needs, vec![c.need], "{fits}");
        assert_eq!(fits["needs"][0]["weekly_hours"], 3);
        // Offered: no longer listed as something to offer.
        world::created_id(c.volunteer.call("/api/engagements/offer", &[("need", &c.need.to_string()), ("note", "")]).await, "offer").await;
        let fits = c.volunteer.call_json("/api/matching/fits", &[]).await;
        assert_eq!(fits["needs"].as_array().map(Vec::len), Some(0), "{fits}");
        let pending = app.client();
        world::volunteer(&app, &pending, "pending@volunteers.example", None).await;
        let fits = pending.call_json("/api/matching/fits", &[]).await;
        assert_eq!(fits["approved"], false);
        assert_eq!(c.member.call("/api/matching/fits", &[]).await.status(), 403);
        let html = c.volunteer.get_text("/volunteer/matches", 200).await;
        assert!(html.contains("Needs that fit you"));
    }

    async fn a_batch_run_previews_then_applies_skipping_stale_pairs(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let second = app.client();
        let grace = world::volunteer(&app, &second, "grace@volunteers.example", Some(&c.coordinator)).await;
        let lab = world::open_need(&app, &c.member, &c.coordinator, "DMARC for the lab").await;
        let clinic = world::open_need(&app, &c.member, &c.coordinator, "DMARC for the clinic").await;
        set_urgency(&app, clinic, "critical").await;

        let res = c.coordinator.call("/api/matching/batch_start", &[]).await;
        let run = world::created_id(res, "start batch").await;
        let view = finished(&c.coordinator, run).await;
        assert_eq!(view["status"], "ready", "{view}");
        // Two volunteers with two slots each (3 h of 6 per need): all three needs served.
        assert_eq!(view["summary"]["needs"], 3);
        assert_eq!(view["pairs_total"], 3);
        assert_eq!(view["pairs"][0]["need_id"], clinic, "the critical need first");
        assert!(view["pairs"][0]["factors"].as_array().is_some_and(|f| f.len() == 6));

        // Before the run is applied, the lab need is withdrawn, and the clinic need
        // gets a proposal by hand of the volunteer the run did not pair it with:
        // both pairs are skipped.
        c.member.call_json("/api/needs/withdraw", &[("id", &lab.to_string())]).await;
        let paired = view["pairs"][0]["volunteer_id"].as_i64();
        let other = if paired == Some(grace.id) { c.volunteer_user.id } else { grace.id };
        world::propose(&c.coordinator, clinic, &other.to_string()).await;
        let outcome = c.coordinator.call_json("/api/matching/batch_apply", &[("id", &run.to_string())]).await;
        assert_eq!((outcome["created"].as_i64(), outcome["stale_need"].as_i64()), (Some(1), Some(2)), "{outcome}");
        let created = engagement::Entity::find()
            .filter(engagement::Column::ProposerKind.eq(engagement::ProposerKind::Matcher))
            .all(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(created.len(), 1);
        assert!(created.iter().all(|e| e.status == engagement::Status::Proposed && e.reason.starts_with("Matcher (batch run")));
        let notified = entity::notification::Entity::find()
            .filter(entity::notification::Column::Kind.eq("engagement.proposed"))
            .filter(entity::notification::Column::AccountId.is_in([c.volunteer_user.id, grace.id]))
            .count(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(notified, 2, "each proposed volunteer is told (by the run and by hand)");
        // Made in one go, each proposal still has its own audit entry, notifications
        // and mail, each about the right engagement.
        let member = "it@stluc.example";
        for e in &created {
            let entries = entity::audit_log::Entity::find()
                .filter(entity::audit_log::Column::Action.eq("engagement.proposed"))
                .filter(entity::audit_log::Column::ObjectId.eq(e.id))
                .all(&app.db)
                .await
                .unwrap_or_default();
            assert_eq!(entries.len(), 1, "one entry for engagement {}", e.id);
            let details: Value = serde_json::from_str(&entries[0].details).unwrap_or_default();
            assert_eq!(
                (details["need"].as_i64(), details["volunteer"].as_i64(), details["run"].as_i64(), details["by"].as_str()),
                (Some(e.need_id), Some(e.volunteer_id), Some(run), Some("matcher")),
                "{details}"
            );
            let told = entity::notification::Entity::find()
                .filter(entity::notification::Column::EngagementId.eq(e.id))
                .filter(entity::notification::Column::NeedId.eq(e.need_id))
                .count(&app.db)
                .await
                .unwrap_or_default();
            assert_eq!(told, 2, "the volunteer and the member (not the coordinator, who applied) of engagement {}", e.id);
            let volunteer = if e.volunteer_id == grace.id { &grace.email } else { &c.volunteer_user.email };
            for to in [volunteer.as_str(), member] {
                let mails = entity::mail_outbox::Entity::find()
                    .filter(entity::mail_outbox::Column::Recipient.eq(to))
                    .filter(entity::mail_outbox::Column::BodyText.contains(format!("/engagements/{}", e.id)))
                    .count(&app.db)
                    .await
                    .unwrap_or_default();
                assert_eq!(mails, 1, "{to} is mailed of engagement {}", e.id);
            }
        }
        let again = c.coordinator.call("/api/matching/batch_apply", &[("id", &run.to_string())]).await;
        assert_eq!(again.status(), 409, "applied once");
        let view = c.coordinator.call_json("/api/matching/batch", &[("id", &run.to_string())]).await;
        assert_eq!(view["status"], "applied");
        assert_eq!(view["outcome"]["created"], 1);

        // A second run has nothing left to do: every open need has a proposal.
        let res = c.coordinator.call("/api/matching/batch_start", &[]).await;
        let run = world::created_id(res, "start batch").await;
        let view = finished(&c.coordinator, run).await;
        assert_eq!(view["summary"]["needs"], 0, "{view}");
        let html = c.coordinator.get_text(&format!("/coordinator/batch/{run}"), 200).await;
        assert!(html.contains("data-run-status=\"ready\""));
        let open = need::Entity::find().filter(need::Column::Status.eq(need::Status::Open)).count(&app.db).await.unwrap_or_default();
        assert_eq!(open, 2);
    }
}

/// The cached volunteer pool, compared with one read from scratch.
/// The app's services with an empty matching cache: pools read from nothing.
fn uncached(app: &TestApp) -> app::services::deps::Deps {
    app::services::deps::Deps {
        matching: app::services::matching::Cache::default(),
        ..app.state.deps.clone()
    }
}

async fn assert_pool_is_current(app: &TestApp, step: &str) {
    use app::services::matching;
    let cached = matching::volunteers(&app.state)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    let fresh_state = uncached(app);
    let fresh = matching::volunteers(&fresh_state)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    assert_eq!(cached.index.volunteers(), fresh.index.volunteers(), "{step}");
    assert_eq!(cached.people, fresh.people, "{step}");
}

db_tests! {
    async fn the_volunteer_pool_reads_again_only_what_changed_and_stays_exact(db: DbKind) {
        use app::services::matching;
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        assert_pool_is_current(&app, "first read").await;
        let start = app.state.matching.stats().await;
        assert_eq!(start.full_reads, 1);

        // A second volunteer registers, fills a profile, is approved.
        let other = app.client();
        let user = app.register(&other, "volunteer", "second@volunteers.example").await;
        let dmarc = world::skill(&app, "dmarc").await;
        let profile = world::profile_form(dmarc, true);
        let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        other.call_json("/api/volunteer/save", &fields).await;
        c.coordinator
            .call_json("/api/vetting/volunteer_decide", &[("id", &user.id.to_string()), ("decision", "approve"), ("note", "")])
            .await;
        assert_pool_is_current(&app, "approval").await;

        // Proposals take capacity; the volunteer declines one for a conflict of interest.
        let second = world::open_need(&app, &c.member, &c.coordinator, "DMARC for the lab").await;
        let first = world::propose(&c.coordinator, c.need, &v.to_string()).await;
        world::propose(&c.coordinator, second, &user.id.to_string()).await;
        assert_pool_is_current(&app, "proposals").await;
        c.volunteer
            .call_json("/api/engagements/decline", &[("id", &first.to_string()), ("reason", "conflict_of_interest"), ("note", "")])
            .await;
        assert_pool_is_current(&app, "decline").await;
        let pool = matching::volunteers(&app.state).await.unwrap_or_else(|e| panic!("{e}"));
        let position = pool.index.position(v).unwrap_or_else(|| panic!("volunteer missing"));
        assert!(!pool.index.volunteers()[position].conflicted_orgs.is_empty(), "the conflict is known");

        // The volunteer changes their hours; a coordinator disables the other account.
        let mut profile = world::profile_form(dmarc, true);
        for (k, value) in &mut profile {
            if k == "input[hours_per_week]" {
                *value = "9".into();
            }
        }
        let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.volunteer.call_json("/api/volunteer/save", &fields).await;
        c.coordinator
            .call_json("/api/admin/set_status", &[("account", &user.id.to_string()), ("disabled", "true")])
            .await;
        assert_pool_is_current(&app, "hours and disabling").await;
        let pool = matching::volunteers(&app.state).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(pool.index.position(user.id).is_none(), "a disabled account is not matched");

        // All of it without reading every volunteer again.
        let stats = app.state.matching.stats().await;
        assert_eq!(stats.full_reads, 1, "{stats:?}");
        assert!(stats.partial_reads >= 4, "{stats:?}");
    }
}

/// The need pool as kept (brought up to date change by change) equals one read
/// from nothing.
async fn assert_need_pool_is_current(app: &TestApp, step: &str) {
    use app::services::matching;
    let cached = matching::open_needs(&app.state)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    let fresh_state = uncached(app);
    let fresh = matching::open_needs(&fresh_state)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    assert_eq!(cached.profiles, fresh.profiles, "{step}: profiles");
    assert_eq!(cached.position, fresh.position, "{step}: positions");
    assert_eq!(cached.summaries, fresh.summaries, "{step}: summaries");
    assert_eq!(cached.places, fresh.places, "{step}: places");
    assert_eq!(cached.opened, fresh.opened, "{step}: opening times");
    assert_eq!(cached.engaged, fresh.engaged, "{step}: engaged volunteers");
    assert_eq!(cached.triage_order, fresh.triage_order, "{step}: triage order");
    assert_eq!(cached.regions, fresh.regions, "{step}: regions");
    assert_eq!(cached.listed, fresh.listed, "{step}: categories and changes");
    assert_eq!(cached.recent, fresh.recent, "{step}: list order");
}

/// The volunteers' list of open needs, answered from the need pool, equals
/// the same list read by SQL, whatever the filter and page.
async fn assert_open_list_is_current(app: &TestApp, volunteer: &TestClient, step: &str) {
    use app::services::needs::{Filter, list_open_in_database};
    let pool = app::services::matching::open_needs(&app.state)
        .await
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    let mut asks: Vec<Vec<(&str, String)>> =
        vec![vec![], vec![("page", "1".into())], vec![("page", "9".into())]];
    let categories: std::collections::BTreeSet<i64> = pool.listed.values().map(|l| l.category_id).collect();
    for category in categories.iter().chain([&-1]) {
        asks.push(vec![("category", category.to_string())]);
    }
    for urgency in ["critical", "high", "normal", "low"] {
        asks.push(vec![("urgency", urgency.into())]);
    }
    for language in ["en", "fr", "sw", "xx"] {
        asks.push(vec![("language", language.into())]);
    }
    for region in pool.regions.iter().cloned().chain(["Nowhere".to_string()]) {
        asks.push(vec![("region", region.clone()), ("language", "en".into())]);
        asks.push(vec![("region", region)]);
    }
    for ask in asks {
        let fields: Vec<(&str, &str)> = ask.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let listed = volunteer.call_json("/api/needs/open", &fields).await;
        let value = |k: &str| ask.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone());
        let filter = Filter {
            category: value("category").and_then(|c| c.parse().ok()),
            urgency: value("urgency")
                .as_deref()
                .and_then(app::domain::codes::Urgency::parse),
            region: value("region"),
            language: value("language"),
            page: value("page").and_then(|p| p.parse().ok()).unwrap_or(0),
            ..Filter::default()
        };
        let read = list_open_in_database(&app.state, &filter)
            .await
            .unwrap_or_else(|e| panic!("{step}: {e}"));
        let read = serde_json::to_value(read).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(listed, read, "{step}: {ask:?}");
    }
}

db_tests! {
    async fn the_need_pool_reads_again_only_the_organisations_a_change_touched(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        assert_need_pool_is_current(&app, "first read").await;
        assert_open_list_is_current(&app, &c.volunteer, "first read").await;

        // A proposal, a second need, the volunteer's decline.
        let engagement = world::propose(&c.coordinator, c.need, &v.to_string()).await;
        assert_need_pool_is_current(&app, "proposal").await;
        assert_open_list_is_current(&app, &c.volunteer, "proposal").await;
        let second = world::open_need(&app, &c.member, &c.coordinator, "Backups for the lab").await;
        assert_need_pool_is_current(&app, "a new need").await;
        assert_open_list_is_current(&app, &c.volunteer, "a new need").await;
        c.volunteer
            .call_json("/api/engagements/decline", &[("id", &engagement.to_string()), ("reason", "no_time"), ("note", "")])
            .await;
        assert_need_pool_is_current(&app, "decline").await;
        assert_open_list_is_current(&app, &c.volunteer, "decline").await;

        // A second organisation is approved with a need; the first withdraws one.
        let other = app.client();
        let (_, org) = world::member_with_organisation(&app, &other, "it@clinic.example", "Clinique du Lac").await;
        world::vet_organisation(&c.coordinator, org, "approve").await;
        let theirs = world::open_need(&app, &other, &c.coordinator, "Phishing training").await;
        assert_need_pool_is_current(&app, "another organisation").await;
        assert_open_list_is_current(&app, &c.volunteer, "another organisation").await;
        c.member.call_json("/api/needs/withdraw", &[("id", &second.to_string())]).await;
        assert_need_pool_is_current(&app, "withdrawal").await;
        assert_open_list_is_current(&app, &c.volunteer, "withdrawal").await;
        world::propose(&c.coordinator, theirs, &v.to_string()).await;
        assert_need_pool_is_current(&app, "a proposal elsewhere").await;
        assert_open_list_is_current(&app, &c.volunteer, "a proposal elsewhere").await;

        let stats = app.state.matching.stats().await;
        assert_eq!(stats.need_full_reads, 1, "{stats:?}");
        assert!(stats.need_partial_reads >= 6, "{stats:?}");
    }
}

db_tests! {
    async fn the_matcher_pools_are_read_at_start_without_waiting_for_a_request(db: DbKind) {
        let app = TestApp::spawn_with(db, |s| s.matcher_warm_up = true).await;
        let mut reads = 0;
        for _ in 0..500 {
            reads = app.state.matching.stats().await.full_reads;
            if reads > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(reads, 1, "read once, in the background, before any console");
        let cold = TestApp::spawn(db).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(cold.state.matching.stats().await.full_reads, 0, "off: nothing read until asked");
        cold.stop().await;
        app.stop().await;
    }
}

db_tests! {
    /// The volunteer pool is read as JSON the database builds: whatever a
    /// name or an employer holds comes back exactly, a volunteer without
    /// skills has none, and a read that selects nothing is empty (PostgreSQL
    /// aggregates no row to NULL, not to an empty array).
    async fn any_text_reaches_the_volunteer_pool_exactly(db: DbKind) {
        use app::services::matching;
        use entity::{account, volunteer, volunteer_skill};
        use sea_orm::sea_query::Expr;
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let v = c.volunteer_user.id;
        let name = "Zoë \"Q\" O'Brien \\ 名前 😀 </script> , : [1] null";
        let employer = "Acme \"Labs\", \\Ltd\\ : [x]";
        account::Entity::update_many()
            .col_expr(account::Column::DisplayName, Expr::value(name))
            .filter(account::Column::Id.eq(v))
            .exec(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        volunteer::Entity::update_many()
            .col_expr(volunteer::Column::Employer, Expr::value(employer))
            .filter(volunteer::Column::AccountId.eq(v))
            .exec(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let pool = matching::volunteers(&uncached(&app)).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pool.name(v), name);
        let position = pool.index.position(v).unwrap_or_else(|| panic!("volunteer missing"));
        assert!(!pool.index.volunteers()[position].skills.is_empty(), "the cast's volunteer holds skills");

        // No skill held: none, not a skill made up from NULL.
        volunteer_skill::Entity::delete_many()
            .filter(volunteer_skill::Column::AccountId.eq(v))
            .exec(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let pool = matching::volunteers(&uncached(&app)).await.unwrap_or_else(|e| panic!("{e}"));
        let position = pool.index.position(v).unwrap_or_else(|| panic!("volunteer missing"));
        assert!(pool.index.volunteers()[position].skills.is_empty());

        let none: Vec<(i64, String)> = app::infra::db::all_as_json(
            &app.db,
            volunteer::Entity::find().filter(volunteer::Column::AccountId.eq(-1)),
            "volunteer.account_id, volunteer.employer",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(none.is_empty());
        let some: Vec<(i64, String)> = app::infra::db::all_as_json(
            &app.db,
            volunteer::Entity::find().filter(volunteer::Column::AccountId.eq(v)),
            "volunteer.account_id, volunteer.employer",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(some, vec![(v, employer.to_owned())]);
    }
}
