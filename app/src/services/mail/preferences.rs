//! Which non-essential mail each account gets: per topic, immediately, in a
//! daily digest, or never (no row: immediately). Security mail — verification,
//! resets, sign-in notices — is not a topic and always goes.
//!
//! Every non-essential mail carries a signed one-click unsubscribe link
//! (RFC 8058): `/unsubscribe/<account>.<topic>.<signature>`, where the topic is
//! `all` for the digest. It works without signing in; the signature
//! ([`crate::infra::keys`]) makes it good for that account and topic only.

use crate::{
    domain::{
        codes::{AuditObject, MailMode, MailTopic},
        views::{MailSettings, UnsubscribeView},
    },
    infra::{db::begin_write, error::ServiceError},
    services::{
        audit::{self, Action, Actor},
        deps::Deps,
    },
};
use entity::{account, email_verification, mail_preference};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    sea_query::{Expr, OnConflict},
};
use serde_json::json;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The topic part of a digest's unsubscribe link: every topic.
const ALL: &str = "all";

/// The mode each of `accounts` chose for `topic` (absent: immediately).
///
/// # Errors
/// Database errors.
pub async fn modes<C: ConnectionTrait>(
    conn: &C,
    accounts: &[i64],
    topic: MailTopic,
) -> Result<HashMap<i64, MailMode>, ServiceError> {
    let mut modes: HashMap<i64, MailMode> = accounts.iter().map(|a| (*a, MailMode::Immediately)).collect();
    for chunk in accounts.chunks(1000) {
        let rows = mail_preference::Entity::find()
            .filter(mail_preference::Column::AccountId.is_in(chunk.to_vec()))
            .filter(mail_preference::Column::Topic.eq(topic.code()))
            .all(conn)
            .await?;
        for row in rows {
            if let Some(mode) = MailMode::parse(&row.mode) {
                modes.insert(row.account_id, mode);
            }
        }
    }
    Ok(modes)
}

/// Every topic with the account's mode for it.
///
/// # Errors
/// Database errors.
pub async fn topics<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Vec<(MailTopic, MailMode)>, ServiceError> {
    let chosen: HashMap<String, String> = mail_preference::Entity::find()
        .filter(mail_preference::Column::AccountId.eq(account_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.topic, row.mode))
        .collect();
    Ok(MailTopic::ALL
        .iter()
        .map(|topic| {
            let mode = chosen
                .get(topic.code())
                .and_then(|m| MailMode::parse(m))
                .unwrap_or(MailMode::Immediately);
            (*topic, mode)
        })
        .collect())
}

/// The account's mail page: its address, a pending new one, and its topics.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn settings(state: &Deps, account_id: i64) -> Result<MailSettings, ServiceError> {
    let account = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = state.clock.now();
    let pending_email = email_verification::Entity::find()
        .filter(email_verification::Column::AccountId.eq(account_id))
        .filter(email_verification::Column::ChangesAddress.eq(true))
        .filter(email_verification::Column::UsedAt.is_null())
        .filter(email_verification::Column::ExpiresAt.gt(now))
        .order_by_desc(email_verification::Column::Id)
        .one(&state.db)
        .await?
        .map(|row| row.email);
    Ok(MailSettings {
        verified: account.email_verified_at.is_some(),
        email: account.email,
        pending_email,
        topics: topics(&state.db, account_id).await?,
    })
}

