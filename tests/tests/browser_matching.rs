//! The matcher in Chromium, with and without JavaScript, on both databases: a
//! coordinator finds a need on the triage board, opens it in the matching
//! console, reads why the volunteer fits (and why another does not), proposes;
//! the volunteer finds the other needs among "Needs that fit you"; the coordinator
//! runs a batch over all open needs, watches it finish, previews the pair it
//! proposes with its factors, and applies it, which takes the volunteer's last slot.

use entity::engagement;
use frontline_tests::{
    DbKind, TestApp, db_tests,
    journeys::{browser, coordinator_signs_in, open, sign_in},
    world,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

async fn engagements_for(app: &TestApp, need: i64) -> Vec<engagement::Model> {
    engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(need))
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn journey(app: &TestApp, javascript: bool) {
    let c = world::cast(app).await;
    let v = c.volunteer_user.id;
    let second = world::open_need(app, &c.member, &c.coordinator, "DMARC for the lab").await;
    let third = world::open_need(app, &c.member, &c.coordinator, "DMARC for the clinic").await;
    // A second volunteer whose skills do not cover the need: the console says which gate stopped them.
    let other = app.client();
    let user = app
        .register(&other, "volunteer", "backups@volunteers.example")
        .await;
    let backups = world::skill(app, "restore_testing").await;
    let profile = world::profile_form(backups, true);
    let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    other.call_json("/api/volunteer/save", &fields).await;
    c.coordinator
        .call_json(
            "/api/vetting/volunteer_decide",
            &[
                ("id", &user.id.to_string()),
                ("decision", "approve"),
                ("note", ""),
            ],
        )
        .await;

    // Triage board → console.
    let coord = browser(javascript).await;
    coordinator_signs_in(app, &coord, javascript, &c.coordinator_user).await;
    open(app, &coord, javascript, "/coordinator/triage").await;
    coord
        .wait_for_text(&format!("data-triage-need=\"{}\"", c.need))
        .await;
    let console = format!("/coordinator/match/{}", c.need);
    coord
        .click_on(&format!("tr[data-triage-need='{}'] a[href='{console}']", c.need))
        .await;
    coord.wait_for_path(&console).await;
    coord.wait_for_text(&format!("data-candidate=\"{v}\"")).await;
    coord.settle(javascript).await;
    let html = coord.source().await.unwrap_or_default();
    for factor in ["skill", "language", "timezone", "region", "load", "track_record"] {
        assert!(
            html.contains(&format!("data-factor=\"{factor}\"")),
            "the {factor} factor is shown"
        );
    }
    assert!(html.contains("<meter"), "factors are drawn as bars");

    // Why not this other volunteer? The console names the gate and the missing skill.
    coord.fill("#ask", "backups@volunteers.example").await;
    coord.click_on("form[role=search] button[type=submit]").await;
    coord.wait_for_text("data-asked=").await;
    coord
        .wait_for_text(&format!(
            "data-excluded=\"{}\" data-gate=\"must_skills\"",
            user.id
        ))
        .await;
    let html = coord.source().await.unwrap_or_default();
    assert!(
        html.contains("SPF, DKIM and DMARC configuration"),
        "the gate names the missing skill"
    );
    coord.settle(javascript).await;

    // Propose from the console: a proposal of #5, made by the coordinator.
    coord
        .click_on(&format!(
            "li[data-candidate='{v}'] form[data-form=propose] button[type=submit]"
        ))
        .await;
    coord.wait_for_text("data-engagement-status=\"proposed\"").await;
    let made = engagements_for(app, c.need).await;
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].volunteer_id, v);
    coord.wait_for_path(&format!("/engagements/{}", made[0].id)).await;

    // The volunteer finds the two other needs among those that fit them, with the
    // factors of their fit, and not the one they are already proposed for.
    let vol = browser(javascript).await;
    sign_in(app, &vol, javascript, &c.volunteer_user).await;
    vol.wait_for_text("data-unread=").await;
    open(app, &vol, javascript, "/volunteer/matches").await;
    vol.wait_for_text("data-free-slots=\"1\"").await;
    let html = vol.source().await.unwrap_or_default();
    for n in [second, third] {
        assert!(
            html.contains(&format!("data-fit-need=\"{n}\"")),
            "need {n} fits them"
        );
    }
    assert!(
        !html.contains(&format!("data-fit-need=\"{}\"", c.need)),
        "a need they are proposed for is not offered again"
    );
    assert!(html.contains("data-factor=\"skill\""), "the fit is explained");

    // A batch over all open needs: the volunteer has one slot left, and it goes to one
    // of the two remaining needs.
    open(app, &coord, javascript, "/coordinator/batch").await;
    coord
        .click_on("form[data-form=start-batch] button[type=submit]")
        .await;
    coord.wait_for_text("data-run-status=\"ready\"").await;
    assert!(
        coord
            .current_url()
            .await
            .unwrap_or_default()
            .contains("/coordinator/batch/"),
        "the run has its own page"
    );
    coord.wait_for_text("data-proposed=\"1\"").await;
    let html = coord.source().await.unwrap_or_default();
    let pair = [second, third]
        .into_iter()
        .find(|n| html.contains(&format!("data-pair=\"{n}:{v}\"")))
        .unwrap_or_else(|| panic!("no pair for the volunteer in the preview"));
    let unserved = if pair == second { third } else { second };
    assert!(
        html.contains("data-factor=\"skill\""),
        "the pair shows its factors"
    );
    assert!(
        html.contains(&format!("data-unserved=\"{unserved}\"")),
        "the need left without a volunteer is listed"
    );
    assert!(
        engagements_for(app, pair).await.is_empty(),
        "a preview creates nothing"
    );

    coord.settle(javascript).await;
    coord
        .click_on("form[data-form=apply-batch] button[type=submit]")
        .await;
    coord.wait_for_text("data-outcome=\"1\"").await;
    let applied = engagements_for(app, pair).await;
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].volunteer_id, v);
    assert_eq!(applied[0].status, engagement::Status::Proposed);
    assert!(engagements_for(app, unserved).await.is_empty());

    // With both slots taken by proposals, nothing fits them any more.
    open(app, &vol, javascript, "/volunteer/matches").await;
    vol.wait_for_text("data-free-slots=\"0\"").await;
    assert!(
        !vol.source().await.unwrap_or_default().contains("data-fit-need="),
        "no need is offered to a volunteer without free capacity"
    );

    if javascript {
        for b in [&coord, &vol] {
            let errors = b.console_errors().await.unwrap_or_default();
            assert!(errors.is_empty(), "console errors: {errors:?}");
        }
    }
}

db_tests! {
    async fn matching_journey_with_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        journey(&app, true).await;
    }

    async fn matching_journey_without_javascript(db: DbKind) {
        let app = TestApp::spawn(db).await;
        journey(&app, false).await;
    }
}
