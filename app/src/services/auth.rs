//! Signing in and out, what a session holds, and who is asking.
//!
//! A session moves through these states (each change of authentication level
//! gets a fresh session id, so an id planted before sign-in is worthless):
//! anonymous → (password correct, TOTP enrolled) pending second factor →
//! signed in. Without TOTP the password alone signs in, and the user is
//! prompted to enrol.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
    db::begin_write,
    mfa, session_store, throttle,
};
use crate::{
    model::{SessionView, describe_browser, utc},
    state::AppState,
    validate,
};
use entity::account::{self, Role, Status};
use entity::session;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
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

    /// The audit actor for this client acting as `account`.
    #[must_use]
    pub fn actor(&self, account: Option<i64>) -> Actor {
        Actor {
            account_id: account,
            address: Some(self.address.to_string()),
        }
    }

    fn meta(&self) -> Meta {
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

async fn get<T: serde::de::DeserializeOwned>(
    session: &Session,
    key: &str,
) -> Result<Option<T>, ServiceError> {
    Ok(session.get::<T>(key).await?)
}

/// Who the session belongs to, if anyone.
///
/// A session whose account was disabled, whose password changed or whose role
/// changed since it signed in is ended here (defence in depth: those changes
/// also delete the sessions).
///
/// # Errors
/// Database or session-store errors.
pub async fn current_user(state: &AppState, session: &Session) -> Result<Option<CurrentUser>, ServiceError> {
    let Some(signed_in) = get::<SignedIn>(session, SIGNED_IN).await? else {
        return Ok(None);
    };
    let account = account::Entity::find_by_id(signed_in.account_id)
        .one(&state.db)
        .await?;
    let valid = account.filter(|a| {
        a.status == Status::Active
            && password_epoch(a.password_changed_at) == signed_in.password_epoch
            && a.role == signed_in.role
    });
    let Some(account) = valid else {
        session.flush().await?;
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        id: account.id,
        email: account.email,
        display_name: account.display_name,
        role: account.role,
        mfa_enabled: account.totp_enabled_at.is_some(),
        mfa_verified: signed_in.mfa_verified,
    }))
}

/// Throttling keys for sign-in by email and by address.
fn login_keys(email: &str, client: &Client) -> [String; 2] {
    [
        format!("login:account:{email}"),
        format!("login:address:{}", client.address),
    ]
}

/// Throttling keys for second-factor codes.
pub fn mfa_keys(account_id: i64, client: &Client) -> [String; 2] {
    [
        format!("mfa:account:{account_id}"),
        format!("mfa:address:{}", client.address),
    ]
}

/// Where a successful sign-in leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Signed in; go to this local path.
    SignedIn(String),
    /// Password correct; the second factor is next.
    SecondFactor,
}

fn next_or_default(next: Option<&str>) -> String {
    next.and_then(validate::local_path)
        .unwrap_or("/account")
        .to_owned()
}

/// Signs in with email and password.
///
/// The answer for an unknown email, a wrong password and a disabled account is
/// the same [`ServiceError::InvalidCredentials`], after the same Argon2 work.
///
/// # Errors
/// [`ServiceError::InvalidCredentials`], [`ServiceError::RateLimited`],
/// [`ServiceError::Validation`] for a malformed email; database errors.
pub async fn login(
    state: &AppState,
    session: &Session,
    client: &Client,
    email: &str,
    password: SecretString,
    next: Option<&str>,
) -> Result<LoginOutcome, ServiceError> {
    let email = validate::email(email).map_err(|m| ServiceError::field("email", m))?;
    let now = state.clock.now();
    let keys = login_keys(&email, client);
    if let Err(err) = throttle::check(&state.db, &keys, now).await {
        audit::record(
            &state.db,
            now,
            &client.actor(None),
            Action::LoginThrottled,
            None,
            json!({}),
        )
        .await?;
        return Err(err);
    }
    let account = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let verified = state
        .passwords
        .verify(password, account.as_ref().map(|a| a.password_hash.clone()))
        .await?;
    let account = match account {
        Some(a) if verified && a.status == Status::Active => a,
        other => {
            throttle::fail(&state.db, &keys, now).await?;
            let reason = match &other {
                None => "unknown account",
                Some(a) if a.status != Status::Active => "account disabled",
                Some(_) => "wrong password",
            };
            audit::record(
                &state.db,
                now,
                &client.actor(None),
                Action::LoginFailed,
                other.as_ref().map(|a| ("account", a.id)),
                json!({ "stage": "password", "reason": reason }),
            )
            .await?;
            return Err(ServiceError::InvalidCredentials);
        }
    };
    throttle::clear(&state.db, &keys[0]).await?;
    let epoch = password_epoch(account.password_changed_at);

    session.cycle_id().await?;
    session.clear().await;
    session.insert(META, client.meta()).await?;
    if account.totp_enabled_at.is_some() {
        session
            .insert(
                PENDING_MFA,
                PendingMfa {
                    account_id: account.id,
                    password_epoch: epoch,
                    next: next.map(ToOwned::to_owned),
                    since: now.unix_timestamp(),
                },
            )
            .await?;
        return Ok(LoginOutcome::SecondFactor);
    }
    session
        .insert(
            SIGNED_IN,
            SignedIn {
                account_id: account.id,
                password_epoch: epoch,
                role: account.role,
                mfa_verified: false,
            },
        )
        .await?;
    audit::record(
        &state.db,
        now,
        &client.actor(Some(account.id)),
        Action::LoginSucceeded,
        Some(("account", account.id)),
        json!({ "second_factor": "none" }),
    )
    .await?;
    Ok(LoginOutcome::SignedIn(next_or_default(next)))
}

