//! Reference data for forms.

use crate::{domain::reference::Catalogue, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::services::matching,
};

/// Countries, categories, skills and roles (signed-in users).
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "catalogue")]
pub async fn fetch_catalogue() -> Result<Catalogue, AppError> {
    let (ctx, _) = guard(Access::Participant).await?;
    Ok(Catalogue::clone(&*matching::catalogue(&ctx.state).await?))
}
