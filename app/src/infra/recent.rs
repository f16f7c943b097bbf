//! A value computed at most once per period and shared by the requests of one
//! instance: for figures that may be a few seconds old (the home page's
//! counts), so a burst of visitors costs one computation, not one each.

use std::{sync::Arc, time::Duration};
use tokio::{sync::Mutex, time::Instant};

/// The last value computed and when.
#[derive(Debug)]
pub struct Recent<T> {
    last: Arc<Mutex<Option<(Instant, T)>>>,
}

impl<T> Clone for Recent<T> {
    fn clone(&self) -> Self {
        Self {
            last: Arc::clone(&self.last),
        }
    }
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Self {
            last: Arc::new(Mutex::new(None)),
        }
    }
}

impl<T: Clone> Recent<T> {
    /// The value computed less than `period` ago, or a new one from `compute`.
    /// Callers arriving while it is computed wait for that one computation; a
    /// failure is not kept.
    ///
    /// # Errors
    /// `compute`'s error.
    pub async fn get<E>(
        &self,
        period: Duration,
        compute: impl AsyncFnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let mut last = self.last.lock().await;
        if let Some((at, value)) = last.as_ref()
            && at.elapsed() < period
        {
            return Ok(value.clone());
        }
        let value = compute().await?;
        *last = Some((Instant::now(), value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn computes_once_per_period_and_forgets_failures() {
        let recent = Recent::<u32>::default();
        let calls = AtomicU32::new(0);
        let count = async || Ok::<_, ()>(calls.fetch_add(1, Ordering::SeqCst) + 1);
        let period = Duration::from_millis(200);
        assert_eq!(recent.get(period, count).await, Ok(1));
        assert_eq!(recent.get(period, count).await, Ok(1), "kept within the period");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(recent.get(period, count).await, Ok(2), "computed again after it");
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(
            recent.get(period, async || Err::<u32, _>("down")).await,
            Err("down")
        );
        assert_eq!(recent.get(period, count).await, Ok(3), "a failure is not kept");
    }
}
