//! Answers to a proposal: accepting, declining, and the organisation's
//! confirmation.

use crate::domain::codes::NotificationKind;
use crate::infra::db::begin_write;
use crate::services::{ServiceError, audit::Actor, needs};
use crate::session::CurrentUser;
use crate::{
    domain::{
        engagement::{EngagementAction, ORGANISATION_DECLINE_REASONS, Party, VOLUNTEER_DECLINE_REASONS},
        need::NeedAction,
        organisation::optional_text,
    },
    services::deps::Deps,
    validate::Message,
};
use entity::engagement::Status;

use super::lifecycle::*;

/// The volunteer accepts a proposal: their capacity is taken atomically.
///
/// The first acceptance on a need whose critical fast path proposed it to
/// several volunteers takes it: the other fast-path proposals still waiting are
/// withdrawn with a notice. Acceptances of one need are serialised on the need's
/// row (see [`hold_open`]), so of several at once exactly one wins and the
/// others fail with a conflict, on PostgreSQL as on SQLite.
///
/// # Errors
/// [`ServiceError::Validation`] (no capacity), [`ServiceError::Conflict`] (the
/// need is no longer open, another volunteer accepted first),
/// [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn accept(state: &Deps, actor: &Actor, user: &CurrentUser, id: i64) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (e, n) = load(&txn, id).await?;
    let party = side(&txn, user, &e, &n).await?;
    hold_open(&txn, &n).await?;
    // Read again now that the need is held: a concurrent acceptance that held it
    // first may have withdrawn this proposal meanwhile.
    let (e, n) = load(&txn, id).await?;
    if e.fast_path && e.status != Status::Proposed {
        return Err(ServiceError::Conflict(
            "another volunteer accepted this critical need first",
        ));
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
            after_opening: n.opened_at.map(|opened| (now - opened).whole_seconds()),
            ..Changes::default()
        },
    )
    .await?;
    withdraw_rivals(&txn, state, now, actor, &n, e.id).await?;
    announce(
        &txn,
        state,
        now,
        &e,
        &n,
        NotificationKind::Accepted,
        Some(user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One side declines, with a reason from the short list and a note. An
/// organisation's reason is kept for the matcher and coordinators, never shown
/// to the volunteer.
///
/// # Errors
/// [`ServiceError::Validation`] (unknown reason), [`ServiceError::Conflict`], [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn decline(
    state: &Deps,
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
    announce(
        &txn,
        state,
        now,
        &e,
        &n,
        NotificationKind::Declined,
        Some(user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The organisation confirms an accepted proposal: the engagement becomes
/// active, the need is matched, other live proposals for it are called off, and
/// the volunteer may now read the confidential details.
///
/// # Errors
/// [`ServiceError::Conflict`], [`ServiceError::NotFound`], [`ServiceError::Forbidden`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn confirm(state: &Deps, actor: &Actor, user: &CurrentUser, id: i64) -> Result<(), ServiceError> {
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
    call_off(&txn, state, now, actor, &n, Some(e.id)).await?;
    announce(
        &txn,
        state,
        now,
        &e,
        &n,
        NotificationKind::Confirmed,
        Some(user.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
