//! The one place where server-function errors become HTTP statuses.
//!
//! Leptos registers a route for every server function and answers every error
//! with 500. This layer reads the (small) error body back and answers with the
//! status the error stands for: a malformed argument is a 400, a wrong password
//! a 401, an unavailable database a 503, a throttled attempt a 429 with
//! `Retry-After`. Redirects (form posts without JavaScript, which carry the error
//! in the URL) pass unchanged.

use app::error::AppError;
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderValue, StatusCode, header};
use leptos::server_fn::error::FromServerFnError as _;

/// Header server_fn puts on error responses.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// Maps server-function errors to their HTTP status.
pub async fn map_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
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
    if let AppError::RateLimited { retry_after_secs } = error
        && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        parts.headers.insert(header::RETRY_AFTER, value);
    }
    Response::from_parts(parts, Body::from(bytes))
}
