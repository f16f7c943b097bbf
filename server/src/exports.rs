//! `GET /advisories/{id}/indicators.stix.json` and `….csv`: an advisory's
//! indicators as a file, for coordinators and the members of organisations it
//! was sent to (the same rule as its page), audited.

use app::{
    api::may_participate,
    error::AppError,
    services::{
        advisories::{self, Format},
        audit::Actor,
        auth,
    },
    session::Client,
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Path, State},
    response::{IntoResponse, Response},
};
use http::{StatusCode, header, request::Parts};
use std::net::SocketAddr;
use tower_sessions::Session;

/// The file, or a plain-text error with the status the pages would give.
pub async fn indicators(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    session: Session,
    parts: Parts,
) -> Response {
    match file_of(&state, &id, &file, &session, &parts).await {
        Ok((name, content_type, body)) => (
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let text = match status {
                StatusCode::UNAUTHORIZED => "Sign in to download this file.\n",
                StatusCode::NOT_FOUND => "No such file.\n",
                StatusCode::FORBIDDEN => "This file is not for you.\n",
                _ => "The file cannot be made right now; please try again in a moment.\n",
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

async fn file_of(
    state: &AppState,
    id: &str,
    file: &str,
    session: &Session,
    parts: &Parts,
) -> Result<(String, &'static str, String), AppError> {
    let format = match file {
        "indicators.stix.json" => Format::Stix,
        "indicators.csv" => Format::Csv,
        _ => return Err(AppError::NotFound),
    };
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    if state.availability.is_down() {
        return Err(AppError::Unavailable);
    }
    let user = auth::current_user(state, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    may_participate(&user)?;
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = Client {
        address: app::api::client_address(peer, &parts.headers, &state.config.trusted_proxies),
        user_agent: String::new(),
    };
    let actor = Actor::of(&client, Some(user.id));
    Ok(advisories::export(state, &actor, &user, id, format).await?)
}
