//! Engagements: proposals (from a coordinator, a volunteer's offer, or the
//! matcher), answers, confirmation, the work, completion and ratings; messages
//! and logged hours; expiry of unanswered proposals.
//!
//! Every transition is one transaction: it checks the lifecycle rule, moves the
//! engagement only if it is still in the status it was read in, moves the need
//! with it, takes or gives back the volunteer's capacity, notifies the people
//! concerned and writes the audit log.
//!
//! Capacity (concurrent engagements and weekly hours) is taken when the
//! volunteer commits (accepting, or offering) with a single conditional
//! `UPDATE … WHERE active_engagements < max_concurrent AND committed_hours + h
//! <= hours_per_week`; a `CHECK` on the table backs it up. Of many concurrent
//! attempts on the last slot, exactly one matches.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
    auth::CurrentUser,
    db::begin_write,
    needs,
    notifications::{self, About},
    organisations::membership,
};
use crate::{
    domain::{
        engagement::{
            EngagementAction, EngagementStatus, ORGANISATION_DECLINE_REASONS, Party,
            VOLUNTEER_DECLINE_REASONS, transition, weekly_hours,
        },
        need::NeedAction,
        organisation::optional_text,
        views::{
            ConfidentialPart, EngagementActions, EngagementPage, EngagementView, History, HoursView,
            MessageView,
        },
    },
    model::utc,
    state::AppState,
    validate::Message,
};
use entity::{
    account::{self, Role},
    ecsf_role, engagement,
    engagement::{ProposerKind, Status},
    hours_log, message, need, organisation, organisation_member,
    vetting::VettingStatus,
    volunteer,
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, DatabaseTransaction, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
    sea_query::{Expr, ExprTrait as _},
};
use serde_json::json;
use time::OffsetDateTime;

/// The stored status of a shared status.
fn stored(status: EngagementStatus) -> Status {
    match status {
        EngagementStatus::Proposed => Status::Proposed,
        EngagementStatus::Accepted => Status::Accepted,
        EngagementStatus::Active => Status::Active,
        EngagementStatus::Completed => Status::Completed,
        EngagementStatus::Declined => Status::Declined,
        EngagementStatus::Expired => Status::Expired,
        EngagementStatus::Cancelled => Status::Cancelled,
    }
}

/// The shared status of a stored status.
#[must_use]
pub fn shared(status: Status) -> EngagementStatus {
    match status {
        Status::Proposed => EngagementStatus::Proposed,
        Status::Accepted => EngagementStatus::Accepted,
        Status::Active => EngagementStatus::Active,
        Status::Completed => EngagementStatus::Completed,
        Status::Declined => EngagementStatus::Declined,
        Status::Expired => EngagementStatus::Expired,
        Status::Cancelled => EngagementStatus::Cancelled,
    }
}

fn proposer_code(kind: ProposerKind) -> &'static str {
    match kind {
        ProposerKind::Coordinator => "coordinator",
        ProposerKind::Volunteer => "volunteer",
        ProposerKind::Matcher => "matcher",
    }
}

/// Takes one slot and `hours` weekly hours of an approved volunteer, or fails
/// when they have none left.
///
/// # Errors
/// [`ServiceError::Validation`] (`capacity`: no capacity left); database errors.
pub async fn take_capacity<C: ConnectionTrait>(
    db: &C,
    volunteer_id: i64,
    hours: i16,
) -> Result<(), ServiceError> {
    let taken = volunteer::Entity::update_many()
        .col_expr(
            volunteer::Column::ActiveEngagements,
            Expr::col(volunteer::Column::ActiveEngagements).add(1),
        )
        .col_expr(
            volunteer::Column::CommittedHours,
            Expr::col(volunteer::Column::CommittedHours).add(hours),
        )
        .filter(volunteer::Column::AccountId.eq(volunteer_id))
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .filter(
            Expr::col(volunteer::Column::ActiveEngagements).lt(Expr::col(volunteer::Column::MaxConcurrent)),
        )
        .filter(
            Expr::col(volunteer::Column::CommittedHours)
                .add(hours)
                .lte(Expr::col(volunteer::Column::HoursPerWeek)),
        )
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        Ok(())
    } else {
        Err(ServiceError::field("capacity", Message::NoCapacity))
    }
}

