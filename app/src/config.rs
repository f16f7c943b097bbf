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
    /// How long a password reset link mailed on request stays valid.
    pub self_reset_lifetime: Duration,
    /// How long a proposal waits for an answer before it expires.
    pub response_window: Duration,
    /// When a critical need opens, how many of its best available volunteers the
    /// matcher proposes it to at once (the first to accept takes it); 0: off.
    pub critical_fast_path: usize,
    /// The period of background jobs, and the length of their leases.
    pub job_interval: Duration,
    /// The matcher's weights and bounds (validated).
    pub matcher: crate::matcher::MatchConfig,
    /// How mail is addressed and retried.
    pub mail: MailConfig,
}

/// How the outbox addresses, delivers and retries mail.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// The `From` of every mail, e.g. `Frontline <frontline@example.org>` (checked
    /// at start); its domain also ends every `Message-ID`.
    pub from: String,
    /// Attempts before a mail is dead (a coordinator may retry it).
    pub max_attempts: u32,
    /// The wait after the first failed attempt; it doubles with each further one.
    pub retry_base: Duration,
    /// How often the worker looks for mail that is due.
    pub poll: Duration,
    /// Longest one delivery may take; the worker's lease on a mail is longer.
    pub send_timeout: Duration,
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
