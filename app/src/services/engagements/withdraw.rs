//! What a side's engagements undergo when it loses its standing (a volunteer or
//! an organisation suspended or rejected): its open proposals are withdrawn and
//! its work under way is flagged to the coordinators for reassignment.

use crate::domain::codes::{AuditObject, NotificationKind};
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    deps::Deps,
    notifications::{self, About},
    standing::Subject,
};
use entity::{
    account::{self, Role},
    engagement,
    engagement::{ProposerKind, Status},
    need,
};
use sea_orm::{
    ColumnTrait as _, DatabaseTransaction, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};
use serde_json::json;
use time::OffsetDateTime;

use super::lifecycle::*;

/// What losing standing did to a subject's engagements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Withdrawal {
    /// Open proposals (proposed or accepted) cancelled, their capacity given back.
    pub withdrawn: u64,
    /// Active engagements flagged to the coordinators for reassignment.
    pub flagged: u64,
}

/// Inside the vetting decision's transaction, after `subject` lost its
/// standing: cancels its open proposals (giving back the capacity they held),
/// and flags its active engagements to every coordinator for reassignment (a
/// notification each, and an audit entry). The other side of each is told:
/// the proposal was withdrawn, or the work is on hold until a coordinator acts.
///
/// # Errors
/// Database errors; [`ServiceError::Conflict`] if an engagement changed meanwhile.
#[tracing::instrument(skip_all, fields(subject = ?subject))]
pub async fn withdraw_for(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    actor: &Actor,
    subject: Subject,
) -> Result<Withdrawal, ServiceError> {
    let live = engagement::Entity::find()
        .filter(engagement::Column::Status.is_in([Status::Proposed, Status::Accepted, Status::Active]))
        .order_by_asc(engagement::Column::Id);
    let live = match subject {
        Subject::Volunteer(id) => live.filter(engagement::Column::VolunteerId.eq(id)),
        Subject::Organisation(id) => {
            let needs: Vec<i64> = need::Entity::find()
                .select_only()
                .column(need::Column::Id)
                .filter(need::Column::OrganisationId.eq(id))
                .into_tuple()
                .all(txn)
                .await?;
            live.filter(engagement::Column::NeedId.is_in(needs))
        }
    };
    let live = live.all(txn).await?;
    if live.is_empty() {
        return Ok(Withdrawal::default());
    }
    let coordinators: Vec<i64> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Role.eq(Role::Coordinator))
        .filter(account::Column::Status.eq(account::Status::Active))
        .into_tuple()
        .all(txn)
        .await?;
    let side = match subject {
        Subject::Volunteer(_) => "volunteer",
        Subject::Organisation(_) => "organisation",
    };
    let mut done = Withdrawal::default();
    for e in live {
        let n = need::Entity::find_by_id(e.need_id)
            .one(txn)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let about = |kind| About {
            kind,
            engagement_id: Some(e.id),
            need_id: Some(n.id),
            subject: &n.title,
        };
        let mut others = other_side(txn, &e, &n, subject).await?;
        if e.status == Status::Active {
            audit::record(
                txn,
                now,
                actor,
                Action::EngagementFlagged,
                Some((AuditObject::Engagement, e.id)),
                json!({ "side": side }),
            )
            .await?;
            notifications::notify(
                txn,
                state,
                now,
                coordinators.iter().copied(),
                None,
                about(NotificationKind::NeedsReassignment),
            )
            .await?;
            // Coordinators were told above, in their own words.
            others.retain(|p| !coordinators.contains(p));
            notifications::notify(txn, state, now, others, None, about(NotificationKind::OnHold)).await?;
            done.flagged += 1;
        } else {
            cancel_for_the_programme(txn, now, actor, &e).await?;
            notifications::notify(txn, state, now, others, None, about(NotificationKind::Withdrawn)).await?;
            done.withdrawn += 1;
        }
    }
    Ok(done)
}

/// The people on the side of an engagement that kept its standing (and the
/// coordinator who proposed it).
async fn other_side(
    txn: &DatabaseTransaction,
    e: &engagement::Model,
    n: &need::Model,
    subject: Subject,
) -> Result<Vec<i64>, ServiceError> {
    Ok(match subject {
        Subject::Volunteer(id) => {
            let mut people = participants(txn, e, n.organisation_id).await?;
            people.retain(|p| *p != id);
            people
        }
        Subject::Organisation(_) => {
            let mut people = vec![e.volunteer_id];
            if e.proposer_kind == ProposerKind::Coordinator
                && let Some(p) = e.proposed_by
            {
                people.push(p);
            }
            people
        }
    })
}
