//! A volunteer's own profile.

use crate::{
    domain::{views::VolunteerView, volunteer::ProfileInput},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::model::Role,
    crate::services::volunteers,
    leptos::server_fn::ServerFn as _,
};

/// The user's profile, or `None` before they made one.
///
/// # Errors
/// [`AppError::Forbidden`] unless a volunteer.
#[server(endpoint = "volunteer/mine")]
pub async fn my_profile() -> Result<Option<VolunteerView>, AppError> {
    let (ctx, user) = guard(Access::Role(Role::Volunteer)).await?;
    Ok(volunteers::own(&ctx.state, &user).await?)
}

/// Creates or updates the user's profile.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`].
#[server(endpoint = "volunteer/save")]
pub async fn save_profile(input: ProfileInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::Volunteer)).await?;
    match volunteers::save(&ctx.state, &ctx.actor, &user, &input).await {
        Ok(()) => {
            leptos_axum::redirect("/volunteer?saved=1");
            Ok(())
        }
        Err(e) => ctx.fail_with(SaveProfile::PATH, &input, e).await,
    }
}
