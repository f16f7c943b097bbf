//! A coordinator's vetting decision, the same for organisations and volunteers:
//! what it changes, the sessions a suspension ends, what losing standing does
//! to the subject's engagements, and its audit entry.

use crate::validate::Message;
use crate::{
    domain::{
        codes::{AuditObject, NotificationKind, VettingStatus as VettingCode},
        organisation::optional_text,
    },
    infra::{db::begin_write, error::ServiceError, session_store},
    services::{
        audit::{self, Action, Actor},
        deps::Deps,
        engagements::{self, Withdrawal},
        notifications,
        standing::Subject,
    },
};
use entity::{account, organisation, organisation_member as member, vetting::VettingStatus, volunteer};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseTransaction, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _,
};
use serde_json::json;
use time::OffsetDateTime;

/// A coordinator's vetting decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approve.
    Approve,
    /// Turn down.
    Reject,
    /// Suspend (ends the sessions of the people concerned).
    Suspend,
}

impl Decision {
    /// Parses a form value.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "approve" => Some(Self::Approve),
            "reject" => Some(Self::Reject),
            "suspend" => Some(Self::Suspend),
            _ => None,
        }
    }

    /// The status it leads to.
    #[must_use]
    pub fn status(self) -> VettingStatus {
        match self {
            Self::Approve => VettingStatus::Approved,
            Self::Reject => VettingStatus::Rejected,
            Self::Suspend => VettingStatus::Suspended,
        }
    }

    /// Whether nothing would change for a subject now `before` with `before_note`.
    #[must_use]
    pub fn changes_nothing(self, before: VettingStatus, before_note: &str, note: &str) -> bool {
        before == self.status() && before_note == note
    }

    /// The approval time to store, when this decision approves.
    #[must_use]
    pub fn approved_at(self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        (self == Self::Approve).then_some(now)
    }
}

