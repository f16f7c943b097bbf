//! Domain services: the behaviour behind the server functions.
//!
//! Services take the application state (or a connection), the caller and typed,
//! validated input, and return domain values or a [`ServiceError`]. They know
//! nothing of HTTP or Leptos.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod db;
pub mod engagements;
mod error;
pub mod figures;
pub mod flash;
pub mod jobs;
pub mod matching;
pub mod mfa;
pub mod needs;
pub mod notifications;
pub mod organisations;
pub mod passwords;
pub mod reset;
pub mod session_store;
pub mod throttle;
pub mod tokens;
pub mod volunteers;

pub use error::ServiceError;
