//! Throttling of guessable secrets (passwords, second-factor codes), kept in the
//! database so it holds across instances.
//!
//! An attempt is counted *before* the secret is checked: [`reserve`] takes the
//! attempt on every key in one write transaction that holds each key's row
//! lock, and refuses at once while any key is waiting, so of a burst of
//! concurrent guesses only the allowed number are ever evaluated (a
//! read-then-count check lets the whole burst through). A success gives its
//! reservation back ([`Attempt::succeeded`]); a failure keeps it.
//!
//! Each key allows a few free attempts; after that each one doubles the wait, up
//! to a ceiling. Counters leak one failure every [`LEAK`], so nothing locks an
//! account for good: an attacker can slow a real user down but never shut them
//! out (ASVS 6.1.1, 6.3.1). Keys are chosen so that failures from one place do
//! not slow down another: sign-in counts per account *and address* (strict) and
//! per address across accounts (generous, since many people may share one
//! address), never per account alone.

use super::{db::begin_write, error::ServiceError};
use entity::throttle;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ConnectionTrait as _, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait as _, IntoActiveModel as _, QuerySelect as _, sea_query::OnConflict,
};
use std::time::Duration;
use time::OffsetDateTime;

/// Free attempts on a strict key (one account from one address, a second factor).
pub const STRICT_FREE: i32 = 3;
/// Free attempts on a shared key (one address, whoever signs in from it).
pub const SHARED_FREE: i32 = 20;
/// The longest wait.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// A counter forgets one failure per this much time without a new one.
pub const LEAK: Duration = Duration::from_secs(10 * 60);
/// Failures counted beyond a key's free attempts at most: the wait is already the
/// longest there (2^10 s > 15 min), so counting on only makes the leak slower.
const COUNTED_BEYOND_FREE: i32 = 10;
/// Counters untouched for longer than this have leaked away entirely
/// ((`SHARED_FREE` + 10) × `LEAK` = 5 h).
pub const FORGET_AFTER: Duration = Duration::from_secs(6 * 3600);

/// One counter: its name and how many attempts it allows before waits begin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The row's key, e.g. `login:pair:<email>|<address>`.
    pub name: String,
    /// Failures allowed before any wait.
    pub free: i32,
}

impl Key {
    /// A key for one account (from one address): a few attempts, then waits.
    #[must_use]
    pub fn strict(name: String) -> Self {
        Self {
            name,
            free: STRICT_FREE,
        }
    }

    /// A key many people may share (a client address): generous.
    #[must_use]
    pub fn shared(name: String) -> Self {
        Self {
            name,
            free: SHARED_FREE,
        }
    }

    /// Whether a success forgets this key's failures (strict keys) or only gives
    /// back its own reservation (shared keys: one person's success must not wipe
    /// out what others behind the same address failed).
    fn cleared_by_success(&self) -> bool {
        self.free <= STRICT_FREE
    }
}

/// The wait imposed after `failures` failures on a key allowing `free`.
#[must_use]
pub fn delay_after(failures: i32, free: i32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(20);
    Duration::from_secs(1u64 << doublings).min(MAX_DELAY)
}

/// What is left of `failures` counted last at `last`, by `now` (one leaks away
/// per [`LEAK`]).
#[must_use]
pub fn leaked(failures: i32, last: OffsetDateTime, now: OffsetDateTime) -> i32 {
    let idle = (now - last).whole_seconds().max(0);
    #[expect(clippy::cast_possible_wrap, reason = "LEAK is ten minutes")]
    let gone = idle / LEAK.as_secs() as i64;
    let gone = i32::try_from(gone).unwrap_or(i32::MAX);
    failures.saturating_sub(gone).max(0)
}

/// One reserved attempt: counted on every key until it is known to have
/// succeeded.
#[derive(Debug)]
#[must_use = "an attempt is given back only by `succeeded`"]
pub struct Attempt {
    keys: Vec<Key>,
}

