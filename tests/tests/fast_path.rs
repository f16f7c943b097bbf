//! The critical needs' fast path on both databases: opening a critical need
//! proposes it at once to the matching console's first k volunteers, each
//! notified; a non-critical need gets none, and k = 0 turns it off; of several
//! volunteers accepting at once exactly one takes the need and the others are
//! withdrawn with a notice; the need's page and history say how long after
//! opening the first acceptance came.

use app::services::{audit::Actor, opening};
use entity::{audit_log, engagement, need};
use frontline_tests::facts::{capacity, notified, status};
use frontline_tests::{DbKind, TestApp, TestClient, db_tests, users::TestUser, world};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use std::{sync::Arc, time::Duration};

/// A coordinator, an approved organisation's member, and approved volunteers
/// with different strengths.
struct World {
    app: TestApp,
    coordinator: TestClient,
    coordinator_id: i64,
    member: TestClient,
    volunteers: Vec<(TestClient, TestUser)>,
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// `k` is the `critical_fast_path` setting; `n` volunteers, each with room for
/// several engagements, at DMARC levels 2–4 and different time zones, so the
/// matcher ranks them apart.
async fn world(db: DbKind, k: u32, n: usize) -> World {
    let app = TestApp::spawn_with(db, |s| {
        s.critical_fast_path = k;
        s.db_max_connections = 20;
        // The clock moves hours ahead: sessions must outlast it.
        s.session_idle_minutes = 24 * 60;
    })
    .await;
    let (coordinator, coordinator_user) = app.signed_in_coordinator("coord@example.org").await;
    let member = app.client();
    let (_, organisation) =
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
    world::vet_organisation(&coordinator, organisation, "approve").await;
    let skill = world::skill(&app, "dmarc").await;
    let mut volunteers = Vec::new();
    for i in 0..n {
        let client = app.client();
        let user = app
            .register(&client, "volunteer", &format!("v{i}@volunteers.example"))
            .await;
        let mut profile = world::profile_form(skill, true);
        profile.retain(|(k, _)| {
            !matches!(
                k.as_str(),
                "input[hours_per_week]" | "input[max_concurrent]" | "input[utc_offset]"
            ) && !k.starts_with("input[skill_level]")
        });
        if i == 2 {
            // Speaks French only (the needs ask for English).
            profile.retain(|(k, _)| k != "input[languages][en]");
        }
        profile.extend([
            ("input[hours_per_week]".to_owned(), "40".to_owned()),
            ("input[max_concurrent]".to_owned(), "8".to_owned()),
            (
                "input[utc_offset]".to_owned(),
                ((i as i64 % 4) * 120 - 180).to_string(),
            ),
            (format!("input[skill_level][{skill}]"), (2 + i % 3).to_string()),
        ]);
        let res = client.call("/api/volunteer/save", &pairs(&profile)).await;
        assert!(res.status().is_success(), "save profile: {}", res.status());
        coordinator
            .call_json(
                "/api/vetting/volunteer_decide",
                &[
                    ("id", &user.id.to_string()),
                    ("decision", "approve"),
                    ("note", ""),
                ],
            )
            .await;
        volunteers.push((client, user));
    }
    World {
        app,
        coordinator,
        coordinator_id: coordinator_user.id,
        member,
        volunteers,
    }
}

/// Drafts and submits a DMARC need of `urgency`; returns its id (submitted).
async fn submitted(w: &World, title: &str, urgency: &str) -> i64 {
    let category = world::category(&w.app, "email_security").await;
    let skill = world::skill(&w.app, "dmarc").await;
    let mut fields = world::need_form(title, category, skill);
    fields.retain(|(k, _)| k != "input[urgency]");
    fields.push(("input[urgency]".into(), urgency.into()));
    let id = world::draft_need(&w.member, &fields).await;
    w.member
        .call_json("/api/needs/submit", &[("id", &id.to_string())])
        .await;
    id
}

/// A coordinator opens a submitted need over HTTP.
async fn open(w: &World, id: i64) {
    w.coordinator
        .call_json(
            "/api/vetting/triage",
            &[("id", &id.to_string()), ("decision", "open"), ("note", "")],
        )
        .await;
}

/// The need's fast-path proposals, in the order they were made: (engagement, volunteer).
async fn fast_path_proposals(app: &TestApp, need: i64) -> Vec<(i64, i64)> {
    engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(need))
        .filter(engagement::Column::FastPath.eq(true))
        .order_by_asc(engagement::Column::Id)
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| (e.id, e.volunteer_id))
        .collect()
}

