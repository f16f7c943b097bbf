//! Applying a batch run's preview: its proposals, created at once.

use crate::domain::codes::{AuditObject, RunStatus};
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    engagements::{self, Proposal},
};
use crate::session::CurrentUser;
use crate::{domain::views::RunOutcome, services::deps::Deps};
use entity::{engagement::ProposerKind, match_run, need};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, sea_query::Expr};
use serde_json::json;
use std::collections::{HashMap, HashSet};

use super::{batch::*, explain::*};

/// Applies a ready batch run: creates every proposal of its preview in one
/// transaction, through the engagements' own proposal step (checks, audit,
/// notifications), skipping pairs made stale meanwhile (the need no longer open
/// or already engaged, the volunteer no longer approved or without room for
/// one more proposal).
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::Conflict`] unless ready.
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn apply(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<RunOutcome, ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let run = match_run::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let claimed = match_run::Entity::update_many()
        .col_expr(match_run::Column::Status, Expr::value(RunStatus::Applied.code()))
        .col_expr(match_run::Column::AppliedBy, Expr::value(user.id))
        .col_expr(match_run::Column::AppliedAt, Expr::value(now))
        .filter(match_run::Column::Id.eq(id))
        .filter(match_run::Column::Status.eq(match_run::Status::Ready))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ServiceError::Conflict("only a ready run can be applied, once"));
    }
    // A preview that cannot be read fails the apply (the run stays ready): applying
    // an empty one would mark the run applied with nothing proposed.
    if run.preview.is_empty() {
        return Err(ServiceError::Conflict("the run has no preview"));
    }
    let preview = stored_preview(&run)?;
    let need_ids: Vec<i64> = preview.pairs.iter().map(|p| p.need_id).collect();
    let volunteer_ids: Vec<i64> = preview.pairs.iter().map(|p| p.volunteer_id).collect();
    let mut open: HashMap<i64, need::Model> = HashMap::new();
    for chunk in need_ids.chunks(5000) {
        for n in need::Entity::find()
            .filter(need::Column::Id.is_in(chunk.to_vec()))
            .filter(need::Column::Status.eq(need::Status::Open))
            .all(&txn)
            .await?
        {
            open.insert(n.id, n);
        }
    }
    let mut capacity = engagements::room_left(&txn, &volunteer_ids).await?;
    let candidates: Vec<(&need::Model, i64)> = preview
        .pairs
        .iter()
        .filter_map(|p| open.get(&p.need_id).map(|n| (n, p.volunteer_id)))
        .collect();
    let checks = engagements::PairChecks::read(&txn, &candidates).await?;
    let mut outcome = RunOutcome::default();
    let mut chosen: Vec<(&need::Model, i64, String)> = Vec::new();
    // The needs this run proposes for: a need gets one proposal.
    let mut taken: HashSet<i64> = HashSet::new();
    for pair in &preview.pairs {
        let Some(n) = open
            .get(&pair.need_id)
            .filter(|n| !checks.engaged(n.id) && !taken.contains(&n.id))
        else {
            outcome.stale_need += 1;
            continue;
        };
        let hours = engagements::proposal_hours(n, now);
        let Some(room) = capacity
            .get_mut(&pair.volunteer_id)
            .filter(|(slots, free)| *slots > 0 && *free >= hours)
        else {
            outcome.stale_volunteer += 1;
            continue;
        };
        match checks.check(n, pair.volunteer_id) {
            Ok(()) => {}
            // The pair's own checks (organisation or volunteer no longer approved, a
            // proposal of the pair made by hand since) make it stale, as the room does.
            Err(ServiceError::Conflict(_) | ServiceError::NotFound) => {
                outcome.stale_need += 1;
                continue;
            }
            Err(_) => {
                outcome.stale_volunteer += 1;
                continue;
            }
        }
        // Later pairs of this run see the room this proposal would take if accepted.
        room.0 -= 1;
        room.1 -= hours;
        taken.insert(n.id);
        let reason = format!(
            "Matcher (batch run #{id}): fit {:.0}% ({}).",
            pair.fit * 100.0,
            top_factors(&pair.factors)
        );
        chosen.push((n, pair.volunteer_id, reason));
    }
    let proposals: Vec<Proposal<'_>> = chosen
        .iter()
        .map(|(n, volunteer_id, reason)| Proposal {
            kind: ProposerKind::Matcher,
            need: n,
            volunteer_id: *volunteer_id,
            reason,
            run: Some(id),
            fast_path: false,
        })
        .collect();
    let expires_at = now + state.config.response_window;
    let made = engagements::propose_all(&txn, state, now, expires_at, actor, &proposals).await?;
    outcome.created = u32::try_from(made.len()).unwrap_or(u32::MAX);
    let text = to_json(&outcome);
    match_run::Entity::update_many()
        .col_expr(match_run::Column::Outcome, Expr::value(text))
        .filter(match_run::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::MatchRunApplied,
        Some((AuditObject::MatchRun, id)),
        json!({
            "created": outcome.created,
            "stale_need": outcome.stale_need,
            "stale_volunteer": outcome.stale_volunteer,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}
