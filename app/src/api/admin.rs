//! Coordinators' administration: accounts, the audit log and the mail outbox.

pub use crate::domain::views::{AccountPage, AccountRow, AuditPage, AuditRow, MailOverview};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::{
        model::Role,
        services::{ServiceError, accounts, audit, auth, mail, reset},
        validate::Message,
    },
    leptos::server_fn::ServerFn as _,
};

/// Lists accounts (coordinators only).
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but a coordinator with a verified second factor.
#[server(endpoint = "admin/accounts")]
pub async fn list_accounts(
    search: Option<String>,
    role: Option<String>,
    page: Option<u64>,
) -> Result<AccountPage, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let role = role.as_deref().and_then(Role::parse).map(Into::into);
    Ok(accounts::page(&ctx.state.db, search.as_deref(), role, page.unwrap_or(0)).await?)
}

/// Creates a coordinator account and returns a one-time link with which they set
/// their password (hand it over out of band).
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`].
#[server(endpoint = "admin/invite_coordinator")]
pub async fn invite_coordinator(email: String, display_name: String) -> Result<String, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    match reset::invite_coordinator(&ctx.state, &ctx.actor, &email, &display_name).await {
        Ok((email, link)) => {
            ctx.keep_result(InviteCoordinator::PATH, &[("link", &link), ("email", &email)])
                .await?;
            Ok(link)
        }
        Err(e) => {
            let keep = [("email", email.as_str()), ("display_name", display_name.as_str())];
            ctx.fail(InviteCoordinator::PATH, &keep, e).await
        }
    }
}

/// Disables (`disabled` = "true") or re-enables an account.
///
/// # Errors
/// [`AppError::Forbidden`] (including on one's own account), [`AppError::NotFound`].
#[server(endpoint = "admin/set_status")]
pub async fn set_account_status(account: i64, disabled: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    accounts::set_status(&ctx.state, &ctx.actor, account, disabled == "true").await?;
    Ok(())
}

/// Changes an account's role.
///
/// # Errors
/// [`AppError::Forbidden`] (including on one's own account), [`AppError::Validation`].
#[server(endpoint = "admin/set_role")]
pub async fn set_account_role(account: i64, role: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let Some(role) = Role::parse(&role) else {
        return Err(ServiceError::field("role", Message::InvalidChoice).into());
    };
    accounts::set_role(&ctx.state, &ctx.actor, account, role.into()).await?;
    Ok(())
}

/// Issues a one-time password reset link for an account.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "admin/reset_link")]
pub async fn issue_reset_link(account: i64) -> Result<String, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let link = reset::issue(&ctx.state, &ctx.actor, account).await?;
    ctx.keep_result(
        IssueResetLink::PATH,
        &[("link", &link), ("account", &account.to_string())],
    )
    .await?;
    Ok(link)
}

/// Ends every session of an account.
///
/// # Errors
/// [`AppError::Forbidden`].
#[server(endpoint = "admin/end_sessions")]
pub async fn end_account_sessions(account: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    let keep = if account == user.id {
        auth::current_session_hash(&ctx.session)
    } else {
        None
    };
    auth::end_other_sessions(
        &ctx.state,
        &ctx.actor,
        account,
        keep.as_deref(),
        "ended by a coordinator",
    )
    .await?;
    Ok(())
}

/// Reads the audit log, filtered (coordinators only).
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::Validation`] for a malformed date.
#[server(endpoint = "admin/audit")]
pub async fn audit_log(
    action: Option<String>,
    actor: Option<String>,
    object_id: Option<String>,
    since: Option<String>,
    until: Option<String>,
    page: Option<u64>,
) -> Result<AuditPage, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    let filter = audit::Filter {
        action,
        actor,
        object_id,
        since,
        until,
        page: page.unwrap_or(0),
    };
    Ok(audit::page(&ctx.state.db, &filter).await?)
}

/// The mail outbox: counts per state, per kind over the last 7 days, dead letters.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but a coordinator with a verified second factor.
#[server(endpoint = "admin/mail")]
pub async fn mail_outbox() -> Result<MailOverview, AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    Ok(mail::overview(&ctx.state).await?)
}

/// Puts a dead letter back in the outbox, due at once.
///
/// # Errors
/// [`AppError::Forbidden`]; [`AppError::NotFound`] when `mail` is not a dead letter.
#[server(endpoint = "admin/retry_mail")]
pub async fn retry_mail(mail: i64) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    mail::retry(&ctx.state, &ctx.actor, mail).await?;
    Ok(())
}
