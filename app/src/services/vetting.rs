//! A coordinator's vetting decision, the same for organisations and volunteers:
//! what it changes, the sessions a suspension ends, and its audit entry.

use crate::{
    domain::codes::{AuditObject, VettingStatus as VettingCode},
    infra::{error::ServiceError, session_store},
    services::audit::{self, Action, Actor},
};
use entity::vetting::VettingStatus;
use sea_orm::DatabaseTransaction;
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

/// Finishes a decision inside `txn`, after the caller stored the new status: a
/// suspension ends the sessions of `people`; the decision is audited on `object`.
///
/// # Errors
/// Database errors.
#[expect(clippy::too_many_arguments, reason = "the facts of one audited decision")]
#[tracing::instrument(skip_all)]
pub async fn conclude(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    object: (AuditObject, i64),
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
        }),
    )
    .await
}
