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
