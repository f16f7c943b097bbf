//! Test harness for Frontline's end-to-end tests.
//!
//! - [`TestApp::spawn`] starts the real server (the same router, middleware and
//!   migrations as `frontline serve`) on a free port with a fresh database, on
//!   SQLite or on the throwaway PostgreSQL cluster that `.ci/test` starts
//!   (`TEST_POSTGRES_URL`).
//! - [`browser::Browser`] drives headless Chromium through chromedriver.
//! - [`cli`] runs the `frontline` binary itself, for what only a process shows
//!   (exit codes, signals).
//! - [`db_tests!`] writes one test twice, once per database.

pub mod browser;
pub mod cli;
mod clock;
mod database;
pub mod facts;
pub mod fixtures;
pub mod journeys;
pub mod pg_cluster;
pub mod small_disk;
pub mod smtp_sink;
mod test_app;
pub mod users;
pub mod world;

pub use clock::TestClock;
pub use database::{DbKind, TestDatabase};
pub use test_app::{SESSION_COOKIE, TestApp, TestClient, site_root};

/// Declares async tests that each run once on SQLite and once on PostgreSQL:
///
/// ```ignore
/// db_tests! {
///     async fn home_page_answers(db: DbKind) { /* … */ }
/// }
/// ```
///
/// expands to a module `home_page_answers` with tests `sqlite` and `postgres`.
#[macro_export]
macro_rules! db_tests {
    ($($(#[$meta:meta])* async fn $name:ident($kind:ident : $ty:ty) $body:block)*) => {
        $(
            $(#[$meta])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($kind: $ty) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::DbKind::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run($crate::DbKind::Postgres).await;
                }
            }
        )*
    };
}
