//! Moving a need along its lifecycle: submit, withdraw (triage, which may also
//! propose, is [`crate::services::opening`]).

use crate::domain::codes::AuditObject;
use crate::domain::need::NeedStatus;
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::session::CurrentUser;
use crate::{
    domain::need::{self as rules, NeedAction},
    services::deps::Deps,
    validate::Message,
};
use entity::{need, need::Status, need_category, organisation};
use sea_orm::{ColumnTrait as _, DatabaseTransaction, EntityTrait as _, QueryFilter as _, sea_query::Expr};
use serde_json::json;

use super::edit::*;

/// Moves a need along its lifecycle inside `txn`: checks the rule, updates the
/// status only if it is still `need.status` (so two racing transitions cannot
/// both pass), and audits it.
///
/// # Errors
/// [`ServiceError::Conflict`] for an illegal or stale transition.
#[tracing::instrument(skip_all)]
pub async fn transition(
    txn: &DatabaseTransaction,
    now: time::OffsetDateTime,
    actor: &Actor,
    need: &need::Model,
    action: NeedAction,
    note: Option<&str>,
) -> Result<Status, ServiceError> {
    let to = rules::transition(need.status.into(), action)
        .map(Status::from)
        .ok_or(ServiceError::Conflict(
            "this change is not allowed for the need's status",
        ))?;
    let mut update = need::Entity::update_many()
        .col_expr(need::Column::Status, Expr::value(NeedStatus::from(to).code()))
        .col_expr(need::Column::UpdatedAt, Expr::value(now))
        .filter(need::Column::Id.eq(need.id))
        .filter(need::Column::Status.eq(need.status));
    match to {
        Status::Submitted => update = update.col_expr(need::Column::SubmittedAt, Expr::value(now)),
        Status::Open if need.status == Status::Submitted => {
            update = update.col_expr(need::Column::OpenedAt, Expr::value(now));
        }
        Status::Resolved | Status::Closed | Status::Cancelled => {
            update = update.col_expr(need::Column::ClosedAt, Expr::value(now));
        }
        _ => {}
    }
    if let Some(note) = note {
        update = update.col_expr(need::Column::TriageNote, Expr::value(note));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(ServiceError::Conflict("the need changed meanwhile"));
    }
    audit::record(
        txn,
        now,
        actor,
        Action::NeedTransition,
        Some((AuditObject::Need, need.id)),
        json!({ "from": NeedStatus::from(need.status).code(), "to": NeedStatus::from(to).code(), "action": format!("{action:?}") }),
    )
    .await?;
    Ok(to)
}

/// Sends a draft for triage: the organisation must be approved, and needs in
/// categories that involve scanning or testing must carry a written authorisation.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Forbidden`] (organisation
/// suspended or rejected), [`ServiceError::Validation`] (organisation still
/// pending, authorisation missing), [`ServiceError::Conflict`].
#[tracing::instrument(skip_all, fields(user = user.id, need_id = need_id))]
pub async fn submit(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = own_need(&txn, user, need_id).await?;
    let org = organisation::Entity::find_by_id(need.organisation_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !crate::services::standing::organisation_allows(org.status, crate::services::standing::Right::Act) {
        return Err(ServiceError::field("submit", Message::OrganisationNotApproved));
    }
    let category = need_category::Entity::find_by_id(need.category_id)
        .one(&txn)
        .await?;
    let authorised = !need.authorisation_name.is_empty()
        && !need.authorisation_role.is_empty()
        && !need.authorisation_scope.is_empty()
        && need.authorisation_date.is_some();
    if category.is_some_and(|c| c.requires_authorisation) && !authorised {
        return Err(ServiceError::field(
            "authorisation",
            Message::AuthorisationRequired,
        ));
    }
    transition(&txn, now, actor, &need, NeedAction::Submit, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Withdraws a need (draft, submitted or open).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Forbidden`] (organisation
/// suspended or rejected), [`ServiceError::Conflict`].
#[tracing::instrument(skip_all, fields(user = user.id, need_id = need_id))]
pub async fn withdraw(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = own_need(&txn, user, need_id).await?;
    transition(&txn, now, actor, &need, NeedAction::Withdraw, None).await?;
    crate::services::engagements::lifecycle::call_off(&txn, state, now, actor, &need, None).await?;
    txn.commit().await?;
    Ok(())
}
