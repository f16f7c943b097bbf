//! Domain services: the behaviour behind the server functions.
//!
//! Services take their dependencies ([`deps::Deps`], or a connection), the caller
//! and typed, validated input, and return domain values or a [`ServiceError`]. They know
//! nothing of HTTP or Leptos.

pub mod accounts;
pub mod advisories;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod convert;
pub mod deps;
pub mod engagements;
pub mod figures;
pub mod guidance;
pub mod insight;
pub mod jobs;
pub mod mail;
pub mod matching;
pub mod mfa;
pub mod needs;
pub mod notifications;
pub mod opening;
pub mod organisations;
pub mod reauth;
pub mod reset;
pub mod standing;
pub mod verification;
pub mod vetting;
pub mod volunteers;

pub use crate::infra::error::ServiceError;
