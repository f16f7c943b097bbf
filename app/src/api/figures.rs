//! Public figures for the home page.

use crate::{domain::views::Figures, error::AppError};
use leptos::prelude::*;

/// Reads the home page's figures.
///
/// # Errors
/// [`AppError::Unavailable`] when the database does not answer.
#[server(endpoint = "figures")]
pub async fn home_figures() -> Result<Figures, AppError> {
    let state = super::context::state()?;
    Ok(crate::services::figures::recent(&state).await?)
}
