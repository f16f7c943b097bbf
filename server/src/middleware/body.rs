//! Request bodies read whole, up to the limit, before any handler sees them.
//!
//! A body over the limit is a 413, whether its `Content-Length` says so at
//! once or a chunked body is found too long while being read; a body the
//! client failed to send in full is a 400, never a 500 from deep in a
//! handler. A refused body is read on (and thrown away, within bounds) before
//! the answer, so that the client, still sending, receives it.

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{Method, StatusCode, header};
use http_body_util::BodyExt as _;
use std::time::Duration;

/// The largest body, in bytes (the `body_limit_bytes` setting).
#[derive(Clone, Copy, Debug)]
pub struct Limit(pub usize);

/// How much of a refused body is read and thrown away before the answer, at
/// most. A client is usually still sending when a body is refused; closing
/// the connection on unread data makes the kernel reset it, and the client
/// then sees a broken pipe instead of the 413. Beyond this (or
/// [`DRAIN_TIME`]) the connection is closed all the same.
const DRAIN_MAX: usize = 8 * 1024 * 1024;

/// How long a refused body is read for, at most.
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// Reads the body of a request that carries one, then passes it on.
pub async fn read_whole(State(Limit(limit)): State<Limit>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (parts, mut body) = req.into_parts();
    if declared.is_some_and(|n| n > limit as u64) {
        // A client that waits for "100 Continue" has sent nothing yet, and
        // reading would ask it for the body: refused at once.
        let waits = parts
            .headers
            .get(header::EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if !waits {
            drain(&mut body, 0).await;
        }
        return refuse(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let mut read: Vec<u8> = Vec::new();
    loop {
        match body.frame().await {
            None => break,
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else {
                    continue; // trailers
                };
                if read.len() + data.len() > limit {
                    drain(&mut body, read.len() + data.len()).await;
                    return refuse(StatusCode::PAYLOAD_TOO_LARGE);
                }
                read.extend_from_slice(&data);
            }
            Some(Err(e)) => {
                tracing::info!(error = %e, "request body could not be read");
                return refuse(StatusCode::BAD_REQUEST);
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(Bytes::from(read))))
        .await
}

/// Reads and throws away the rest of a refused body (`so_far` bytes of it
/// already read), up to [`DRAIN_MAX`] bytes and [`DRAIN_TIME`].
async fn drain(body: &mut Body, so_far: usize) {
    let mut total = so_far;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while total <= DRAIN_MAX {
            match body.frame().await {
                Some(Ok(frame)) => total += frame.data_ref().map_or(0, Bytes::len),
                Some(Err(_)) | None => break,
            }
        }
    })
    .await;
}

/// The answer to a refused body; the connection is closed after it (what
/// is left of the body, if anything, is not read).
fn refuse(status: StatusCode) -> Response {
    let text = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "The request is too large.\n"
    } else {
        "The request body could not be read.\n"
    };
    tracing::info!(status = status.as_u16(), "request body refused");
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CONNECTION, "close"),
        ],
        text,
    )
        .into_response()
}
