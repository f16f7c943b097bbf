//! Registering, signing in and out, and password reset links.

use crate::{error::AppError, model::Viewer};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{self, Access, anyone, current_user, guard},
    crate::{
        model::Role,
        services::{accounts, auth, reset, verification},
        validate::{self, Message},
    },
    leptos::server_fn::ServerFn as _,
};

/// The signed-in user, or `None`.
///
/// # Errors
/// [`AppError::Unavailable`] when the database does not answer.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Viewer>, AppError> {
    let ctx = anyone()?;
    let read = async {
        let Some(user) = current_user(&ctx).await? else {
            return Ok(None);
        };
        let mut viewer = Viewer::from(&user);
        // A coordinator reaches notifications only after the second factor.
        let reaches_notifications =
            Role::from(user.role) != Role::Coordinator || (user.mfa_enabled && user.mfa_verified);
        if reaches_notifications {
            viewer.unread = crate::services::notifications::unread(&ctx.state.db, user.id).await?;
        }
        Ok(Some(viewer))
    };
    context::viewer(&ctx, read).await
}

/// Registers an organisation member or a volunteer; they sign in next. The
/// answer does not say whether the address already had an account.
///
/// # Errors
/// [`AppError::Validation`] naming each bad field; [`AppError::RateLimited`].
#[server(endpoint = "register")]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
    role: String,
) -> Result<(), AppError> {
    let ctx = anyone()?;
    let keep = [
        ("email", email.as_str()),
        ("display_name", display_name.as_str()),
        ("role", role.as_str()),
    ];
    let role = match Role::parse(&role) {
        Some(role @ (Role::OrganisationMember | Role::Volunteer)) => role,
        _ => {
            let err = crate::services::ServiceError::field("role", Message::InvalidChoice);
            return ctx.fail(Register::PATH, &keep, err).await;
        }
    };
    let input = accounts::Registration {
        email: email.clone(),
        display_name: display_name.clone(),
        password: password.into(),
        role: role.into(),
        locale: super::language::asked_for(),
    };
    match accounts::register(&ctx.state, &ctx.client, input).await {
        Ok(()) => {
            // The same answer whether or not the address had an account: on to
            // signing in, with the address filled in.
            crate::infra::flash::keep(&ctx.session, Login::PATH, &[("email", &email)]).await?;
            leptos_axum::redirect(match role {
                Role::Volunteer => "/login?registered=1&next=/volunteer",
                _ => "/login?registered=1&next=/organisation",
            });
            Ok(())
        }
        Err(e) => ctx.fail(Register::PATH, &keep, e).await,
    }
}

/// Signs in with email and password; goes on to the second factor when enrolled.
///
/// # Errors
/// [`AppError::InvalidCredentials`] (the same for an unknown email and a wrong
/// password), [`AppError::RateLimited`].
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let ctx = anyone()?;
    let next = next.as_deref().and_then(validate::local_path);
    match auth::login(
        &ctx.state,
        &ctx.session,
        &ctx.client,
        &email,
        password.into(),
        next,
    )
    .await
    {
        Ok(auth::LoginOutcome::SignedIn(to)) => {
            super::language::follow_account(&ctx).await;
            leptos_axum::redirect(&to);
            Ok(())
        }
        Ok(auth::LoginOutcome::SecondFactor) => {
            leptos_axum::redirect("/login/second-factor");
            Ok(())
        }
        Err(e) => ctx.fail(Login::PATH, &[("email", &email)], e).await,
    }
}

/// Completes sign-in with a TOTP code or a recovery code.
///
/// # Errors
/// [`AppError::Validation`] on a wrong or replayed code, [`AppError::Unauthenticated`]
/// when no sign-in is waiting, [`AppError::RateLimited`].
#[server(endpoint = "login_second_factor")]
pub async fn login_second_factor(
    code: Option<String>,
    recovery_code: Option<String>,
) -> Result<(), AppError> {
    let ctx = anyone()?;
    let (kind, code) = match (code.filter(|c| !c.trim().is_empty()), recovery_code) {
        (Some(code), _) => (auth::SecondFactor::Totp, code),
        (None, Some(code)) => (auth::SecondFactor::Recovery, code),
        (None, None) => {
            return ctx
                .fail(
                    LoginSecondFactor::PATH,
                    &[],
                    crate::services::ServiceError::field("code", Message::Required),
                )
                .await;
        }
    };
    match auth::complete_second_factor(&ctx.state, &ctx.session, &ctx.client, kind, &code).await {
        Ok(to) => {
            super::language::follow_account(&ctx).await;
            leptos_axum::redirect(&to);
            Ok(())
        }
        Err(e) => ctx.fail(LoginSecondFactor::PATH, &[], e).await,
    }
}

