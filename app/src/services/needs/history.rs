//! A need's history, as its organisation and coordinators read it: when it was
//! submitted and opened, then what became of each proposal — with, for each
//! acceptance, how long after opening it came.

use crate::domain::views::{NeedEvent, NeedEventKind};
use crate::model::utc;
use crate::services::ServiceError;
use entity::{account, engagement, engagement::ProposerKind, engagement::Status, need};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Seconds from `need` opening to the first acceptance of one of its proposals
/// (an offer is not an acceptance), once there is one.
pub(super) fn first_acceptance(need: &need::Model, engagements: &[engagement::Model]) -> Option<i64> {
    let opened = need.opened_at?;
    engagements
        .iter()
        .filter(|e| e.proposer_kind != ProposerKind::Volunteer)
        .filter_map(|e| e.accepted_at)
        .min()
        .map(|at| (at - opened).whole_seconds())
}

/// The engagements of `need`, oldest first.
pub(super) async fn engagements_of<C: ConnectionTrait>(
    db: &C,
    need: &need::Model,
) -> Result<Vec<engagement::Model>, ServiceError> {
    Ok(engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(need.id))
        .order_by_asc(engagement::Column::Id)
        .all(db)
        .await?)
}

/// The display names of accounts `ids` (none read when there are none).
///
/// # Errors
/// Database errors.
pub async fn display_names<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(account::Entity::find()
        .select_only()
        .columns([account::Column::Id, account::Column::DisplayName])
        .filter(account::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The history of `need` with its `engagements`, oldest first.
pub(super) async fn history<C: ConnectionTrait>(
    db: &C,
    need: &need::Model,
    engagements: &[engagement::Model],
) -> Result<Vec<NeedEvent>, ServiceError> {
    let ids: Vec<i64> = engagements.iter().map(|e| e.volunteer_id).collect();
    let names = display_names(db, ids).await?;
    // When the first proposal was accepted: fast-path proposals called off then
    // were withdrawn because another volunteer accepted first.
    let first_accepted = engagements
        .iter()
        .filter(|e| e.proposer_kind != ProposerKind::Volunteer)
        .filter_map(|e| e.accepted_at)
        .min();
    let mut events: Vec<(OffsetDateTime, NeedEvent)> = Vec::new();
    let mut push = |at: OffsetDateTime, kind, volunteer: &str, after_opening_secs| {
        events.push((
            at,
            NeedEvent {
                at: utc(at),
                kind,
                volunteer: volunteer.to_owned(),
                after_opening_secs,
            },
        ));
    };
    if let Some(at) = need.submitted_at {
        push(at, NeedEventKind::Submitted, "", None);
    }
    if let Some(at) = need.opened_at {
        push(at, NeedEventKind::Opened, "", None);
    }
    for e in engagements {
        let name = names.get(&e.volunteer_id).map_or("", String::as_str);
        let offer = e.proposer_kind == ProposerKind::Volunteer;
        let made = match (offer, e.fast_path) {
            (true, _) => NeedEventKind::Offered,
            (false, true) => NeedEventKind::ProposedAtOnce,
            (false, false) => NeedEventKind::Proposed,
        };
        push(e.created_at, made, name, None);
        if let Some(at) = e.accepted_at.filter(|_| !offer) {
            let after = need.opened_at.map(|opened| (at - opened).whole_seconds());
            push(at, NeedEventKind::Accepted, name, after);
        }
        if let Some(at) = e.confirmed_at {
            push(at, NeedEventKind::Confirmed, name, None);
        }
        let ended = match e.status {
            Status::Declined => Some(NeedEventKind::Declined),
            Status::Expired => Some(NeedEventKind::Expired),
            Status::Completed => Some(NeedEventKind::Completed),
            Status::Cancelled
                if e.fast_path
                    && e.accepted_at.is_none()
                    && first_accepted.is_some_and(|first| e.finished_at.is_some_and(|at| at >= first)) =>
            {
                Some(NeedEventKind::Withdrawn)
            }
            Status::Cancelled => Some(NeedEventKind::Cancelled),
            Status::Proposed | Status::Accepted | Status::Active => None,
        };
        if let (Some(kind), Some(at)) = (ended, e.finished_at) {
            push(at, kind, name, None);
        }
    }
    // Stable: what happened at one instant keeps the order it is listed in, but
    // the proposals an acceptance or a confirmation ended come after it.
    events.sort_by_key(|(at, e)| {
        (
            *at,
            matches!(e.kind, NeedEventKind::Withdrawn | NeedEventKind::Cancelled),
        )
    });
    Ok(events.into_iter().map(|(_, event)| event).collect())
}
