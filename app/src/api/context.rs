//! What every server function starts with: the request's state, session and
//! client, and the check of who is asking ([`guard`], [`anyone`]).

use crate::model::Role;
use crate::{
    error::AppError,
    infra::flash,
    model::Viewer,
    services::{ServiceError, audit::Actor, auth},
    session::{Client, CurrentUser, SIGNED_IN, SignedIn},
    state::AppState,
};
use axum::extract::ConnectInfo;
use http::{HeaderMap, header};
use leptos::prelude::use_context;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tower_sessions::Session;

/// The application state the server provides to every request.
///
/// # Errors
/// [`AppError::Unavailable`] at once while the database is known to be
/// unreachable (rather than waiting for a connection again);
/// [`AppError::Internal`] when called outside a request, which is a bug.
pub(crate) fn state() -> Result<AppState, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        if leptos::prelude::Owner::current().is_some() {
            // The page's request ended (its client went away) while one of
            // its resources was still running: its context has been cleaned
            // up. The work is abandoned here, which is right.
            tracing::debug!("server function skipped: its request has ended");
        } else {
            tracing::error!("server function called outside a request");
        }
        AppError::Internal
    })?;
    if state.availability.is_down() {
        return Err(AppError::Unavailable);
    }
    Ok(state)
}

/// Everything a server function needs about its request.
pub(crate) struct Ctx {
    /// Application state.
    pub state: AppState,
    /// The request's session.
    pub session: Session,
    /// Who is asking, from where.
    pub client: Client,
    /// Who is asking, as the audit log names them: the signed-in account
    /// (set by [`guard`]) and the client's address.
    pub actor: Actor,
    /// A plain HTML form post (no JavaScript): answered with redirects.
    pub plain_form: bool,
}

impl Ctx {
    /// Maps a service error; for a plain form post, first keeps the typed
    /// `values` (never secrets) for the page the browser returns to.
    pub(crate) async fn fail<T>(
        &self,
        form: &str,
        values: &[(&str, &str)],
        err: ServiceError,
    ) -> Result<T, AppError> {
        if self.plain_form
            && matches!(
                err,
                ServiceError::Validation(_) | ServiceError::InvalidCredentials | ServiceError::RateLimited(_)
            )
            && let Err(e) = flash::keep(&self.session, form, values).await
        {
            tracing::warn!(error = %e, "could not keep form input");
        }
        Err(err.into())
    }

    /// [`Self::fail`] for a form whose server function takes one struct:
    /// keeps the whole typed input (as JSON) under `input`.
    pub(crate) async fn fail_with<T, I: serde::Serialize>(
        &self,
        form: &str,
        input: &I,
        err: ServiceError,
    ) -> Result<T, AppError> {
        let json = serde_json::to_string(input).unwrap_or_default();
        self.fail(form, &[("input", &json)], err).await
    }

    /// For a plain form post, keeps a one-time result (a reset link, recovery
    /// codes) for the page the browser returns to; with JavaScript the result
    /// is in the server function's answer.
    pub(crate) async fn keep_result(&self, form: &str, values: &[(&str, &str)]) -> Result<(), AppError> {
        if self.plain_form {
            flash::keep(&self.session, form, values)
                .await
                .map_err(AppError::from)?;
        }
        Ok(())
    }
}

/// The values a failed plain form post to server function `path` left for
/// its page, once (empty when there are none or no request).
pub(crate) async fn form_memory(path: &str) -> std::collections::BTreeMap<String, String> {
    match anyone() {
        Ok(ctx) => flash::take(&ctx.session, path).await.unwrap_or_default(),
        Err(_) => std::collections::BTreeMap::new(),
    }
}

/// Who may call a server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Any signed-in account (account pages: where a coordinator enrols a
    /// second factor).
    SignedIn,
    /// Any signed-in account; coordinators only once their session passed a
    /// second factor (they see everything there).
    Participant,
    /// Accounts with this role.
    Role(Role),
    /// Coordinators whose session passed a second factor.
    Coordinator,
}

/// What one request has already learnt about who is asking, so that the
/// several resources of one page (the layout's menu, the page's own data, the
/// catalogue its filters offer) read the account and its unread count once,
/// not once each. Provided afresh for every request; empty outside one.
///
/// Each answer is kept with the session's sign-in it was read for, and is
/// used only while the session still holds that same sign-in: a request
/// that signs in, out or again reads afresh.
#[derive(Clone, Default)]
pub struct RequestMemo(std::sync::Arc<MemoState>);

#[derive(Default)]
struct MemoState {
    user: tokio::sync::Mutex<Option<(SignedIn, Option<CurrentUser>)>>,
    viewer: tokio::sync::Mutex<Option<(SignedIn, Option<Viewer>)>>,
}

