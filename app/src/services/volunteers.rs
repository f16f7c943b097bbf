//! Volunteer profiles: saving them and the code of conduct (vetting is in
//! `vetting`).

use super::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::domain::codes::AuditObject;
use crate::infra::db::begin_write;
use crate::session::CurrentUser;
use crate::{
    domain::{
        languages,
        views::{Page, VolunteerView},
        volunteer::{CODE_OF_CONDUCT_VERSION, ProfileInput},
    },
    model::utc,
    services::deps::Deps,
    validate::{FieldError, Message},
};
use entity::{
    account::{self, Role},
    country, ecsf_role, skill,
    vetting::VettingStatus,
    volunteer, volunteer_skill,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use serde_json::json;
use std::collections::HashMap;

/// Volunteers per page in the coordinators' list.
pub const PAGE_SIZE: u64 = 50;

/// A volunteer's profile as shown to them and to coordinators.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn view<C: ConnectionTrait>(
    db: &C,
    profile: volunteer::Model,
) -> Result<VolunteerView, ServiceError> {
    let account = account::Entity::find_by_id(profile.account_id).one(db).await?;
    let role = match profile.ecsf_role_id {
        Some(id) => ecsf_role::Entity::find_by_id(id).one(db).await?.map(|r| r.name),
        None => None,
    };
    let skills = volunteer_skill::Entity::find()
        .filter(volunteer_skill::Column::AccountId.eq(profile.account_id))
        .all(db)
        .await?;
    let names = crate::services::catalogue::skill_names(db, skills.iter().map(|s| s.skill_id)).await?;
    Ok(VolunteerView {
        account_id: profile.account_id,
        display_name: account
            .as_ref()
            .map(|a| a.display_name.clone())
            .unwrap_or_default(),
        email_verified: account.as_ref().is_some_and(|a| a.email_verified_at.is_some()),
        email: account.map(|a| a.email).unwrap_or_default(),
        role_id: profile.ecsf_role_id,
        role: role.unwrap_or_default(),
        country: profile.country_iso2,
        utc_offset_minutes: profile.utc_offset_minutes,
        hours_per_week: profile.hours_per_week,
        max_concurrent: profile.max_concurrent,
        onsite_scope: profile.onsite_scope,
        languages: languages::split(&profile.languages),
        skills: skills
            .iter()
            .map(|s| {
                (
                    s.skill_id,
                    names.get(&s.skill_id).cloned().unwrap_or_default(),
                    u8::try_from(s.level).unwrap_or(1),
                )
            })
            .collect(),
        certifications: profile.certifications,
        employer: profile.employer,
        bio: profile.bio,
        status: profile.status.into(),
        vetting_note: profile.vetting_note,
        code_of_conduct_current: profile.coc_version >= CODE_OF_CONDUCT_VERSION,
        created: utc(profile.created_at),
    })
}

/// The user's own profile, if they made one.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a volunteer.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn own(state: &Deps, user: &CurrentUser) -> Result<Option<VolunteerView>, ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    match volunteer::Entity::find_by_id(user.id).one(&state.db).await? {
        Some(profile) => Ok(Some(view(&state.db, profile).await?)),
        None => Ok(None),
    }
}

