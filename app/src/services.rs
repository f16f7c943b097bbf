//! Domain services: the behaviour behind the server functions.
//!
//! Services take a connection (or a transaction) and typed, validated input, and
//! return domain values or a [`ServiceError`]. They know nothing of HTTP or Leptos.

pub mod db;
mod error;
pub mod figures;

pub use error::ServiceError;
