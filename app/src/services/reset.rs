//! Password reset: by mail on request ([`request`], the `/reset` form), or a
//! one-time link a coordinator issues and hands over out of band ([`issue`]), for
//! people without access to their mail.
//!
//! The link carries 256 random bits; only their SHA-256 is stored. It expires,
//! works once, and dies when the password changes by any other way. Using it sets
//! the password and ends every session, but does not sign in: the user then signs
//! in normally, second factor included (ASVS 6.4.3).

use super::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::domain::codes::AuditObject;
use crate::infra::{
    db::begin_write,
    outbox,
    passwords::check_new_password,
    session_store,
    throttle::{self, Key},
    tokens,
};
use crate::session::Client;
use crate::{
    services::{deps::Deps, mail::templates},
    validate::{self, Message},
};
use entity::{account, reset_token};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, sea_query::Expr,
};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;
use time::OffsetDateTime;

/// Issues a reset link for `target`; returns the full URL, shown once.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip_all, fields(target = target))]
pub async fn issue(state: &Deps, actor: &Actor, target: i64) -> Result<String, ServiceError> {
    issue_and_mail(state, actor, target, false).await
}

/// As [`issue`]; with `invitation`, the link also goes by mail to the account's
/// address, as an invitation to coordinate (queued with the link itself).
async fn issue_and_mail(
    state: &Deps,
    actor: &Actor,
    target: i64,
    invitation: bool,
) -> Result<String, ServiceError> {
    let now = state.clock.now();
    let token = tokens::random_token();
    let txn = begin_write(&state.db).await?;
    let account = account::Entity::find_by_id(target)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let created_by = actor.account_id.ok_or(ServiceError::Forbidden)?;
    reset_token::ActiveModel {
        account_id: Set(target),
        token_hash: Set(tokens::hash(&token)),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + state.config.reset_link_lifetime),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::PasswordResetIssued,
        Some((AuditObject::Account, target)),
        json!({ "expires_in_hours": state.config.reset_link_lifetime.as_secs() / 3600 }),
    )
    .await?;
    let link = format!("{}/reset/{token}", state.config.public_url.trim_end_matches('/'));
    if invitation {
        let inviter = account::Entity::find_by_id(created_by)
            .one(&txn)
            .await?
            .map_or_else(|| "A coordinator".to_owned(), |a| a.display_name);
        let mail = templates::coordinator_invitation(
            templates::locale_of(&account),
            &account.email,
            &account.display_name,
            &inviter,
            &link,
            state.config.reset_link_lifetime.as_secs() / 3600,
        );
        outbox::enqueue(&txn, &state.config.mail, now, mail).await?;
    }
    txn.commit().await?;
    Ok(link)
}

/// Requests for a reset link from one client address before waits begin.
const REQUESTS_PER_ADDRESS: i32 = 10;

/// Mails a reset link to `email` if an active account uses it. The answer is the
/// same either way (the caller says "if an account uses this address, a link is
/// on its way"); requests are throttled per client address and per address
/// asked for, whether or not it has an account, so the throttle tells nothing
/// either. The link works once, within `self_reset_lifetime`.
///
/// # Errors
/// [`ServiceError::Validation`] for an address that cannot be one;
/// [`ServiceError::RateLimited`]; database errors.
#[tracing::instrument(skip_all)]
pub async fn request(state: &Deps, client: &Client, email: &str) -> Result<(), ServiceError> {
    let email = validate::email(email).map_err(|m| ServiceError::field("email", m))?;
    let now = state.clock.now();
    let keys = [
        Key {
            name: format!("reset:address:{}", client.address),
            free: REQUESTS_PER_ADDRESS,
        },
        // Hashed: an address may be longer than a key.
        Key::strict(format!("reset:email:{}", tokens::hash(&email))),
    ];
    // Every request counts: the attempt is kept.
    throttle::reserve(&state.db, &keys, now).await?.failed();
    let txn = begin_write(&state.db).await?;
    let account = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .filter(account::Column::Status.eq(account::Status::Active))
        .one(&txn)
        .await?;
    let actor = Actor::of(client, None);
    let Some(account) = account else {
        audit::record(
            &txn,
            now,
            &actor,
            Action::PasswordResetRequested,
            None,
            json!({ "known": false }),
        )
        .await?;
        txn.commit().await?;
        return Ok(());
    };
    let token = tokens::random_token();
    let lifetime = state.config.self_reset_lifetime;
    reset_token::ActiveModel {
        account_id: Set(account.id),
        token_hash: Set(tokens::hash(&token)),
        created_by: Set(account.id),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        &actor,
        Action::PasswordResetRequested,
        Some((AuditObject::Account, account.id)),
        json!({ "known": true }),
    )
    .await?;
    let link = format!("{}/reset/{token}", state.config.public_url.trim_end_matches('/'));
    let mail = templates::password_reset(
        templates::locale_of(&account),
        &account.email,
        &account.display_name,
        &link,
        lifetime.as_secs() / 60,
    );
    outbox::enqueue(&txn, &state.config.mail, now, mail).await?;
    txn.commit().await?;
    Ok(())
}

