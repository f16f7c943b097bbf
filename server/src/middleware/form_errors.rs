//! A failed form post's error travels in the session, not in the address.
//!
//! Without JavaScript, Leptos answers a failed form post with a redirect back to
//! its page carrying the error in the query (`?__path=/api/…&__err=<base64>`).
//! The address bar then kept it, a reload showed the error again, and it went
//! into the history and bookmarks. Here the redirect goes to the clean address
//! and the error waits in the server-side session; the next page rendered in
//! that session takes it (once) and the render provides it to the form, as the
//! router would have from the query (see `startup::router`).

use axum::{extract::Request, middleware::Next, response::Response};
use http::{HeaderValue, Method, header};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const KEY: &str = "form_error";

/// A form post's error, waiting for the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormError {
    /// The server function's path (`/api/register`…).
    pub path: String,
    /// The error, encoded as Leptos encodes it in `__err`.
    pub err: String,
}

/// Moves a failed post's error from the redirect into the session, and hands
/// it to the next page request.
pub async fn carry(session: Session, mut req: Request, next: Next) -> Response {
    let post = req.method() == Method::POST;
    // Looked at first and removed only when there: a removal marks the
    // session changed, and a changed session is written back, which would
    // make every page view a database write.
    if req.method() == Method::GET && wants_page(&req) {
        match session.get::<FormError>(KEY).await {
            Ok(Some(error)) => {
                if let Err(e) = session.remove_value(KEY).await {
                    tracing::warn!(error = %e, "could not take a form error from the session");
                }
                req.extensions_mut().insert(error);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read a form error from the session"),
        }
    }
    let mut res = next.run(req).await;
    if !post || !res.status().is_redirection() {
        return res;
    }
    let Some((clean, error)) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(split_error)
    else {
        return res;
    };
    let Ok(clean) = HeaderValue::from_str(&clean) else {
        return res;
    };
    // When the session cannot keep it, the error stays in the address: shown
    // all the same.
    match session.insert(KEY, error).await {
        Ok(()) => {
            res.headers_mut().insert(header::LOCATION, clean);
        }
        Err(e) => tracing::warn!(error = %e, "could not keep a form error in the session"),
    }
    res
}

/// Whether the request is a browser asking for a page.
fn wants_page(req: &Request) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// Splits a redirect address into the address without Leptos's error
/// parameters and the error they carried; `None` when it carries none.
fn split_error(location: &str) -> Option<(String, FormError)> {
    let (base, query) = location.split_once('?')?;
    let (fragment_free, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(fragment_free).ok()?;
    let find = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let error = FormError {
        path: find("__path")?,
        err: find("__err")?,
    };
    let rest: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "__path" && k != "__err")
        .collect();
    let mut clean = base.to_owned();
    if !rest.is_empty() {
        clean.push('?');
        clean.push_str(&serde_urlencoded::to_string(rest).ok()?);
    }
    if let Some(fragment) = fragment {
        clean.push('#');
        clean.push_str(fragment);
    }
    Some((clean, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_leaves_the_address_and_the_rest_stays() {
        let (clean, error) = split_error(
            "http://127.0.0.1:3000/needs?page=2&q=dmarc%20x&__path=%2Fapi%2Fneeds&__err=AAA-_%3D",
        )
        .unwrap_or_else(|| panic!("an error"));
        assert_eq!(clean, "http://127.0.0.1:3000/needs?page=2&q=dmarc+x");
        assert_eq!(
            error,
            FormError {
                path: "/api/needs".into(),
                err: "AAA-_=".into()
            }
        );
        let (clean, _) =
            split_error("/register?__path=/api/register&__err=QQ").unwrap_or_else(|| panic!("an error"));
        assert_eq!(clean, "/register");
    }

    #[test]
    fn an_address_without_an_error_is_left_alone() {
        assert_eq!(split_error("/account"), None);
        assert_eq!(split_error("/needs?page=2"), None);
        assert_eq!(split_error("/needs?__path=/api/x"), None, "half an error is none");
    }
}
