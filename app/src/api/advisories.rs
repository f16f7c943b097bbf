//! Threat advisories: coordinators write, publish and withdraw them and see
//! their reach; members of the organisations they were sent to read and
//! acknowledge them, or ask for help. The indicator exports are plain routes of
//! the server (`/advisories/{id}/indicators.stix.json`, `….csv`).

use crate::error::AppError;
use leptos::prelude::*;

pub use crate::domain::advisory::{AdvisoryForm, AdvisoryInput, AdvisorySummary, AdvisoryView};
use crate::domain::need::NeedInput;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::services::advisories,
    leptos::server_fn::ServerFn as _,
};

/// Every advisory (coordinators).
///
/// # Errors
/// [`AppError::Forbidden`].
#[server(endpoint = "advisories/all")]
pub async fn fetch_all_advisories() -> Result<Vec<AdvisorySummary>, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    Ok(advisories::list_all(&ctx.state, &user).await?)
}

/// The advisories sent to the viewer's organisation (empty for others).
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "advisories/mine")]
pub async fn fetch_my_advisories() -> Result<Vec<AdvisorySummary>, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(advisories::list_mine(&ctx.state, &user).await?)
}

/// One advisory.
///
/// # Errors
/// [`AppError::NotFound`] unless a coordinator or a member of an organisation
/// it was sent to.
#[server(endpoint = "advisories/view")]
pub async fn fetch_advisory(id: i64) -> Result<AdvisoryView, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(advisories::view(&ctx.state, &user, id).await?)
}

/// The form: a draft's fields (`id`), or a new one's.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], a validation error for an
/// advisory already published.
#[server(endpoint = "advisories/form")]
pub async fn fetch_advisory_form(id: Option<i64>) -> Result<AdvisoryForm, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    Ok(advisories::form(&ctx.state, &user, id.filter(|i| *i != 0)).await?)
}

/// Saves a draft, then shows it.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "advisories/save")]
pub async fn save_advisory(input: AdvisoryInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    match advisories::save(&ctx.state, &ctx.actor, &user, &input).await {
        Ok(id) => {
            leptos_axum::redirect(&format!("/advisories/{id}"));
            Ok(())
        }
        Err(e) => ctx.fail_with(SaveAdvisory::PATH, &input, e).await,
    }
}

/// Publishes a draft: its members are told at once.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], a validation error when it
/// is no longer a draft.
#[server(endpoint = "advisories/publish")]
pub async fn publish_advisory(id: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    advisories::publish(&ctx.state, &ctx.actor, &user, id).await?;
    leptos_axum::redirect(&format!("/advisories/{id}"));
    Ok(())
}

/// Withdraws a published advisory.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`], a validation error unless published.
#[server(endpoint = "advisories/withdraw")]
pub async fn withdraw_advisory(id: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    advisories::withdraw(&ctx.state, &ctx.actor, &user, id).await?;
    leptos_axum::redirect(&format!("/advisories/{id}"));
    Ok(())
}

/// Acknowledges an advisory for the viewer's organisation: `read` or `acted`,
/// with an optional note.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Forbidden`], [`AppError::Validation`].
#[server(endpoint = "advisories/acknowledge")]
pub async fn acknowledge_advisory(
    id: i64,
    acknowledgement: String,
    note: Option<String>,
) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    let note = note.unwrap_or_default();
    match advisories::acknowledge(&ctx.state, &ctx.actor, &user, id, &acknowledgement, &note).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("/advisories/{id}"));
            Ok(())
        }
        Err(e) => ctx.fail(AcknowledgeAdvisory::PATH, &[("note", &note)], e).await,
    }
}

/// A new need's form, filled from an advisory ("we need help with this").
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Forbidden`].
#[server(endpoint = "advisories/need_draft")]
pub async fn fetch_advisory_need_draft(id: i64) -> Result<NeedInput, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(advisories::need_draft(&ctx.state, &user, id).await?)
}
