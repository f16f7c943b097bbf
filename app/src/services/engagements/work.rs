//! The work: logged hours, completion with ratings, cancellation, and expiry
//! of unanswered proposals.

use crate::domain::codes::{AuditObject, NotificationKind};
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    needs, notifications,
};
use crate::session::CurrentUser;
use crate::{
    domain::{
        engagement::{EngagementAction, Party},
        need::NeedAction,
        organisation::optional_text,
    },
    services::deps::Deps,
    validate::Message,
};
use entity::{engagement, engagement::Status, hours_log, need};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, sea_query::Expr,
};
use serde_json::json;
use time::OffsetDateTime;

use super::lifecycle::*;

/// The volunteer logs time on an active engagement; the first log moves the
/// need to "in progress".
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn log_hours(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    on: &str,
    hours: &str,
    note: &str,
) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    let day = crate::domain::need::date(on)
        .ok()
        .flatten()
        .and_then(|(y, m, d)| {
            time::Month::try_from(m)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
        });
    if day.is_none() {
        errors.push(crate::validate::FieldError::new("on", Message::DateInvalid));
    }
    let minutes = hours
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .map(|h| (h * 60.0).round())
        // At least a minute (0.001 h rounds to none), at most a day.
        .filter(|m| (1.0..=1440.0).contains(m));
    if minutes.is_none() {
        errors.push(crate::validate::FieldError::new("hours", Message::NumberInvalid));
    }
    let note = optional_text(note, 1000, true).unwrap_or_else(|m| {
        errors.push(crate::validate::FieldError::new("hours_note", m));
        String::new()
    });
    let (Some(day), Some(minutes)) = (day, minutes) else {
        return Err(ServiceError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let now = state.clock.now();
    if day > now.date() {
        return Err(ServiceError::field("on", Message::DateInvalid));
    }
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    if side(&txn, user, &e, &n).await? != Party::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    if e.status != Status::Active {
        return Err(ServiceError::Conflict("hours are logged on active engagements"));
    }
    #[expect(clippy::cast_possible_truncation, reason = "at most 1440 minutes")]
    let minutes = minutes as i32;
    hours_log::ActiveModel {
        engagement_id: Set(e.id),
        logged_on: Set(day),
        minutes: Set(minutes),
        note: Set(note),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if n.status == need::Status::Matched {
        needs::transition(&txn, now, actor, &n, NeedAction::Start, None).await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::HoursLogged,
        Some((AuditObject::Engagement, e.id)),
        json!({ "minutes": minutes }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub(super) fn rating(raw: &str) -> Result<i16, ServiceError> {
    raw.trim()
        .parse::<i16>()
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| ServiceError::field("rating", Message::InvalidChoice))
}

/// The organisation completes the engagement and rates the help; `resolved`
/// says whether the need is met (else it opens again for more help).
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn complete(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    rating_raw: &str,
    comment: &str,
    resolved: bool,
) -> Result<(), ServiceError> {
    let rating = rating(rating_raw)?;
    let comment = optional_text(comment, 2000, true).map_err(|m| ServiceError::field("comment", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    let party = side(&txn, user, &e, &n).await?;
    move_engagement(
        &txn,
        now,
        actor,
        &e,
        EngagementAction::Complete,
        party,
        Changes {
            holds_capacity: Some(false),
            finished_at: Some(now),
            organisation_rating: Some((rating, comment)),
            ..Changes::default()
        },
    )
    .await?;
    give_back(&txn, &e).await?;
    let action = if resolved {
        NeedAction::Resolve
    } else {
        NeedAction::Reopen
    };
    needs::transition(&txn, now, actor, &n, action, None).await?;
    announce(
        &txn,
        state,
        now,
        &e,
        &n,
        NotificationKind::Completed,
        Some(user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The volunteer rates the experience of a completed engagement (once).
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn rate(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    rating_raw: &str,
    comment: &str,
) -> Result<(), ServiceError> {
    let rating = rating(rating_raw)?;
    let comment = optional_text(comment, 2000, true).map_err(|m| ServiceError::field("comment", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    if side(&txn, user, &e, &n).await? != Party::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let rated = engagement::Entity::update_many()
        .col_expr(engagement::Column::VolunteerRating, Expr::value(rating))
        .col_expr(engagement::Column::VolunteerComment, Expr::value(comment))
        .col_expr(engagement::Column::UpdatedAt, Expr::value(now))
        .filter(engagement::Column::Id.eq(e.id))
        .filter(engagement::Column::Status.eq(Status::Completed))
        .filter(engagement::Column::VolunteerRating.is_null())
        .exec(&txn)
        .await?;
    if rated.rows_affected != 1 {
        return Err(ServiceError::Conflict(
            "only a completed engagement is rated, once",
        ));
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::EngagementRated,
        Some((AuditObject::Engagement, e.id)),
        json!({ "rating": rating }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Calls an engagement off (a coordinator at any live stage; either side once
/// active). The need opens again if it was taken by this engagement.
///
/// # Errors
/// [`ServiceError::Conflict`], [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn cancel(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    note: &str,
) -> Result<(), ServiceError> {
    let note = optional_text(note, 2000, true).map_err(|m| ServiceError::field("cancel_note", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    let party = side(&txn, user, &e, &n).await?;
    move_engagement(
        &txn,
        now,
        actor,
        &e,
        EngagementAction::Cancel,
        party,
        Changes {
            holds_capacity: Some(false),
            expires_at: Some(None),
            finished_at: Some(now),
            ..Changes::default()
        },
    )
    .await?;
    give_back(&txn, &e).await?;
    if e.status == Status::Active && matches!(n.status, need::Status::Matched | need::Status::InProgress) {
        needs::transition(&txn, now, actor, &n, NeedAction::Reopen, Some(&note)).await?;
    }
    announce(
        &txn,
        state,
        now,
        &e,
        &n,
        NotificationKind::Cancelled,
        Some(user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Expires every proposal whose answer did not come in time; gives back the
/// capacity they held. Idempotent: each is moved by a conditional update.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn expire_due(state: &Deps, now: OffsetDateTime) -> Result<u64, ServiceError> {
    let due = engagement::Entity::find()
        .filter(engagement::Column::Status.is_in([Status::Proposed, Status::Accepted]))
        .filter(engagement::Column::ExpiresAt.lte(now))
        .order_by_asc(engagement::Column::Id)
        .all(&state.db)
        .await?;
    let actor = Actor {
        account_id: None,
        address: Some("scheduled job".into()),
    };
    let mut expired = 0;
    for e in due {
        let txn = begin_write(&state.db).await?;
        let Some(n) = need::Entity::find_by_id(e.need_id).one(&txn).await? else {
            continue;
        };
        let moved = move_engagement(
            &txn,
            now,
            &actor,
            &e,
            EngagementAction::Expire,
            Party::System,
            Changes {
                holds_capacity: Some(false),
                finished_at: Some(now),
                ..Changes::default()
            },
        )
        .await;
        match moved {
            Ok(_) => {
                give_back(&txn, &e).await?;
                announce(&txn, state, now, &e, &n, NotificationKind::Expired, None).await?;
                txn.commit().await?;
                expired += 1;
            }
            // Answered meanwhile: nothing to do.
            Err(ServiceError::Conflict(_)) => txn.rollback().await?,
            Err(other) => return Err(other),
        }
    }
    Ok(expired)
}

/// How long before a proposal expires the side that must answer is reminded.
pub const REMIND_BEFORE: time::Duration = time::Duration::hours(24);

/// Reminds the side that must answer of every proposal that expires within
/// [`REMIND_BEFORE`] and was not reminded yet: the volunteer of a proposal, the
/// organisation of an accepted one waiting for confirmation. Once per
/// proposal: each is marked by a conditional update. Returns how many.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn remind_due(state: &Deps, now: OffsetDateTime) -> Result<u64, ServiceError> {
    let due = engagement::Entity::find()
        .filter(engagement::Column::Status.is_in([Status::Proposed, Status::Accepted]))
        .filter(engagement::Column::RemindedAt.is_null())
        .filter(engagement::Column::ExpiresAt.gt(now))
        .filter(engagement::Column::ExpiresAt.lte(now + REMIND_BEFORE))
        .order_by_asc(engagement::Column::Id)
        .all(&state.db)
        .await?;
    let mut reminded = 0;
    for e in due {
        let txn = begin_write(&state.db).await?;
        let marked = engagement::Entity::update_many()
            .col_expr(engagement::Column::RemindedAt, Expr::value(now))
            .filter(engagement::Column::Id.eq(e.id))
            .filter(engagement::Column::Status.eq(e.status))
            .filter(engagement::Column::RemindedAt.is_null())
            .exec(&txn)
            .await?;
        let Some(n) = need::Entity::find_by_id(e.need_id).one(&txn).await? else {
            continue;
        };
        if marked.rows_affected != 1 {
            // Answered or reminded meanwhile.
            txn.rollback().await?;
            continue;
        }
        let who: Vec<i64> = if e.status == Status::Proposed {
            vec![e.volunteer_id]
        } else {
            participants(&txn, &e, n.organisation_id)
                .await?
                .into_iter()
                .filter(|p| *p != e.volunteer_id && Some(*p) != e.proposed_by)
                .collect()
        };
        notifications::notify(
            &txn,
            state,
            now,
            who,
            None,
            notifications::About {
                kind: NotificationKind::Reminder,
                engagement_id: Some(e.id),
                need_id: Some(n.id),
                subject: &n.title,
            },
        )
        .await?;
        txn.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}
