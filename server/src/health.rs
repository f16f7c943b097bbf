//! Liveness and readiness probes.

use app::{
    infra::db::{Failure, begin_write, failure},
    state::AppState,
};
use axum::{extract::State, http::StatusCode, response::IntoResponse};
use sea_orm::{
    ConnectionTrait as _, DbErr,
    sea_query::{Alias, OnConflict, Query},
};
use std::time::Duration;

/// `/healthz`: the process is up and serving.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

/// Writes the readiness row in a write transaction: the database answers *and*
/// can store a change (a full disk fails here).
async fn write_probe(state: &AppState) -> Result<(), DbErr> {
    let txn = begin_write(&state.db).await?;
    let upsert = Query::insert()
        .into_table(Alias::new("readiness_probe"))
        .columns([Alias::new("id"), Alias::new("checked_at")])
        .values_panic([1_i64.into(), state.clock.now().into()])
        .on_conflict(
            OnConflict::column(Alias::new("id"))
                .update_column(Alias::new("checked_at"))
                .to_owned(),
        )
        .to_owned();
    txn.execute(&upsert).await?;
    txn.commit().await
}

/// `/readyz`: the database answers and can write, within two seconds.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(2), write_probe(&state)).await {
        Ok(Ok(())) => {
            state.availability.mark_up();
            (StatusCode::OK, "ready\n")
        }
        Ok(Err(err)) => {
            let why = failure(&err);
            if why == Failure::Unreachable {
                state.availability.found_unreachable(&state.db, &err);
            }
            tracing::warn!(error = %err, ?why, "readiness check: the database cannot write");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("readiness check: database timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
