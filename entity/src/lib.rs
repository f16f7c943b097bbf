//! sea-orm entities for Frontline's database.
//!
//! Entities only: no behaviour. The services in `app::services` hold the logic,
//! and the schema itself is defined by the migrations in the `migration` crate.

pub mod account;
pub mod audit_log;
pub mod need;
pub mod organisation;
pub mod recovery_code;
pub mod reset_token;
pub mod session;
pub mod throttle;
pub mod volunteer;
