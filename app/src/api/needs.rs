//! Needs: an organisation's own, the open ones volunteers browse, and one need
//! with what the viewer may see of it.

use crate::{
    domain::{
        need::NeedInput,
        views::{NeedDetail, NeedSummary, Page},
    },
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::domain::{codes::Urgency, need::NeedStatus},
    crate::model::Role,
    crate::services::needs::{self, Filter},
    leptos::server_fn::ServerFn as _,
};

/// Builds a list filter from query values.
#[cfg(feature = "ssr")]
fn filter(
    status: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    search: Option<String>,
    page: Option<u64>,
) -> Filter {
    Filter {
        status: status.as_deref().and_then(NeedStatus::parse),
        category: category.and_then(|c| c.parse().ok()),
        urgency: urgency.as_deref().and_then(Urgency::parse),
        search,
        page: page.unwrap_or(0),
        ..Filter::default()
    }
}

/// The needs of the user's organisation.
///
/// # Errors
/// [`AppError::Forbidden`] unless an organisation member.
#[server(endpoint = "needs/mine")]
pub async fn my_needs(
    status: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    search: Option<String>,
    page: Option<u64>,
) -> Result<Page<NeedSummary>, AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    Ok(needs::list_own(
        &ctx.state,
        &user,
        &filter(status, category, urgency, search, page),
    )
    .await?)
}

/// Open needs for approved volunteers (public parts only).
///
/// # Errors
/// [`AppError::Forbidden`] unless an approved volunteer.
#[server(endpoint = "needs/open")]
pub async fn open_needs(
    category: Option<String>,
    urgency: Option<String>,
    region: Option<String>,
    language: Option<String>,
    search: Option<String>,
    page: Option<u64>,
) -> Result<Page<NeedSummary>, AppError> {
    let (ctx, user) = guard(Access::Role(Role::Volunteer)).await?;
    let mut f = filter(None, category, urgency, search, page);
    f.region = region.filter(|r| !r.is_empty());
    f.language = language.filter(|l| !l.is_empty());
    Ok(crate::services::matching::list_open(&ctx.state, &user, &f).await?)
}

/// One need, as much of it as the viewer may see.
///
/// # Errors
/// [`AppError::NotFound`] when the viewer may not see it.
#[server(endpoint = "needs/detail")]
pub async fn fetch_need(id: i64) -> Result<NeedDetail, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(needs::detail(&ctx.state, &ctx.actor, &user, id).await?)
}

/// Drafts a need.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`].
#[server(endpoint = "needs/create")]
pub async fn create_need(input: NeedInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    match needs::create(&ctx.state, &ctx.actor, &user, &input).await {
        Ok(id) => {
            leptos_axum::redirect(&format!("/needs/{id}"));
            Ok(())
        }
        Err(e) => ctx.fail_with(CreateNeed::PATH, &input, e).await,
    }
}

/// A draft as its edit form needs it.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Conflict`] once submitted.
#[server(endpoint = "needs/form")]
pub async fn need_form(id: i64) -> Result<NeedInput, AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    Ok(needs::form(&ctx.state, &user, id).await?)
}

/// Edits a draft.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::NotFound`], [`AppError::Conflict`].
#[server(endpoint = "needs/update")]
pub async fn update_need(id: i64, input: NeedInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    match needs::update(&ctx.state, &ctx.actor, &user, id, &input).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("/needs/{id}"));
            Ok(())
        }
        Err(e) => ctx.fail_with(UpdateNeed::PATH, &input, e).await,
    }
}

/// Sends a draft for triage.
///
/// # Errors
/// [`AppError::Validation`] (organisation not approved, authorisation missing),
/// [`AppError::NotFound`], [`AppError::Conflict`].
#[server(endpoint = "needs/submit")]
pub async fn submit_need(id: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    needs::submit(&ctx.state, &ctx.actor, &user, id).await?;
    Ok(())
}

/// Withdraws a need.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Conflict`].
#[server(endpoint = "needs/withdraw")]
pub async fn withdraw_need(id: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    needs::withdraw(&ctx.state, &ctx.actor, &user, id).await?;
    Ok(())
}
