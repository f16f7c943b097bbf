//! Paths no file can have. A path segment longer than a file name may be (255
//! bytes) cannot name a page or a file: such a request is routed to a path that
//! renders the 404 page directly, so the static-file lookup never tries it (it
//! logged every such request, 64 KB paths included, as an error).

use axum::{extract::Request, middleware::Next, response::Response};
use http::Uri;

/// Longest path segment a file name may have.
const SEGMENT_MAX: usize = 255;

/// Where such requests go: no page and no file has this path.
const NOWHERE: &str = "/-/not-found";

/// True when some segment of `path` is longer than any file name.
fn impossible(path: &str) -> bool {
    path.split('/').any(|segment| segment.len() > SEGMENT_MAX)
}

/// Sends requests for impossible paths to the 404 page.
pub async fn refuse_impossible(mut req: Request, next: Next) -> Response {
    if impossible(req.uri().path()) {
        tracing::debug!(
            bytes = req.uri().path().len(),
            "path longer than any page or file"
        );
        *req.uri_mut() = Uri::from_static(NOWHERE);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_segments_longer_than_a_file_name_are_impossible() {
        assert!(!impossible("/needs/42"));
        assert!(!impossible(&format!("/{}", "a".repeat(255))));
        assert!(impossible(&format!("/{}", "a".repeat(256))));
        assert!(impossible(&format!("/pkg/{}/x", "é".repeat(200))));
        assert!(!impossible(NOWHERE));
    }
}