/// Gives back what [`take_capacity`] took.
///
/// # Errors
/// Database errors.
pub async fn release_capacity<C: ConnectionTrait>(
    db: &C,
    volunteer_id: i64,
    hours: i16,
) -> Result<(), ServiceError> {
    volunteer::Entity::update_many()
        .col_expr(
            volunteer::Column::ActiveEngagements,
            Expr::col(volunteer::Column::ActiveEngagements).sub(1),
        )
        .col_expr(
            volunteer::Column::CommittedHours,
            Expr::col(volunteer::Column::CommittedHours).sub(hours),
        )
        .filter(volunteer::Column::AccountId.eq(volunteer_id))
        .filter(volunteer::Column::ActiveEngagements.gte(1))
        .filter(volunteer::Column::CommittedHours.gte(hours))
        .exec(db)
        .await?;
    Ok(())
}

/// Everyone an engagement concerns: the volunteer, the organisation's members
/// and the coordinator who proposed it.
async fn participants<C: ConnectionTrait>(
    db: &C,
    e: &engagement::Model,
    organisation_id: i64,
) -> Result<Vec<i64>, ServiceError> {
    let mut ids: Vec<i64> = organisation_member::Entity::find()
        .filter(organisation_member::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .collect();
    ids.push(e.volunteer_id);
    if e.proposer_kind == ProposerKind::Coordinator
        && let Some(p) = e.proposed_by
    {
        ids.push(p);
    }
    Ok(ids)
}

/// The viewer's side of an engagement, or not found when they have none.
async fn side<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    e: &engagement::Model,
    need: &need::Model,
) -> Result<Party, ServiceError> {
    if user.role == Role::Coordinator {
        return Ok(Party::Coordinator);
    }
    if user.role == Role::Volunteer && user.id == e.volunteer_id {
        return Ok(Party::Volunteer);
    }
    if membership(db, user.id)
        .await?
        .is_some_and(|m| m.organisation_id == need.organisation_id)
    {
        return Ok(Party::Organisation);
    }
    Err(ServiceError::NotFound)
}

