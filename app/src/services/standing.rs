//! Standing: whether a volunteer or an organisation still holds the rights that
//! approval gave them. It is checked here, in one place, by every action that
//! approval allows, so that suspending (or rejecting) someone takes those rights
//! away at once, not only at the gates they passed before.
//!
//! - A volunteer acts (answers, messages, logs hours, offers, reads confidential
//!   details) only while approved.
//! - An organisation acts on engagements and submits needs only while approved;
//!   before its vetting (pending) it may already prepare — draft needs, invite
//!   colleagues — and it loses that too once suspended or rejected.
//!
//! Coordinators and the scheduled job always stand. A refusal is
//! [`ServiceError::Forbidden`] (a 403), with the reason logged.

use crate::domain::engagement::Party;
use crate::infra::error::ServiceError;
use entity::{organisation, organisation_member, vetting::VettingStatus, volunteer};
use sea_orm::{ConnectionTrait, EntityTrait as _};

/// What an organisation wants to do, as far as its vetting matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Prepare before approval: draft and edit needs, invite colleagues. Pending
    /// and approved organisations may; suspended and rejected ones may not.
    Prepare,
    /// Everything approval gives: engagements, submitting needs. Approved only.
    Act,
}

/// Whose standing changed: a volunteer (account id) or an organisation (id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A volunteer, by account id.
    Volunteer(i64),
    /// An organisation, by id.
    Organisation(i64),
}

/// Whether an organisation with `status` holds `right`.
#[must_use]
pub fn organisation_allows(status: VettingStatus, right: Right) -> bool {
    match right {
        Right::Prepare => matches!(status, VettingStatus::Pending | VettingStatus::Approved),
        Right::Act => status == VettingStatus::Approved,
    }
}

/// Whether a volunteer with `status` may act (approved only).
#[must_use]
pub fn volunteer_allows(status: VettingStatus) -> bool {
    status == VettingStatus::Approved
}

/// Fails unless the volunteer `account_id` is approved.
///
/// # Errors
/// [`ServiceError::Forbidden`] when not approved (or without a profile);
/// database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn volunteer<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<(), ServiceError> {
    let status = volunteer::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .map(|v| v.status);
    if status.is_some_and(volunteer_allows) {
        Ok(())
    } else {
        tracing::info!(?status, "refused: the volunteer is not approved");
        Err(ServiceError::Forbidden)
    }
}

/// Fails unless the organisation `organisation_id` holds `right`.
///
/// # Errors
/// [`ServiceError::Forbidden`] when it does not (or does not exist); database errors.
#[tracing::instrument(skip_all, fields(organisation_id = organisation_id, right = ?right))]
pub async fn organisation<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
    right: Right,
) -> Result<(), ServiceError> {
    let status = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .map(|o| o.status);
    if status.is_some_and(|s| organisation_allows(s, right)) {
        Ok(())
    } else {
        tracing::info!(?status, "refused: the organisation's vetting does not allow this");
        Err(ServiceError::Forbidden)
    }
}

/// Fails unless the organisation of member `account_id` holds `right`.
///
/// # Errors
/// [`ServiceError::Forbidden`] without a membership or without the right;
/// database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id, right = ?right))]
pub async fn member<C: ConnectionTrait>(db: &C, account_id: i64, right: Right) -> Result<(), ServiceError> {
    let m = organisation_member::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(ServiceError::Forbidden)?;
    organisation(db, m.organisation_id, right).await
}

/// Fails unless `party` may act on an engagement of volunteer `volunteer_id` on
/// a need of organisation `organisation_id`: the volunteer approved, the
/// organisation approved; coordinators and the scheduled job always may.
///
/// # Errors
/// [`ServiceError::Forbidden`]; database errors.
#[tracing::instrument(skip_all, fields(party = ?party))]
pub async fn party<C: ConnectionTrait>(
    db: &C,
    party: Party,
    volunteer_id: i64,
    organisation_id: i64,
) -> Result<(), ServiceError> {
    match party {
        Party::Volunteer => volunteer(db, volunteer_id).await,
        Party::Organisation => organisation(db, organisation_id, Right::Act).await,
        Party::Coordinator | Party::System => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_organisations_prepare_only_approved_ones_act() {
        use VettingStatus as S;
        for (status, prepare, act) in [
            (S::Pending, true, false),
            (S::Approved, true, true),
            (S::Suspended, false, false),
            (S::Rejected, false, false),
        ] {
            assert_eq!(organisation_allows(status, Right::Prepare), prepare, "{status:?}");
            assert_eq!(organisation_allows(status, Right::Act), act, "{status:?}");
            assert_eq!(volunteer_allows(status), act, "{status:?}");
        }
    }
}
