//! Which mail a user gets: their topics, their address, and the signed
//! unsubscribe links that work without signing in.

use crate::error::AppError;
use leptos::prelude::*;

pub use crate::domain::views::{MailSettings, UnsubscribeView};

#[cfg(feature = "ssr")]
use {
    super::context::{Access, anyone, guard},
    crate::{
        domain::codes::{MailMode, MailTopic},
        services::{ServiceError, mail::preferences, verification},
        validate::Message,
    },
    leptos::server_fn::ServerFn as _,
};

/// The signed-in user's mail settings.
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "mail/settings")]
pub async fn fetch_mail_settings() -> Result<MailSettings, AppError> {
    let (ctx, user) = guard(Access::SignedIn).await?;
    Ok(preferences::settings(&ctx.state, user.id).await?)
}

/// Saves how the user wants each topic (a mode code per topic; topics left
/// out stay as they are).
///
/// # Errors
/// [`AppError::Unauthenticated`]; [`AppError::Validation`] for an unknown mode.
#[server(endpoint = "mail/save")]
pub async fn save_mail_settings(
    proposals: Option<String>,
    engagements: Option<String>,
    messages: Option<String>,
    vetting: Option<String>,
    advisories: Option<String>,
) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::SignedIn).await?;
    let given = [
        (MailTopic::Proposals, proposals),
        (MailTopic::Engagements, engagements),
        (MailTopic::Messages, messages),
        (MailTopic::Vetting, vetting),
        (MailTopic::Advisories, advisories),
    ];
    let mut choices = Vec::with_capacity(given.len());
    for (topic, mode) in given {
        let Some(mode) = mode else { continue };
        let Some(mode) = MailMode::parse(&mode) else {
            return Err(ServiceError::field(topic.code(), Message::InvalidChoice).into());
        };
        choices.push((topic, mode));
    }
    preferences::save(&ctx.state, &ctx.actor, user.id, &choices).await?;
    leptos_axum::redirect("/account/mail?saved=1");
    Ok(())
}

/// Asks to move the user's account to a new address (password required): a
/// link goes there, a notice to the current address.
///
/// # Errors
/// [`AppError::Validation`] (`email`, `password`), [`AppError::RateLimited`].
#[server(endpoint = "mail/change_email")]
pub async fn change_email(email: String, password: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::SignedIn).await?;
    match verification::request_change(&ctx.state, &ctx.client, &user, &email, password.into()).await {
        Ok(()) => {
            leptos_axum::redirect("/account/mail?sent=1");
            Ok(())
        }
        Err(e) => ctx.fail(ChangeEmail::PATH, &[("email", email.as_str())], e).await,
    }
}

/// What an unsubscribe link stops (no sign-in).
///
/// # Errors
/// [`AppError::NotFound`] for a forged or mangled link.
#[server(endpoint = "mail/unsubscribe_info")]
pub async fn unsubscribe_info(token: String) -> Result<UnsubscribeView, AppError> {
    let ctx = anyone()?;
    Ok(preferences::unsubscribe_view(&ctx.state, &token).await?)
}
