//! Cross-site request forgery protection for every state-changing request.
//!
//! The approach of Go 1.25's `CrossOriginProtection` and Rails 8: browsers say
//! where a request comes from. A request whose `Sec-Fetch-Site` is anything but
//! `same-origin` (or `none`, a user's own navigation) is refused; when the header
//! is absent (older browsers), a present `Origin` must be this site's, and
//! `Origin: null` is refused. Requests with neither header are not from a
//! browser's cross-site context and pass. Safe methods never change state and
//! always pass, so plain links and no-JavaScript GET forms keep working, and so
//! do same-origin form posts.
//!
//! One path is exempt: the one-click unsubscribe link (RFC 8058), which a mail
//! client may post from anywhere. Its signed token is its whole authority, and
//! all it can do is stop mail to the account it names.

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

/// The one-click unsubscribe links' path prefix.
pub const ONE_CLICK_UNSUBSCRIBE: &str = "/unsubscribe/";

/// Refuses cross-site state-changing requests.
pub async fn protect(req: Request, next: Next) -> Response {
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    let exempt = req.uri().path().starts_with(ONE_CLICK_UNSUBSCRIBE);
    let mut res = if safe || exempt || same_origin(req.headers()) {
        next.run(req).await
    } else {
        tracing::warn!(
            method = %req.method(),
            path = %req.uri().path(),
            sec_fetch_site = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or("-"),
            origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("-"),
            "cross-site request refused"
        );
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Cross-site request refused: this action must be sent from a Frontline page.\n",
        )
            .into_response()
    };
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("Sec-Fetch-Site, Origin"));
    res
}

/// Whether the request's provenance headers allow a state change.
#[must_use]
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(host)) = (
        origin.to_str(),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    ) else {
        return false;
    };
    // "null", or scheme://host[:port] that must name this host.
    origin.split_once("://").is_some_and(|(scheme, authority)| {
        matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "none")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!same_origin(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://frontline.test"),
            ("host", "frontline.test"),
        ])));
    }

    #[test]
    fn origin_decides_otherwise() {
        assert!(same_origin(&headers(&[
            ("origin", "http://frontline.test:3000"),
            ("host", "frontline.test:3000")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "http://evil.test"),
            ("host", "frontline.test")
        ])));
        assert!(!same_origin(&headers(&[
            ("origin", "null"),
            ("host", "frontline.test")
        ])));
        assert!(
            same_origin(&headers(&[("host", "frontline.test")])),
            "no provenance: not a browser"
        );
    }
}