async fn engagements_of(app: &TestApp, need: i64) -> Vec<engagement::Model> {
    engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(need))
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn candidate_ids(console: &serde_json::Value) -> Vec<i64> {
    console["candidates"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["volunteer_id"].as_i64()).collect())
        .unwrap_or_default()
}

db_tests! {
    async fn a_critical_need_is_proposed_at_once_to_the_consoles_best(db: DbKind) {
        let w = world(db, 3, 6).await;
        let app = &w.app;
        // One of the volunteers speaks only French: the language gate keeps them out.
        let french = w.volunteers[2].1.id;

        // A twin need, critical too, opened with the fast path off (k = 0): no
        // proposals, and the console ranks the volunteers for a need exactly like the next one.
        let twin = submitted(&w, "DMARC for stluc.example (twin)", "critical").await;
        let mut config = (*app.state.deps.config).clone();
        config.critical_fast_path = 0;
        let off = app::services::deps::Deps { config: Arc::new(config), ..app.state.deps.clone() };
        let actor = Actor { account_id: Some(w.coordinator_id), address: None };
        opening::triage(&off, &actor, twin, true, "").await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(engagements_of(app, twin).await.len(), 0, "k = 0: no proposals");
        let console = w.coordinator.call_json("/api/matching/console", &[("need", &twin.to_string())]).await;
        let ranked = candidate_ids(&console);
        assert_eq!(ranked.len(), 5, "all but the French-only volunteer: {console}");
        assert!(!ranked.contains(&french));

        // Opening a critical need proposes it to the console's first three, best first.
        let need = submitted(&w, "DMARC for stluc.example", "critical").await;
        open(&w, need).await;
        let proposals = fast_path_proposals(app, need).await;
        let proposed: Vec<i64> = proposals.iter().map(|p| p.1).collect();
        assert_eq!(proposed, ranked[..3].to_vec(), "the console's first three");
        for &(id, volunteer) in &proposals {
            assert_eq!(status(app, id).await, engagement::Status::Proposed);
            assert_eq!(notified(app, volunteer, "engagement.proposed").await, 1, "each volunteer is told at once");
        }
        let rows = engagements_of(app, need).await;
        assert_eq!(rows.len(), 3, "nobody else");
        assert!(rows.iter().all(|e| e.proposer_kind == engagement::ProposerKind::Matcher && !e.holds_capacity));
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("engagement.proposed"))
            .all(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .filter(|a| a.details.contains("\"fast_path\":true"))
            .count();
        assert_eq!(audited, 3, "each proposal audited as the fast path's");
        let opened = need_row(app, need).await;
        assert_eq!(opened.status, need::Status::Open);

        // A need that is not critical gets no proposal when it opens.
        let high = submitted(&w, "DMARC for the clinic", "high").await;
        open(&w, high).await;
        assert_eq!(engagements_of(app, high).await.len(), 0, "only critical needs take the fast path");
        assert_eq!(need_row(app, high).await.status, need::Status::Open);
    }

    async fn the_first_acceptance_wins_and_the_others_are_withdrawn(db: DbKind) {
        let k = 4;
        let w = world(db, k, 5).await;
        let app = &w.app;
        // Several rounds, each a new critical need and k volunteers accepting at once.
        for round in 0..3 {
            let need = submitted(&w, &format!("Ransomware on the lab network ({round})"), "critical").await;
            open(&w, need).await;
            let proposals = fast_path_proposals(app, need).await;
            assert_eq!(proposals.len(), k as usize, "round {round}");
            let before: Vec<(i16, i16)> = futures_capacity(app, &proposals).await;
            let attempts: Vec<_> = proposals
                .iter()
                .map(|&(id, volunteer)| {
                    let client = w.volunteers.iter().find(|(_, u)| u.id == volunteer).map(|(c, _)| c.clone());
                    let client = client.unwrap_or_else(|| panic!("no client for {volunteer}"));
                    tokio::spawn(async move {
                        let res = client.call("/api/engagements/accept", &[("id", &id.to_string())]).await;
                        res.status().as_u16()
                    })
                })
                .collect();
            let mut codes = Vec::new();
            for attempt in attempts {
                codes.push(attempt.await.unwrap_or_else(|e| panic!("{e}")));
            }
            let won: Vec<usize> = (0..codes.len()).filter(|&i| codes[i] == 200).collect();
            assert_eq!(won.len(), 1, "round {round}: exactly one wins: {codes:?}");
            assert!(
                codes.iter().filter(|&&c| c != 200).all(|&c| c == 409),
                "round {round}: the others are told it changed meanwhile, not an error: {codes:?}"
            );
            let winner = won[0];
            for (i, &(id, volunteer)) in proposals.iter().enumerate() {
                let after = capacity(app, volunteer).await;
                if i == winner {
                    assert_eq!(status(app, id).await, engagement::Status::Accepted, "round {round}");
                    assert_eq!(after.0, before[i].0 + 1, "the winner's slot is taken");
                } else {
                    assert_eq!(status(app, id).await, engagement::Status::Cancelled, "round {round}: withdrawn");
                    assert_eq!(after, before[i], "a withdrawn volunteer's capacity is untouched");
                }
            }
            // Each withdrawn volunteer is told why, once; the winner is not.
            for (i, &(id, volunteer)) in proposals.iter().enumerate() {
                let told = notice_count(app, volunteer, id, "engagement.taken_by_another").await;
                assert_eq!(told, u64::from(i != winner), "round {round}, proposal {id}");
            }
        }
    }

    async fn the_need_shows_the_time_to_first_acceptance(db: DbKind) {
        let w = world(db, 2, 3).await;
        let app = &w.app;
        let need = submitted(&w, "Ransomware on the lab network", "critical").await;
        open(&w, need).await;
        let page = w.coordinator.get_text(&format!("/needs/{need}"), 200).await;
        assert!(!page.contains("First acceptance"), "none yet");
        let proposals = fast_path_proposals(app, need).await;
        assert_eq!(proposals.len(), 2);
        let (id, volunteer) = proposals[1];
        app.clock.advance(Duration::from_secs(2 * 3600 + 17 * 60 + 5));
        let client = w.volunteers.iter().find(|(_, u)| u.id == volunteer).map(|(c, _)| c.clone());
        let client = client.unwrap_or_else(|| panic!("no client for {volunteer}"));
        client.call_json("/api/engagements/accept", &[("id", &id.to_string())]).await;

        // The coordinators' and the organisation's view: the figure, and the history's entry.
        for viewer in [&w.coordinator, &w.member] {
            let detail = viewer.call_json("/api/needs/detail", &[("id", &need.to_string())]).await;
            assert_eq!(detail["following"]["first_acceptance_secs"], 2 * 3600 + 17 * 60 + 5, "{detail}");
            // Text as read: without the hydration markers between its pieces.
            let page = viewer.get_text(&format!("/needs/{need}"), 200).await.replace("<!>", "");
            assert!(page.contains("First acceptance"), "{page}");
            assert!(page.contains("2 h 17 min after opening"), "{page}");
            assert!(page.contains("accepted, 2 h 17 min after opening"), "the history says it too");
            assert!(page.contains("withdrawn: another volunteer accepted first"), "and who was withdrawn");
        }
        // The audit log's acceptance entry says it as well.
        let accepted = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("engagement.transition"))
            .filter(audit_log::Column::ObjectId.eq(id))
            .all(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            accepted.iter().any(|a| a.details.contains("\"after_opening_secs\":8225")),
            "{accepted:?}"
        );
        // A volunteer's view of the need shows neither.
        let detail = client.call_json("/api/needs/detail", &[("id", &need.to_string())]).await;
        assert!(detail["following"].is_null(), "{detail}");
    }
}

async fn need_row(app: &TestApp, id: i64) -> need::Model {
    need::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no need {id}"))
}

async fn futures_capacity(app: &TestApp, proposals: &[(i64, i64)]) -> Vec<(i16, i16)> {
    let mut out = Vec::new();
    for &(_, volunteer) in proposals {
        out.push(capacity(app, volunteer).await);
    }
    out
}

/// Notifications of `kind` for `account` about engagement `id`.
async fn notice_count(app: &TestApp, account: i64, id: i64, kind: &str) -> u64 {
    use sea_orm::PaginatorTrait as _;
    entity::notification::Entity::find()
        .filter(entity::notification::Column::AccountId.eq(account))
        .filter(entity::notification::Column::EngagementId.eq(id))
        .filter(entity::notification::Column::Kind.eq(kind))
        .count(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}
