//! Batch runs: started by a coordinator, computed in the background, left as a
//! preview to read page by page.

use crate::domain::codes::{AuditObject, RunStage, RunStatus};
use crate::domain::views::PAIRS_PAGE;
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::session::CurrentUser;
use crate::{
    domain::views::{PairView, RunRow, RunSummary, RunView, RunnerUpView, UnservedView},
    matcher::{Assignment, LostReason, NeedProfile, UnassignedReason, Urgency, assign},
    model::utc,
    services::deps::Deps,
};
use entity::{
    account::{self},
    match_run,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, sea_query::Expr,
};
use serde_json::json;
use std::sync::Arc;
use time::OffsetDateTime;

use super::{explain::*, pools::*, refresh::*};

/// A running batch whose heartbeat is older than this was interrupted.
pub(super) const HEARTBEAT_TIMEOUT: time::Duration = time::Duration::minutes(10);

/// The stored preview of a batch run.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Preview {
    pub(super) pairs: Vec<PairView>,
    pub(super) unserved: Vec<UnservedView>,
}

pub(super) async fn progress(
    state: &Deps,
    id: i64,
    stage: RunStage,
    percent: i16,
) -> Result<(), ServiceError> {
    match_run::Entity::update_many()
        .col_expr(match_run::Column::Stage, Expr::value(stage.code()))
        .col_expr(match_run::Column::Progress, Expr::value(percent))
        .col_expr(match_run::Column::HeartbeatAt, Expr::value(state.clock.now()))
        .filter(match_run::Column::Id.eq(id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Starts a batch run over all open needs without a live engagement; it runs
/// in the background, recording its progress, and leaves a preview to apply.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn start_batch(state: &Deps, actor: &Actor, user: &CurrentUser) -> Result<i64, ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let run = match_run::ActiveModel {
        status: Set(match_run::Status::Running),
        stage: Set(RunStage::Queued.code().to_owned()),
        progress: Set(0),
        started_by: Set(user.id),
        started_at: Set(now),
        heartbeat_at: Set(now),
        summary: Set(String::new()),
        preview: Set(String::new()),
        error: Set(String::new()),
        outcome: Set(String::new()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::MatchRunStarted,
        Some((AuditObject::MatchRun, run.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    let id = run.id;
    let background = state.clone();
    tokio::spawn(async move {
        if let Err(e) = compute(&background, id).await {
            tracing::error!(run = id, error = %e, "batch run failed");
            let failed = match_run::Entity::update_many()
                .col_expr(match_run::Column::Status, Expr::value(RunStatus::Failed.code()))
                .col_expr(match_run::Column::Error, Expr::value(e.to_string()))
                .col_expr(match_run::Column::FinishedAt, Expr::value(background.clock.now()))
                .filter(match_run::Column::Id.eq(id))
                .exec(&background.db)
                .await;
            if let Err(e) = failed {
                tracing::error!(run = id, error = %e, "could not record the failure");
            }
        }
    });
    Ok(id)
}

pub(super) async fn compute(state: &Deps, id: i64) -> Result<(), ServiceError> {
    let started = std::time::Instant::now();
    progress(state, id, RunStage::Loading, 5).await?;
    // Both pools at once (each behind its own lock, read on its own connections).
    let (needs_pool, pool) = tokio::try_join!(open_needs(state), volunteers(state))?;
    progress(state, id, RunStage::Solving, 50).await?;
    let needs: Vec<NeedProfile> = needs_pool
        .profiles
        .iter()
        .filter(|n| !needs_pool.engaged.contains_key(&n.id))
        .cloned()
        .collect();
    let (pool_for_solve, needs_for_solve) = (Arc::clone(&pool), needs.clone());
    let assignment = tokio::task::spawn_blocking(move || assign(&pool_for_solve.index, &needs_for_solve))
        .await
        .map_err(|e| ServiceError::Internal(format!("the solver task failed: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("the matcher refused the batch: {e}")))?;
    progress(state, id, RunStage::Explaining, 85).await?;
    let preview = preview(&assignment, &needs_pool, &pool);
    let summary = RunSummary {
        needs: u32::try_from(needs.len()).unwrap_or(u32::MAX),
        volunteers: u32::try_from(pool.index.len()).unwrap_or(u32::MAX),
        assigned_per_tier: assignment.assigned_per_tier,
        unserved: u32::try_from(assignment.unassigned.len()).unwrap_or(u32::MAX),
        candidate_arcs: assignment.stats.candidate_arcs,
        readded_arcs: assignment.stats.readded_arcs,
        seconds: started.elapsed().as_secs_f64(),
    };
    match_run::Entity::update_many()
        .col_expr(match_run::Column::Status, Expr::value(RunStatus::Ready.code()))
        .col_expr(match_run::Column::Stage, Expr::value(RunStage::Done.code()))
        .col_expr(match_run::Column::Progress, Expr::value(100_i16))
        .col_expr(match_run::Column::Summary, Expr::value(to_json(&summary)))
        .col_expr(match_run::Column::Preview, Expr::value(to_json(&preview)))
        .col_expr(match_run::Column::FinishedAt, Expr::value(state.clock.now()))
        .filter(match_run::Column::Id.eq(id))
        .filter(match_run::Column::Status.eq(match_run::Status::Running))
        .exec(&state.db)
        .await?;
    Ok(())
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

pub(super) fn preview(assignment: &Assignment, needs: &NeedPool, pool: &VolunteerPool) -> Preview {
    let title = |id: i64| {
        needs
            .summaries
            .get(&id)
            .map(|s| s.title.clone())
            .unwrap_or_default()
    };
    let name = |id: i64| pool.name(id);
    let runner_up = |r: &crate::matcher::RunnerUp| {
        let (reason, taken_by, gate) = match &r.reason {
            LostReason::CapacityTakenBy {
                need_id, more_urgent, ..
            } => (
                if *more_urgent { "more_urgent" } else { "capacity" },
                title(*need_id),
                None,
            ),
            LostReason::LowerUtility { .. } => ("lower_utility", String::new(), None),
            LostReason::Gate(g) => ("gate", String::new(), Some(gate_view(g, &needs.skill_names))),
        };
        RunnerUpView {
            volunteer_id: r.volunteer_id,
            name: name(r.volunteer_id),
            fit: r.fit,
            reason: reason.to_owned(),
            taken_by,
            gate,
        }
    };
    let mut pairs: Vec<PairView> = assignment
        .assigned
        .iter()
        .filter_map(|a| {
            let need = needs.profile(a.need_id)?;
            let summary = needs.summaries.get(&a.need_id)?;
            Some(PairView {
                need_id: a.need_id,
                need_title: summary.title.clone(),
                organisation: format!("{} ({})", summary.organisation, summary.country),
                urgency: need.urgency.into(),
                priority: need.emerging_priority,
                volunteer_id: a.candidate.volunteer_id,
                volunteer_name: name(a.candidate.volunteer_id),
                fit: a.candidate.fit,
                factors: factor_views(&a.candidate),
                runners_up: a.runners_up.iter().map(runner_up).collect(),
            })
        })
        .collect();
    pairs.sort_by(|a, b| {
        let tier = |p: &PairView| needs.profile(p.need_id).map_or(Urgency::Low, |n| n.urgency);
        tier(a)
            .cmp(&tier(b))
            .then(b.priority.cmp(&a.priority))
            .then(a.need_id.cmp(&b.need_id))
    });
    let unserved = assignment
        .unassigned
        .iter()
        .map(|u| UnservedView {
            need_id: u.need_id,
            need_title: title(u.need_id),
            urgency: needs
                .profile(u.need_id)
                .map_or(crate::domain::codes::Urgency::Low, |n| n.urgency.into()),
            reason: match u.reason {
                UnassignedReason::NoEligibleVolunteer { .. } => "no_eligible",
                UnassignedReason::CandidatesTaken { .. } => "taken",
            }
            .to_owned(),
            runners_up: u.runners_up.iter().map(runner_up).collect(),
        })
        .collect();
    Preview { pairs, unserved }
}

pub(super) fn interrupted(run: &match_run::Model, now: OffsetDateTime) -> bool {
    run.status == match_run::Status::Running && now - run.heartbeat_at > HEARTBEAT_TIMEOUT
}

/// Where a run stands: an interrupted run (its heartbeat stopped) is failed.
pub(super) fn status(run: &match_run::Model, now: OffsetDateTime) -> RunStatus {
    if interrupted(run, now) {
        RunStatus::Failed
    } else {
        run.status.into()
    }
}

/// The step a run is at (written by [`progress`] only, so always a known code).
pub(super) fn stage(run: &match_run::Model) -> RunStage {
    RunStage::parse(&run.stage).unwrap_or_else(|| {
        tracing::warn!(run = run.id, stage = %run.stage, "batch run at an unknown stage");
        RunStage::Queued
    })
}

/// A run's stored preview: empty until the run is ready; an error when what is
/// stored cannot be read.
///
/// # Errors
/// [`ServiceError::Internal`] for a preview that is not what this version writes.
pub(super) fn stored_preview(run: &match_run::Model) -> Result<Preview, ServiceError> {
    if run.preview.is_empty() {
        return Ok(Preview::default());
    }
    serde_json::from_str(&run.preview)
        .map_err(|e| ServiceError::Internal(format!("batch run {}: its preview cannot be read: {e}", run.id)))
}

/// One batch run with one page of its preview.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn run(state: &Deps, id: i64, page: u64) -> Result<RunView, ServiceError> {
    let run = match_run::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = state.clock.now();
    let preview = stored_preview(&run)?;
    let starter = account::Entity::find_by_id(run.started_by).one(&state.db).await?;
    // A page past the end is the last page.
    let page = crate::infra::db::existing_page(page, preview.pairs.len() as u64, PAIRS_PAGE);
    let start = usize::try_from(page.saturating_mul(PAIRS_PAGE)).unwrap_or(usize::MAX);
    Ok(RunView {
        id: run.id,
        status: status(&run, now),
        stage: stage(&run),
        progress: run.progress,
        started: utc(run.started_at),
        started_by: starter.map(|a| a.display_name).unwrap_or_default(),
        summary: serde_json::from_str(&run.summary).ok(),
        pairs_total: preview.pairs.len() as u64,
        pairs: preview
            .pairs
            .into_iter()
            .skip(start)
            .take(usize::try_from(PAIRS_PAGE).unwrap_or(50))
            .collect(),
        unserved: if page == 0 {
            preview.unserved.into_iter().take(100).collect()
        } else {
            Vec::new()
        },
        page,
        outcome: serde_json::from_str(&run.outcome).ok(),
        error: if interrupted(&run, now) {
            "interrupted".into()
        } else {
            run.error
        },
    })
}

/// The latest batch runs.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn runs(state: &Deps) -> Result<Vec<RunRow>, ServiceError> {
    let now = state.clock.now();
    Ok(match_run::Entity::find()
        .order_by_desc(match_run::Column::Id)
        .limit(20)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| RunRow {
            id: r.id,
            status: status(&r, now),
            started: utc(r.started_at),
            pairs: serde_json::from_str::<RunSummary>(&r.summary)
                .map(|s| s.assigned_per_tier.iter().sum())
                .unwrap_or(0),
        })
        .collect())
}