/// Creates or updates the user's profile. A new profile waits for vetting. The
/// code of conduct must be accepted when it has not been (or its version rose).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a volunteer; [`ServiceError::Validation`].
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn save(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    input: &ProfileInput,
) -> Result<(), ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    // Locked on PostgreSQL (SQLite's write transaction already is): an
    // engagement accepted meanwhile cannot slip under the new limits.
    let existing = volunteer::Entity::find_by_id(user.id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let coc_needed = existing
        .as_ref()
        .is_none_or(|p| p.coc_version < CODE_OF_CONDUCT_VERSION);
    let valid = input.validate(coc_needed).map_err(ServiceError::Validation)?;

    let mut errors = Vec::new();
    if let Some(current) = &existing {
        if valid.max_concurrent < current.active_engagements {
            errors.push(FieldError::new("max_concurrent", Message::BelowCommitted));
        }
        if valid.hours_per_week < current.committed_hours {
            errors.push(FieldError::new("hours_per_week", Message::BelowCommitted));
        }
    }
    if country::Entity::find_by_id(valid.country.clone())
        .one(&txn)
        .await?
        .is_none()
    {
        errors.push(FieldError::new("country", Message::InvalidChoice));
    }
    if let Some(role) = valid.role_id
        && ecsf_role::Entity::find_by_id(role).one(&txn).await?.is_none()
    {
        errors.push(FieldError::new("role", Message::InvalidChoice));
    }
    let ids: Vec<i64> = valid.skills.iter().map(|(id, _)| *id).collect();
    let known: HashMap<i64, bool> = skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids.clone()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.retired_at.is_none()))
        .collect();
    let held: Vec<i64> = volunteer_skill::Entity::find()
        .filter(volunteer_skill::Column::AccountId.eq(user.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| s.skill_id)
        .collect();
    if !ids
        .iter()
        .all(|id| known.get(id).is_some_and(|active| *active || held.contains(id)))
    {
        errors.push(FieldError::new("skills", Message::InvalidChoice));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }

    let created = existing.is_none();
    let mut active = match existing {
        Some(profile) => profile.into(),
        None => volunteer::ActiveModel {
            account_id: Set(user.id),
            status: Set(VettingStatus::Pending),
            vetting_note: Set(String::new()),
            coc_version: Set(0),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.ecsf_role_id = Set(valid.role_id);
    active.country_iso2 = Set(valid.country);
    active.utc_offset_minutes = Set(valid.utc_offset_minutes);
    active.hours_per_week = Set(valid.hours_per_week);
    active.max_concurrent = Set(valid.max_concurrent);
    active.onsite_scope = Set(valid.onsite_scope);
    active.languages = Set(valid.languages.join(","));
    active.certifications = Set(valid.certifications);
    active.employer = Set(valid.employer);
    active.bio = Set(valid.bio);
    active.updated_at = Set(now);
    if valid.accepts_code_of_conduct {
        active.coc_version = Set(CODE_OF_CONDUCT_VERSION);
        active.coc_accepted_at = Set(Some(now));
    }
    if created {
        active.insert(&txn).await?;
    } else {
        active.update(&txn).await?;
    }
    volunteer_skill::Entity::delete_many()
        .filter(volunteer_skill::Column::AccountId.eq(user.id))
        .exec(&txn)
        .await?;
    for (skill_id, level) in valid.skills {
        volunteer_skill::ActiveModel {
            account_id: Set(user.id),
            skill_id: Set(skill_id),
            level: Set(i16::from(level)),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::VolunteerProfileSaved,
        Some((AuditObject::Volunteer, user.id)),
        json!({ "created": created }),
    )
    .await?;
    if valid.accepts_code_of_conduct {
        audit::record(
            &txn,
            now,
            actor,
            Action::CodeOfConductAccepted,
            Some((AuditObject::Volunteer, user.id)),
            json!({ "version": CODE_OF_CONDUCT_VERSION }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Volunteers for the coordinators' queue.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    status: Option<crate::domain::codes::VettingStatus>,
    page: u64,
) -> Result<Page<VolunteerView>, ServiceError> {
    let mut select = volunteer::Entity::find();
    if let Some(status) = status {
        select = select.filter(volunteer::Column::Status.eq(VettingStatus::from(status)));
    }
    let total = select.clone().count(db).await?;
    let page = crate::infra::db::existing_page(page, total, PAGE_SIZE);
    let rows = select
        .order_by_asc(volunteer::Column::CreatedAt)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        views.push(view(db, row).await?);
    }
    Ok(Page {
        rows: views,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// One volunteer (coordinators).
///
/// # Errors
/// [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn one<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<VolunteerView, ServiceError> {
    let profile = volunteer::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    view(db, profile).await
}

/// Finds the volunteer a coordinator means: an account id or an email address.
///
/// # Errors
/// [`ServiceError::Validation`] (`volunteer`) when there is no such volunteer.
#[tracing::instrument(skip_all)]
pub async fn by_reference<C: ConnectionTrait>(db: &C, raw: &str) -> Result<i64, ServiceError> {
    let raw = raw.trim();
    let unknown = || ServiceError::field("volunteer", Message::InvalidChoice);
    let found = if let Ok(id) = raw.parse::<i64>() {
        account::Entity::find_by_id(id).one(db).await?
    } else {
        let email = crate::validate::email(raw).map_err(|m| ServiceError::field("volunteer", m))?;
        account::Entity::find()
            .filter(account::Column::Email.eq(email))
            .one(db)
            .await?
    };
    found
        .filter(|a| a.role == Role::Volunteer)
        .map(|a| a.id)
        .ok_or_else(unknown)
}
