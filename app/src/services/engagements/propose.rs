//! Proposals: a coordinator's (or the matcher's), and a volunteer's offer.

use crate::domain::codes::{AuditObject, NotificationKind, Proposer};
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    standing,
};
use crate::session::CurrentUser;
use crate::{
    domain::{engagement::weekly_hours, organisation::optional_text},
    services::deps::Deps,
    validate::Message,
};
use entity::{
    account::Role,
    engagement,
    engagement::{ProposerKind, Status},
    need, organisation, volunteer,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseTransaction,
    EntityTrait as _, QueryFilter as _,
};
use serde_json::json;
use time::OffsetDateTime;

use super::lifecycle::*;

/// Checks that a volunteer may be proposed for a need.
pub(super) async fn check_pair<C: ConnectionTrait>(
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
    if !standing::organisation_allows(org.status, standing::Right::Act) {
        return Err(ServiceError::Conflict("the organisation is not approved"));
    }
    let v = volunteer::Entity::find_by_id(volunteer_id)
        .one(db)
        .await?
        .filter(|v| standing::volunteer_allows(v.status))
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

pub(super) fn days_to(deadline: Option<time::Date>, now: OffsetDateTime) -> Option<i64> {
    deadline.map(|d| (d - now.date()).whole_days())
}

/// One proposal to make inside a transaction (see [`propose_in`]).
#[derive(Debug, Clone, Copy)]
pub struct Proposal<'a> {
    /// Who proposes: a coordinator or the matcher.
    pub kind: ProposerKind,
    /// The need, as read in the transaction.
    pub need: &'a need::Model,
    /// The volunteer's account id.
    pub volunteer_id: i64,
    /// Why, as the volunteer and the organisation will read it (validated).
    pub reason: &'a str,
    /// The batch run that made it, if one did.
    pub run: Option<i64>,
    /// Made by the critical needs' fast path: the first of the need's fast-path
    /// proposals to be accepted withdraws the others.
    pub fast_path: bool,
}

/// Makes one proposal inside `txn`: checks the pair (need open, organisation and
/// volunteer approved, no live proposal of the pair), inserts it, audits it and
/// tells the people concerned. Used by [`propose`] and by a batch run's apply,
/// so both follow the same rules.
///
/// # Errors
/// [`ServiceError::Validation`] (`volunteer`), [`ServiceError::Conflict`],
/// [`ServiceError::NotFound`]; nothing is written then.
#[tracing::instrument(skip_all)]
pub async fn propose_in(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
    actor: &Actor,
    proposal: Proposal<'_>,
) -> Result<i64, ServiceError> {
    let n = proposal.need;
    check_pair(txn, n, proposal.volunteer_id).await?;
    let e = engagement::ActiveModel {
        need_id: Set(n.id),
        volunteer_id: Set(proposal.volunteer_id),
        status: Set(Status::Proposed),
        proposed_by: Set(actor.account_id),
        proposer_kind: Set(proposal.kind),
        reason: Set(proposal.reason.to_owned()),
        weekly_hours: Set(proposal_hours(n, now)),
        holds_capacity: Set(false),
        fast_path: Set(proposal.fast_path),
        expires_at: Set(Some(expires_at)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut detail = json!({
        "need": n.id,
        "volunteer": proposal.volunteer_id,
        "by": Proposer::from(proposal.kind).code(),
    });
    if let Some(run) = proposal.run {
        detail["run"] = json!(run);
    }
    if proposal.fast_path {
        detail["fast_path"] = json!(true);
    }
    audit::record(
        txn,
        now,
        actor,
        Action::EngagementProposed,
        Some((AuditObject::Engagement, e.id)),
        detail,
    )
    .await?;
    announce(
        txn,
        state,
        now,
        &e,
        n,
        NotificationKind::Proposed,
        actor.account_id,
    )
    .await?;
    Ok(e.id)
}

/// The weekly hours a proposal for `n` asks of its volunteer, as of `now`.
#[must_use]
pub fn proposal_hours(n: &need::Model, now: OffsetDateTime) -> i16 {
    weekly_hours(n.effort_hours, days_to(n.deadline, now))
}

/// A coordinator (or the matcher) proposes a volunteer for an open need, saying why.
///
/// # Errors
/// [`ServiceError::Validation`], [`ServiceError::Conflict`], [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(need_id = need_id, volunteer_id = volunteer_id))]
pub async fn propose(
    state: &Deps,
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
    let proposal = Proposal {
        kind,
        need: &n,
        volunteer_id,
        reason: &reason,
        run: None,
        fast_path: false,
    };
    let id = propose_in(&txn, state, now, response_deadline(state, now), actor, proposal).await?;
    txn.commit().await?;
    Ok(id)
}

/// An approved volunteer offers to help on an open need: they commit at once
/// (their capacity is taken) and the organisation confirms or declines.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless an approved volunteer;
/// [`ServiceError::Validation`] (no capacity, already proposed), [`ServiceError::Conflict`],
/// [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, need_id = need_id))]
pub async fn offer(
    state: &Deps,
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
    standing::volunteer(&txn, user.id).await?;
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
        Some((AuditObject::Engagement, e.id)),
        json!({ "need": n.id, "volunteer": user.id, "by": "volunteer" }),
    )
    .await?;
    announce(&txn, state, now, &e, &n, NotificationKind::Offered, Some(user.id)).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// A coordinator proposes the volunteer they name (an account id or an email
/// address) for a need; returns the engagement's id.
///
/// # Errors
/// [`ServiceError::Validation`] (`volunteer`) when there is no such volunteer;
/// as [`propose`].
#[tracing::instrument(skip(state, actor, reason))]
pub async fn propose_by_reference(
    state: &Deps,
    actor: &Actor,
    need_id: i64,
    volunteer: &str,
    reason: &str,
) -> Result<i64, ServiceError> {
    let volunteer_id = crate::services::volunteers::by_reference(&state.db, volunteer).await?;
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
