//! Request bodies read whole, up to the limit, before any handler sees them.
//!
//! A `Content-Length` over the limit is refused by the limit layer outside; a
//! chunked body has no length, so it is only found too long while being read —
//! here, where that becomes 413 like its counterpart, and a body the client
//! failed to send in full becomes 400, never a 500 from deep in a handler.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{Method, StatusCode, header};

/// The largest body, in bytes (the `body_limit_bytes` setting).
#[derive(Clone, Copy, Debug)]
pub struct Limit(pub usize);

/// Reads the body of a request that carries one, then passes it on.
pub async fn read_whole(State(Limit(limit)): State<Limit>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match to_bytes(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(e) => {
            let too_long = std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                .any(|e| e.is::<http_body_util::LengthLimitError>());
            let (status, text) = if too_long {
                (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.\n")
            } else {
                (StatusCode::BAD_REQUEST, "The request body could not be read.\n")
            };
            tracing::info!(status = status.as_u16(), error = %e, "request body refused");
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text,
            )
                .into_response()
        }
    }
}
