//! Coordinators: vetting organisations and volunteers, triaging needs, the
//! priority override and the skill and category catalogues.

pub use crate::domain::views::OrganisationDetail;
#[cfg(feature = "ssr")]
use crate::domain::{
    codes::{Urgency, VettingStatus},
    need::NeedStatus,
};
use crate::{
    domain::views::{NeedSummary, Page, TriagedOrganisation, VolunteerView},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::{
        services::{
            ServiceError, catalogue,
            needs::{self, Filter},
            organisations,
            vetting::{self, Decision},
            volunteers,
        },
        validate::Message,
    },
    leptos::server_fn::ServerFn as _,
};

#[cfg(feature = "ssr")]
fn decision(raw: &str) -> Result<Decision, AppError> {
    Decision::parse(raw).ok_or_else(|| ServiceError::field("decision", Message::InvalidChoice).into())
}

/// Organisations, filtered by status and name.
///
/// # Errors
/// [`AppError::Forbidden`] unless a coordinator.
#[server(endpoint = "vetting/organisations")]
pub async fn organisations_list(
    status: Option<String>,
    search: Option<String>,
    page: Option<u64>,
) -> Result<Page<TriagedOrganisation>, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let status = status.as_deref().and_then(VettingStatus::parse);
    Ok(organisations::list(&ctx.state.db, status, search.as_deref(), page.unwrap_or(0)).await?)
}

/// One organisation with its members and a page of its needs (`page`, zero-based).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "vetting/organisation")]
pub async fn fetch_organisation(id: i64, page: Option<u64>) -> Result<OrganisationDetail, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(needs::organisation_detail(&ctx.state.db, id, page.unwrap_or(0)).await?)
}

/// Approves, rejects or suspends an organisation.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`].
#[server(endpoint = "vetting/organisation_decide")]
pub async fn vet_organisation(id: i64, decision: String, note: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let d = self::decision(&decision)?;
    match vetting::vet_organisation(&ctx.state, &ctx.actor, id, d, &note).await {
        Ok(()) => Ok(()),
        Err(e) => ctx.fail(VetOrganisation::PATH, &[("note", &note)], e).await,
    }
}

/// Overrides (or, with an empty priority, clears) an organisation's
/// emerging-economy priority.
///
/// # Errors
/// [`AppError::Validation`] (a reason is required).
#[server(endpoint = "vetting/priority")]
pub async fn override_priority(id: i64, priority: String, reason: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let priority = match priority.trim() {
        "" => None,
        p => Some(
            p.parse::<u8>()
                .map_err(|_| AppError::from(ServiceError::field("priority", Message::InvalidChoice)))?,
        ),
    };
    match organisations::override_priority(&ctx.state, &ctx.actor, id, priority, &reason).await {
        Ok(()) => Ok(()),
        Err(e) => ctx.fail(OverridePriority::PATH, &[("reason", &reason)], e).await,
    }
}

/// Volunteers, filtered by status.
///
/// # Errors
/// [`AppError::Forbidden`].
#[server(endpoint = "vetting/volunteers")]
pub async fn volunteers_list(
    status: Option<String>,
    page: Option<u64>,
) -> Result<Page<VolunteerView>, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let status = status.as_deref().and_then(VettingStatus::parse);
    Ok(volunteers::list(&ctx.state.db, status, page.unwrap_or(0)).await?)
}

/// One volunteer.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "vetting/volunteer")]
pub async fn volunteer_detail(id: i64) -> Result<VolunteerView, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(volunteers::one(&ctx.state.db, id).await?)
}

/// Approves, rejects or suspends a volunteer.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], [`AppError::Validation`].
#[server(endpoint = "vetting/volunteer_decide")]
pub async fn vet_volunteer(id: i64, decision: String, note: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let d = self::decision(&decision)?;
    match vetting::vet_volunteer(&ctx.state, &ctx.actor, id, d, &note).await {
        Ok(()) => Ok(()),
        Err(e) => ctx.fail(VetVolunteer::PATH, &[("note", &note)], e).await,
    }
}

/// All needs, filtered (coordinators).
///
/// # Errors
/// [`AppError::Forbidden`].
#[server(endpoint = "vetting/needs")]
pub async fn all_needs(
    status: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    region: Option<String>,
    income_group: Option<String>,
    search: Option<String>,
    page: Option<u64>,
) -> Result<Page<NeedSummary>, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let filter = Filter {
        status: status.as_deref().and_then(NeedStatus::parse),
        category: category.and_then(|c| c.parse().ok()),
        urgency: urgency.as_deref().and_then(Urgency::parse),
        region: region.filter(|r| !r.is_empty()),
        income_group: income_group.filter(|g| !g.is_empty()),
        language: None,
        search,
        page: page.unwrap_or(0),
    };
    Ok(needs::list_all(&ctx.state, &filter).await?)
}

/// Opens a submitted need (`decision` = "open") or returns it with a note.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Conflict`], [`AppError::Validation`].
#[server(endpoint = "vetting/triage")]
pub async fn triage_need(id: i64, decision: String, note: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let open = match decision.as_str() {
        "open" => true,
        "return" => false,
        _ => return Err(ServiceError::field("decision", Message::InvalidChoice).into()),
    };
    match crate::services::opening::triage(&ctx.state, &ctx.actor, id, open, &note).await {
        Ok(()) => Ok(()),
        Err(e) => ctx.fail(TriageNeed::PATH, &[("note", &note)], e).await,
    }
}

/// Changes the skill or category catalogue: `operation` is `add` (with `name`,
/// and `category` for a skill), `rename` (`id`, `name`), `retire` or `restore` (`id`).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`], [`AppError::NotFound`].
#[server(endpoint = "vetting/catalogue")]
pub async fn change_catalogue(
    kind: String,
    operation: String,
    id: Option<i64>,
    name: Option<String>,
    category: Option<i64>,
) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let actor = ctx.actor.clone();
    let kind = match kind.as_str() {
        "skill" => catalogue::Kind::Skill,
        "category" => catalogue::Kind::Category,
        _ => return Err(ServiceError::field("kind", Message::InvalidChoice).into()),
    };
    let name = name.unwrap_or_default();
    let result = match (operation.as_str(), id) {
        ("add", _) => catalogue::add(&ctx.state, &actor, kind, &name, category)
            .await
            .map(|_| ()),
        ("rename", Some(id)) => catalogue::rename(&ctx.state, &actor, kind, id, &name).await,
        ("retire", Some(id)) => catalogue::set_retired(&ctx.state, &actor, kind, id, true).await,
        ("restore", Some(id)) => catalogue::set_retired(&ctx.state, &actor, kind, id, false).await,
        _ => Err(ServiceError::field("operation", Message::InvalidChoice)),
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) => ctx.fail(ChangeCatalogue::PATH, &[("name", &name)], e).await,
    }
}
