//! Periodic work that runs once across instances.
//!
//! A job is claimed through a lease row: an instance runs it only if a single
//! conditional `UPDATE … WHERE expires_at <= now` hands it the lease for one
//! period. Two instances on one PostgreSQL ticking at the same moment: the row
//! is locked by the first update, the second re-checks the condition after it
//! commits and matches nothing, so exactly one runs the job in each period
//! (SQLite serialises writers outright). The work itself is also idempotent
//! (conditional updates), as a second line of defence.

use super::{ServiceError, engagements};
use crate::state::AppState;
use entity::job_lease;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait as _, EntityTrait as _, QueryFilter as _,
    sea_query::{Expr, ExprTrait as _, OnConflict},
};
use time::OffsetDateTime;

/// The job that expires unanswered proposals.
pub const EXPIRE_PROPOSALS: &str = "engagements.expire";

/// Tries to take the lease on `job` for `holder`; true when it is ours now.
///
/// # Errors
/// Database errors.
pub async fn try_lease(
    state: &AppState,
    job: &str,
    holder: &str,
    now: OffsetDateTime,
) -> Result<bool, ServiceError> {
    // Make sure the row exists (no-op when it does).
    job_lease::Entity::insert(job_lease::ActiveModel {
        name: Set(job.to_owned()),
        holder: Set(String::new()),
        expires_at: Set(now - time::Duration::seconds(1)),
        last_run_at: Set(None),
        runs: Set(0),
    })
    .on_conflict(
        OnConflict::column(job_lease::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&state.db)
    .await?;
    let taken = job_lease::Entity::update_many()
        .col_expr(job_lease::Column::Holder, Expr::value(holder))
        .col_expr(
            job_lease::Column::ExpiresAt,
            Expr::value(now + state.config.job_interval),
        )
        .filter(job_lease::Column::Name.eq(job))
        .filter(job_lease::Column::ExpiresAt.lte(now))
        .exec(&state.db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Records that the holder ran the job. The lease is kept until it expires, so
/// within one period the job runs once, on one instance.
///
/// # Errors
/// Database errors.
pub async fn record_run(
    state: &AppState,
    job: &str,
    holder: &str,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    job_lease::Entity::update_many()
        .col_expr(job_lease::Column::LastRunAt, Expr::value(now))
        .col_expr(job_lease::Column::Runs, Expr::col(job_lease::Column::Runs).add(1))
        .filter(job_lease::Column::Name.eq(job))
        .filter(job_lease::Column::Holder.eq(holder))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Runs the due periodic work if this instance wins the lease; returns how many
/// proposals expired, or `None` when another instance holds the lease.
///
/// # Errors
/// Database errors.
pub async fn tick(state: &AppState, holder: &str) -> Result<Option<u64>, ServiceError> {
    let now = state.clock.now();
    if !try_lease(state, EXPIRE_PROPOSALS, holder, now).await? {
        return Ok(None);
    }
    let expired = engagements::expire_due(state, now).await?;
    record_run(state, EXPIRE_PROPOSALS, holder, now).await?;
    Ok(Some(expired))
}
