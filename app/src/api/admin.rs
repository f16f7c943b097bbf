//! Coordinators' administration: accounts and the audit log.

use crate::{error::AppError, model::Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{Access, guard},
    crate::{
        model::utc,
        services::{
            ServiceError, accounts,
            audit::{self, AuditQuery},
            auth, reset,
        },
        validate::Message,
    },
    entity::account::Status,
    leptos::server_fn::ServerFn as _,
};

/// An account in the coordinators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    /// Id.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Disabled or not.
    pub disabled: bool,
    /// Second factor enrolled.
    pub mfa_enabled: bool,
    /// Created (UTC).
    pub created: String,
}

/// A page of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    /// The rows.
    pub rows: Vec<AccountRow>,
    /// How many match in all.
    pub total: u64,
    /// This page (zero-based).
    pub page: u64,
    /// Rows per page.
    pub page_size: u64,
}

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
    let page = page.unwrap_or(0);
    let (rows, total) = accounts::list(&ctx.state.db, search.as_deref(), role, page).await?;
    Ok(AccountPage {
        rows: rows
            .into_iter()
            .map(|a| AccountRow {
                id: a.id,
                email: a.email,
                display_name: a.display_name,
                role: a.role.into(),
                disabled: a.status == Status::Disabled,
                mfa_enabled: a.mfa_enabled,
                created: utc(a.created_at),
            })
            .collect(),
        total,
        page,
        page_size: accounts::PAGE_SIZE,
    })
}

/// Creates a coordinator account and returns a one-time link with which they set
/// their password (hand it over out of band).
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Forbidden`].
#[server(endpoint = "admin/invite_coordinator")]
pub async fn invite_coordinator(email: String, display_name: String) -> Result<String, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    let actor = ctx.client.actor(Some(user.id));
    let keep = [("email", email.as_str()), ("display_name", display_name.as_str())];
    let account = match accounts::invite_coordinator(&ctx.state, &actor, &email, &display_name).await {
        Ok(account) => account,
        Err(e) => return ctx.fail(InviteCoordinator::PATH, &keep, e).await,
    };
    let link = reset::issue(&ctx.state, &actor, account.id).await?;
    ctx.keep_result(
        InviteCoordinator::PATH,
        &[("link", &link), ("email", &account.email)],
    )
    .await?;
    Ok(link)
}

/// Disables (`disabled` = "true") or re-enables an account.
///
/// # Errors
/// [`AppError::Forbidden`] (including on one's own account), [`AppError::NotFound`].
#[server(endpoint = "admin/set_status")]
pub async fn set_account_status(account: i64, disabled: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    let status = if disabled == "true" {
        Status::Disabled
    } else {
        Status::Active
    };
    accounts::set_status(&ctx.state, &ctx.client.actor(Some(user.id)), account, status).await?;
    Ok(())
}

/// Changes an account's role.
///
/// # Errors
/// [`AppError::Forbidden`] (including on one's own account), [`AppError::Validation`].
#[server(endpoint = "admin/set_role")]
pub async fn set_account_role(account: i64, role: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    let Some(role) = Role::parse(&role) else {
        return Err(ServiceError::field("role", Message::InvalidChoice).into());
    };
    accounts::set_role(&ctx.state, &ctx.client.actor(Some(user.id)), account, role.into()).await?;
    Ok(())
}

/// Issues a one-time password reset link for an account.
///
/// # Errors
/// [`AppError::Forbidden`], [`AppError::NotFound`].
#[server(endpoint = "admin/reset_link")]
pub async fn issue_reset_link(account: i64) -> Result<String, AppError> {
    let (ctx, user) = guard(Access::Coordinator).await?;
    let link = reset::issue(&ctx.state, &ctx.client.actor(Some(user.id)), account).await?;
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
        &ctx.client.actor(Some(user.id)),
        account,
        keep.as_deref(),
        "ended by a coordinator",
    )
    .await?;
    Ok(())
}

/// One audit entry as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Entry id.
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// Who (account id).
    pub actor: Option<i64>,
    /// From where.
    pub address: Option<String>,
    /// What.
    pub action: String,
    /// On what.
    pub object: Option<String>,
    /// Extra facts (JSON).
    pub details: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries, newest first.
    pub rows: Vec<AuditRow>,
    /// How many match in all.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// Entries per page.
    pub page_size: u64,
    /// Every action name, for the filter.
    pub actions: Vec<String>,
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
    let date = |field: &str, raw: Option<String>| -> Result<Option<time::OffsetDateTime>, AppError> {
        let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
            return Ok(None);
        };
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(raw.trim(), &format)
            .map(|d| Some(d.midnight().assume_utc()))
            .map_err(|_| ServiceError::field(field, Message::InvalidChoice).into())
    };
    let number = |field: &str, raw: Option<String>| -> Result<Option<i64>, AppError> {
        match raw.filter(|r| !r.trim().is_empty()) {
            None => Ok(None),
            Some(raw) => raw
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ServiceError::field(field, Message::InvalidChoice).into()),
        }
    };
    let query = AuditQuery {
        action: action.filter(|a| audit::Action::ALL.iter().any(|x| x.as_str() == a)),
        actor: number("actor", actor)?,
        object_type: None,
        object_id: number("object_id", object_id)?,
        since: date("since", since)?,
        until: date("until", until)?.map(|d| d + time::Duration::days(1)),
        page: page.unwrap_or(0),
    };
    let (entries, total) = audit::list(&ctx.state.db, &query).await?;
    Ok(AuditPage {
        rows: entries
            .into_iter()
            .map(|e| AuditRow {
                id: e.id,
                at: utc(e.at),
                actor: e.actor_account_id,
                address: e.actor_address,
                action: e.action,
                object: e
                    .object_type
                    .map(|t| format!("{t} {}", e.object_id.unwrap_or_default())),
                details: e.details,
            })
            .collect(),
        total,
        page: query.page,
        page_size: audit::PAGE_SIZE,
        actions: audit::Action::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
    })
}
