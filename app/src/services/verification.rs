//! Verified addresses: a single-use link (256 random bits, stored hashed) is
//! mailed at registration, in the registration's own transaction; confirming it
//! marks the account's address verified. A signed-in but unverified account can
//! use its account pages and ask for the link again; vetting waits for a
//! verified address ([`crate::services::vetting`]). A link verifies only the
//! address it was sent to.
//!
//! Changing the address works the same way ([`request_change`]): the owner
//! gives the new address and their password; a link goes to the new address and
//! a notice to the current one; the account moves only when the link is
//! followed, so it is never left on an address nobody has proved.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::domain::codes::AuditObject;
use crate::infra::{
    db::begin_write,
    outbox,
    throttle::{self, Key},
    tokens,
};
use crate::services::{deps::Deps, mail::templates, reauth};
use crate::session::{Client, CurrentUser};
use crate::validate::{self, Message};
use entity::{account, email_verification};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, sea_query::Expr,
};
use secrecy::SecretString;
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;

/// How long a verification link works.
pub const LINK_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Queues a verification link for `account` on `conn` (the caller's transaction).
///
/// # Errors
/// Database errors.
pub async fn send<C: ConnectionTrait>(
    conn: &C,
    state: &Deps,
    now: OffsetDateTime,
    account: &account::Model,
) -> Result<(), ServiceError> {
    let link = new_link(conn, state, now, account.id, &account.email, false).await?;
    let mail = templates::verify_address(
        templates::locale_of(account),
        &account.email,
        &account.display_name,
        &link,
        LINK_LIFETIME.as_secs() / 86_400,
    );
    outbox::enqueue(conn, &state.config.mail, now, mail).await?;
    Ok(())
}

/// Stores a new single-use link (hashed) for `email` of `account_id`, moving the
/// account to that address when `changes_address`; returns the full URL.
async fn new_link<C: ConnectionTrait>(
    conn: &C,
    state: &Deps,
    now: OffsetDateTime,
    account_id: i64,
    email: &str,
    changes_address: bool,
) -> Result<String, ServiceError> {
    let token = tokens::random_token();
    email_verification::ActiveModel {
        account_id: Set(account_id),
        email: Set(email.to_owned()),
        token_hash: Set(tokens::hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        used_at: Set(None),
        changes_address: Set(changes_address),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(format!(
        "{}/verify/{token}",
        state.config.public_url.trim_end_matches('/')
    ))
}

/// The live link's row and its account (address unchanged since it was sent).
async fn find_valid<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(email_verification::Model, account::Model)>, ServiceError> {
    let Some(row) = email_verification::Entity::find()
        .filter(email_verification::Column::TokenHash.eq(tokens::hash(token)))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let Some(account) = account::Entity::find_by_id(row.account_id).one(conn).await? else {
        return Ok(None);
    };
    let valid =
        row.used_at.is_none() && row.expires_at > now && (row.changes_address || account.email == row.email);
    Ok(valid.then_some((row, account)))
}

/// The address a live link verifies, for its page.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown, used or expired link.
#[tracing::instrument(skip_all)]
pub async fn check(state: &Deps, token: &str) -> Result<String, ServiceError> {
    find_valid(&state.db, token, state.clock.now())
        .await?
        .map(|(row, _)| row.email)
        .ok_or(ServiceError::NotFound)
}

/// Confirms a link, once: the account's address is verified.
///
/// # Errors
/// [`ServiceError::NotFound`] for a dead link; database errors.
#[tracing::instrument(skip_all)]
pub async fn confirm(state: &Deps, address: Option<String>, token: &str) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (row, account) = find_valid(&txn, token, now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let spent = email_verification::Entity::update_many()
        .col_expr(email_verification::Column::UsedAt, Expr::value(now))
        .filter(email_verification::Column::Id.eq(row.id))
        .filter(email_verification::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(ServiceError::NotFound);
    }
    let actor = Actor {
        account_id: Some(account.id),
        address,
    };
    if row.changes_address && row.email != account.email {
        let taken = account::Entity::find()
            .filter(account::Column::Email.eq(&row.email))
            .filter(account::Column::Id.ne(account.id))
            .one(&txn)
            .await?;
        if taken.is_some() {
            return Err(ServiceError::Conflict("another account uses this address now"));
        }
        let mut active: account::ActiveModel = account.clone().into();
        active.email = Set(row.email.clone());
        active.email_verified_at = Set(Some(now));
        active.updated_at = Set(now);
        active.update(&txn).await?;
        audit::record(
            &txn,
            now,
            &actor,
            Action::EmailChanged,
            Some((AuditObject::Account, account.id)),
            json!({ "from": account.email, "to": row.email }),
        )
        .await?;
        txn.commit().await?;
        return Ok(());
    }
    if account.email_verified_at.is_none() {
        let mut active: account::ActiveModel = account.clone().into();
        active.email_verified_at = Set(Some(now));
        active.updated_at = Set(now);
        active.update(&txn).await?;
    }
    audit::record(
        &txn,
        now,
        &actor,
        Action::EmailVerified,
        Some((AuditObject::Account, account.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the account's address is verified.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
pub async fn is_verified<C: ConnectionTrait>(conn: &C, account_id: i64) -> Result<bool, ServiceError> {
    Ok(account::Entity::find_by_id(account_id)
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound)?
        .email_verified_at
        .is_some())
}

/// Mails the signed-in user a new link, unless their address is verified already.
/// Throttled per account.
///
/// # Errors
/// [`ServiceError::RateLimited`]; database errors.
#[tracing::instrument(skip_all, fields(user = account_id))]
pub async fn resend(state: &Deps, account_id: i64) -> Result<(), ServiceError> {
    let now = state.clock.now();
    throttle::reserve(
        &state.db,
        &[Key::strict(format!("verify:account:{account_id}"))],
        now,
    )
    .await?
    .failed();
    let txn = begin_write(&state.db).await?;
    let account = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if account.email_verified_at.is_none() {
        send(&txn, state, now, &account).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The owner of `user`'s account asks to move it to `new_email`: the password
/// is required (throttled like every password check); a link goes to the new
/// address and a notice to the current one. The answer is the same when
/// another account uses the new address (its owner is told instead), so the
/// form finds out nothing about other accounts. A newer request replaces an
/// older one.
///
/// # Errors
/// [`ServiceError::Validation`] (`email`, `password`); [`ServiceError::RateLimited`];
/// database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn request_change(
    state: &Deps,
    client: &Client,
    user: &CurrentUser,
    new_email: &str,
    password: SecretString,
) -> Result<(), ServiceError> {
    let new_email = validate::email(new_email).map_err(|m| ServiceError::field("email", m))?;
    let keys = [Key::strict(format!("password:account:{}", user.id))];
    let (account, attempt) = reauth::current_password(state, user.id, &keys, password, "password").await?;
    attempt.succeeded(&state.db, state.clock.now()).await?;
    if new_email == account.email {
        return Err(ServiceError::field("email", Message::EmailTaken));
    }
    let now = state.clock.now();
    let site = state.config.public_url.trim_end_matches('/').to_owned();
    let txn = begin_write(&state.db).await?;
    let taken = account::Entity::find()
        .filter(account::Column::Email.eq(&new_email))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        outbox::enqueue(
            &txn,
            &state.config.mail,
            now,
            templates::address_taken(templates::locale_of(&account), &new_email, &site),
        )
        .await?;
    } else {
        // A newer request replaces the older ones.
        email_verification::Entity::update_many()
            .col_expr(email_verification::Column::UsedAt, Expr::value(now))
            .filter(email_verification::Column::AccountId.eq(account.id))
            .filter(email_verification::Column::ChangesAddress.eq(true))
            .filter(email_verification::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        let link = new_link(&txn, state, now, account.id, &new_email, true).await?;
        let mail = templates::change_address(
            templates::locale_of(&account),
            &new_email,
            &account.display_name,
            &link,
            LINK_LIFETIME.as_secs() / 86_400,
        );
        outbox::enqueue(&txn, &state.config.mail, now, mail).await?;
    }
    let notice = templates::address_changing(
        templates::locale_of(&account),
        &account.email,
        &account.display_name,
        &new_email,
        &format!("{site}/reset"),
    );
    outbox::enqueue(&txn, &state.config.mail, now, notice).await?;
    audit::record(
        &txn,
        now,
        &Actor::of(client, Some(account.id)),
        Action::EmailChangeRequested,
        Some((AuditObject::Account, account.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
