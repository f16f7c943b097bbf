//! Signing in and out, what a session holds, and who is asking.
//!
//! A session moves through these states (each change of authentication level
//! gets a fresh session id, so an id planted before sign-in is worthless):
//! anonymous → (password correct, TOTP enrolled) pending second factor →
//! signed in. Without TOTP the password alone signs in, and the user is
//! prompted to enrol.

use super::notifications::{self, About};
use super::{
    ServiceError,
    audit::{self, Action, Actor},
    mfa,
};
use crate::domain::codes::AuditObject;
use crate::domain::codes::NotificationKind;
use crate::infra::{
    db::begin_write,
    session_store,
    throttle::{self, Key},
};
use crate::{
    model::{SessionView, describe_browser, utc},
    services::deps::Deps,
    session::{
        Client, CurrentUser, META, PENDING_MFA, PendingMfa, SECOND_FACTOR_WINDOW, SIGNED_IN, SignedIn, get,
        password_epoch,
    },
    validate,
};
use entity::account::{self, Status};
use entity::session;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseTransaction, EntityTrait as _, QueryFilter as _,
    QueryOrder as _,
    sea_query::{Expr, ExprTrait as _},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use tower_sessions::Session;

/// Who the session belongs to, if anyone.
///
/// A session whose account was disabled, whose password changed or whose role
/// changed since it signed in is ended here (defence in depth: those changes
/// also delete the sessions).
///
/// # Errors
/// Database or session-store errors.
#[tracing::instrument(skip_all)]
pub async fn current_user(state: &Deps, session: &Session) -> Result<Option<CurrentUser>, ServiceError> {
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

/// Where a successful sign-in leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Signed in; go to this local path.
    SignedIn(String),
    /// Password correct; the second factor is next.
    SecondFactor,
}

/// Throttling keys for sign-in: this account from this address (strict), and
/// this address whatever the account (generous). Never the account alone: a
/// burst of wrong passwords from elsewhere must not keep its owner out.
fn login_keys(email: &str, client: &Client) -> [Key; 2] {
    [
        Key::strict(format!("login:pair:{email}|{}", client.address)),
        Key::shared(format!("login:address:{}", client.address)),
    ]
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
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &Deps,
    session: &Session,
    client: &Client,
    email: &str,
    password: SecretString,
    next: Option<&str>,
) -> Result<LoginOutcome, ServiceError> {
    let email = validate::email(email).map_err(|m| ServiceError::field("email", m))?;
    let now = state.clock.now();
    let attempt = match throttle::reserve(&state.db, &login_keys(&email, client), now).await {
        Ok(attempt) => attempt,
        Err(err) => {
            audit::record(
                &state.db,
                now,
                &Actor::of(client, None),
                Action::LoginThrottled,
                None,
                json!({}),
            )
            .await?;
            return Err(err);
        }
    };
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
            attempt.failed();
            if let Some(a) = &other {
                count_failed_sign_in(&state.db, a.id, now).await?;
            }
            let reason = match &other {
                None => "unknown account",
                Some(a) if a.status != Status::Active => "account disabled",
                Some(_) => "wrong password",
            };
            audit::record(
                &state.db,
                now,
                &Actor::of(client, None),
                Action::LoginFailed,
                other.as_ref().map(|a| (AuditObject::Account, a.id)),
                json!({ "stage": "password", "reason": reason }),
            )
            .await?;
            return Err(ServiceError::InvalidCredentials);
        }
    };
    attempt.succeeded(&state.db, now).await?;
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
    finish_sign_in(state, session, client, &account, epoch, None).await?;
    Ok(LoginOutcome::SignedIn(next_or_default(next)))
}

