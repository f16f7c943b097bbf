//! Security headers on every response, with a fresh CSP nonce per request.

use app::state::CspNonce;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use base64::Engine as _;
use http::{HeaderValue, header};

/// What the security headers depend on.
#[derive(Clone, Copy, Debug)]
pub struct HeaderPolicy {
    /// Send HSTS (the site is served over https).
    pub hsts: bool,
}

/// Generates the request's nonce, hands it to the renderer through the request's
/// extensions, and sets the security headers on the response.
///
/// The policy allows scripts only from this origin or carrying the nonce, and
/// `'wasm-unsafe-eval'` so the hydration bundle can compile; no plugins, no
/// `<base>`, no framing, forms only to this origin. Nothing but the static
/// files may be stored by caches: pages carry a one-time nonce and, once signed
/// in, private data.
pub async fn apply(State(policy): State<HeaderPolicy>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    );
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        http::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        http::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    let static_file = path.starts_with("/pkg/") || matches!(path.as_str(), "/favicon.svg" | "/robots.txt");
    // The static files say for themselves how long they keep (`crate::assets`);
    // nothing else may be stored.
    if !(static_file && headers.contains_key(header::CACHE_CONTROL)) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}