/// Writes `choices` for `account_id` in `conn`; starts the digest clock when a
/// topic goes daily.
async fn write<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    account_id: i64,
    choices: &[(MailTopic, MailMode)],
) -> Result<(), ServiceError> {
    if choices.is_empty() {
        return Ok(());
    }
    let rows = choices.iter().map(|(topic, mode)| mail_preference::ActiveModel {
        account_id: Set(account_id),
        topic: Set(topic.code().to_owned()),
        mode: Set(mode.code().to_owned()),
        updated_at: Set(now),
    });
    mail_preference::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([mail_preference::Column::AccountId, mail_preference::Column::Topic])
                .update_columns([mail_preference::Column::Mode, mail_preference::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    if choices.iter().any(|(_, mode)| *mode == MailMode::Daily) {
        // The first digest comes a day after the first daily topic.
        account::Entity::update_many()
            .col_expr(account::Column::DigestSentAt, Expr::value(now))
            .filter(account::Column::Id.eq(account_id))
            .filter(account::Column::DigestSentAt.is_null())
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Saves the account's choices (each topic given; others unchanged); audited.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn save(
    state: &Deps,
    actor: &Actor,
    account_id: i64,
    choices: &[(MailTopic, MailMode)],
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let before = topics(&txn, account_id).await?;
    let changed: Vec<(MailTopic, MailMode)> = choices
        .iter()
        .filter(|choice| !before.contains(choice))
        .copied()
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    write(&txn, now, account_id, &changed).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::MailPreferencesChanged,
        Some((AuditObject::Account, account_id)),
        audited(&changed),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Choices as the audit log keeps them: `{"topic": "mode", …}`.
fn audited(choices: &[(MailTopic, MailMode)]) -> serde_json::Value {
    choices
        .iter()
        .map(|(topic, mode)| (topic.code().to_owned(), json!(mode.code())))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The one-click unsubscribe link for `topic` (`None`: the digest) of `account_id`.
#[must_use]
pub fn unsubscribe_link(state: &Deps, account_id: i64, topic: Option<MailTopic>) -> String {
    let message = format!("{account_id}:{}", topic.map_or(ALL, MailTopic::code));
    let signature = state.keys.sign_unsubscribe(&message);
    format!(
        "{}/unsubscribe/{account_id}.{}.{signature}",
        state.config.public_url.trim_end_matches('/'),
        topic.map_or(ALL, MailTopic::code)
    )
}

/// The account and topic a genuine unsubscribe token stands for.
fn read_token(state: &Deps, token: &str) -> Option<(i64, Option<MailTopic>)> {
    let mut parts = token.splitn(3, '.');
    let (account, topic, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let account_id: i64 = account.parse().ok()?;
    let topic = if topic == ALL {
        None
    } else {
        Some(MailTopic::parse(topic)?)
    };
    let message = format!("{account_id}:{}", topic.map_or(ALL, MailTopic::code));
    state
        .keys
        .verify_unsubscribe(&message, signature)
        .then_some((account_id, topic))
}

/// What an unsubscribe link stops and whether it is stopped already.
///
/// # Errors
/// [`ServiceError::NotFound`] for a forged or mangled link, or a deleted account.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe_view(state: &Deps, token: &str) -> Result<UnsubscribeView, ServiceError> {
    let (account_id, topic) = read_token(state, token).ok_or(ServiceError::NotFound)?;
    let modes = topics(&state.db, account_id).await?;
    account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let done = match topic {
        Some(topic) => modes.contains(&(topic, MailMode::Never)),
        None => !modes.iter().any(|(_, mode)| *mode == MailMode::Daily),
    };
    Ok(UnsubscribeView { topic, done })
}

/// Follows an unsubscribe link: its topic goes to "never" (the digest's: every
/// daily topic); audited. Following it again changes nothing.
///
/// # Errors
/// [`ServiceError::NotFound`] for a forged or mangled link, or a deleted account.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(state: &Deps, address: Option<String>, token: &str) -> Result<(), ServiceError> {
    let (account_id, topic) = read_token(state, token).ok_or(ServiceError::NotFound)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    account::Entity::find_by_id(account_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = topics(&txn, account_id).await?;
    let stop: Vec<(MailTopic, MailMode)> = before
        .iter()
        .filter(|(t, mode)| match topic {
            Some(topic) => *t == topic && *mode != MailMode::Never,
            None => *mode == MailMode::Daily,
        })
        .map(|(t, _)| (*t, MailMode::Never))
        .collect();
    if stop.is_empty() {
        return Ok(());
    }
    write(&txn, now, account_id, &stop).await?;
    audit::record(
        &txn,
        now,
        &Actor {
            account_id: Some(account_id),
            address,
        },
        Action::MailPreferencesChanged,
        Some((AuditObject::Account, account_id)),
        json!({ "unsubscribed": audited(&stop) }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
