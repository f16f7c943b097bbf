//! The endpoint serving Leptos server functions, and the one place where their
//! errors become HTTP statuses.

use app::{error::AppError, state::AppState};
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use http::{HeaderValue, StatusCode, header};
use leptos::{prelude::provide_context, server_fn::error::FromServerFnError as _};

/// Header server_fn puts on error responses.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// Runs the server function named by the path, with the app state in context.
pub async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let res = leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req)
        .await
        .into_response();
    with_error_status(res).await
}

/// server_fn answers every error with 500. Read the (small) error body back and
/// answer with the status the error stands for: a malformed argument is a 400,
/// an unavailable database a 503. Redirects (form posts without JavaScript, which
/// carry the error in the URL) pass unchanged.
async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    let error = AppError::de(bytes.clone());
    parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(bytes))
}
