//! Files the pages link to, each audited:
//! - `GET /advisories/{id}/indicators.stix.json` and `….csv`: an advisory's
//!   indicators, for coordinators and the members of organisations it was sent
//!   to (the same rule as its page);
//! - `GET /coordinator/insight/{what}.csv?from=…&to=…&region=…&income=…&category=…`:
//!   the programme's data with the dashboard's filters, for coordinators,
//!   streamed a page of rows at a time.

use app::{
    api::may_participate,
    domain::insight::FilterInput,
    error::AppError,
    model::Role,
    services::{
        advisories::{self, Format},
        audit::Actor,
        auth,
        insight::export::{self, Export},
    },
    session::{Client, CurrentUser},
    state::AppState,
};
use axum::{
    body::Body,
    extract::{ConnectInfo, Path, State},
    response::{IntoResponse, Response},
};
use futures_util::TryStreamExt as _;
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
        Ok((name, content_type, body)) => (attachment(&name, content_type), body).into_response(),
        Err(e) => refusal(&e),
    }
}

/// A plain-text error with the status the pages would give.
fn refusal(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = match e {
        AppError::Validation(errors) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            format!(
                "These filters are not valid: {}. Dates are YYYY-MM-DD, the range at most two years.\n",
                fields.join(", ")
            )
        }
        _ => match status {
            StatusCode::UNAUTHORIZED => "Sign in to download this file.\n",
            StatusCode::NOT_FOUND => "No such file.\n",
            StatusCode::FORBIDDEN => "This file is not for you.\n",
            _ => "The file cannot be made right now; please try again in a moment.\n",
        }
        .to_owned(),
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Headers of a file to download.
fn attachment(name: &str, content_type: &str) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ]
}

/// The signed-in user who may take part, and how the audit log names them.
async fn who(state: &AppState, session: &Session, parts: &Parts) -> Result<(CurrentUser, Actor), AppError> {
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
    Ok((user, actor))
}

/// An export as a CSV file, streamed (coordinators only).
pub async fn insight(
    State(state): State<AppState>,
    Path(file): Path<String>,
    session: Session,
    parts: Parts,
) -> Response {
    // The filters are read by hand so that a malformed query is a 422 naming
    // nothing rather than axum's rejection.
    let input: FilterInput = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let Some(what) = file.strip_suffix(".csv").and_then(Export::parse) else {
        return refusal(&AppError::NotFound);
    };
    let started = async {
        let (user, actor) = who(&state, &session, &parts).await?;
        if Role::from(user.role) != Role::Coordinator {
            return Err(AppError::Forbidden);
        }
        Ok(export::start(&state, &actor, what, &input).await?)
    };
    match started.await {
        Ok(file) => {
            let body = Body::from_stream(file.chunks.map_err(|e| {
                tracing::error!(error = %e, "an export stopped");
                std::io::Error::other("the export stopped")
            }));
            (attachment(&file.name, "text/csv; charset=utf-8"), body).into_response()
        }
        Err(e) => refusal(&e),
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
    let (user, actor) = who(state, session, parts).await?;
    Ok(advisories::export(state, &actor, &user, id, format).await?)
}
