//! Frontline's server: configuration, the router and its middleware, the command
//! line, and graceful shutdown. The application itself (pages, server functions,
//! services) lives in the `app` crate.

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
/// system after a short delay.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
