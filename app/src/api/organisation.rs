//! An organisation's own pages: registration, profile, members, invitations.

use crate::{
    domain::{
        organisation::OrganisationInput,
        views::{MemberView, OrganisationView},
    },
    error::AppError,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{Access, guard},
    crate::services::organisations,
    entity::{account::Role, organisation},
    leptos::server_fn::ServerFn as _,
    sea_orm::EntityTrait as _,
};

/// The user's organisation, with its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrganisation {
    /// The organisation.
    pub organisation: OrganisationView,
    /// Its members.
    pub members: Vec<MemberView>,
    /// Whether the user administers it.
    pub is_admin: bool,
}

/// The user's organisation, or `None` before they registered one.
///
/// # Errors
/// [`AppError::Forbidden`] unless an organisation member.
#[server(endpoint = "organisation/mine")]
pub async fn fetch_my_organisation() -> Result<Option<MyOrganisation>, AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    let db = &ctx.state.db;
    let Some(m) = organisations::membership(db, user.id).await? else {
        return Ok(None);
    };
    let org = organisation::Entity::find_by_id(m.organisation_id)
        .one(db)
        .await
        .map_err(crate::services::ServiceError::from)?
        .ok_or(AppError::NotFound)?;
    Ok(Some(MyOrganisation {
        organisation: organisations::view(db, org).await?,
        members: organisations::members(db, m.organisation_id).await?,
        is_admin: m.is_admin,
    }))
}

/// Registers the user's organisation.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`], [`AppError::Conflict`].
#[server(endpoint = "organisation/create")]
pub async fn create_organisation(input: OrganisationInput) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    match organisations::create(&ctx.state, &ctx.client.actor(Some(user.id)), &user, &input).await {
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
    match organisations::update(&ctx.state, &ctx.client.actor(Some(user.id)), &user, &input).await {
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
pub async fn create_invitation() -> Result<String, AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    let link = organisations::invite(&ctx.state, &ctx.client.actor(Some(user.id)), &user).await?;
    ctx.keep_result(CreateInvitation::PATH, &[("link", &link)])
        .await?;
    Ok(link)
}

/// The organisation an invitation is for.
///
/// # Errors
/// [`AppError::NotFound`] for a dead link.
#[server(endpoint = "organisation/invitation")]
pub async fn invitation(token: String) -> Result<String, AppError> {
    let ctx = super::anyone()?;
    Ok(organisations::invitation_for(&ctx.state, &token).await?)
}

/// Joins the organisation behind an invitation.
///
/// # Errors
/// [`AppError::NotFound`], [`AppError::Forbidden`], [`AppError::Conflict`].
#[server(endpoint = "organisation/join")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::OrganisationMember)).await?;
    organisations::accept_invitation(&ctx.state, &ctx.client.actor(Some(user.id)), &user, &token).await?;
    leptos_axum::redirect("/organisation");
    Ok(())
}
