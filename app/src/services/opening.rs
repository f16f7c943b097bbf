//! Opening a need: a coordinator's triage, and with it the critical needs' fast
//! path.
//!
//! When triage opens a critical need and the `critical_fast_path` setting is k >
//! 0, the matcher proposes it to its best k available volunteers in the same
//! transaction: the need is never open without them, and a crash loses neither.
//! The volunteer pool is the matcher's cached one, read before the transaction
//! (on SQLite the write transaction holds the only write lock, and a pool
//! refresh reads through a connection of its own); the need's own profile and
//! each candidate's room are read in the transaction.

use crate::domain::need::NeedAction;
use crate::infra::db::begin_write;
use crate::services::{ServiceError, audit::Actor, deps::Deps, matching, needs};
use crate::validate::Message;
use entity::{need, need::Status, need::Urgency};
use sea_orm::EntityTrait as _;

/// A coordinator opens a submitted need for matching, or sends it back to the
/// organisation with a note. Opening a critical need proposes it at once to the
/// best `critical_fast_path` volunteers (see the module).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Conflict`], [`ServiceError::Validation`].
#[tracing::instrument(skip_all, fields(need_id = need_id))]
pub async fn triage(
    state: &Deps,
    actor: &Actor,
    need_id: i64,
    open: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let note = crate::domain::organisation::optional_text(note, 2000, true)
        .map_err(|m| ServiceError::field("note", m))?;
    if !open && note.is_empty() {
        return Err(ServiceError::field("note", Message::Required));
    }
    let k = state.config.critical_fast_path;
    let pool = if open
        && k > 0
        && need::Entity::find_by_id(need_id)
            .one(&state.db)
            .await?
            .is_some_and(|n| n.urgency == Urgency::Critical)
    {
        Some(matching::volunteers(state).await?)
    } else {
        None
    };
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = need::Entity::find_by_id(need_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let action = if open {
        NeedAction::Open
    } else {
        NeedAction::Return
    };
    let to = needs::transition(&txn, now, actor, &need, action, Some(&note)).await?;
    if to == Status::Open
        && need.urgency == Urgency::Critical
        && let Some(pool) = pool
    {
        let opened = need::Model {
            status: Status::Open,
            opened_at: Some(now),
            updated_at: now,
            triage_note: note.clone(),
            ..need
        };
        matching::propose_at_once(&txn, state, now, actor, &opened, &pool).await?;
    }
    txn.commit().await?;
    Ok(())
}
