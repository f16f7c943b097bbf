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
    need, organisation,
    vetting::VettingStatus,
    volunteer,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseTransaction,
    EntityTrait as _, QueryFilter as _, QuerySelect as _,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

use super::lifecycle::*;

/// Checks that a volunteer may be proposed for a need.
pub(super) async fn check_pair<C: ConnectionTrait>(
    db: &C,
    n: &need::Model,
    volunteer_id: i64,
) -> Result<(), ServiceError> {
    PairChecks::read(db, &[(n, volunteer_id)])
        .await?
        .check(n, volunteer_id)
}

/// What the checks of a proposal read, for many pairs at once: the standing
/// of the needs' organisations and of the volunteers, and the live proposals
/// of the needs.
#[derive(Debug, Default)]
pub struct PairChecks {
    organisations: HashMap<i64, VettingStatus>,
    volunteers: HashMap<i64, VettingStatus>,
    live: HashMap<i64, Vec<i64>>,
}

impl PairChecks {
    /// Reads what checking `pairs` (a need, as read, and a volunteer) takes,
    /// in a few statements however many pairs there are.
    ///
    /// # Errors
    /// Database errors.
    pub async fn read<C: ConnectionTrait>(
        db: &C,
        pairs: &[(&need::Model, i64)],
    ) -> Result<Self, ServiceError> {
        const CHUNK: usize = 1000;
        let ids = |of: &dyn Fn(&(&need::Model, i64)) -> i64| -> Vec<i64> {
            pairs
                .iter()
                .map(of)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let mut checks = Self::default();
        for chunk in ids(&|(n, _)| n.organisation_id).chunks(CHUNK) {
            checks.organisations.extend(
                organisation::Entity::find()
                    .select_only()
                    .column(organisation::Column::Id)
                    .column(organisation::Column::Status)
                    .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                    .into_tuple::<(i64, VettingStatus)>()
                    .all(db)
                    .await?,
            );
        }
        for chunk in ids(&|(_, v)| *v).chunks(CHUNK) {
            checks.volunteers.extend(
                volunteer::Entity::find()
                    .select_only()
                    .column(volunteer::Column::AccountId)
                    .column(volunteer::Column::Status)
                    .filter(volunteer::Column::AccountId.is_in(chunk.iter().copied()))
                    .into_tuple::<(i64, VettingStatus)>()
                    .all(db)
                    .await?,
            );
        }
        for chunk in ids(&|(n, _)| n.id).chunks(CHUNK) {
            for (need, volunteer) in engagement::Entity::find()
                .select_only()
                .column(engagement::Column::NeedId)
                .column(engagement::Column::VolunteerId)
                .filter(engagement::Column::NeedId.is_in(chunk.iter().copied()))
                .filter(engagement::Column::Status.is_in([
                    Status::Proposed,
                    Status::Accepted,
                    Status::Active,
                ]))
                .into_tuple::<(i64, i64)>()
                .all(db)
                .await?
            {
                checks.live.entry(need).or_default().push(volunteer);
            }
        }
        Ok(checks)
    }

    /// Whether `volunteer_id` may be proposed for `n` (one of the pairs read):
    /// the need open, its organisation and the volunteer approved, and no live
    /// proposal of the pair.
    ///
    /// # Errors
    /// [`ServiceError::Conflict`] (need or organisation), [`ServiceError::Validation`]
    /// (`volunteer`), [`ServiceError::NotFound`] (no such organisation).
    pub fn check(&self, n: &need::Model, volunteer_id: i64) -> Result<(), ServiceError> {
        if n.status != need::Status::Open {
            return Err(ServiceError::Conflict("the need is not open"));
        }
        let organisation = self
            .organisations
            .get(&n.organisation_id)
            .ok_or(ServiceError::NotFound)?;
        if !standing::organisation_allows(*organisation, standing::Right::Act) {
            return Err(ServiceError::Conflict("the organisation is not approved"));
        }
        if !self
            .volunteers
            .get(&volunteer_id)
            .is_some_and(|s| standing::volunteer_allows(*s))
        {
            return Err(ServiceError::field("volunteer", Message::InvalidChoice));
        }
        if self.live.get(&n.id).is_some_and(|v| v.contains(&volunteer_id)) {
            return Err(ServiceError::field("volunteer", Message::AlreadyProposed));
        }
        Ok(())
    }

    /// Whether one of the needs read has a live engagement (proposed, accepted
    /// or active), with any volunteer.
    #[must_use]
    pub fn engaged(&self, need_id: i64) -> bool {
        self.live.contains_key(&need_id)
    }
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
/// tells the people concerned. Used by [`propose`]; a batch run's apply checks
/// its pairs with [`PairChecks`] and makes them with [`propose_all`], so both
/// follow the same rules.
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
    check_pair(txn, proposal.need, proposal.volunteer_id).await?;
    let ids = propose_all(txn, state, now, expires_at, actor, &[proposal]).await?;
    ids.first().copied().ok_or(ServiceError::NotFound)
}

/// Makes proposals already checked ([`PairChecks`]) inside `txn`, in a few
/// statements however many there are: inserts them, audits each and tells the
/// people concerned. Returns their ids, in order.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(proposals = proposals.len()))]
pub async fn propose_all(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
    actor: &Actor,
    proposals: &[Proposal<'_>],
) -> Result<Vec<i64>, ServiceError> {
    // Under SQLite's limit of bound values per statement (12 columns a row).
    const CHUNK: usize = 500;
    let mut made: Vec<engagement::Model> = Vec::with_capacity(proposals.len());
    for chunk in proposals.chunks(CHUNK) {
        let rows = chunk.iter().map(|p| engagement::ActiveModel {
            need_id: Set(p.need.id),
            volunteer_id: Set(p.volunteer_id),
            status: Set(Status::Proposed),
            proposed_by: Set(actor.account_id),
            proposer_kind: Set(p.kind),
            reason: Set(p.reason.to_owned()),
            weekly_hours: Set(proposal_hours(p.need, now)),
            holds_capacity: Set(false),
            fast_path: Set(p.fast_path),
            expires_at: Set(Some(expires_at)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        let mut inserted = engagement::Entity::insert_many(rows)
            .exec_with_returning(txn)
            .await?;
        // RETURNING promises no order: a live pair is unique, so it finds its proposal.
        let place: HashMap<(i64, i64), usize> = chunk
            .iter()
            .enumerate()
            .map(|(i, p)| ((p.need.id, p.volunteer_id), i))
            .collect();
        inserted.sort_by_key(|e| place.get(&(e.need_id, e.volunteer_id)).copied());
        made.extend(inserted);
    }
    if made.len() != proposals.len() {
        return Err(ServiceError::Conflict("a proposal was not made"));
    }
    let entries: Vec<_> = made
        .iter()
        .zip(proposals)
        .map(|(e, p)| {
            let mut detail = json!({
                "need": p.need.id,
                "volunteer": p.volunteer_id,
                "by": Proposer::from(p.kind).code(),
            });
            if let Some(run) = p.run {
                detail["run"] = json!(run);
            }
            if p.fast_path {
                detail["fast_path"] = json!(true);
            }
            (Some((AuditObject::Engagement, e.id)), detail)
        })
        .collect();
    audit::record_all(txn, now, actor, Action::EngagementProposed, entries).await?;
    let events: Vec<_> = made.iter().zip(proposals).map(|(e, p)| (e, p.need)).collect();
    announce_all(
        txn,
        state,
        now,
        &events,
        NotificationKind::Proposed,
        actor.account_id,
    )
    .await?;
    Ok(made.iter().map(|e| e.id).collect())
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
