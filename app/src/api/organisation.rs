//! An organisation's own pages: registration, profile, members, invitations.

pub use crate::domain::views::MyOrganisation;
use crate::{domain::organisation::OrganisationInput, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::model::Role,
    crate::services::organisations,
    leptos::server_fn::ServerFn as _,
};

/// The user's organisation, or `None` before they registered one.
///
/// # Errors
/// [`AppError::Forbidden`] unless an organisation member.
#[server(endpoint = "organisation/mine")]
pub async fn fetch_my_organisation() -> Result<Option<MyOrganisation>, AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    Ok(organisations::mine(&ctx.state.db, user.id).await?)
}

/// Registers the user's organisation.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`], [`AppError::Conflict`].
#[server(endpoint = "organisation/create")]
pub async fn create_organisation(input: OrganisationInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    match organisations::create(&ctx.state, &ctx.actor, &user, &input).await {
        Ok(_) => {
            leptos_axum::redirect("/organisation");
            Ok(())
        }
        Err(e) => ctx.fail_with(CreateOrganisation::PATH, &input, e).await,
    }
}

/// Updates the organisation's profile (administrators).
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`].
#[server(endpoint = "organisation/update")]
pub async fn update_organisation(input: OrganisationInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    match organisations::update(&ctx.state, &ctx.actor, &user, &input).await {
        Ok(()) => {
            leptos_axum::redirect("/organisation");
            Ok(())
        }
        Err(e) => ctx.fail_with(UpdateOrganisation::PATH, &input, e).await,
    }
}

/// Creates a single-use invitation link for a colleague (administrators).
///
/// # Errors
/// [`AppError::Forbidden`].
#[server(endpoint = "organisation/invite")]
pub async fn create_invitation(email: Option<String>) -> Result<String, AppError> {
    let email = email.unwrap_or_default();
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    match organisations::invite(&ctx.state, &ctx.actor, &user, &email).await {
        Ok((link, mailed_to)) => {
            let mailed_to = mailed_to.unwrap_or_default();
            ctx.keep_result(CreateInvitation::PATH, &[("link", &link), ("email", &mailed_to)])
                .await?;
            Ok(link)
        }
        Err(e) => {
            ctx.fail(CreateInvitation::PATH, &[("email", email.as_str())], e)
                .await
        }
    }
}

/// The organisation an invitation is for.
///
/// # Errors
/// [`AppError::NotFound`] for a dead link.
#[server(endpoint = "organisation/invitation")]
pub async fn invitation(token: String) -> Result<String, AppError> {
    let ctx = super::context::anyone()?;
    Ok(organisations::invitation_for(&ctx.state, &token).await?)
}

/// Joins the organisation behind an invitation.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Forbidden`], [`AppError::Conflict`].
#[server(endpoint = "organisation/join")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    organisations::accept_invitation(&ctx.state, &ctx.actor, &user, &token).await?;
    leptos_axum::redirect("/organisation");
    Ok(())
}
