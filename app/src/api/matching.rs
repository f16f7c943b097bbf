//! The matcher's pages: the triage board, the console for one need, batch
//! runs (coordinators), and "needs that fit you" (volunteers).

use crate::{
    domain::views::{ConsoleView, FitsView, RunOutcome, RunRow, RunView, TriageBoard},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::domain::codes::Urgency,
    crate::model::Role,
    crate::services::matching::{self, TriageFilter},
};

/// Open needs by priority, filtered.
///
/// # Errors
/// [`AppError::Forbidden`] unless a coordinator.
#[server(endpoint = "matching/triage")]
pub async fn fetch_triage(
    region: Option<String>,
    income: Option<String>,
    category: Option<String>,
    urgency: Option<String>,
    page: Option<u64>,
) -> Result<TriageBoard, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let filter = TriageFilter {
        region: nonempty(region),
        income: nonempty(income),
        category: category.and_then(|c| c.parse().ok()),
        urgency: urgency.as_deref().and_then(Urgency::parse),
        page: page.unwrap_or(0),
    };
    Ok(matching::triage(&ctx.state, &filter).await?)
}

/// The matching console for one need; `ask` names a volunteer to explain.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Forbidden`] unless a coordinator.
#[server(endpoint = "matching/console")]
pub async fn match_console(need: i64, ask: Option<String>) -> Result<ConsoleView, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(matching::console(&ctx.state, need, ask.as_deref()).await?)
}

/// Starts a batch run over all open needs.
///
/// # Errors
/// [`AppError::Forbidden`] unless a coordinator.
#[server(endpoint = "matching/batch_start")]
pub async fn start_batch() -> Result<i64, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    let id = matching::start_batch(&ctx.state, &ctx.actor, &user).await?;
    leptos_axum::redirect(&format!("/coordinator/batch/{id}"));
    Ok(id)
}

/// A batch run: progress, then one page of its preview.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Forbidden`] unless a coordinator.
#[server(endpoint = "matching/batch")]
pub async fn batch_run(id: i64, page: Option<u64>) -> Result<RunView, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(matching::run(&ctx.state, id, page.unwrap_or(0)).await?)
}

/// The latest batch runs.
///
/// # Errors
/// [`AppError::Forbidden`] unless a coordinator.
#[server(endpoint = "matching/batches")]
pub async fn batch_runs() -> Result<Vec<RunRow>, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(matching::runs(&ctx.state).await?)
}

/// Creates the proposals of a ready batch run, skipping stale pairs.
///
/// # Errors
/// [`AppError::Conflict`] unless ready; [`AppError::NotFound`].
#[server(endpoint = "matching/batch_apply")]
pub async fn apply_batch(id: i64) -> Result<RunOutcome, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    Ok(matching::apply(&ctx.state, &ctx.actor, &user, id).await?)
}

/// Open needs that fit the signed-in volunteer.
///
/// # Errors
/// [`AppError::Forbidden`] unless a volunteer.
#[server(endpoint = "matching/fits")]
pub async fn needs_for_me() -> Result<FitsView, AppError> {
    let (ctx, user) = guard(Access::Role(Role::Volunteer)).await?;
    Ok(matching::fits(&ctx.state, &user).await?)
}