async fn load<C: ConnectionTrait>(db: &C, id: i64) -> Result<(engagement::Model, need::Model), ServiceError> {
    let e = engagement::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let n = need::Entity::find_by_id(e.need_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((e, n))
}

fn response_deadline(state: &AppState, now: OffsetDateTime) -> OffsetDateTime {
    now + state.config.response_window
}

/// What changes with a transition besides the status.
#[derive(Default)]
struct Changes {
    expires_at: Option<Option<OffsetDateTime>>,
    holds_capacity: Option<bool>,
    accepted_at: Option<OffsetDateTime>,
    confirmed_at: Option<OffsetDateTime>,
    finished_at: Option<OffsetDateTime>,
    decline: Option<(&'static str, String, String)>,
    organisation_rating: Option<(i16, String)>,
}

/// Moves the engagement if the rule allows and it is still as read; audits it.
async fn move_engagement(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    e: &engagement::Model,
    action: EngagementAction,
    party: Party,
    changes: Changes,
) -> Result<Status, ServiceError> {
    let to = transition(shared(e.status), action, party)
        .map(stored)
        .ok_or(ServiceError::Conflict(
            "this change is not allowed for the engagement's status",
        ))?;
    let mut update = engagement::Entity::update_many()
        .col_expr(engagement::Column::Status, Expr::value(stored_code(to)))
        .col_expr(engagement::Column::UpdatedAt, Expr::value(now))
        .filter(engagement::Column::Id.eq(e.id))
        .filter(engagement::Column::Status.eq(e.status));
    if let Some(expires) = changes.expires_at {
        update = update.col_expr(engagement::Column::ExpiresAt, Expr::value(expires));
    }
    if let Some(holds) = changes.holds_capacity {
        update = update.col_expr(engagement::Column::HoldsCapacity, Expr::value(holds));
    }
    if let Some(at) = changes.accepted_at {
        update = update.col_expr(engagement::Column::AcceptedAt, Expr::value(at));
    }
    if let Some(at) = changes.confirmed_at {
        update = update.col_expr(engagement::Column::ConfirmedAt, Expr::value(at));
    }
    if let Some(at) = changes.finished_at {
        update = update.col_expr(engagement::Column::FinishedAt, Expr::value(at));
    }
    if let Some((by, reason, note)) = &changes.decline {
        update = update
            .col_expr(engagement::Column::DeclinedBy, Expr::value(*by))
            .col_expr(engagement::Column::DeclineReason, Expr::value(reason.clone()))
            .col_expr(engagement::Column::DeclineNote, Expr::value(note.clone()));
    }
    if let Some((rating, comment)) = &changes.organisation_rating {
        update = update
            .col_expr(engagement::Column::OrganisationRating, Expr::value(*rating))
            .col_expr(
                engagement::Column::OrganisationComment,
                Expr::value(comment.clone()),
            );
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(ServiceError::Conflict("the engagement changed meanwhile"));
    }
    let mut details = json!({
        "from": stored_code(e.status),
        "to": stored_code(to),
        "by": format!("{party:?}").to_lowercase(),
    });
    if let Some((by, reason, _)) = &changes.decline {
        details["declined_by"] = json!(by);
        details["reason"] = json!(reason);
    }
    audit::record(
        txn,
        now,
        actor,
        Action::EngagementTransition,
        Some(("engagement", e.id)),
        details,
    )
    .await?;
    Ok(to)
}

fn stored_code(status: Status) -> &'static str {
    shared(status).code()
}

/// Releases the capacity an engagement holds, if it holds any.
async fn give_back(txn: &DatabaseTransaction, e: &engagement::Model) -> Result<(), ServiceError> {
    if e.holds_capacity {
        release_capacity(txn, e.volunteer_id, e.weekly_hours).await?;
    }
    Ok(())
}

async fn announce(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    e: &engagement::Model,
    n: &need::Model,
    kind: &str,
    except: Option<i64>,
) -> Result<(), ServiceError> {
    let people = participants(txn, e, n.organisation_id).await?;
    notifications::notify(
        txn,
        now,
        people,
        except,
        About {
            kind,
            engagement_id: Some(e.id),
            need_id: Some(n.id),
            subject: &n.title,
        },
    )
    .await
}

/// Checks that a volunteer may be proposed for a need.
async fn check_pair<C: ConnectionTrait>(
    db: &C,
    n: &need::Model,
    volunteer_id: i64,
) -> Result<volunteer::Model, ServiceError> {
    if n.status != need::Status::Open {
        return Err(ServiceError::Conflict("the need is not open"));
    }
    let org = organisation::Entity::find_by_id(n.organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if org.status != VettingStatus::Approved {
        return Err(ServiceError::Conflict("the organisation is not approved"));
    }
    let v = volunteer::Entity::find_by_id(volunteer_id)
        .one(db)
        .await?
        .filter(|v| v.status == VettingStatus::Approved)
        .ok_or_else(|| ServiceError::field("volunteer", Message::InvalidChoice))?;
    let live = engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(n.id))
        .filter(engagement::Column::VolunteerId.eq(volunteer_id))
        .filter(engagement::Column::Status.is_in([Status::Proposed, Status::Accepted, Status::Active]))
        .one(db)
        .await?;
    if live.is_some() {
        return Err(ServiceError::field("volunteer", Message::AlreadyProposed));
    }
    Ok(v)
}

fn date_text(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn days_to(deadline: Option<time::Date>, now: OffsetDateTime) -> Option<i64> {
    deadline.map(|d| (d - now.date()).whole_days())
}

/// A coordinator (or the matcher) proposes a volunteer for an open need, saying why.
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
pub async fn propose(
    state: &AppState,
    actor: &Actor,
    kind: ProposerKind,
    need_id: i64,
    volunteer_id: i64,
    reason: &str,
) -> Result<i64, ServiceError> {
    let reason = crate::domain::organisation::text(reason, 2000, true)
        .map_err(|m| ServiceError::field("reason", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let n = need::Entity::find_by_id(need_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    check_pair(&txn, &n, volunteer_id).await?;
    let e = engagement::ActiveModel {
        need_id: Set(n.id),
        volunteer_id: Set(volunteer_id),
        status: Set(Status::Proposed),
        proposed_by: Set(actor.account_id),
        proposer_kind: Set(kind),
        reason: Set(reason),
        weekly_hours: Set(weekly_hours(n.effort_hours, days_to(n.deadline, now))),
        holds_capacity: Set(false),
        expires_at: Set(Some(response_deadline(state, now))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::EngagementProposed,
        Some(("engagement", e.id)),
        json!({ "need": n.id, "volunteer": volunteer_id, "by": proposer_code(kind) }),
    )
    .await?;
    announce(&txn, now, &e, &n, "engagement.proposed", actor.account_id).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// An approved volunteer offers to help on an open need: they commit at once
/// (their capacity is taken) and the organisation confirms or declines.
///
/// # Errors
/// [`ServiceError::Validation`] (no capacity, already proposed), [`ServiceError::Conflict`],
/// [`ServiceError::NotFound`].
pub async fn offer(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
    note: &str,
) -> Result<i64, ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let note = optional_text(note, 2000, true).map_err(|m| ServiceError::field("reason", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let n = need::Entity::find_by_id(need_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    check_pair(&txn, &n, user.id).await.map_err(|e| match e {
        ServiceError::Validation(errors)
            if errors
                .iter()
                .any(|e| e.field == "volunteer" && e.message == Message::InvalidChoice) =>
        {
            ServiceError::Forbidden
        }
        other => other,
    })?;
    let hours = weekly_hours(n.effort_hours, days_to(n.deadline, now));
    take_capacity(&txn, user.id, hours).await?;
    let e = engagement::ActiveModel {
        need_id: Set(n.id),
        volunteer_id: Set(user.id),
        status: Set(Status::Accepted),
        proposed_by: Set(Some(user.id)),
        proposer_kind: Set(ProposerKind::Volunteer),
        reason: Set(note),
        weekly_hours: Set(hours),
        holds_capacity: Set(true),
        expires_at: Set(Some(response_deadline(state, now))),
        created_at: Set(now),
        updated_at: Set(now),
        accepted_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::EngagementProposed,
        Some(("engagement", e.id)),
        json!({ "need": n.id, "volunteer": user.id, "by": "volunteer" }),
    )
    .await?;
    announce(&txn, now, &e, &n, "engagement.offered", Some(user.id)).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// The volunteer accepts a proposal: their capacity is taken atomically.
///
/// # Errors
/// [`ServiceError::Validation`] (no capacity), [`ServiceError::Conflict`], [`ServiceError::NotFound`].
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    let party = side(&txn, user, &e, &n).await?;
    if n.status != need::Status::Open {
        return Err(ServiceError::Conflict("the need is no longer open"));
    }
    take_capacity(&txn, e.volunteer_id, e.weekly_hours).await?;
    move_engagement(
        &txn,
        now,
        actor,
        &e,
        EngagementAction::Accept,
        party,
        Changes {
            holds_capacity: Some(true),
            accepted_at: Some(now),
            expires_at: Some(Some(response_deadline(state, now))),
            ..Changes::default()
        },
    )
    .await?;
    announce(&txn, now, &e, &n, "engagement.accepted", Some(user.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// One side declines, with a reason from the short list and a note. An
/// organisation's reason is kept for the matcher and coordinators, never shown
/// to the volunteer.
///
/// # Errors
/// [`ServiceError::Validation`] (unknown reason), [`ServiceError::Conflict`], [`ServiceError::NotFound`].
pub async fn decline(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    reason: &str,
    note: &str,
) -> Result<(), ServiceError> {
    let note = optional_text(note, 2000, true).map_err(|m| ServiceError::field("note", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    let party = side(&txn, user, &e, &n).await?;
    let (by, reasons): (&'static str, &[&str]) = match party {
        Party::Volunteer => ("volunteer", &VOLUNTEER_DECLINE_REASONS),
        Party::Organisation => ("organisation", &ORGANISATION_DECLINE_REASONS),
        Party::Coordinator | Party::System => return Err(ServiceError::Forbidden),
    };
    if !reasons.contains(&reason) {
        return Err(ServiceError::field("reason", Message::InvalidChoice));
    }
    move_engagement(
        &txn,
        now,
        actor,
        &e,
        EngagementAction::Decline,
        party,
        Changes {
            holds_capacity: Some(false),
            expires_at: Some(None),
            finished_at: Some(now),
            decline: Some((by, reason.to_owned(), note)),
            ..Changes::default()
        },
    )
    .await?;
    give_back(&txn, &e).await?;
    announce(&txn, now, &e, &n, "engagement.declined", Some(user.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// The organisation confirms an accepted proposal: the engagement becomes
/// active, the need is matched, other live proposals for it are called off, and
/// the volunteer may now read the confidential details.
///
/// # Errors
/// [`ServiceError::Conflict`], [`ServiceError::NotFound`], [`ServiceError::Forbidden`].
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    let party = side(&txn, user, &e, &n).await?;
    move_engagement(
        &txn,
        now,
        actor,
        &e,
        EngagementAction::Confirm,
        party,
        Changes {
            confirmed_at: Some(now),
            expires_at: Some(None),
            ..Changes::default()
        },
    )
    .await?;
    needs::transition(&txn, now, actor, &n, NeedAction::Match, None).await?;
    // The need is taken: call off the other live proposals for it.
    call_off(&txn, now, actor, &n, Some(e.id)).await?;
    announce(&txn, now, &e, &n, "engagement.confirmed", Some(user.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// Calls off the live proposals for a need (but `except`), giving back the
/// capacity they held and telling the people concerned: the need was taken by
/// another engagement, or withdrawn.
///
/// # Errors
/// Database errors; [`ServiceError::Conflict`] if one changed meanwhile.
pub async fn call_off(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    n: &need::Model,
    except: Option<i64>,
) -> Result<(), ServiceError> {
    let mut live = engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(n.id))
        .filter(engagement::Column::Status.is_in([Status::Proposed, Status::Accepted]));
    if let Some(id) = except {
        live = live.filter(engagement::Column::Id.ne(id));
    }
    for other in live.all(txn).await? {
        let changes = Changes {
            holds_capacity: Some(false),
            expires_at: Some(None),
            finished_at: Some(now),
            ..Changes::default()
        };
        move_engagement(
            txn,
            now,
            actor,
            &other,
            EngagementAction::Cancel,
            Party::Coordinator,
            changes,
        )
        .await?;
        give_back(txn, &other).await?;
        announce(txn, now, &other, n, "engagement.cancelled", None).await?;
    }
    Ok(())
}

/// The volunteer logs time on an active engagement; the first log moves the
/// need to "in progress".
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
pub async fn log_hours(
    state: &AppState,
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
        .filter(|h| *h > 0.0 && *h <= 24.0)
        .map(|h| (h * 60.0).round());
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
        Some(("engagement", e.id)),
        json!({ "minutes": minutes }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn rating(raw: &str) -> Result<i16, ServiceError> {
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
pub async fn complete(
    state: &AppState,
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
    announce(&txn, now, &e, &n, "engagement.completed", Some(user.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// The volunteer rates the experience of a completed engagement (once).
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
pub async fn rate(
    state: &AppState,
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
        Some(("engagement", e.id)),
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
pub async fn cancel(
    state: &AppState,
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
    announce(&txn, now, &e, &n, "engagement.cancelled", Some(user.id)).await?;
    txn.commit().await?;
    Ok(())
}

/// Expires every proposal whose answer did not come in time; gives back the
/// capacity they held. Idempotent: each is moved by a conditional update.
///
/// # Errors
/// Database errors.
pub async fn expire_due(state: &AppState, now: OffsetDateTime) -> Result<u64, ServiceError> {
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
                announce(&txn, now, &e, &n, "engagement.expired", None).await?;
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

/// Posts a message to an engagement's thread (participants only).
///
/// # Errors
/// [`ServiceError::Validation`] (empty, too long), [`ServiceError::NotFound`].
pub async fn post_message(
    state: &AppState,
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
        now,
        people,
        None,
        About {
            kind: "message.posted",
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
        Some(("engagement", e.id)),
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
pub async fn messages(
    state: &AppState,
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
pub async fn hours(state: &AppState, user: &CurrentUser, id: i64) -> Result<Vec<HoursView>, ServiceError> {
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

async fn minutes_logged<C: ConnectionTrait>(db: &C, id: i64) -> Result<i64, ServiceError> {
    Ok(hours_log::Entity::find()
        .filter(hours_log::Column::EngagementId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|h| i64::from(h.minutes))
        .sum())
}

/// Builds the view of an engagement for a viewer on `party`'s side. Lists pass
/// `in_list`: they never carry the confidential part (no audited reads from a list).
async fn view_for(
    state: &AppState,
    actor: &Actor,
    party: Party,
    (e, n): (engagement::Model, need::Model),
    in_list: bool,
) -> Result<EngagementView, ServiceError> {
    let db = &state.db;
    let account = account::Entity::find_by_id(e.volunteer_id).one(db).await?;
    let profile = volunteer::Entity::find_by_id(e.volunteer_id).one(db).await?;
    let role = match profile.as_ref().and_then(|p| p.ecsf_role_id) {
        Some(r) => ecsf_role::Entity::find_by_id(r).one(db).await?.map(|r| r.name),
        None => None,
    };
    let status = shared(e.status);
    // The engaged volunteer reads the confidential part once the work is on.
    let confidential = (!in_list
        && match party {
            Party::Organisation | Party::Coordinator => true,
            Party::Volunteer => matches!(status, EngagementStatus::Active | EngagementStatus::Completed),
            Party::System => false,
        })
    .then(|| ConfidentialPart {
        details: n.confidential_details.clone(),
        authorisation_name: n.authorisation_name.clone(),
        authorisation_role: n.authorisation_role.clone(),
        authorisation_scope: n.authorisation_scope.clone(),
        authorisation_date: n.authorisation_date.map(date_text).unwrap_or_default(),
    });
    if confidential.is_some() && matches!(party, Party::Volunteer | Party::Coordinator) {
        let txn = begin_write(db).await?;
        audit::record(
            &txn,
            state.clock.now(),
            actor,
            Action::ConfidentialRead,
            Some(("need", n.id)),
            json!({ "engagement": e.id }),
        )
        .await?;
        txn.commit().await?;
    }
    // An organisation's decline reason is never shown to the volunteer.
    let hide_decline = party == Party::Volunteer && e.declined_by.as_deref() == Some("organisation");
    let allowed = |action| transition(status, action, party).is_some();
    let can = EngagementActions {
        accept: allowed(EngagementAction::Accept),
        decline: allowed(EngagementAction::Decline),
        confirm: allowed(EngagementAction::Confirm),
        log_hours: party == Party::Volunteer && status == EngagementStatus::Active,
        complete: allowed(EngagementAction::Complete),
        rate: party == Party::Volunteer
            && status == EngagementStatus::Completed
            && e.volunteer_rating.is_none(),
        cancel: allowed(EngagementAction::Cancel),
        message: true,
    };
    let summary = needs::summary(db, &n).await?;
    Ok(EngagementView {
        id: e.id,
        status: status.code().to_owned(),
        need: summary,
        need_summary: n.public_summary.clone(),
        volunteer_id: e.volunteer_id,
        volunteer_name: account.map(|a| a.display_name).unwrap_or_default(),
        volunteer_role: role.unwrap_or_default(),
        volunteer_languages: profile
            .map(|p| crate::domain::languages::split(&p.languages))
            .unwrap_or_default(),
        proposer_kind: proposer_code(e.proposer_kind).to_owned(),
        reason: e.reason.clone(),
        weekly_hours: e.weekly_hours,
        expires: e.expires_at.map(utc).unwrap_or_default(),
        declined_by: e.declined_by.clone().unwrap_or_default(),
        decline_reason: if hide_decline {
            String::new()
        } else {
            e.decline_reason.clone().unwrap_or_default()
        },
        decline_note: if hide_decline {
            String::new()
        } else {
            e.decline_note.clone().unwrap_or_default()
        },
        organisation_rating: e.organisation_rating,
        organisation_comment: e.organisation_comment.clone().unwrap_or_default(),
        volunteer_rating: e.volunteer_rating,
        volunteer_comment: e.volunteer_comment.clone().unwrap_or_default(),
        minutes_logged: minutes_logged(db, e.id).await?,
        confidential,
        created: utc(e.created_at),
        can,
        viewer: format!("{party:?}").to_lowercase(),
    })
}

/// One engagement, as the viewer may see it.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a participant.
pub async fn detail(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<EngagementView, ServiceError> {
    let (e, n) = load(&state.db, id).await?;
    let party = side(&state.db, user, &e, &n).await?;
    view_for(state, actor, party, (e, n), false).await
}

/// The engagements the viewer takes part in (coordinators: all, or those of one
/// need), newest first.
///
/// # Errors
/// Database errors.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    need_id: Option<i64>,
) -> Result<Vec<EngagementView>, ServiceError> {
    let db = &state.db;
    let mut select = engagement::Entity::find()
        .order_by_desc(engagement::Column::UpdatedAt)
        .order_by_desc(engagement::Column::Id);
    let party = match user.role {
        Role::Coordinator => Party::Coordinator,
        Role::Volunteer => {
            select = select.filter(engagement::Column::VolunteerId.eq(user.id));
            Party::Volunteer
        }
        Role::OrganisationMember => {
            let Some(m) = membership(db, user.id).await? else {
                return Ok(Vec::new());
            };
            let ids: Vec<i64> = need::Entity::find()
                .filter(need::Column::OrganisationId.eq(m.organisation_id))
                .all(db)
                .await?
                .into_iter()
                .map(|n| n.id)
                .collect();
            select = select.filter(engagement::Column::NeedId.is_in(ids));
            Party::Organisation
        }
    };
    if let Some(need_id) = need_id {
        select = select.filter(engagement::Column::NeedId.eq(need_id));
    }
    let mut out = Vec::new();
    for e in select.limit(LIST_LIMIT).all(db).await? {
        let Some(n) = need::Entity::find_by_id(e.need_id).one(db).await? else {
            continue;
        };
        out.push(view_for(state, actor, party, (e, n), true).await?);
    }
    Ok(out)
}

/// The most engagements a list shows.
const LIST_LIMIT: u64 = 200;

/// A volunteer's engagements and the hours they gave.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a volunteer; database errors.
pub async fn history(state: &AppState, actor: &Actor, user: &CurrentUser) -> Result<History, ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let engagements = list(state, actor, user, None).await?;
    Ok(History {
        minutes: engagements.iter().map(|e| e.minutes_logged).sum(),
        completed: engagements
            .iter()
            .filter(|e| e.status == EngagementStatus::Completed.code())
            .count(),
        engagements,
    })
}

/// An engagement's page for a participant: the engagement, thread and hours.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a participant.
pub async fn page(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<EngagementPage, ServiceError> {
    let page = EngagementPage {
        engagement: detail(state, actor, user, id).await?,
        messages: messages(state, user, id, 0).await?,
        hours: hours(state, user, id).await?,
        today: date_text(state.clock.now().date()),
    };
    notifications::mark_engagement_read(&state.db, user.id, id, state.clock.now()).await?;
    Ok(page)
}

/// A coordinator proposes the volunteer they name (an account id or an email
/// address) for a need; returns the engagement's id.
///
/// # Errors
/// [`ServiceError::Validation`] (`volunteer`) when there is no such volunteer;
/// as [`propose`].
#[tracing::instrument(skip(state, actor, reason))]
pub async fn propose_by_reference(
    state: &AppState,
    actor: &Actor,
    need_id: i64,
    volunteer: &str,
    reason: &str,
) -> Result<i64, ServiceError> {
    let volunteer_id = volunteer_by_reference(&state.db, volunteer).await?;
    propose(
        state,
        actor,
        ProposerKind::Coordinator,
        need_id,
        volunteer_id,
        reason,
    )
    .await
}

/// Finds the volunteer a coordinator means: an account id or an email address.
///
/// # Errors
/// [`ServiceError::Validation`] (`volunteer`) when there is no such volunteer.
pub async fn volunteer_by_reference<C: ConnectionTrait>(db: &C, raw: &str) -> Result<i64, ServiceError> {
    let raw = raw.trim();
    let unknown = || ServiceError::field("volunteer", Message::InvalidChoice);
    let found = if let Ok(id) = raw.parse::<i64>() {
        account::Entity::find_by_id(id).one(db).await?
    } else {
        let email = crate::validate::email(raw).map_err(|m| ServiceError::field("volunteer", m))?;
        account::Entity::find()
            .filter(account::Column::Email.eq(email))
            .one(db)
            .await?
    };
    found
        .filter(|a| a.role == Role::Volunteer)
        .map(|a| a.id)
        .ok_or_else(unknown)
}