/// Approves, rejects or suspends an organisation, with a note. Suspension ends
/// every member's sessions; suspension or rejection withdraws its open
/// proposals and flags its active engagements (as `conclude` says).
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::Validation`] for a bad note.
#[tracing::instrument(skip_all, fields(organisation_id = organisation_id))]
pub async fn vet_organisation(
    state: &Deps,
    actor: &Actor,
    organisation_id: i64,
    decision: Decision,
    note: &str,
) -> Result<(), ServiceError> {
    let note = optional_text(note, 2000, true).map_err(|m| ServiceError::field("note", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = org.status;
    if decision.changes_nothing(before, &org.vetting_note, &note) {
        // Nothing changes: nothing to write or to audit.
        return Ok(());
    }
    if decision.status() == VettingStatus::Approved {
        let members: Vec<i64> = member::Entity::find()
            .filter(member::Column::OrganisationId.eq(organisation_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| m.account_id)
            .collect();
        let verified = account::Entity::find()
            .filter(account::Column::Id.is_in(members))
            .filter(account::Column::EmailVerifiedAt.is_not_null())
            .count(&txn)
            .await?;
        if verified == 0 {
            // No member has confirmed their address yet.
            return Err(ServiceError::field("decision", Message::AddressNotVerified));
        }
    }
    let mut active: organisation::ActiveModel = org.into();
    active.status = Set(decision.status());
    active.vetting_note = Set(note.clone());
    active.updated_at = Set(now);
    if let Some(at) = decision.approved_at(now) {
        active.approved_at = Set(Some(at));
    }
    active.update(&txn).await?;
    let members: Vec<i64> = member::Entity::find()
        .filter(member::Column::OrganisationId.eq(organisation_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .collect();
    let subject = Subject::Organisation(organisation_id);
    conclude(
        &txn, state, now, actor, subject, before, decision, &note, &members,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Approves, rejects or suspends a volunteer, with a note. Suspension ends their
/// sessions; suspension or rejection withdraws their open proposals and flags
/// their active engagements (as `conclude` says).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Validation`].
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn vet_volunteer(
    state: &Deps,
    actor: &Actor,
    account_id: i64,
    decision: Decision,
    note: &str,
) -> Result<(), ServiceError> {
    let note = optional_text(note, 2000, true).map_err(|m| ServiceError::field("note", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let profile = volunteer::Entity::find_by_id(account_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = profile.status;
    if decision.changes_nothing(before, &profile.vetting_note, &note) {
        // Nothing changes: nothing to write or to audit.
        return Ok(());
    }
    if decision.status() == VettingStatus::Approved
        && !super::verification::is_verified(&txn, account_id).await?
    {
        return Err(ServiceError::field("decision", Message::AddressNotVerified));
    }
    let mut active: volunteer::ActiveModel = profile.into();
    active.status = Set(decision.status());
    active.vetting_note = Set(note.clone());
    active.updated_at = Set(now);
    if let Some(at) = decision.approved_at(now) {
        active.approved_at = Set(Some(at));
    }
    active.update(&txn).await?;
    let subject = Subject::Volunteer(account_id);
    conclude(
        &txn,
        state,
        now,
        actor,
        subject,
        before,
        decision,
        &note,
        &[account_id],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Finishes a decision inside `txn`, after the caller stored the new status: a
/// suspension ends the sessions of `people`; a suspension or a rejection takes
/// away what approval gave — the subject's open proposals are withdrawn (their
/// capacity given back) and its active engagements flagged to coordinators for
/// reassignment, the other side told of both; the decision is audited on the
/// subject, with what it withdrew and flagged.
///
/// # Errors
/// Database errors; [`ServiceError::Conflict`] if an engagement changed meanwhile.
#[expect(clippy::too_many_arguments, reason = "the facts of one audited decision")]
#[tracing::instrument(skip_all, fields(subject = ?subject, decision = ?decision))]
async fn conclude(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    actor: &Actor,
    subject: Subject,
    before: VettingStatus,
    decision: Decision,
    note: &str,
    people: &[i64],
) -> Result<(), ServiceError> {
    let mut ended = 0;
    if decision == Decision::Suspend {
        for &account in people {
            ended += session_store::end_sessions_of(txn, account, None).await?;
        }
    }
    let withdrawal = if decision.status() == VettingStatus::Approved {
        Withdrawal::default()
    } else {
        engagements::withdraw_for(txn, state, now, actor, subject).await?
    };
    let object = match subject {
        Subject::Organisation(id) => (AuditObject::Organisation, id),
        Subject::Volunteer(id) => (AuditObject::Volunteer, id),
    };
    if decision.status() != before {
        tell_decision(txn, state, now, subject, decision, people).await?;
    }
    audit::record(
        txn,
        now,
        actor,
        Action::VettingDecided,
        Some(object),
        json!({
            "from": VettingCode::from(before).code(),
            "to": VettingCode::from(decision.status()).code(),
            "note": note,
            "sessions_ended": ended,
            "proposals_withdrawn": withdrawal.withdrawn,
            "engagements_flagged": withdrawal.flagged,
        }),
    )
    .await
}

/// Tells `people` (the volunteer, or the organisation's members) of a decision
/// that changed their standing, in the app and by mail.
async fn tell_decision(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    subject: Subject,
    decision: Decision,
    people: &[i64],
) -> Result<(), ServiceError> {
    let name = match subject {
        Subject::Organisation(id) => organisation::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|o| o.name),
        Subject::Volunteer(id) => account::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|a| format!("{} (volunteer profile)", a.display_name)),
    }
    .unwrap_or_default();
    let kind = match decision {
        Decision::Approve => NotificationKind::VettingApproved,
        Decision::Reject => NotificationKind::VettingRejected,
        Decision::Suspend => NotificationKind::VettingSuspended,
    };
    notifications::notify(
        txn,
        state,
        now,
        people.iter().copied(),
        None,
        notifications::About {
            kind,
            engagement_id: None,
            need_id: None,
            subject: &name,
        },
    )
    .await
}
