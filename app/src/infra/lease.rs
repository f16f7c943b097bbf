//! Leases: periodic work that runs once across instances.
//!
//! A job is claimed through a lease row: an instance runs it only if a single
//! conditional `UPDATE … WHERE expires_at <= now` hands it the lease for one
//! period. Two instances on one PostgreSQL ticking at the same moment: the row
//! is locked by the first update, the second re-checks the condition after it
//! commits and matches nothing, so exactly one runs the job in each period
//! (SQLite serialises writers outright). The work itself is also idempotent
//! (conditional updates), as a second line of defence.

use super::error::ServiceError;
use entity::job_lease;
use sea_orm::DatabaseConnection;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait as _, EntityTrait as _, QueryFilter as _,
    sea_query::{Expr, ExprTrait as _, OnConflict},
};
use std::time::Duration;
use time::OffsetDateTime;

/// Tries to take the lease on `job` for `holder` for one `period`; true when it
/// is ours now.
///
/// # Errors
/// Database errors.
pub async fn try_lease(
    db: &DatabaseConnection,
    job: &str,
    holder: &str,
    now: OffsetDateTime,
    period: Duration,
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
    .exec_without_returning(db)
    .await?;
    let taken = job_lease::Entity::update_many()
        .col_expr(job_lease::Column::Holder, Expr::value(holder))
        .col_expr(job_lease::Column::ExpiresAt, Expr::value(now + period))
        .filter(job_lease::Column::Name.eq(job))
        .filter(job_lease::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Records that the holder ran the job. The lease is kept until it expires, so
/// within one period the job runs once, on one instance.
///
/// # Errors
/// Database errors.
pub async fn record_run(
    db: &DatabaseConnection,
    job: &str,
    holder: &str,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    job_lease::Entity::update_many()
        .col_expr(job_lease::Column::LastRunAt, Expr::value(now))
        .col_expr(job_lease::Column::Runs, Expr::col(job_lease::Column::Runs).add(1))
        .filter(job_lease::Column::Name.eq(job))
        .filter(job_lease::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}