/// The last step of every sign-in, with or without a second factor: the session
/// (already given a fresh id) now holds the account, and the audit log says so.
async fn finish_sign_in(
    state: &Deps,
    session: &Session,
    client: &Client,
    account: &account::Model,
    password_epoch: i64,
    second_factor: Option<SecondFactor>,
) -> Result<(), ServiceError> {
    session
        .insert(
            SIGNED_IN,
            SignedIn {
                account_id: account.id,
                password_epoch,
                role: account.role,
                mfa_verified: second_factor.is_some(),
            },
        )
        .await?;
    let how = second_factor.map_or_else(|| json!("none"), |kind| json!(kind));
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let failed = take_failed_sign_ins(&txn, state, account.id, now).await?;
    audit::record(
        &txn,
        now,
        &Actor::of(client, Some(account.id)),
        Action::LoginSucceeded,
        Some((AuditObject::Account, account.id)),
        json!({ "second_factor": how, "failed_since_last": failed }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Counts a sign-in attempt that failed on a secret (password or second factor)
/// against an existing account, for its owner to be told.
async fn count_failed_sign_in<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    account::Entity::update_many()
        .col_expr(
            account::Column::FailedSignIns,
            Expr::col(account::Column::FailedSignIns).add(1),
        )
        .col_expr(account::Column::LastFailedSignInAt, Expr::value(now))
        .filter(account::Column::Id.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}

/// At a successful sign-in: the failed attempts since the last one are reset,
/// and the owner is notified of them when there were any. Returns how many.
async fn take_failed_sign_ins(
    txn: &DatabaseTransaction,
    state: &Deps,
    account_id: i64,
    now: OffsetDateTime,
) -> Result<i32, ServiceError> {
    let Some(account) = account::Entity::find_by_id(account_id).one(txn).await? else {
        return Ok(0);
    };
    if account.failed_sign_ins == 0 {
        return Ok(0);
    }
    account::Entity::update_many()
        .col_expr(account::Column::FailedSignIns, Expr::value(0))
        .col_expr(
            account::Column::LastFailedSignInAt,
            Expr::value(None::<OffsetDateTime>),
        )
        .filter(account::Column::Id.eq(account_id))
        .exec(txn)
        .await?;
    let last = account.last_failed_sign_in_at.map(utc).unwrap_or_default();
    let subject = format!(
        "{} since your last sign-in; the last at {last}",
        account.failed_sign_ins
    );
    notifications::notify(
        txn,
        state,
        now,
        [account_id],
        None,
        About {
            kind: NotificationKind::FailedSignIns,
            engagement_id: None,
            need_id: None,
            subject: &subject,
        },
    )
    .await?;
    Ok(account.failed_sign_ins)
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
#[tracing::instrument(skip_all)]
pub async fn pending_second_factor(
    state: &Deps,
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
#[tracing::instrument(skip_all)]
pub async fn complete_second_factor(
    state: &Deps,
    session: &Session,
    client: &Client,
    kind: SecondFactor,
    code: &str,
) -> Result<String, ServiceError> {
    let Some(pending) = pending_second_factor(state, session).await? else {
        return Err(ServiceError::Unauthenticated);
    };
    let now = state.clock.now();
    let attempt = throttle::reserve(&state.db, &mfa::throttle_keys(pending.account_id, client), now).await?;
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
        attempt.failed();
        count_failed_sign_in(&state.db, account.id, now).await?;
        audit::record(
            &state.db,
            now,
            &Actor::of(client, None),
            Action::LoginFailed,
            Some((AuditObject::Account, account.id)),
            json!({ "stage": "second_factor", "kind": kind }),
        )
        .await?;
        return Err(ServiceError::field(field, validate::Message::CodeInvalid));
    }
    attempt.succeeded(&state.db, now).await?;
    if kind == SecondFactor::Recovery {
        audit::record(
            &state.db,
            now,
            &Actor::of(client, Some(account.id)),
            Action::MfaRecoveryCodeUsed,
            Some((AuditObject::Account, account.id)),
            json!({}),
        )
        .await?;
    }
    session.cycle_id().await?;
    session.remove_value(PENDING_MFA).await?;
    finish_sign_in(
        state,
        session,
        client,
        &account,
        pending.password_epoch,
        Some(kind),
    )
    .await?;
    Ok(next_or_default(pending.next.as_deref()))
}

/// Records a new password epoch in this session (after the user changed their
/// password here) and gives it a new id.
///
/// # Errors
/// Session-store errors.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
pub async fn logout(state: &Deps, session: &Session, client: &Client) -> Result<(), ServiceError> {
    if let Some(signed_in) = get::<SignedIn>(session, SIGNED_IN).await? {
        audit::record(
            &state.db,
            state.clock.now(),
            &Actor::of(client, Some(signed_in.account_id)),
            Action::Logout,
            Some((AuditObject::Account, signed_in.account_id)),
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

/// Ends this account's sessions except the caller's own, in a transaction with
/// its audit entry.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn end_other_sessions(
    state: &Deps,
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
        Some((AuditObject::Account, account_id)),
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
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn sessions_of(
    state: &Deps,
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
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn end_own_session(
    state: &Deps,
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
    // A handle is a SHA-256 in hex; anything else (a NUL byte was a 500 on
    // PostgreSQL) names no session.
    if handle.len() != 64 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServiceError::NotFound);
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
        Some((AuditObject::Account, account_id)),
        json!({ "count": ended, "reason": "ended by the user" }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
