//! In-app notifications: written in the same transaction as what they announce.

use super::ServiceError;
use crate::domain::codes::NotificationKind;
use crate::{domain::views::NotificationView, model::utc};
use entity::notification;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, sea_query::Expr,
};
use std::collections::BTreeSet;
use time::OffsetDateTime;

use crate::domain::views::NOTIFICATIONS_PAGE as PAGE_SIZE;

/// What a notification is about.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    /// The event.
    pub kind: NotificationKind,
    /// The engagement.
    pub engagement_id: Option<i64>,
    /// The need.
    pub need_id: Option<i64>,
    /// The need's title.
    pub subject: &'a str,
}

/// Notifies each account once (duplicates and `except` skipped).
///
/// # Errors
/// Database errors (the caller's transaction fails with them).
#[tracing::instrument(skip_all)]
pub async fn notify<C: ConnectionTrait>(
    db: &C,
    now: OffsetDateTime,
    accounts: impl IntoIterator<Item = i64>,
    except: Option<i64>,
    about: About<'_>,
) -> Result<(), ServiceError> {
    let recipients: BTreeSet<i64> = accounts.into_iter().filter(|a| Some(*a) != except).collect();
    if recipients.is_empty() {
        return Ok(());
    }
    let subject: String = about.subject.chars().take(200).collect();
    let rows: Vec<notification::ActiveModel> = recipients
        .into_iter()
        .map(|account_id| notification::ActiveModel {
            account_id: Set(account_id),
            kind: Set(about.kind.code().to_owned()),
            engagement_id: Set(about.engagement_id),
            need_id: Set(about.need_id),
            subject: Set(subject.clone()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        })
        .collect();
    notification::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// How many unread notifications an account has.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn unread<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64, ServiceError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// An account's notifications, newest first.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    page: u64,
) -> Result<Vec<NotificationView>, ServiceError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .order_by_desc(notification::Column::Id)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|n| {
            let kind = NotificationKind::parse(&n.kind);
            if kind.is_none() {
                tracing::warn!(id = n.id, kind = %n.kind, "notification of an unknown kind left out");
            }
            Some((n, kind?))
        })
        .map(|(n, kind)| NotificationView {
            id: n.id,
            kind,
            engagement_id: n.engagement_id,
            need_id: n.need_id,
            subject: n.subject,
            at: utc(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect())
}

/// Marks one notification (or, with `None`, all) of the account as read.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn mark_read<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    id: Option<i64>,
    now: OffsetDateTime,
) -> Result<u64, ServiceError> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Marks the account's notifications about one engagement read (its page was opened).
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id, engagement_id = engagement_id))]
pub async fn mark_engagement_read<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    engagement_id: i64,
    now: OffsetDateTime,
) -> Result<u64, ServiceError> {
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::EngagementId.eq(engagement_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
