//! One need, with exactly the visibility its viewer has.

use crate::domain::codes::AuditObject;
use crate::domain::engagement::EngagementStatus;
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
        need::{self as rules, NeedAction, NeedStatus},
        views::{ConfidentialPart, NeedDetail, NeedFollowing, SkillRequirement},
    },
    services::deps::Deps,
};
use entity::{
    account::Role, engagement, need, need::Status, need_category, need_skill, organisation,
    vetting::VettingStatus,
};
use sea_orm::{ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::json;

use super::{dates::*, history::*, list::*};

/// How much of a need a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Visibility {
    /// Everything (a coordinator; audited).
    Coordinator,
    /// Everything (a member of the organisation).
    Member,
    /// The public part only.
    Public,
}

/// One need, with what the viewer may see of it.
///
/// # Errors
/// [`ServiceError::NotFound`] when the viewer may not see it at all.
#[tracing::instrument(skip_all, fields(user = user.id, need_id = need_id))]
pub async fn detail(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
) -> Result<NeedDetail, ServiceError> {
    let db = &state.db;
    let need = need::Entity::find_by_id(need_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let org = organisation::Entity::find_by_id(need.organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let visibility = if user.role == Role::Coordinator {
        Visibility::Coordinator
    } else if membership(db, user.id)
        .await?
        .is_some_and(|m| m.organisation_id == need.organisation_id)
    {
        Visibility::Member
    } else if approved_volunteer(db, user).await?
        && ((need.status == Status::Open && org.status == VettingStatus::Approved)
            || own_engagement(db, user, need.id)
                .await?
                .is_some_and(|(_, live)| live))
    {
        // An approved volunteer sees the public part of an open need, or of one
        // they are engaged on; a finished engagement no longer shows it.
        Visibility::Public
    } else {
        return Err(ServiceError::NotFound);
    };
    let my_engagement = if user.role == Role::Volunteer {
        own_engagement(db, user, need.id).await?
    } else {
        None
    };
    let category = need_category::Entity::find_by_id(need.category_id)
        .one(db)
        .await?;
    let skills = need_skill::Entity::find()
        .filter(need_skill::Column::NeedId.eq(need.id))
        .all(db)
        .await?;
    let names = crate::services::catalogue::skill_names(db, skills.iter().map(|s| s.skill_id)).await?;
    if visibility == Visibility::Coordinator {
        let txn = begin_write(db).await?;
        audit::record(
            &txn,
            state.clock.now(),
            actor,
            Action::ConfidentialRead,
            Some((AuditObject::Need, need.id)),
            json!({}),
        )
        .await?;
        txn.commit().await?;
    }
    // The confidential part, the triage note, the history and the time to a
    // first acceptance, for those who follow the need (volunteers see none).
    let following = if visibility == Visibility::Public {
        None
    } else {
        let engagements = engagements_of(db, &need).await?;
        Some(NeedFollowing {
            confidential: ConfidentialPart {
                details: need.confidential_details.clone(),
                authorisation_name: need.authorisation_name.clone(),
                authorisation_role: need.authorisation_role.clone(),
                authorisation_scope: need.authorisation_scope.clone(),
                authorisation_date: date_text(need.authorisation_date),
            },
            triage_note: need.triage_note.clone(),
            first_acceptance_secs: first_acceptance(&need, &engagements),
            history: history(db, &need, &engagements).await?,
        })
    };
    let member = visibility == Visibility::Member;
    // A suspended or rejected organisation's members still read their needs,
    // but are offered no change to them.
    let prepares = standing::organisation_allows(org.status, Right::Prepare);
    let status = NeedStatus::from(need.status);
    let summary = summary_of(&need, Some(&org), category.as_ref().map(|c| c.name.as_str()));
    Ok(NeedDetail {
        summary,
        organisation_id: need.organisation_id,
        category_id: need.category_id,
        public_summary: need.public_summary.clone(),
        deadline: date_text(need.deadline),
        skills: skills
            .iter()
            .map(|s| SkillRequirement {
                skill_id: s.skill_id,
                name: names.get(&s.skill_id).cloned().unwrap_or_default(),
                min_level: u8::try_from(s.min_level).unwrap_or(1),
                weight: s.weight.into(),
            })
            .collect(),
        following,
        editable: member && prepares && status == NeedStatus::Draft,
        submittable: member && status == NeedStatus::Draft && org.status == VettingStatus::Approved,
        withdrawable: member && prepares && rules::transition(status, NeedAction::Withdraw).is_some(),
        triageable: visibility == Visibility::Coordinator && status == NeedStatus::Submitted,
        requires_authorisation: category.as_ref().is_some_and(|c| c.requires_authorisation),
        proposable: visibility == Visibility::Coordinator
            && status == NeedStatus::Open
            && org.status == VettingStatus::Approved,
        offerable: user.role == Role::Volunteer
            && status == NeedStatus::Open
            && org.status == VettingStatus::Approved
            && my_engagement.is_none_or(|(_, live)| !live)
            && approved_volunteer(db, user).await?,
        my_engagement: my_engagement.map(|(id, _)| id),
    })
}

/// A volunteer's latest engagement on a need, and whether it is live.
pub(super) async fn own_engagement<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    need_id: i64,
) -> Result<Option<(i64, bool)>, ServiceError> {
    if user.role != Role::Volunteer {
        return Ok(None);
    }
    Ok(engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(need_id))
        .filter(engagement::Column::VolunteerId.eq(user.id))
        .order_by_desc(engagement::Column::Id)
        .one(db)
        .await?
        .map(|e| (e.id, EngagementStatus::from(e.status).is_live())))
}
