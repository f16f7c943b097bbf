//! The settings the application depends on, as the server read and validated them.

use std::{net::IpAddr, time::Duration};

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
