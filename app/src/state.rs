//! The state shared by every request on the server.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

/// Everything a request handler or server function may need from the server.
///
/// Built once at start-up by the `server` crate and handed to every request through
/// the router's state and Leptos's context. Instances share nothing else: what must
/// be shared between several Frontline instances lives in the database.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Leptos's own settings (site root, output name).
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The Content-Security-Policy nonce of one request, put in the request's
/// extensions by the server's security-headers layer and read by the shell.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);
