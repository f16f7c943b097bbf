//! A fresh id for every request, in the logs and in the `x-request-id` response header.
//!
//! An incoming `x-request-id` is ignored: ids are ours, so a client cannot forge
//! log lines that look like another request's.

use axum::{extract::Request, middleware::Next, response::Response};
use http::{HeaderName, HeaderValue};

/// The header carrying the request id.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request's id, stored in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Assigns the id and echoes it on the response.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    req.headers_mut().remove(X_REQUEST_ID);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(X_REQUEST_ID, value);
    }
    res
}
