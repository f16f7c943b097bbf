//! Programme insight: the coordinators' dashboard and the public impact
//! figures. The CSV exports are files the server streams
//! (`/coordinator/insight/{what}.csv`).

use crate::{
    domain::insight::{Dashboard, FilterInput, Impact},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{Access, guard};

/// The dashboard for these filters (coordinators only).
///
/// # Errors
/// [`AppError::Forbidden`] and the other guard errors;
/// [`AppError::Validation`] for a bad filter.
#[server(endpoint = "insight/dashboard")]
pub async fn insight_dashboard(#[server(default)] filters: FilterInput) -> Result<Dashboard, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(crate::services::insight::dashboard(&ctx.state, &filters).await?)
}

/// The public impact figures (anyone; a few minutes old at most).
///
/// # Errors
/// [`AppError::Unavailable`] when the database does not answer.
#[server(endpoint = "impact")]
pub async fn impact_figures() -> Result<Impact, AppError> {
    let state = super::context::state()?;
    Ok(crate::services::insight::recent_impact(&state).await?)
}