/// Which second factor the user typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondFactor {
    /// A six-digit TOTP code.
    Totp,
    /// A single-use recovery code.
    Recovery,
}

/// The account waiting for its second factor in this session, if the wait is
/// still open.
///
/// # Errors
/// Session-store errors.
pub async fn pending_second_factor(
    state: &AppState,
    session: &Session,
) -> Result<Option<PendingMfa>, ServiceError> {
    let Some(pending) = get::<PendingMfa>(session, PENDING_MFA).await? else {
        return Ok(None);
    };
    let age = state.clock.now().unix_timestamp().saturating_sub(pending.since);
    if u64::try_from(age).unwrap_or(u64::MAX) > SECOND_FACTOR_WINDOW.as_secs() {
        session.remove_value(PENDING_MFA).await?;
        return Ok(None);
    }
    Ok(Some(pending))
}

/// Completes a sign-in with the second factor; returns where to go next.
///
/// # Errors
/// [`ServiceError::Unauthenticated`] when no sign-in is waiting (or it timed
/// out); [`ServiceError::Validation`] on a wrong or replayed code;
/// [`ServiceError::RateLimited`]; database errors.
pub async fn complete_second_factor(
    state: &AppState,
    session: &Session,
    client: &Client,
    kind: SecondFactor,
    code: &str,
) -> Result<String, ServiceError> {
    let Some(pending) = pending_second_factor(state, session).await? else {
        return Err(ServiceError::Unauthenticated);
    };
    let now = state.clock.now();
    let keys = mfa_keys(pending.account_id, client);
    throttle::check(&state.db, &keys, now).await?;
    let account = account::Entity::find_by_id(pending.account_id)
        .one(&state.db)
        .await?
        .filter(|a| {
            a.status == Status::Active && password_epoch(a.password_changed_at) == pending.password_epoch
        })
        .ok_or(ServiceError::Unauthenticated)?;

    let accepted = match kind {
        SecondFactor::Totp => mfa::verify_totp(&state.db, &account, code, now).await?,
        SecondFactor::Recovery => mfa::spend_recovery_code(&state.db, account.id, code, now).await?,
    };
    let field = match kind {
        SecondFactor::Totp => "code",
        SecondFactor::Recovery => "recovery_code",
    };
    if !accepted {
        throttle::fail(&state.db, &keys, now).await?;
        audit::record(
            &state.db,
            now,
            &client.actor(None),
            Action::LoginFailed,
            Some(("account", account.id)),
            json!({ "stage": "second_factor", "kind": kind }),
        )
        .await?;
        return Err(ServiceError::field(field, validate::Message::CodeInvalid));
    }
    throttle::clear(&state.db, &keys[0]).await?;
    if kind == SecondFactor::Recovery {
        audit::record(
            &state.db,
            now,
            &client.actor(Some(account.id)),
            Action::MfaRecoveryCodeUsed,
            Some(("account", account.id)),
            json!({}),
        )
        .await?;
    }
    session.cycle_id().await?;
    session.remove_value(PENDING_MFA).await?;
    session
        .insert(
            SIGNED_IN,
            SignedIn {
                account_id: account.id,
                password_epoch: pending.password_epoch,
                role: account.role,
                mfa_verified: true,
            },
        )
        .await?;
    audit::record(
        &state.db,
        now,
        &client.actor(Some(account.id)),
        Action::LoginSucceeded,
        Some(("account", account.id)),
        json!({ "second_factor": kind }),
    )
    .await?;
    Ok(next_or_default(pending.next.as_deref()))
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

/// Records a new password epoch in this session (after the user changed their
/// password here) and gives it a new id.
///
/// # Errors
/// Session-store errors.
pub async fn renew_after_password_change(
    session: &Session,
    changed_at: OffsetDateTime,
) -> Result<(), ServiceError> {
    if let Some(mut signed_in) = get::<SignedIn>(session, SIGNED_IN).await? {
        signed_in.password_epoch = password_epoch(changed_at);
        session.cycle_id().await?;
        session.insert(SIGNED_IN, signed_in).await?;
    }
    Ok(())
}

/// Signs out: the session is deleted on the server, not just forgotten by the
/// browser.
///
/// # Errors
/// Database or session-store errors.
pub async fn logout(state: &AppState, session: &Session, client: &Client) -> Result<(), ServiceError> {
    if let Some(signed_in) = get::<SignedIn>(session, SIGNED_IN).await? {
        audit::record(
            &state.db,
            state.clock.now(),
            &client.actor(Some(signed_in.account_id)),
            Action::Logout,
            Some(("account", signed_in.account_id)),
            json!({}),
        )
        .await?;
    }
    session.flush().await?;
    Ok(())
}

/// The hashed id of this session, to tell it apart in "Your sessions".
#[must_use]
pub fn current_session_hash(session: &Session) -> Option<String> {
    session.id().map(|id| session_store::id_hash(&id))
}

/// Signs in a freshly registered account in this session (new id, no second
/// factor yet).
///
/// # Errors
/// Database or session-store errors.
pub async fn sign_in_new_account(
    session: &Session,
    client: &Client,
    account: &account::Model,
) -> Result<(), ServiceError> {
    session.cycle_id().await?;
    session.clear().await;
    session.insert(META, client.meta()).await?;
    session
        .insert(
            SIGNED_IN,
            SignedIn {
                account_id: account.id,
                password_epoch: password_epoch(account.password_changed_at),
                role: account.role,
                mfa_verified: false,
            },
        )
        .await?;
    Ok(())
}

/// Ends this account's sessions except the caller's own, in a transaction with
/// its audit entry.
///
/// # Errors
/// Database errors.
pub async fn end_other_sessions(
    state: &AppState,
    actor: &Actor,
    account_id: i64,
    keep: Option<&str>,
    reason: &str,
) -> Result<u64, ServiceError> {
    let txn = begin_write(&state.db).await?;
    let ended = session_store::end_sessions_of(&txn, account_id, keep).await?;
    audit::record(
        &txn,
        state.clock.now(),
        actor,
        Action::SessionsEnded,
        Some(("account", account_id)),
        json!({ "count": ended, "reason": reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}

/// The account's live sessions, newest first; `current` marks the caller's.
///
/// # Errors
/// Database errors.
pub async fn sessions_of(
    state: &AppState,
    account_id: i64,
    current: Option<&str>,
) -> Result<Vec<SessionView>, ServiceError> {
    let rows = session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::ExpiresAt.gt(state.clock.now()))
        .order_by_desc(session::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionView {
            current: current == Some(s.id_hash.as_str()),
            handle: s.id_hash,
            created: utc(s.created_at),
            last_seen: utc(s.last_seen_at),
            browser: describe_browser(&s.user_agent),
            address: s.client_address,
        })
        .collect())
}

/// Ends one of the account's sessions (not the caller's own: that is logout).
///
/// # Errors
/// [`ServiceError::Conflict`] for the current session, [`ServiceError::NotFound`]
/// for a handle that is not one of the account's sessions; database errors.
pub async fn end_own_session(
    state: &AppState,
    actor: &Actor,
    account_id: i64,
    handle: &str,
    current: Option<&str>,
) -> Result<(), ServiceError> {
    if current == Some(handle) {
        return Err(ServiceError::Conflict(
            "that is the current session: sign out instead",
        ));
    }
    let txn = begin_write(&state.db).await?;
    let ended = session::Entity::delete_many()
        .filter(session::Column::IdHash.eq(handle))
        .filter(session::Column::AccountId.eq(account_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if ended == 0 {
        return Err(ServiceError::NotFound);
    }
    audit::record(
        &txn,
        state.clock.now(),
        actor,
        Action::SessionsEnded,
        Some(("account", account_id)),
        json!({ "count": ended, "reason": "ended by the user" }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
