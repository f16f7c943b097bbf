//! Frontline's server: configuration, the router and its middleware, the command
//! line, and graceful shutdown. The application itself (pages, server functions,
//! services) lives in the `app` crate.

pub mod allocator;
pub mod api;
pub mod assets;
pub mod backup;
pub mod cli;
pub mod db;
pub mod demo;
pub mod executor;
pub mod exports;
pub mod health;
pub mod middleware;
pub mod serve;
pub mod settings;
pub mod shutdown;
pub mod startup;
pub mod telemetry;
pub mod unsubscribe;

/// The allocator of every binary built on this crate (`frontline` and the
/// tests that run it). glibc's malloc kept the memory of each burst: Argon2
/// takes 19 MiB per password check, and after the first free glibc raises its
/// mmap threshold, so later blocks came from arenas it never gives back (30
/// sign-ins left ~350 MB resident). mimalloc returns freed pages to the
/// system (see [`allocator`] for how `serve` configures it). It also stands
/// in for the C library's `malloc` (feature `override`), so SQLite's page
/// caches and statements share its pages and its returning of them, rather
/// than glibc's arenas, one per SQLite connection thread (60 MB of them on the
/// large set), which kept what they freed. Transparent huge pages are off
/// (feature `no_thp`): a 2 MiB page stays resident while any byte of it is
/// used.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
