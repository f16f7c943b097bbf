//! Server functions: the only door from the browser to the services.
//!
//! Each one is thin: one guard call at the top ([`guard`] or [`anyone`]) finds
//! the request's state, session and client and checks who is asking; then it
//! calls one service and maps its error. Errors become HTTP statuses in one place
//! on the server (`server::api`).

pub mod account;
pub mod admin;
pub mod advisories;
pub mod auth;
pub mod engagements;
mod figures;
pub mod guidance;
pub mod insight;
pub mod language;
pub mod mail;
pub mod matching;
pub mod needs;
pub mod organisation;
pub mod reference;
pub mod vetting;
pub mod volunteer;

pub use figures::*;

#[cfg(feature = "ssr")]
mod service_error;

#[cfg(feature = "ssr")]
pub(crate) mod context;
#[cfg(feature = "ssr")]
pub(crate) use context::*;
/// The client's address as far as it can be trusted, and who may take part
/// (for handlers outside the server functions); the per-request memo of who
/// is asking, which the server provides to every request.
#[cfg(feature = "ssr")]
pub use context::{RequestMemo, client_address, may_participate};