/// The valid, unused token and its account, or `None`.
async fn find_valid<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(reset_token::Model, account::Model)>, ServiceError> {
    let Some(row) = reset_token::Entity::find()
        .filter(reset_token::Column::TokenHash.eq(tokens::hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(account) = account::Entity::find_by_id(row.account_id).one(db).await? else {
        return Ok(None);
    };
    let valid =
        row.used_at.is_none() && row.expires_at > now && row.created_at >= account.password_changed_at;
    Ok(valid.then_some((row, account)))
}

/// The display name behind a valid link, for the reset page's greeting.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown, used, expired or superseded link.
#[tracing::instrument(skip_all)]
pub async fn check(state: &Deps, token: &str) -> Result<String, ServiceError> {
    find_valid(&state.db, token, state.clock.now())
        .await?
        .map(|(_, account)| account.display_name)
        .ok_or(ServiceError::NotFound)
}

/// Sets a new password through a link, once; ends every session of the account.
///
/// # Errors
/// [`ServiceError::NotFound`] for a dead link; [`ServiceError::Validation`];
/// database errors.
#[tracing::instrument(skip_all)]
pub async fn redeem(
    state: &Deps,
    address: Option<String>,
    token: &str,
    new: SecretString,
    confirm: SecretString,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let (_, account) = find_valid(&state.db, token, now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if new.expose_secret() != confirm.expose_secret() {
        return Err(ServiceError::field("confirm_password", Message::PasswordsDiffer));
    }
    check_new_password(new.expose_secret(), &[&account.email, &account.display_name])
        .map_err(|m| ServiceError::field("new_password", m))?;
    let hash = state.passwords.hash(new).await?;

    let txn = begin_write(&state.db).await?;
    // Spend the token: exactly one request can.
    let spent = reset_token::Entity::update_many()
        .col_expr(reset_token::Column::UsedAt, Expr::value(now))
        .filter(reset_token::Column::TokenHash.eq(tokens::hash(token)))
        .filter(reset_token::Column::UsedAt.is_null())
        .filter(reset_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(ServiceError::NotFound);
    }
    let account = account::Entity::find_by_id(account.id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let id = account.id;
    let mut active: account::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(now);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let ended = session_store::end_sessions_of(&txn, id, None).await?;
    let actor = Actor {
        account_id: Some(id),
        address,
    };
    audit::record(
        &txn,
        now,
        &actor,
        Action::PasswordResetUsed,
        Some((AuditObject::Account, id)),
        json!({}),
    )
    .await?;
    audit::record(
        &txn,
        now,
        &actor,
        Action::SessionsEnded,
        Some((AuditObject::Account, id)),
        json!({ "count": ended, "reason": "password reset" }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a coordinator account that nobody can use yet and a one-time link
/// with which they set their password; returns their email and the link.
///
/// # Errors
/// [`ServiceError::Validation`] naming the field; database errors.
#[tracing::instrument(skip(state, actor))]
pub async fn invite_coordinator(
    state: &Deps,
    actor: &Actor,
    email: &str,
    display_name: &str,
) -> Result<(String, String), ServiceError> {
    let account = super::accounts::invite_coordinator(state, actor, email, display_name).await?;
    let link = issue_and_mail(state, actor, account.id, true).await?;
    Ok((account.email, link))
}
