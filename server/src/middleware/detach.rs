//! A page is rendered to its end even when its client goes away.
//!
//! Dropping a page's render half-way (the client closed the connection) cleans
//! up its reactive owner while the resources it spawned are still running: they
//! then read values that are gone and panic in their tasks ("value already
//! disposed"), or call server functions that find no request ("without
//! AppState"). Run in a task of its own, the render finishes as if the client
//! were still there — the work was under way anyway — and its owner is cleaned
//! up in order; before the response leaves, every task the render spawned has
//! run once (`crate::executor`). Only reads (GET, HEAD) are detached; a form
//! post still stops with its client, inside its transaction.

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse as _, Response},
};
use http::Method;
use tracing::Instrument as _;

/// Runs the rest of a GET or HEAD request in its own task and waits for it.
pub async fn finish_renders(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let render =
        tokio::spawn(crate::executor::render_then_settle(next.run(req)).instrument(tracing::Span::current()));
    match render.await {
        Ok(res) => res,
        // Let the panic layer outside answer it, as if it had happened here.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => {
            tracing::error!(error = %e, "a page render was cancelled");
            http::StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
