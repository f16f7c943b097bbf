//! What a session holds and who is asking: the facts every layer reads.
//!
//! A leaf: it knows tower-sessions and the account's role, nothing of the
//! services, so the session store, the services and the server functions can all
//! read the same facts without depending on one another.

use crate::services::ServiceError;
use entity::account::Role;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::{collections::HashMap, net::IpAddr, time::Duration};
use time::OffsetDateTime;
use tower_sessions::Session;

/// Session key: the signed-in account.
pub const SIGNED_IN: &str = "auth";
/// Session key: password verified, waiting for the second factor.
pub const PENDING_MFA: &str = "pending_mfa";
/// Session key: the browser and address that signed in (for "Your sessions").
pub const META: &str = "meta";
/// How long a password-verified sign-in waits for its second factor.
pub const SECOND_FACTOR_WINDOW: Duration = Duration::from_secs(10 * 60);

/// What a signed-in session holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The account.
    pub account_id: i64,
    /// The account's password-change time when this session signed in: when the
    /// password changes, older sessions stop working.
    pub password_epoch: i64,
    /// The account's role when this session signed in.
    pub role: Role,
    /// Whether this session passed the second factor.
    pub mfa_verified: bool,
}

/// What a half-signed-in session holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMfa {
    /// The account whose password was verified.
    pub account_id: i64,
    /// Its password epoch then.
    pub password_epoch: i64,
    /// Where to go afterwards.
    pub next: Option<String>,
    /// When the password was verified (unix seconds).
    pub since: i64,
}

/// The browser and address a session signed in from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The `User-Agent`, truncated.
    pub user_agent: String,
    /// The client address, coarsened (`/24`, `/48`).
    pub client_address: String,
}

/// What the session store copies out of a session's data into its own columns.
#[derive(Debug, Clone, Default)]
pub struct SessionFacts {
    /// The signed-in account, if any.
    pub account_id: Option<i64>,
    /// The browser.
    pub user_agent: String,
    /// The coarse address.
    pub client_address: String,
}

impl SessionFacts {
    /// Reads the facts from a session record's data.
    #[must_use]
    pub fn of(data: &HashMap<String, Value>) -> Self {
        let account_id = data
            .get(SIGNED_IN)
            .and_then(|v| serde_json::from_value::<SignedIn>(v.clone()).ok())
            .map(|s| s.account_id);
        let meta = data
            .get(META)
            .and_then(|v| serde_json::from_value::<Meta>(v.clone()).ok())
            .unwrap_or_default();
        Self {
            account_id,
            user_agent: meta.user_agent,
            client_address: meta.client_address,
        }
    }
}

/// The client behind a request.
#[derive(Debug, Clone)]
pub struct Client {
    /// Its address (from the socket, or from `X-Forwarded-For` behind a trusted proxy).
    pub address: IpAddr,
    /// Its `User-Agent` header.
    pub user_agent: String,
}

impl Client {
    /// The address with the host part blurred: `/24` for IPv4, `/48` for IPv6.
    #[must_use]
    pub fn coarse_address(&self) -> String {
        match self.address {
            IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                format!("{a}.{b}.{c}.0/24")
            }
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        }
    }

    /// What "Your sessions" shows of this client.
    pub(crate) fn meta(&self) -> Meta {
        let user_agent: String = self
            .user_agent
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        Meta {
            user_agent,
            client_address: self.coarse_address(),
        }
    }
}

/// The signed-in user, as every guard and page sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// Account id.
    pub id: i64,
    /// Normalised email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Whether TOTP is enrolled.
    pub mfa_enabled: bool,
    /// Whether this session passed the second factor.
    pub mfa_verified: bool,
}

/// The password epoch of an account: its password-change time in nanoseconds.
#[must_use]
pub fn password_epoch(changed_at: OffsetDateTime) -> i64 {
    i64::try_from(changed_at.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

pub(crate) async fn get<T: serde::de::DeserializeOwned>(
    session: &Session,
    key: &str,
) -> Result<Option<T>, ServiceError> {
    Ok(session.get::<T>(key).await?)
}

/// Marks the session as having passed the second factor (after enrolment) and
/// gives it a new id.
///
/// # Errors
/// Session-store errors.
pub async fn step_up(session: &Session, mfa_verified: bool) -> Result<(), ServiceError> {
    if let Some(mut signed_in) = get::<SignedIn>(session, SIGNED_IN).await? {
        signed_in.mfa_verified = mfa_verified;
        session.cycle_id().await?;
        session.insert(SIGNED_IN, signed_in).await?;
    }
    Ok(())
}
