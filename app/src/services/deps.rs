//! What the services depend on, handed to each of them by reference.

use crate::{
    clock::Clock,
    config::AppConfig,
    domain::{insight::Impact, views::Figures},
    infra::{keys::SiteKeys, passwords::Passwords, recent::Recent},
    services::matching::cache::Cache,
};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The services' dependencies: built once at start-up, cheap to clone (every
/// field is shared). The server's `Deps` holds one; tests build their own.
#[derive(Clone, Debug)]
pub struct Deps {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Settings the application itself needs.
    pub config: Arc<AppConfig>,
    /// Password hashing, capped in concurrency.
    pub passwords: Passwords,
    /// The matcher's profiles, cached until the data changes.
    pub matching: Cache,
    /// The home page's public figures, counted at most every few seconds.
    pub figures: Recent<Figures>,
    /// The public impact page's figures, computed at most every few minutes.
    pub impact: Recent<Impact>,
    /// The facts behind the coordinators' dashboard, read at most every 30 s.
    pub insight: Recent<Arc<crate::domain::insight::Facts>>,
    /// The keys the site signs links with.
    pub keys: Arc<SiteKeys>,
}
