//! Honest answers while the database is away: once a request has found it
//! unreachable, every request gets 503 at once — a short page for people, the
//! server function's error for scripts — instead of waiting the pool's acquire
//! timeout again; a probe finds the database back by itself.

use app::{error::AppError, infra::db::Availability, state::AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderValue, StatusCode, header};
use leptos::server_fn::error::FromServerFnError as _;
use sea_orm::sqlx;
use std::time::Duration;

/// Seconds a client is asked to wait before trying again.
const RETRY_AFTER_SECS: u64 = 30;

/// How often the probe pings a database that is down.
const PROBE_EVERY: Duration = Duration::from_millis(250);

/// The page people see (the database is not needed to render it).
const PAGE: &str = "<!DOCTYPE html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>Temporarily unavailable · Frontline</title><link rel=\"stylesheet\" href=\"/pkg/frontline.css\"></head>
<body><header class=\"site-header\"><div class=\"site-header__inner\">
<a href=\"/\" class=\"brand\"><span class=\"brand__mark\" aria-hidden=\"true\"></span>Frontline</a></div></header>
<main id=\"content\" class=\"content\"><section class=\"error-panel\" role=\"alert\">
<h1>Temporarily unavailable</h1>
<p>Frontline cannot reach its database right now, so nothing was read or changed. Please try again in a minute.</p>
<p><a href=\"/\">Back to the home page</a></p>
</section></main></body></html>
";

/// Paths that never need the database.
fn needs_no_database(path: &str) -> bool {
    path == "/healthz" || path.starts_with("/pkg/") || path == "/favicon.svg"
}

/// The 503 answer: HTML for a browser, the encoded [`AppError`] for a script.
pub fn unavailable(req_accepts_html: bool) -> Response {
    let mut res = if req_accepts_html {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            PAGE,
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from(AppError::Unavailable.ser()),
        )
            .into_response()
    };
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn accepts_html(req: &Request) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Pages (and plain form posts) ask for HTML; server functions called from
    // the page ask for JSON.
    accept.contains("text/html") || (accept.is_empty() && !req.uri().path().starts_with("/api/"))
}

/// Answers 503 at once while the database is down; turns a 500 that happened
/// because it went down during the request (the session layer's save, say) into
/// the same honest 503.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if needs_no_database(req.uri().path()) {
        return next.run(req).await;
    }
    let html = accepts_html(&req);
    if state.availability.is_down() {
        return unavailable(html);
    }
    let res = next.run(req).await;
    if res.status() == StatusCode::INTERNAL_SERVER_ERROR && state.availability.is_down() {
        return unavailable(html);
    }
    res
}

/// While the database is marked down, pings it until it answers, then marks it
/// up; when a request raised a suspicion (no connection within the acquire
/// timeout), checks the database with a connection of its own and marks it down
/// only if that fails too. Runs for the life of the server.
pub async fn probe(db: sea_orm::DatabaseConnection, availability: Availability, timeout: Duration) {
    let mut tick = tokio::time::interval(PROBE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if availability.is_down() {
            if matches!(tokio::time::timeout(timeout, db.ping()).await, Ok(Ok(()))) {
                availability.mark_up();
            }
        } else if availability.take_suspicion() {
            match tokio::time::timeout(timeout, answers_outside_the_pool(&db)).await {
                Ok(Ok(())) => {
                    tracing::warn!("the database answers: requests waited for a connection because of load")
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "a connection of the probe's own failed");
                    availability.mark_down();
                }
                Err(_) => {
                    tracing::warn!(
                        "a connection of the probe's own got no answer within the acquire timeout"
                    );
                    availability.mark_down();
                }
            }
        }
    }
}

/// Opens a connection with the pool's options but outside the pool (whose
/// connections may all be held or queued for), pings and closes it.
async fn answers_outside_the_pool(db: &sea_orm::DatabaseConnection) -> Result<(), sqlx::Error> {
    use sea_orm::{
        DbBackend,
        sqlx::{ConnectOptions as _, Connection as _},
    };
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let options = db.get_postgres_connection_pool().connect_options();
            let mut conn = options.connect().await?;
            conn.ping().await?;
            conn.close().await
        }
        DbBackend::Sqlite => {
            let options = db.get_sqlite_connection_pool().connect_options();
            let mut conn = options.connect().await?;
            conn.ping().await?;
            conn.close().await
        }
        _ => db.ping().await.map_err(|e| sqlx::Error::Protocol(e.to_string())),
    }
}
