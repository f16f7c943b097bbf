//! The state shared by every request on the server.

use crate::{assets::Assets, infra::db::Availability, services::deps::Deps};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::{ops::Deref, sync::Arc};

/// Everything a request handler or server function may need from the server.
///
/// Built once at start-up by the `server` crate and handed to every request through
/// the router's state and Leptos's context. Instances share nothing else: what must
/// be shared between several Frontline instances lives in the database.
///
/// It dereferences to the services' [`Deps`], so a server function hands
/// `&state` to a service as it is; the services never see Leptos.
#[derive(Clone, Debug)]
pub struct AppState {
    /// What the services need: database, clock, settings, hasher, matching cache.
    pub deps: Deps,
    /// Leptos's own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// Whether the database can be reached (requests answer 503 at once while not).
    pub availability: Availability,
    /// The site's static files, with the versions their URLs carry.
    pub assets: Arc<Assets>,
}

impl Deref for AppState {
    type Target = Deps;

    fn deref(&self) -> &Deps {
        &self.deps
    }
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