/// Whether a sign-in is waiting for its second factor in this session.
///
/// # Errors
/// [`AppError::Unavailable`].
#[server(endpoint = "second_factor_pending")]
pub async fn second_factor_pending() -> Result<bool, AppError> {
    let ctx = anyone()?;
    Ok(auth::pending_second_factor(&ctx.state, &ctx.session)
        .await?
        .is_some())
}

/// Signs out: deletes the session on the server.
///
/// # Errors
/// [`AppError::Unavailable`].
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = anyone()?;
    auth::logout(&ctx.state, &ctx.session, &ctx.client).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The name behind a password reset link, if the link is alive.
///
/// # Errors
/// [`AppError::NotFound`] for a dead link.
#[server(endpoint = "reset_link")]
pub async fn reset_link(token: String) -> Result<String, AppError> {
    let ctx = anyone()?;
    Ok(reset::check(&ctx.state, &token).await?)
}

/// Mails a password reset link to the address if an account uses it; the answer
/// is the same either way (a redirect to `/reset?sent=1`).
///
/// # Errors
/// [`AppError::Validation`] for a malformed address, [`AppError::RateLimited`].
#[server(endpoint = "request_reset")]
pub async fn request_reset(email: String) -> Result<(), AppError> {
    let ctx = anyone()?;
    match reset::request(&ctx.state, &ctx.client, &email).await {
        Ok(()) => {
            leptos_axum::redirect("/reset?sent=1");
            Ok(())
        }
        Err(e) => ctx.fail(RequestReset::PATH, &[("email", &email)], e).await,
    }
}

/// The address a verification link verifies, if the link is alive.
///
/// # Errors
/// [`AppError::NotFound`] for a dead link.
#[server(endpoint = "verification_link")]
pub async fn verification_link(token: String) -> Result<String, AppError> {
    let ctx = anyone()?;
    Ok(verification::check(&ctx.state, &token).await?)
}

/// Confirms an address through its mailed link (a button on the link's page:
/// no state changes on `GET`). Works signed in or not.
///
/// # Errors
/// [`AppError::NotFound`] for a dead link.
#[server(endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let ctx = anyone()?;
    let address = Some(ctx.client.address.to_string());
    match verification::confirm(&ctx.state, address, &token).await {
        Ok(()) => {
            let signed_in = auth::current_user(&ctx.state, &ctx.session).await?.is_some();
            leptos_axum::redirect(if signed_in {
                "/account?verified=1"
            } else {
                "/login?verified=1"
            });
            Ok(())
        }
        Err(e) => ctx.fail(VerifyEmail::PATH, &[], e).await,
    }
}

/// Whether the signed-in user's address is verified.
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "email_verified")]
pub async fn email_verified() -> Result<bool, AppError> {
    let (ctx, user) = guard(Access::SignedIn).await?;
    Ok(verification::is_verified(&ctx.state.db, user.id).await?)
}

/// Mails the signed-in user a new verification link (throttled).
///
/// # Errors
/// [`AppError::Unauthenticated`], [`AppError::RateLimited`].
#[server(endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let (ctx, user) = guard(Access::SignedIn).await?;
    verification::resend(&ctx.state, user.id).await?;
    leptos_axum::redirect("/account?sent=1");
    Ok(())
}

/// Sets a new password through a reset link. Does not sign in.
///
/// # Errors
/// [`AppError::NotFound`] for a dead link, [`AppError::Validation`].
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let ctx = anyone()?;
    let address = Some(ctx.client.address.to_string());
    match reset::redeem(
        &ctx.state,
        address,
        &token,
        new_password.into(),
        confirm_password.into(),
    )
    .await
    {
        Ok(()) => {
            leptos_axum::redirect("/login?reset=done");
            Ok(())
        }
        Err(e) => ctx.fail(ResetPassword::PATH, &[], e).await,
    }
}

/// Checks that the signed-in user may open pages behind `access` — used by page
/// guards that have no data of their own to load.
///
/// # Errors
/// [`AppError::Unauthenticated`], [`AppError::MfaEnrolmentRequired`].
#[server(endpoint = "require_coordinator")]
pub async fn require_coordinator() -> Result<Viewer, AppError> {
    let (_, user) = guard(Access::Coordinator).await?;
    Ok(Viewer::from(&user))
}
