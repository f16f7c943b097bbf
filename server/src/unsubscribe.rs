//! `POST /unsubscribe/{token}`: the one-click unsubscribe of RFC 8058. A mail
//! client posts `List-Unsubscribe=One-Click` to the link in the mail's
//! `List-Unsubscribe` header; the unsubscribe page's own button posts the same
//! form. No session: the signed token is the authority
//! ([`app::services::mail::preferences`]).

use app::{api::client_address, error::AppError, services::mail::preferences, state::AppState};
use axum::{
    extract::{ConnectInfo, Path, State},
    response::{IntoResponse, Redirect, Response},
};
use http::{StatusCode, header, request::Parts};
use std::net::SocketAddr;

/// Stops the mail the token names; a browser is sent back to the link's page
/// (which then says it is done), a mail client gets a plain 200.
pub async fn one_click(State(state): State<AppState>, Path(token): Path<String>, parts: Parts) -> Response {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let address = client_address(peer, &parts.headers, &state.config.trusted_proxies);
    let browser = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    match preferences::unsubscribe(&state, Some(address.to_string()), &token).await {
        Ok(()) if browser => Redirect::to(&format!("/unsubscribe/{token}")).into_response(),
        Ok(()) => (StatusCode::OK, "unsubscribed\n").into_response(),
        Err(e) => {
            let error = AppError::from(e);
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let text = if status == StatusCode::NOT_FOUND {
                "This unsubscribe link is not valid: it may have been cut short. Choose which mail you get on your account's mail page.\n"
            } else {
                "Could not unsubscribe right now; please try again in a moment.\n"
            };
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text,
            )
                .into_response()
        }
    }
}
