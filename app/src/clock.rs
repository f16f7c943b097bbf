//! The time, as the services see it.
//!
//! Services never call `OffsetDateTime::now_utc()` themselves: they ask the
//! [`Clock`] in the application state, so tests can move time forward (session
//! expiry, throttling delays, link expiry, TOTP steps) without sleeping.

use std::fmt::Debug;
use time::OffsetDateTime;

/// A source of the current time.
pub trait Clock: Debug + Send + Sync + 'static {
    /// Now, in UTC, to the microsecond (what both databases store, so a time
    /// read back equals the time written).
    fn now(&self) -> OffsetDateTime;
}

/// `t` truncated to whole microseconds.
#[must_use]
pub fn to_micros(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        to_micros(OffsetDateTime::now_utc())
    }
}
