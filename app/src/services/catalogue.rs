//! Reference data: countries, need categories, ECSF roles and skills; the
//! coordinators' maintenance of the skill and category catalogues.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::domain::codes::AuditObject;
use crate::infra::db::begin_write;
use crate::{
    domain::{
        organisation::text,
        reference::{Catalogue, CategoryOption, CountryOption, RoleOption, SkillOption},
    },
    services::deps::Deps,
    validate::Message,
};
use entity::{country, ecsf_role, need_category, skill};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _,
};
use serde_json::json;
use std::collections::HashMap;

/// Everything the forms choose from (retired entries flagged).
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Catalogue, ServiceError> {
    let countries = country::Entity::find()
        .order_by_asc(country::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CountryOption {
            iso2: c.iso2,
            name: c.name,
        })
        .collect();
    let categories = need_category::Entity::find()
        .order_by_asc(need_category::Column::SortOrder)
        .order_by_asc(need_category::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CategoryOption {
            id: c.id,
            code: c.code,
            name: c.name,
            requires_authorisation: c.requires_authorisation,
            retired: c.retired_at.is_some(),
        })
        .collect();
    let skills = skill::Entity::find()
        .order_by_asc(skill::Column::CategoryId)
        .order_by_asc(skill::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SkillOption {
            id: s.id,
            code: s.code,
            name: s.name,
            category_id: s.category_id,
            retired: s.retired_at.is_some(),
        })
        .collect();
    let roles = ecsf_role::Entity::find()
        .order_by_asc(ecsf_role::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| RoleOption {
            id: r.id,
            name: r.name,
        })
        .collect();
    Ok(Catalogue {
        countries,
        categories,
        skills,
        roles,
    })
}

/// A code from a name: lower-case ASCII letters, digits and underscores.
fn code_from(name: &str) -> String {
    let mut code = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_lowercase());
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
    }
    code.trim_end_matches('_').chars().take(36).collect()
}

/// What a coordinator changes in a catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A skill.
    Skill,
    /// A need category.
    Category,
}

impl Kind {
    fn object(self) -> AuditObject {
        match self {
            Self::Skill => AuditObject::Skill,
            Self::Category => AuditObject::NeedCategory,
        }
    }
}

/// Adds a skill (in `category_id`) or a category.
///
/// # Errors
/// [`ServiceError::Validation`] for a bad name or category; database errors.
#[tracing::instrument(skip_all)]
pub async fn add(
    state: &Deps,
    actor: &Actor,
    kind: Kind,
    name: &str,
    category_id: Option<i64>,
) -> Result<i64, ServiceError> {
    let name = text(name, 100, false).map_err(|m| ServiceError::field("name", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let mut code = code_from(&name);
    if code.is_empty() {
        return Err(ServiceError::field("name", Message::NameInvalid));
    }
    // Codes are unique; add a suffix when taken.
    let base = code.clone();
    let mut n = 2;
    loop {
        let taken = match kind {
            Kind::Skill => skill::Entity::find()
                .filter(skill::Column::Code.eq(code.as_str()))
                .one(&txn)
                .await?
                .is_some(),
            Kind::Category => need_category::Entity::find()
                .filter(need_category::Column::Code.eq(code.as_str()))
                .one(&txn)
                .await?
                .is_some(),
        };
        if !taken {
            break;
        }
        code = format!("{base}_{n}");
        n += 1;
    }
    let id = match kind {
        Kind::Skill => {
            let category_id =
                category_id.ok_or_else(|| ServiceError::field("category", Message::Required))?;
            need_category::Entity::find_by_id(category_id)
                .one(&txn)
                .await?
                .ok_or_else(|| ServiceError::field("category", Message::InvalidChoice))?;
            skill::ActiveModel {
                code: Set(code),
                name: Set(name.clone()),
                category_id: Set(category_id),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
        Kind::Category => {
            need_category::ActiveModel {
                code: Set(code),
                name: Set(name.clone()),
                requires_authorisation: Set(false),
                sort_order: Set(1000),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit::record(
        &txn,
        now,
        actor,
        Action::CatalogueChanged,
        Some((kind.object(), id)),
        json!({ "added": name }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Renames a skill or a category (old records show the new name).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Validation`]; database errors.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn rename(
    state: &Deps,
    actor: &Actor,
    kind: Kind,
    id: i64,
    name: &str,
) -> Result<(), ServiceError> {
    let name = text(name, 100, false).map_err(|m| ServiceError::field("name", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let before = match kind {
        Kind::Skill => {
            let row = skill::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let before = row.name.clone();
            let mut active: skill::ActiveModel = row.into();
            active.name = Set(name.clone());
            active.update(&txn).await?;
            before
        }
        Kind::Category => {
            let row = need_category::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let before = row.name.clone();
            let mut active: need_category::ActiveModel = row.into();
            active.name = Set(name.clone());
            active.update(&txn).await?;
            before
        }
    };
    audit::record(
        &txn,
        now,
        actor,
        Action::CatalogueChanged,
        Some((kind.object(), id)),
        json!({ "renamed_from": before, "renamed_to": name }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Retires (or brings back) a skill or a category. Retired entries stay on old
/// records but are no longer offered.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn set_retired(
    state: &Deps,
    actor: &Actor,
    kind: Kind,
    id: i64,
    retired: bool,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let when = retired.then_some(now);
    let txn = begin_write(&state.db).await?;
    match kind {
        Kind::Skill => {
            let row = skill::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let mut active: skill::ActiveModel = row.into();
            active.retired_at = Set(when);
            active.update(&txn).await?;
        }
        Kind::Category => {
            let row = need_category::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let mut active: need_category::ActiveModel = row.into();
            active.retired_at = Set(when);
            active.update(&txn).await?;
        }
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::CatalogueChanged,
        Some((kind.object(), id)),
        json!({ "retired": retired }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The names of the skills `ids`, by id (unknown ids are absent).
///
/// # Errors
/// Database errors.
pub async fn skill_names<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_come_from_names() {
        assert_eq!(super::code_from("Cloud: AWS & Azure!"), "cloud_aws_azure");
        assert_eq!(super::code_from("DICOM / PACS"), "dicom_pacs");
    }
}
