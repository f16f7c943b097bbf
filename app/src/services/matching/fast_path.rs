//! The critical needs' fast path: when a coordinator opens a critical need, the
//! matcher proposes it at once — in the transaction that opens it — to its best
//! few available volunteers, ranked exactly as the matching console ranks them.
//! Each is notified (and mailed) at once; the first to accept takes the need and
//! the others' proposals are withdrawn with a notice (see
//! [`crate::services::engagements::accept`]).

use crate::matcher::rank_volunteers;
use crate::services::{
    ServiceError,
    audit::Actor,
    deps::Deps,
    engagements::{self, Proposal},
};
use entity::{engagement::ProposerKind, need};
use sea_orm::DatabaseTransaction;
use time::OffsetDateTime;

use super::{
    console::CONSOLE_CANDIDATES, explain::reason_line, pools::VolunteerPool, profiles::need_profile,
};

/// Proposes the critical `need`, open as read in `txn`, to the first `k`
/// candidates of the console's ranking over `pool` who still have room for it
/// (the pool may be a moment older than `txn`: each candidate's room is read
/// again in `txn`, and a candidate no longer approved is passed over). Returns
/// the proposals made, best first; none when its organisation is not approved.
///
/// # Errors
/// Database errors.
#[expect(
    clippy::too_many_arguments,
    reason = "the transaction, the clock, the actor and the facts of one need's fast path"
)]
#[tracing::instrument(skip_all, fields(need_id = need.id, k = k))]
pub async fn propose_at_once(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
    actor: &Actor,
    need: &need::Model,
    pool: &VolunteerPool,
    k: usize,
) -> Result<Vec<i64>, ServiceError> {
    if k == 0 {
        return Ok(Vec::new());
    }
    let Some(profile) = need_profile(txn, need).await? else {
        return Ok(Vec::new());
    };
    // The console's ranking, as deep as the console shows it: its first k are the
    // proposals unless one of them lost their room meanwhile.
    let ranking = rank_volunteers(&pool.index, &profile, CONSOLE_CANDIDATES.max(k));
    let ids: Vec<i64> = ranking.top.iter().map(|c| c.volunteer_id).collect();
    let room = engagements::room_left(txn, &ids).await?;
    let hours = engagements::proposal_hours(need, now);
    let mut made = Vec::with_capacity(k);
    for candidate in &ranking.top {
        if made.len() == k {
            break;
        }
        if !room
            .get(&candidate.volunteer_id)
            .is_some_and(|&(slots, free)| slots > 0 && free >= hours)
        {
            continue;
        }
        let reason = format!(
            "Critical need, proposed at once to {k} volunteers: the first to accept takes it. {}.",
            reason_line(candidate)
        );
        let proposal = Proposal {
            kind: ProposerKind::Matcher,
            need,
            volunteer_id: candidate.volunteer_id,
            reason: &reason,
            run: None,
            fast_path: true,
        };
        match engagements::propose_in(txn, state, now, expires_at, actor, proposal).await {
            Ok(id) => made.push(id),
            // The pair's own checks failed (no longer approved, proposed by hand
            // since): nothing was written; the next candidate is asked instead.
            Err(ServiceError::Validation(_)) => {}
            Err(e) => return Err(e),
        }
    }
    tracing::info!(proposed = made.len(), "critical need proposed at once");
    Ok(made)
}
