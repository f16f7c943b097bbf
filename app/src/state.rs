//! The state shared by every request on the server.

use crate::{clock::Clock, services::passwords::Passwords};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::{net::IpAddr, sync::Arc, time::Duration};

/// Everything a request handler or server function may need from the server.
///
/// Built once at start-up by the `server` crate and handed to every request through
/// the router's state and Leptos's context. Instances share nothing else: what must
/// be shared between several Frontline instances lives in the database.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Leptos's own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Settings the application itself needs.
    pub config: Arc<AppConfig>,
    /// Password hashing, capped in concurrency.
    pub passwords: Passwords,
    /// The matcher's profiles, cached until the data changes.
    pub matching: crate::services::matching::Cache,
    /// Whether the database can be reached (requests answer 503 at once while not).
    pub availability: crate::services::db::Availability,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The settings the application (not just the server around it) depends on.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Production (secure cookies) or development (plain http).
    pub mode: Mode,
    /// How long a session may stay unused.
    pub session_idle: Duration,
    /// How long a session may last at most, used or not.
    pub session_absolute: Duration,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// The public origin, e.g. `https://frontline.example.org` (links in reset URLs).
    pub public_url: String,
    /// How long a coordinator's password reset link stays valid.
    pub reset_link_lifetime: Duration,
    /// How long a proposal waits for an answer before it expires.
    pub response_window: Duration,
    /// The period of background jobs, and the length of their leases.
    pub job_interval: Duration,
    /// The matcher's weights and bounds (validated).
    pub matcher: crate::matcher::MatchConfig,
}

/// How the server runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Secure, `__Host-` session cookies; the default.
    Production,
    /// Plain-http development: cookies without `Secure`. Explicit and logged.
    Development,
}

/// The Content-Security-Policy nonce of one request, put in the request's
/// extensions by the server's security-headers layer and read by the shell.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);
