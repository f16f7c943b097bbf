//! Public figures for the home page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Live counts shown on the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Organisations a coordinator has approved.
    pub organisations: u64,
    /// Volunteers a coordinator has approved.
    pub volunteers: u64,
    /// Needs open for matching.
    pub open_needs: u64,
}

/// Reads the home page's figures.
///
/// # Errors
/// [`AppError::Unavailable`] when the database does not answer.
#[server(endpoint = "figures")]
pub async fn home_figures() -> Result<Figures, AppError> {
    let state = super::state()?;
    Ok(crate::services::figures::figures(&state.db).await?)
}
