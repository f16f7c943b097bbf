//! Infrastructure the services stand on: transactions and the database breaker,
//! the services' error type, password hashing, tokens, throttling, the session
//! store, flash messages, job leases, and the mail outbox and transport.
//!
//! Nothing here knows a domain rule; the domain services in
//! [`crate::services`] use these, never the other way round.

pub mod db;
pub mod error;
pub mod flash;
pub mod keys;
pub mod lease;
pub mod mailer;
pub mod outbox;
pub mod passwords;
pub mod recent;
pub mod session_store;
pub mod throttle;
pub mod tokens;
