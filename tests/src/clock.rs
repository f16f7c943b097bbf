//! A clock the tests move by hand.

use app::clock::{Clock, to_micros};
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

/// Starts at the real time; moves only when told.
#[derive(Debug, Clone)]
pub struct TestClock(Arc<Mutex<OffsetDateTime>>);

impl Default for TestClock {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(to_micros(OffsetDateTime::now_utc()))))
    }
}

impl TestClock {
    /// Moves time forward.
    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += Duration::try_from(by).unwrap_or(Duration::ZERO);
    }
}

impl TestClock {
    /// Now, in unix seconds.
    #[must_use]
    pub fn now_unix(&self) -> i64 {
        self.now().unix_timestamp()
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
