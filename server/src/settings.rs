//! Typed settings: defaults, then an optional TOML file, then the environment.
//!
//! Precedence, lowest first:
//! 1. the defaults below, which serve the site on <http://127.0.0.1:3000> from a
//!    SQLite file under `./data/`;
//! 2. a TOML file: the one named by `--config` / `FRONTLINE_CONFIG`, else
//!    `frontline.toml` in the working directory if it exists;
//! 3. `FRONTLINE_*` environment variables (`FRONTLINE_ADDR`, `FRONTLINE_LOG_FORMAT`, …),
//!    and `DATABASE_URL`. A `.env` file is read into the environment first.
//!
//! Unknown keys are errors, so a misspelt setting stops the server instead of being
//! silently ignored.

pub use app::config::Mode;
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

/// The default database: a SQLite file under `./data/`, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/frontline.db?mode=rwc";

/// The most proposals the critical needs' fast path may make at once (the
/// matching console's candidates).
pub const MAX_CRITICAL_FAST_PATH: u32 = 20;

/// All of Frontline's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on (`FRONTLINE_ADDR`).
    pub addr: SocketAddr,
    /// `sqlite://…` or `postgres://…` (`DATABASE_URL`).
    pub database_url: SecretString,
    /// Most connections in the pool.
    pub db_max_connections: u32,
    /// How long a request waits for a database connection, in seconds.
    pub db_acquire_timeout_secs: u64,
    /// Where the built site (`pkg/`, assets) lives; relative to the working directory.
    pub site_root: PathBuf,
    /// `text` (readable) or `json`.
    pub log_format: LogFormat,
    /// A `tracing` filter, e.g. `info` or `info,server=debug`; `RUST_LOG` wins if set.
    pub log_filter: String,
    /// Longest a request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// On SIGTERM/SIGINT, how long in-flight requests get to finish, in seconds.
    pub shutdown_deadline_secs: u64,
    /// Longest a client may take to send a request's headers, in seconds (also
    /// how long an idle keep-alive connection stays open).
    pub header_read_timeout_secs: u64,
    /// `production` (secure `__Host-` cookies) or `development` (plain http).
    pub mode: Mode,
    /// The public origin users reach, e.g. `https://frontline.example.org`: used in
    /// links handed out (password resets) and, when https, for HSTS.
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` is believed (none by default).
    pub trusted_proxies: Vec<IpAddr>,
    /// A session unused this long ends, in minutes.
    pub session_idle_minutes: u64,
    /// A session ends this long after sign-in whatever happens, in hours.
    pub session_absolute_hours: u64,
    /// Password hashes computed at once, at most (each takes ~19 MiB).
    pub password_hash_concurrency: usize,
    /// How long a password reset link stays valid, in hours.
    pub reset_link_hours: u64,
    /// How long a password reset link mailed on request (`/reset`) stays valid, in minutes.
    pub self_reset_minutes: u64,
    /// How long a volunteer or an organisation has to answer a proposal, in hours.
    pub proposal_response_hours: u64,
    /// When a critical need opens, the matcher proposes it at once to this many of
    /// its best available volunteers; the first to accept takes it. 0: off.
    pub critical_fast_path: u32,
    /// Whether the matcher's volunteer and need pools are read in the background
    /// at start, so the first matching console or triage board does not wait
    /// for them.
    pub matcher_warm_up: bool,
    /// How often periodic work (expiring proposals) is attempted, in seconds.
    /// Across instances it runs once per period: the first to take the lease.
    pub job_interval_secs: u64,
    /// The mail server: `smtp://user:password@host:587` (STARTTLS) or
    /// `smtps://user:password@host:465` (TLS); `?tls=none` only on loopback. None
    /// (the default): mail is written as `.eml` files under `data/mail/`.
    pub smtp_url: Option<SecretString>,
    /// Where mails are written as `.eml` files when no `smtp_url` is set; none
    /// (the default): `mail/` beside the SQLite database, else `data/mail`.
    pub mail_dir: Option<PathBuf>,
    /// The `From` of every mail, e.g. `Frontline <frontline@example.org>`.
    pub mail_from: String,
    /// Delivery attempts before a mail is dead (a coordinator may retry it).
    pub mail_max_attempts: u32,
    /// The wait after a mail's first failed attempt, in seconds; it doubles with
    /// each further one (at most six hours).
    pub mail_retry_base_secs: u64,
    /// How often each instance looks for mail to deliver, in milliseconds.
    pub mail_poll_millis: u64,
    /// Longest one delivery may take, in seconds.
    pub mail_timeout_secs: u64,
    /// The matcher's weights and bounds (`[matcher]`, `[matcher.weights]` in TOML;
    /// `FRONTLINE_MATCHER__WEIGHTS__SKILL=0.6` in the environment).
    pub matcher: app::matcher::MatchConfig,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value is missing, of the wrong type, or unknown.
    #[error("{0}")]
    Invalid(#[from] Box<figment::Error>),
    /// A value parsed but makes no sense.
    #[error("invalid setting `{key}`: {reason}")]
    Rejected {
        /// The setting's key.
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The config file named explicitly does not exist.
    #[error("config file {0} does not exist")]
    MissingFile(PathBuf),
}

impl Settings {
    /// Loads settings from defaults, an optional file and the environment.
    ///
    /// `config` is the file given on the command line, if any.
    ///
    /// # Errors
    /// [`SettingsError`] naming the bad key and why.
    pub fn load(config: Option<&Path>) -> Result<Self, SettingsError> {
        let figment = Self::figment(config)?;
        let settings: Self = figment.extract().map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// The defaults alone, ignoring files and the environment (for tests).
    ///
    /// # Errors
    /// Never in practice: the defaults are valid.
    pub fn defaults() -> Result<Self, SettingsError> {
        let settings: Self = Self::default_figment().extract().map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    fn default_figment() -> Figment {
        Figment::new()
            .merge(Serialized::default("addr", "127.0.0.1:3000"))
            .merge(Serialized::default("database_url", DEFAULT_DATABASE_URL))
            .merge(Serialized::default("db_max_connections", 10))
            .merge(Serialized::default("db_acquire_timeout_secs", 5))
            .merge(Serialized::default("site_root", "target/site"))
            .merge(Serialized::default("log_format", "text"))
            .merge(Serialized::default("log_filter", "info"))
            .merge(Serialized::default("request_timeout_secs", 30))
            .merge(Serialized::default("body_limit_bytes", 256 * 1024))
            .merge(Serialized::default("shutdown_deadline_secs", 20))
            .merge(Serialized::default("header_read_timeout_secs", 10))
            .merge(Serialized::default("mode", "production"))
            .merge(Serialized::default("public_url", "http://127.0.0.1:3000"))
            .merge(Serialized::default("trusted_proxies", Vec::<String>::new()))
            .merge(Serialized::default("session_idle_minutes", 30))
            .merge(Serialized::default("session_absolute_hours", 12))
            .merge(Serialized::default("password_hash_concurrency", 2))
            .merge(Serialized::default("reset_link_hours", 24))
            .merge(Serialized::default("self_reset_minutes", 30))
            .merge(Serialized::default("proposal_response_hours", 72))
            .merge(Serialized::default("critical_fast_path", 3))
            .merge(Serialized::default("job_interval_secs", 60))
            .merge(Serialized::default("matcher_warm_up", true))
            .merge(Serialized::default(
                "mail_from",
                "Frontline <frontline@localhost>",
            ))
            .merge(Serialized::default("mail_max_attempts", 8))
            .merge(Serialized::default("mail_retry_base_secs", 30))
            .merge(Serialized::default("mail_poll_millis", 1000))
            .merge(Serialized::default("mail_timeout_secs", 30))
            .merge(Serialized::default(
                "matcher",
                app::matcher::MatchConfig::default(),
            ))
    }

    /// The layered sources, before extraction.
    ///
    /// # Errors
    /// When an explicitly named config file is missing.
    pub fn figment(config: Option<&Path>) -> Result<Figment, SettingsError> {
        let figment = match config {
            Some(path) if !path.exists() => return Err(SettingsError::MissingFile(path.into())),
            Some(path) => Self::default_figment().merge(Toml::file_exact(path)),
            None if Path::new("frontline.toml").exists() => {
                Self::default_figment().merge(Toml::file_exact("frontline.toml"))
            }
            None => Self::default_figment(),
        };
        Ok(figment
            .merge(Env::prefixed("FRONTLINE_").ignore(&["config"]).split("__"))
            .merge(Env::raw().only(&["DATABASE_URL"])))
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let url = self.database_url.expose_secret();
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(SettingsError::Rejected {
                key: "database_url",
                reason: "must start with sqlite: or postgres://".into(),
            });
        }
        for (key, value) in [
            ("db_max_connections", u64::from(self.db_max_connections)),
            ("db_acquire_timeout_secs", self.db_acquire_timeout_secs),
            ("request_timeout_secs", self.request_timeout_secs),
            ("header_read_timeout_secs", self.header_read_timeout_secs),
            ("body_limit_bytes", self.body_limit_bytes as u64),
            ("session_idle_minutes", self.session_idle_minutes),
            ("session_absolute_hours", self.session_absolute_hours),
            ("password_hash_concurrency", self.password_hash_concurrency as u64),
            ("reset_link_hours", self.reset_link_hours),
            ("self_reset_minutes", self.self_reset_minutes),
            ("proposal_response_hours", self.proposal_response_hours),
            ("job_interval_secs", self.job_interval_secs),
            ("mail_max_attempts", u64::from(self.mail_max_attempts)),
            ("mail_retry_base_secs", self.mail_retry_base_secs),
            ("mail_poll_millis", self.mail_poll_millis),
            ("mail_timeout_secs", self.mail_timeout_secs),
        ] {
            if value == 0 {
                return Err(SettingsError::Rejected {
                    key,
                    reason: "must be greater than zero".into(),
                });
            }
        }
        if self.critical_fast_path > MAX_CRITICAL_FAST_PATH {
            return Err(SettingsError::Rejected {
                key: "critical_fast_path",
                reason: format!("at most {MAX_CRITICAL_FAST_PATH} proposals at once"),
            });
        }
        if let Err(e) = self.matcher.validate() {
            return Err(SettingsError::Rejected {
                key: "matcher",
                reason: e.to_string(),
            });
        }
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(SettingsError::Rejected {
                key: "public_url",
                reason: "must start with http:// or https://".into(),
            });
        }
        if let Err(reason) = app::infra::mailer::check_from(&self.mail_from) {
            return Err(SettingsError::Rejected {
                key: "mail_from",
                reason,
            });
        }
        // The URL alone: the transport is built, and the mail folder created,
        // when the server starts.
        if let Some(url) = &self.smtp_url
            && let Err(e) = app::infra::mailer::Mailer::check_smtp_url(url.expose_secret())
        {
            return Err(SettingsError::Rejected {
                key: "smtp_url",
                reason: e.to_string(),
            });
        }
        Ok(())
    }

    /// Where mail goes: the SMTP server of `smtp_url`, else `.eml` files in
    /// [`Self::mail_dir`] (created if missing).
    ///
    /// # Errors
    /// A malformed `smtp_url`; a mail folder that cannot be created.
    pub fn mailer(&self) -> Result<app::infra::mailer::Mailer, app::infra::mailer::MailerError> {
        match &self.smtp_url {
            Some(url) => app::infra::mailer::Mailer::smtp(
                url.expose_secret(),
                Duration::from_secs(self.mail_timeout_secs),
            ),
            None => app::infra::mailer::Mailer::files(self.mail_dir()),
        }
    }

    /// Where mail files go with no mail server: `mail_dir` if set, else `mail/`
    /// beside the SQLite database file, else `data/mail`.
    #[must_use]
    pub fn mail_dir(&self) -> PathBuf {
        if let Some(dir) = &self.mail_dir {
            return dir.clone();
        }
        let url = self.database_url.expose_secret();
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .filter(|path| !path.is_empty() && !path.starts_with(':'))
            .and_then(|path| Path::new(path).parent().map(Path::to_path_buf))
            .map_or_else(|| PathBuf::from("data/mail"), |dir| dir.join("mail"))
    }

    /// The part of the settings the application itself needs.
    #[must_use]
    pub fn app_config(&self) -> app::config::AppConfig {
        app::config::AppConfig {
            mode: self.mode,
            session_idle: Duration::from_secs(self.session_idle_minutes.saturating_mul(60)),
            session_absolute: Duration::from_secs(self.session_absolute_hours.saturating_mul(3600)),
            trusted_proxies: self.trusted_proxies.clone(),
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            reset_link_lifetime: Duration::from_secs(self.reset_link_hours.saturating_mul(3600)),
            self_reset_lifetime: Duration::from_secs(self.self_reset_minutes.saturating_mul(60)),
            response_window: Duration::from_secs(self.proposal_response_hours.saturating_mul(3600)),
            critical_fast_path: self.critical_fast_path as usize,
            job_interval: Duration::from_secs(self.job_interval_secs),
            matcher: self.matcher,
            mail: app::config::MailConfig {
                from: self.mail_from.clone(),
                max_attempts: self.mail_max_attempts,
                retry_base: Duration::from_secs(self.mail_retry_base_secs),
                poll: Duration::from_millis(self.mail_poll_millis),
                send_timeout: Duration::from_secs(self.mail_timeout_secs),
            },
        }
    }

    /// True when served over https (HSTS is sent).
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// True when the database is SQLite.
    #[must_use]
    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose_secret().starts_with("sqlite:")
    }

    /// [`Self::request_timeout_secs`] as a duration.
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// [`Self::header_read_timeout_secs`] as a duration.
    #[must_use]
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }

    /// [`Self::shutdown_deadline_secs`] as a duration.
    #[must_use]
    pub fn shutdown_deadline(&self) -> Duration {
        Duration::from_secs(self.shutdown_deadline_secs)
    }
}
