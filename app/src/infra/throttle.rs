//! Throttling of guessable secrets (passwords, second-factor codes), kept in the
//! database so it holds across instances.
//!
//! Each failure adds to a counter per key (an account, a client address). The
//! first few failures are free; after that each one doubles the wait, up to a
//! ceiling. Nothing locks an account for good: waits are bounded and counters
//! are forgotten a day after the last failure, so an attacker can slow a real
//! user down but never shut them out (ASVS 6.1.1, 6.3.1).

use super::{db::begin_write, error::ServiceError};
use entity::throttle;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ConnectionTrait as _, DatabaseConnection, DbBackend,
    EntityTrait as _, IntoActiveModel as _, QuerySelect as _, sea_query::OnConflict,
};
use std::time::Duration;
use time::OffsetDateTime;

/// Failures allowed before any wait.
pub const FREE_FAILURES: i32 = 3;
/// The longest wait.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Counters older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The wait imposed after `failures` failures.
#[must_use]
pub fn delay_after(failures: i32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(20);
    Duration::from_secs(1u64 << doublings).min(MAX_DELAY)
}

/// Refuses with [`ServiceError::RateLimited`] while any of `keys` is waiting.
///
/// # Errors
/// [`ServiceError::RateLimited`] with the longest remaining wait; database errors.
pub async fn check(
    db: &DatabaseConnection,
    keys: &[String],
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    let mut wait = Duration::ZERO;
    for key in keys {
        if let Some(row) = throttle::Entity::find_by_id(key.clone()).one(db).await? {
            let remaining = row.blocked_until - now;
            if remaining.is_positive() {
                wait = wait.max(remaining.unsigned_abs());
            }
        }
    }
    if wait.is_zero() {
        Ok(())
    } else {
        Err(ServiceError::RateLimited(wait))
    }
}

/// Counts one failure against each key.
///
/// # Errors
/// Database errors.
pub async fn fail(db: &DatabaseConnection, keys: &[String], now: OffsetDateTime) -> Result<(), ServiceError> {
    let txn = begin_write(db).await?;
    for key in keys {
        // Make sure the row exists, then take it under a lock and update it.
        throttle::Entity::insert(throttle::ActiveModel {
            key: Set(key.clone()),
            failures: Set(0),
            last_failure_at: Set(now),
            blocked_until: Set(now),
        })
        .on_conflict(OnConflict::column(throttle::Column::Key).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await?;
        let mut select = throttle::Entity::find_by_id(key.clone());
        if txn.get_database_backend() == DbBackend::Postgres {
            select = select.lock_exclusive();
        }
        let Some(row) = select.one(&txn).await? else {
            return Err(ServiceError::Internal("throttle row vanished".into()));
        };
        let forgotten = (now - row.last_failure_at).unsigned_abs() > FORGET_AFTER;
        let failures = if forgotten {
            1
        } else {
            row.failures.saturating_add(1)
        };
        let mut active = row.into_active_model();
        active.failures = Set(failures);
        active.last_failure_at = Set(now);
        active.blocked_until = Set(now + delay_after(failures));
        active.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Forgets the failures against `key` (after a success).
///
/// # Errors
/// Database errors.
pub async fn clear(db: &DatabaseConnection, key: &str) -> Result<(), ServiceError> {
    throttle::Entity::delete_by_id(key.to_owned()).exec(db).await?;
    Ok(())
}

/// Deletes counters whose last failure is older than [`FORGET_AFTER`]
/// (housekeeping; they would be reset on their next failure anyway).
///
/// # Errors
/// Database errors.
pub async fn forget_stale(db: &DatabaseConnection, now: OffsetDateTime) -> Result<u64, ServiceError> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};
    let res = throttle::Entity::delete_many()
        .filter(throttle::Column::LastFailureAt.lt(now - FORGET_AFTER))
        .filter(throttle::Column::BlockedUntil.lt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stop_growing() {
        assert_eq!(delay_after(0), Duration::ZERO);
        assert_eq!(delay_after(FREE_FAILURES - 1), Duration::ZERO);
        assert_eq!(delay_after(FREE_FAILURES), Duration::from_secs(1));
        assert_eq!(delay_after(FREE_FAILURES + 3), Duration::from_secs(8));
        assert_eq!(delay_after(1000), MAX_DELAY, "never a permanent lockout");
        let mut last = Duration::ZERO;
        for f in 0..100 {
            assert!(delay_after(f) >= last);
            last = delay_after(f);
        }
    }
}
