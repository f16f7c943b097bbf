//! An engagement's messages and logged hours, as its participants read them.

use crate::domain::codes::{AuditObject, NotificationKind};
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    notifications::{self, About},
};
use crate::session::CurrentUser;
use crate::{
    domain::views::{HoursView, MessageView},
    model::utc,
    services::deps::Deps,
};
use entity::{
    account::{self, Role},
    hours_log, message,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use serde_json::json;
use std::collections::HashMap;

use super::lifecycle::*;

/// Posts a message to an engagement's thread (participants in standing, while
/// the engagement is live).
///
/// # Errors
/// [`ServiceError::Validation`] (empty, too long), [`ServiceError::NotFound`],
/// [`ServiceError::Forbidden`] (not in standing), [`ServiceError::Conflict`]
/// (finished).
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn post_message(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    body: &str,
) -> Result<(), ServiceError> {
    let body =
        crate::domain::organisation::text(body, 5000, true).map_err(|m| ServiceError::field("body", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    side(&txn, user, &e, &n).await?;
    still_live(&e)?;
    message::ActiveModel {
        engagement_id: Set(e.id),
        author_id: Set(user.id),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut people = participants(&txn, &e, n.organisation_id).await?;
    people.retain(|p| *p != user.id);
    notifications::notify(
        &txn,
        state,
        now,
        people,
        None,
        About {
            kind: NotificationKind::Message,
            engagement_id: Some(e.id),
            need_id: Some(n.id),
            subject: &n.title,
        },
    )
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::MessagePosted,
        Some((AuditObject::Engagement, e.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The thread of an engagement (participants only), oldest first, after `after`.
///
/// # Errors
/// [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn messages(
    state: &Deps,
    user: &CurrentUser,
    id: i64,
    after: i64,
) -> Result<Vec<MessageView>, ServiceError> {
    let (e, n) = load(&state.db, id).await?;
    side(&state.db, user, &e, &n).await?;
    let rows = message::Entity::find()
        .filter(message::Column::EngagementId.eq(e.id))
        .filter(message::Column::Id.gt(after))
        .order_by_asc(message::Column::Id)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let author = account::Entity::find_by_id(m.author_id).one(&state.db).await?;
        let side = match author.as_ref().map(|a| a.role) {
            Some(Role::Coordinator) => "coordinator",
            Some(Role::Volunteer) => "volunteer",
            _ => "organisation",
        };
        out.push(MessageView {
            id: m.id,
            author: author.map(|a| a.display_name).unwrap_or_default(),
            side: side.to_owned(),
            body: m.body,
            at: utc(m.created_at),
        });
    }
    Ok(out)
}

/// The hours logged on an engagement (participants only).
///
/// # Errors
/// [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn hours(state: &Deps, user: &CurrentUser, id: i64) -> Result<Vec<HoursView>, ServiceError> {
    let (e, n) = load(&state.db, id).await?;
    side(&state.db, user, &e, &n).await?;
    Ok(hours_log::Entity::find()
        .filter(hours_log::Column::EngagementId.eq(e.id))
        .order_by_asc(hours_log::Column::LoggedOn)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|h| HoursView {
            on: date_text(h.logged_on),
            minutes: h.minutes,
            note: h.note,
        })
        .collect())
}

/// The minutes logged on each of some engagements (none: not in the map).
pub(super) async fn minutes_logged<C: ConnectionTrait>(
    db: &C,
    engagements: &[i64],
) -> Result<HashMap<i64, i64>, ServiceError> {
    if engagements.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(hours_log::Entity::find()
        .select_only()
        .column(hours_log::Column::EngagementId)
        .column_as(hours_log::Column::Minutes.sum(), "minutes")
        .filter(hours_log::Column::EngagementId.is_in(engagements.iter().copied()))
        .group_by(hours_log::Column::EngagementId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
