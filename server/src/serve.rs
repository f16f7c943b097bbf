//! The HTTP server loop: the router on hyper, with what `axum::serve` leaves
//! out — a deadline for reading a request's headers (slow clients cannot hold
//! connections forever), and a shutdown that stops accepting, lets the requests
//! in flight finish until the deadline, ends the connections still open then,
//! and only returns once every connection is gone, so whatever the caller closes
//! next (the database pool) is never pulled from under a running request.

use axum::{Router, body::Body, extract::ConnectInfo};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use std::{future::Future, time::Duration};
use tokio::{net::TcpListener, task::JoinSet};
use tower::ServiceExt as _;

/// How the loop treats connections.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest a client may take to send a request's headers (also how long an
    /// idle keep-alive connection is kept).
    pub header_read_timeout: Duration,
    /// After the shutdown signal, how long requests in flight may still run.
    pub shutdown_deadline: Duration,
}

/// What happened to the connections at shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// Every connection finished before the deadline.
    All,
    /// Some were still open at the deadline and were closed (their number).
    Cut(usize),
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
///
/// Accept errors (a client gone before its connection was accepted, too many
/// open files) are logged and the loop goes on after a short pause.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Drained {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_read_timeout));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = router.clone().map_request(move |mut req: http::Request<Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req.map(Body::new)
                });
                let connection = builder
                    .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                    .into_owned();
                let connection = graceful.watch(connection);
                connections.spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, %peer, "connection ended with an error");
                    }
                });
            }
        }
    }
    drop(listener);
    tracing::info!(
        connections = connections.len(),
        deadline_secs = limits.shutdown_deadline.as_secs(),
        "no longer accepting connections; letting requests in flight finish"
    );
    let drained = tokio::time::timeout(limits.shutdown_deadline, graceful.shutdown())
        .await
        .is_ok();
    let open = connections.len();
    if !drained && open > 0 {
        tracing::warn!(
            open,
            "shutdown deadline passed; closing the connections still open"
        );
        connections.abort_all();
    }
    while connections.join_next().await.is_some() {}
    if drained { Drained::All } else { Drained::Cut(open) }
}
