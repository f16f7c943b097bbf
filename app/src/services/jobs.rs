//! The periodic jobs: what runs, once per period across instances (the lease
//! that makes it once is [`crate::infra::lease`]).

use crate::{
    infra::{error::ServiceError, lease},
    services::{advisories, deps::Deps, engagements, mail},
};

/// The job that expires unanswered proposals.
pub const EXPIRE_PROPOSALS: &str = "engagements.expire";

/// Runs the due periodic work if this instance wins the lease; returns how many
/// proposals expired, or `None` when another instance holds the lease.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn tick(state: &Deps, holder: &str) -> Result<Option<u64>, ServiceError> {
    let now = state.clock.now();
    if !lease::try_lease(
        &state.db,
        EXPIRE_PROPOSALS,
        holder,
        now,
        state.config.job_interval,
    )
    .await?
    {
        return Ok(None);
    }
    let expired = engagements::expire_due(state, now).await?;
    let reminded = engagements::remind_due(state, now).await?;
    let digests = mail::digest::send_due(state, now).await?;
    let advisories = advisories::remind_due(state, now).await?;
    if reminded > 0 || digests > 0 || advisories > 0 {
        tracing::info!(
            reminded,
            digests,
            advisories,
            "proposals and advisories reminded, digests queued"
        );
    }
    lease::record_run(&state.db, EXPIRE_PROPOSALS, holder, now).await?;
    Ok(Some(expired))
}