/// `read`'s answer for the session's current sign-in, from `slot` when this
/// request has read it already. The slot stays locked while `read` runs, so
/// that resources asking at once wait for one read instead of each making it.
async fn memoised<T: Clone>(
    session: &Session,
    slot: &tokio::sync::Mutex<Option<(SignedIn, Option<T>)>>,
    read: impl Future<Output = Result<Option<T>, AppError>>,
) -> Result<Option<T>, AppError> {
    let mut slot = slot.lock().await;
    let Some(signed_in) = crate::session::get::<SignedIn>(session, SIGNED_IN).await? else {
        return read.await;
    };
    if let Some((seen, value)) = slot.as_ref()
        && *seen == signed_in
    {
        return Ok(value.clone());
    }
    let value = read.await?;
    // Kept only when the read left the sign-in as it was (a session the read
    // found invalid has been flushed).
    if crate::session::get::<SignedIn>(session, SIGNED_IN)
        .await
        .ok()
        .flatten()
        .as_ref()
        == Some(&signed_in)
    {
        *slot = Some((signed_in, value.clone()));
    }
    Ok(value)
}

/// Who the session belongs to, if anyone: [`auth::current_user`], read once
/// per request.
///
/// # Errors
/// Database or session-store errors.
pub(crate) async fn current_user(ctx: &Ctx) -> Result<Option<CurrentUser>, AppError> {
    let read = async { Ok(auth::current_user(&ctx.state, &ctx.session).await?) };
    match use_context::<RequestMemo>() {
        Some(memo) => memoised(&ctx.session, &memo.0.user, read).await,
        None => read.await,
    }
}

/// The signed-in viewer with their unread count, read once per request by
/// `read`.
///
/// # Errors
/// As `read`.
pub(crate) async fn viewer(
    ctx: &Ctx,
    read: impl Future<Output = Result<Option<Viewer>, AppError>>,
) -> Result<Option<Viewer>, AppError> {
    match use_context::<RequestMemo>() {
        Some(memo) => memoised(&ctx.session, &memo.0.viewer, read).await,
        None => read.await,
    }
}

/// The request context, for server functions open to anyone.
///
/// # Errors
/// As [`state`].
pub(crate) fn anyone() -> Result<Ctx, AppError> {
    let state = state()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("server function called without request parts");
        AppError::Internal
    })?;
    let session = parts.extensions.get::<Session>().cloned().ok_or_else(|| {
        tracing::error!("no session layer around the server functions");
        AppError::Internal
    })?;
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = Client {
        address: client_address(peer, &parts.headers, &state.config.trusted_proxies),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    };
    let plain_form = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let actor = Actor::of(&client, None);
    Ok(Ctx {
        state,
        session,
        client,
        actor,
        plain_form,
    })
}

/// The one guard at the top of every protected server function: the session
/// must be signed in, with the role `access` asks for. On success the
/// context's `actor` names the signed-in account, for the audit log.
///
/// # Errors
/// [`AppError::Unauthenticated`], [`AppError::Forbidden`],
/// [`AppError::MfaEnrolmentRequired`] for coordinators without a verified
/// second factor.
pub(crate) async fn guard(access: Access) -> Result<(Ctx, CurrentUser), AppError> {
    let mut ctx = anyone()?;
    let user = current_user(&ctx).await?.ok_or(AppError::Unauthenticated)?;
    let role = Role::from(user.role);
    let allowed = match access {
        Access::SignedIn => true,
        Access::Role(wanted) => role == wanted,
        Access::Participant | Access::Coordinator => {
            may_participate(&user)?;
            access == Access::Participant || role == Role::Coordinator
        }
    };
    if allowed {
        ctx.actor = Actor::of(&ctx.client, Some(user.id));
        Ok((ctx, user))
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether a signed-in account may take part: a coordinator only once their
/// session passed a second factor (they see everything).
///
/// # Errors
/// [`AppError::MfaEnrolmentRequired`].
pub fn may_participate(user: &CurrentUser) -> Result<(), AppError> {
    if Role::from(user.role) == Role::Coordinator && !(user.mfa_enabled && user.mfa_verified) {
        return Err(AppError::MfaEnrolmentRequired);
    }
    Ok(())
}

/// The client's address: the socket's peer, or — only when the peer is a
/// trusted proxy — the right-most `X-Forwarded-For` hop that is not one.
#[must_use]
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => {}
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

impl From<&CurrentUser> for Viewer {
    fn from(user: &CurrentUser) -> Self {
        Self {
            id: user.id,
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            role: user.role.into(),
            mfa_enabled: user.mfa_enabled,
            mfa_verified: user.mfa_verified,
            unread: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "198.51.100.1, 203.0.113.7".parse().unwrap());
        assert_eq!(
            client_address(Some(proxy), &headers, &[]),
            proxy,
            "untrusted: ignored"
        );
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            client,
            "right-most hop"
        );
        assert_eq!(
            client_address(Some(client), &headers, &[proxy]),
            client,
            "not from the proxy"
        );
    }
}