/// Counts one attempt against each of `keys`, or refuses with the longest
/// remaining wait while any of them is waiting (then nothing is counted).
///
/// # Errors
/// [`ServiceError::RateLimited`]; database errors.
pub async fn reserve(
    db: &DatabaseConnection,
    keys: &[Key],
    now: OffsetDateTime,
) -> Result<Attempt, ServiceError> {
    // Rows are locked in key order, so two attempts sharing keys never deadlock.
    let mut keys = keys.to_vec();
    keys.sort_by(|a, b| a.name.cmp(&b.name));
    keys.dedup_by(|a, b| a.name == b.name);
    let txn = begin_write(db).await?;
    let mut wait = Duration::ZERO;
    let mut rows = Vec::with_capacity(keys.len());
    for key in &keys {
        let row = locked(&txn, &key.name, now).await?;
        let remaining = row.blocked_until - now;
        if remaining.is_positive() {
            wait = wait.max(remaining.unsigned_abs());
        }
        rows.push(row);
    }
    if !wait.is_zero() {
        txn.rollback().await?;
        return Err(ServiceError::RateLimited(wait));
    }
    for (key, row) in keys.iter().zip(rows) {
        let failures = leaked(row.failures, row.last_failure_at, now)
            .saturating_add(1)
            .min(key.free + COUNTED_BEYOND_FREE);
        let mut active = row.into_active_model();
        active.failures = Set(failures);
        active.last_failure_at = Set(now);
        active.blocked_until = Set(now + delay_after(failures, key.free));
        active.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(Attempt { keys })
}

impl Attempt {
    /// The secret was right: strict keys forget their failures; shared keys give
    /// back this attempt only.
    ///
    /// # Errors
    /// Database errors.
    pub async fn succeeded(self, db: &DatabaseConnection, now: OffsetDateTime) -> Result<(), ServiceError> {
        let txn = begin_write(db).await?;
        for key in &self.keys {
            if key.cleared_by_success() {
                throttle::Entity::delete_by_id(key.name.clone())
                    .exec(&txn)
                    .await?;
                continue;
            }
            let row = locked(&txn, &key.name, now).await?;
            let failures = leaked(row.failures, row.last_failure_at, now)
                .saturating_sub(1)
                .max(0);
            let blocked_until = (now + delay_after(failures, key.free)).min(row.blocked_until);
            let mut active = row.into_active_model();
            active.failures = Set(failures);
            active.last_failure_at = Set(now);
            active.blocked_until = Set(blocked_until);
            active.update(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The secret was wrong: the attempt stays counted. (Spelled out so that
    /// every path through a check says what became of its attempt.)
    pub fn failed(self) {}
}

/// The row of `key`, created if need be, locked until `txn` ends (PostgreSQL
/// `FOR UPDATE`; SQLite write transactions hold the database's write lock from
/// their start).
async fn locked(
    txn: &DatabaseTransaction,
    key: &str,
    now: OffsetDateTime,
) -> Result<throttle::Model, ServiceError> {
    throttle::Entity::insert(throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        last_failure_at: Set(now),
        blocked_until: Set(now),
    })
    .on_conflict(OnConflict::column(throttle::Column::Key).do_nothing().to_owned())
    .exec_without_returning(txn)
    .await?;
    let mut select = throttle::Entity::find_by_id(key.to_owned());
    if txn.get_database_backend() == DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    select
        .one(txn)
        .await?
        .ok_or_else(|| ServiceError::Internal("throttle row vanished".into()))
}

/// Deletes counters that have leaked away entirely (housekeeping).
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
    use proptest::prelude::*;

    #[test]
    fn delays_grow_then_stop_growing() {
        let free = STRICT_FREE;
        assert_eq!(delay_after(0, free), Duration::ZERO);
        assert_eq!(delay_after(free - 1, free), Duration::ZERO);
        assert_eq!(delay_after(free, free), Duration::from_secs(1));
        assert_eq!(delay_after(free + 3, free), Duration::from_secs(8));
        assert_eq!(delay_after(1000, free), MAX_DELAY, "never a permanent lockout");
        assert_eq!(delay_after(free + COUNTED_BEYOND_FREE, free), MAX_DELAY);
        assert_eq!(delay_after(SHARED_FREE - 1, SHARED_FREE), Duration::ZERO);
        let mut last = Duration::ZERO;
        for f in 0..100 {
            assert!(delay_after(f, free) >= last);
            last = delay_after(f, free);
        }
    }

    #[test]
    fn counters_leak_away() {
        let t = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(leaked(5, t, t), 5);
        assert_eq!(leaked(5, t, t + LEAK), 4);
        assert_eq!(leaked(5, t, t + LEAK * 5), 0);
        assert_eq!(leaked(5, t, t + LEAK * 500), 0);
        assert_eq!(leaked(5, t + LEAK, t), 5, "a clock step back forgets nothing");
        let cap = SHARED_FREE + COUNTED_BEYOND_FREE;
        assert_eq!(
            leaked(cap, t, t + FORGET_AFTER),
            0,
            "forgotten rows had leaked away"
        );
    }

    proptest! {
        #[test]
        fn leaking_never_grows(f in 0..1000i32, secs in 0..1_000_000i64) {
            let t = OffsetDateTime::UNIX_EPOCH;
            let left = leaked(f, t, t + time::Duration::seconds(secs));
            prop_assert!((0..=f).contains(&left));
        }
    }
}
