//! The executor Leptos spawns its reactive tasks on: tokio's, plus a record of
//! the tasks a page render spawns, so the render can wait for each to have run
//! once before its reactive owner is cleaned up.
//!
//! Why: an isomorphic effect (leptos_i18n creates one for every request) runs
//! its first time in a task of its own. Under load that task could be polled
//! only after the response was sent and the request's owner disposed, and its
//! first read of a signal then panicked ("value already disposed": seen once in
//! a full suite run). Leptos gives such a task no way to notice; waiting here
//! for its first poll, before the response leaves, closes the window.

use any_spawner::{CustomExecutor, PinnedFuture, PinnedLocalFuture};
use std::{
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

tokio::task_local! {
    /// The tasks spawned during the current render, each with a flag set at its first poll.
    static SPAWNED: Mutex<Vec<Arc<AtomicBool>>>;
}

/// tokio, with a record of what a render spawns.
struct Recording;

/// Polls the task, keeping its flag set while it has nothing left to do: set
/// before each poll, cleared whenever the task is woken (an effect notified
/// by a signal the render set), so a task woken but not yet run again does
/// not count as settled.
struct Tracked {
    polled: Arc<AtomicBool>,
    task: PinnedFuture<()>,
}

/// The task's waker, clearing its flag first.
struct ClearOnWake {
    polled: Arc<AtomicBool>,
    inner: std::task::Waker,
}

impl std::task::Wake for ClearOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.polled.store(false, Ordering::Release);
        self.inner.wake_by_ref();
    }
}

impl Future for Tracked {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polled.store(true, Ordering::Release);
        let waker = std::task::Waker::from(Arc::new(ClearOnWake {
            polled: Arc::clone(&self.polled),
            inner: cx.waker().clone(),
        }));
        let poll = self.task.as_mut().poll(&mut Context::from_waker(&waker));
        if poll.is_ready() {
            self.polled.store(true, Ordering::Release);
        }
        poll
    }
}

impl CustomExecutor for Recording {
    fn spawn(&self, task: PinnedFuture<()>) {
        let polled = Arc::new(AtomicBool::new(false));
        let recorded = SPAWNED
            .try_with(|spawned| {
                spawned
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Arc::clone(&polled));
            })
            .is_ok();
        if recorded {
            tokio::spawn(Tracked { polled, task });
        } else {
            tokio::spawn(task);
        }
    }

    fn spawn_local(&self, task: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(task);
    }

    fn poll_local(&self) {}
}

/// Whether [`Recording`] is the process's executor.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Makes [`Recording`] the executor Leptos spawns on (once per process; later
/// calls, as from a second server in the same test process, change nothing).
/// Returns false when another executor was set first.
pub fn install() -> bool {
    if any_spawner::Executor::init_custom_executor(Recording).is_ok() {
        INSTALLED.store(true, Ordering::Release);
    }
    INSTALLED.load(Ordering::Acquire)
}

/// Runs `render`, then waits (at most five seconds) until every task it
/// spawned has run and is not waiting to run again.
pub async fn render_then_settle<T>(render: impl Future<Output = T>) -> T {
    SPAWNED
        .scope(Mutex::new(Vec::new()), async move {
            let output = render.await;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            loop {
                let settled = SPAWNED.with(|spawned| {
                    spawned
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .iter()
                        .all(|polled| polled.load(Ordering::Acquire))
                });
                if settled || tokio::time::Instant::now() >= deadline {
                    break;
                }
                tokio::task::yield_now().await;
            }
            output
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_render_returns_only_once_what_it_spawned_has_run() {
        assert!(install(), "Frontline's executor must be the process's");
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        render_then_settle(async move {
            any_spawner::Executor::spawn(async move { flag.store(true, Ordering::Release) });
        })
        .await;
        // On one thread nothing else ran the task: only the settling did.
        assert!(
            ran.load(Ordering::Acquire),
            "the spawned task had not run when the render returned"
        );
    }
}
