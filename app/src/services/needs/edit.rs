//! Drafting and editing a need: the form, the catalogue checks, the skills.

use crate::domain::codes::{AuditObject, SkillWeight};
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    organisations::membership,
    standing::{self, Right},
};
use crate::session::CurrentUser;
use crate::{
    domain::{
        languages,
        need::{NeedInput, ValidNeed},
    },
    services::deps::Deps,
    validate::{FieldError, Message},
};
use entity::{need, need::Status, need_category, need_skill, skill};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseTransaction,
    EntityTrait as _, QueryFilter as _,
};
use serde_json::json;
use std::collections::HashSet;

use super::dates::*;

/// Checks category and skills against the catalogue (not retired, unless
/// already on this need).
pub(super) async fn check_catalogue<C: ConnectionTrait>(
    db: &C,
    valid: &ValidNeed,
    existing: Option<&need::Model>,
) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    let category = need_category::Entity::find_by_id(valid.category_id)
        .one(db)
        .await?;
    let kept = existing.is_some_and(|n| n.category_id == valid.category_id);
    if !category.is_some_and(|c| c.retired_at.is_none() || kept) {
        errors.push(FieldError::new("category", Message::InvalidChoice));
    }
    let ids: Vec<i64> = valid.skills.iter().map(|s| s.skill_id).collect();
    let found = skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let already: HashSet<i64> = match existing {
        Some(n) => need_skill::Entity::find()
            .filter(need_skill::Column::NeedId.eq(n.id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.skill_id)
            .collect(),
        None => HashSet::new(),
    };
    let ok = ids.iter().all(|id| {
        found
            .iter()
            .any(|s| s.id == *id && (s.retired_at.is_none() || already.contains(id)))
    });
    if !ok {
        errors.push(FieldError::new("skills", Message::InvalidChoice));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Validation(errors))
    }
}

pub(super) async fn write_skills(
    txn: &DatabaseTransaction,
    need_id: i64,
    valid: &ValidNeed,
) -> Result<(), ServiceError> {
    need_skill::Entity::delete_many()
        .filter(need_skill::Column::NeedId.eq(need_id))
        .exec(txn)
        .await?;
    for s in &valid.skills {
        need_skill::ActiveModel {
            need_id: Set(need_id),
            skill_id: Set(s.skill_id),
            min_level: Set(i16::from(s.min_level)),
            weight: Set(s.weight.into()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

pub(super) fn apply(active: &mut need::ActiveModel, valid: &ValidNeed) {
    active.title = Set(valid.title.clone());
    active.category_id = Set(valid.category_id);
    active.urgency = Set(valid.urgency.into());
    active.effort_hours = Set(valid.effort_hours);
    active.deadline = Set(valid.deadline.and_then(to_date));
    active.languages = Set(valid.languages.join(","));
    active.onsite = Set(valid.onsite);
    active.public_summary = Set(valid.public_summary.clone());
    active.confidential_details = Set(valid.confidential_details.clone());
    active.authorisation_name = Set(valid.authorisation.name.clone());
    active.authorisation_role = Set(valid.authorisation.role.clone());
    active.authorisation_scope = Set(valid.authorisation.scope.clone());
    active.authorisation_date = Set(valid.authorisation.date.and_then(to_date));
}

/// Drafts a need for the user's organisation (pending organisations may draft;
/// suspended and rejected ones may not).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a member of an organisation in standing;
/// [`ServiceError::Validation`].
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn create(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    input: &NeedInput,
) -> Result<i64, ServiceError> {
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let m = membership(&txn, user.id).await?.ok_or(ServiceError::Forbidden)?;
    standing::organisation(&txn, m.organisation_id, Right::Prepare).await?;
    check_catalogue(&txn, &valid, None).await?;
    let mut active = need::ActiveModel {
        organisation_id: Set(m.organisation_id),
        status: Set(Status::Draft),
        triage_note: Set(String::new()),
        created_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &valid);
    let need = active.insert(&txn).await?;
    write_skills(&txn, need.id, &valid).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::NeedSaved,
        Some((AuditObject::Need, need.id)),
        json!({ "created": true }),
    )
    .await?;
    txn.commit().await?;
    Ok(need.id)
}

/// The need, if the user is a member of its organisation and that organisation
/// may still work on its needs (pending or approved): every change a member
/// makes to a need goes through here.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a member of its organisation;
/// [`ServiceError::Forbidden`] when the organisation is suspended or rejected.
pub(super) async fn own_need<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    need_id: i64,
) -> Result<need::Model, ServiceError> {
    let need = need::Entity::find_by_id(need_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let m = membership(db, user.id).await?;
    if m.is_none_or(|m| m.organisation_id != need.organisation_id) {
        return Err(ServiceError::NotFound);
    }
    standing::organisation(db, need.organisation_id, Right::Prepare).await?;
    Ok(need)
}

/// Edits a draft.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a member of its organisation;
/// [`ServiceError::Conflict`] once submitted; [`ServiceError::Validation`].
#[tracing::instrument(skip_all, fields(user = user.id, need_id = need_id))]
pub async fn update(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
    input: &NeedInput,
) -> Result<(), ServiceError> {
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = own_need(&txn, user, need_id).await?;
    if need.status != Status::Draft {
        return Err(ServiceError::Conflict("only drafts can be edited"));
    }
    check_catalogue(&txn, &valid, Some(&need)).await?;
    let mut active: need::ActiveModel = need.into();
    apply(&mut active, &valid);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    write_skills(&txn, need_id, &valid).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::NeedSaved,
        Some((AuditObject::Need, need_id)),
        json!({ "created": false }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The need as its edit form needs it (members, drafts only).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Conflict`] once submitted.
#[tracing::instrument(skip_all, fields(user = user.id, need_id = need_id))]
pub async fn form(state: &Deps, user: &CurrentUser, need_id: i64) -> Result<NeedInput, ServiceError> {
    let need = own_need(&state.db, user, need_id).await?;
    if need.status != Status::Draft {
        return Err(ServiceError::Conflict("only drafts can be edited"));
    }
    let skills = need_skill::Entity::find()
        .filter(need_skill::Column::NeedId.eq(need.id))
        .all(&state.db)
        .await?;
    Ok(NeedInput {
        title: need.title,
        category: need.category_id.to_string(),
        urgency: crate::domain::codes::Urgency::from(need.urgency)
            .code()
            .to_owned(),
        effort_hours: need.effort_hours.to_string(),
        deadline: date_text(need.deadline),
        languages: languages::split(&need.languages)
            .into_iter()
            .map(|l| (l, "on".to_owned()))
            .collect(),
        mode: if need.onsite { "onsite" } else { "remote" }.to_owned(),
        public_summary: need.public_summary,
        confidential_details: need.confidential_details,
        skill_level: skills
            .iter()
            .map(|s| (s.skill_id.to_string(), s.min_level.to_string()))
            .collect(),
        skill_weight: skills
            .iter()
            .map(|s| {
                (
                    s.skill_id.to_string(),
                    SkillWeight::from(s.weight).code().to_owned(),
                )
            })
            .collect(),
        authorisation_name: need.authorisation_name,
        authorisation_role: need.authorisation_role,
        authorisation_scope: need.authorisation_scope,
        authorisation_date: date_text(need.authorisation_date),
    })
}
