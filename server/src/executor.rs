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
//!
//! A render that is not a request's (the route list, read once at start and by
//! tests) cleans its owner up before it returns: its tasks are dropped unrun
//! ([`without_tasks`]). The effect tasks are the only ones spawned outside a
//! request's render, as the fuzz run's traces showed.

use any_spawner::{CustomExecutor, PinnedFuture, PinnedLocalFuture};
use std::{
    future::Future,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU8, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

tokio::task_local! {
    /// The tasks spawned during the current render, each with its [`state`].
    static SPAWNED: Mutex<Vec<Arc<AtomicU8>>>;
}

/// Where a recorded task is: [`NEW`] (never polled), [`RUNNING`] (in a poll
/// now), [`WOKEN`] (to be polled again), [`IDLE`] (its last poll ended and
/// nothing woke it since) or [`DONE`]. Only the last two count as settled: a
/// task counts only once its poll has *returned*, so an effect cannot still be
/// reading the render's signals when the render's owner is cleaned up (a flag
/// set as the poll *began* counted a task whose thread was preempted inside
/// its poll as done).
mod state {
    pub const NEW: u8 = 0;
    pub const RUNNING: u8 = 1;
    pub const WOKEN: u8 = 2;
    pub const IDLE: u8 = 3;
    pub const DONE: u8 = 4;
}
use state::{DONE, IDLE, NEW, RUNNING, WOKEN};

/// Whether a task in this state has nothing left to do for now.
fn settled(state: u8) -> bool {
    matches!(state, IDLE | DONE)
}

std::thread_local! {
    /// Set while a render's tasks are to be dropped unrun ([`without_tasks`]).
    static DISCARDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a synchronous render, such as the router's route list), dropping
/// every task it spawns instead of running it.
///
/// Why: `generate_route_list` renders the whole app only to read its routes,
/// then cleans up its reactive owner before returning; the effect leptos_i18n
/// spawned during that render would first run afterwards and panic on the
/// disposed signal (every server start, and every test that lists the page
/// routes). Such a render needs none of its tasks.
pub fn without_tasks<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            DISCARDING.with(|d| d.set(self.0));
        }
    }
    let _reset = Reset(DISCARDING.with(|d| d.replace(true)));
    f()
}

/// tokio, with a record of what a render spawns.
struct Recording;

/// A recorded task, keeping its [`state`] up to date around each poll.
struct Tracked {
    state: Arc<AtomicU8>,
    task: PinnedFuture<()>,
}

/// The task's waker, marking it [`WOKEN`] first.
struct MarkOnWake {
    state: Arc<AtomicU8>,
    inner: std::task::Waker,
}

impl std::task::Wake for MarkOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // A finished task stays finished; anything else must run again.
        let _ = self.state.fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
            (s != DONE).then_some(WOKEN)
        });
        self.inner.wake_by_ref();
    }
}

impl Future for Tracked {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.state.store(RUNNING, Ordering::Release);
        let waker = std::task::Waker::from(Arc::new(MarkOnWake {
            state: Arc::clone(&self.state),
            inner: cx.waker().clone(),
        }));
        let poll = self.task.as_mut().poll(&mut Context::from_waker(&waker));
        if poll.is_ready() {
            self.state.store(DONE, Ordering::Release);
        } else {
            // Woken while it ran: stays WOKEN, to be polled again.
            let _ = self
                .state
                .compare_exchange(RUNNING, IDLE, Ordering::AcqRel, Ordering::Acquire);
        }
        poll
    }
}

impl CustomExecutor for Recording {
    fn spawn(&self, task: PinnedFuture<()>) {
        if DISCARDING.with(std::cell::Cell::get) {
            drop(task);
            return;
        }
        let state = Arc::new(AtomicU8::new(NEW));
        let recorded = SPAWNED
            .try_with(|spawned| {
                spawned
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Arc::clone(&state));
            })
            .is_ok();
        if recorded {
            tokio::spawn(Tracked { state, task });
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

/// The longest a render waits for its tasks; past it the response leaves
/// anyway and the wait is logged.
const SETTLE_LIMIT: Duration = Duration::from_secs(20);

/// Runs `render`, then waits (at most [`SETTLE_LIMIT`]) until every task it
/// spawned has run and is not waiting to run again: yielding at first, then
/// sleeping a millisecond between checks so a loaded machine is not spun on.
pub async fn render_then_settle<T>(render: impl Future<Output = T>) -> T {
    SPAWNED
        .scope(Mutex::new(Vec::new()), async move {
            let output = render.await;
            let started = tokio::time::Instant::now();
            for check in 0u32.. {
                let all_settled = SPAWNED.with(|spawned| {
                    spawned
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .iter()
                        .all(|state| settled(state.load(Ordering::Acquire)))
                });
                if all_settled {
                    break;
                }
                if started.elapsed() >= SETTLE_LIMIT {
                    tracing::warn!(
                        "a render's tasks had not settled after {SETTLE_LIMIT:?}; answering anyway"
                    );
                    break;
                }
                if check < 64 {
                    tokio::task::yield_now().await;
                } else {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
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

    /// A task that runs long (here: a thread preempted in its first run) is
    /// not settled until its poll returns: the render waits for it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_render_waits_for_a_poll_under_way_to_return() {
        assert!(install(), "Frontline's executor must be the process's");
        let started = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let (s, f) = (Arc::clone(&started), Arc::clone(&finished));
        render_then_settle(async move {
            any_spawner::Executor::spawn(async move {
                s.store(true, Ordering::Release);
                std::thread::sleep(Duration::from_millis(300));
                f.store(true, Ordering::Release);
                // Like an effect after its first run: waits for a change that never comes.
                std::future::pending::<()>().await;
            });
            while !started.load(Ordering::Acquire) {
                tokio::task::yield_now().await;
            }
        })
        .await;
        assert!(
            finished.load(Ordering::Acquire),
            "the render returned while its task's first run was still under way"
        );
    }

    /// A task woken during its own poll has more to do: the render waits for
    /// the next poll too.
    #[tokio::test(flavor = "current_thread")]
    async fn a_task_woken_while_it_runs_is_run_again_before_the_render_returns() {
        assert!(install(), "Frontline's executor must be the process's");
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&polls);
        render_then_settle(async move {
            any_spawner::Executor::spawn(std::future::poll_fn(move |cx| {
                if counter.fetch_add(1, Ordering::AcqRel) == 0 {
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }));
        })
        .await;
        assert_eq!(
            polls.load(Ordering::Acquire),
            2,
            "the task was not run again after waking itself"
        );
    }
}
