//! The site's static files (`/pkg/*`, the icon, `robots.txt`): served from the
//! built site with `Last-Modified` and a `304` for a browser that has them,
//! the gzip copies as they are, and a year's caching for a URL that carries the
//! file's current version — the one pages link to — so a second page view
//! fetches only its HTML.

use app::assets::Assets;
use axum::{
    Router,
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderValue, StatusCode, header};
use std::{path::Path, sync::Arc};
use tower_http::services::{ServeDir, ServeFile};

/// What a versioned URL may be cached for: a year, never revalidated.
const FOR_GOOD: &str = "public, max-age=31536000, immutable";
/// Anything else (an old or missing version): revalidate each time (a cheap 304).
const REVALIDATE: &str = "no-cache";

/// The routes of the static files under `site_root`.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &Path, assets: Arc<Assets>) -> Router<S> {
    Router::new()
        .nest_service("/pkg", ServeDir::new(site_root.join("pkg")).precompressed_gzip())
        .route_service("/favicon.svg", ServeFile::new(site_root.join("favicon.svg")))
        .route_service("/robots.txt", ServeFile::new(site_root.join("robots.txt")))
        .layer(axum::middleware::from_fn_with_state(assets, cache_control))
}

/// Sets how long the answer may be kept, from the version the URL carries.
async fn cache_control(State(assets): State<Arc<Assets>>, req: Request, next: Next) -> Response {
    let current = req
        .uri()
        .query()
        .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("v=")))
        .is_some_and(|version| assets.is_current(req.uri().path(), version));
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if current { FOR_GOOD } else { REVALIDATE }),
        );
    }
    res
}
