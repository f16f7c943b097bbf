//! A panic while handling a request becomes a logged 500 — with the request's
//! id, as the log line is written inside the request's span — rather than a
//! connection closed without an answer.

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use std::any::Any;

/// The answer to a request whose handler panicked.
pub fn answer(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
        .replace(['\n', '\r'], " ");
    tracing::error!(panic = %message, "a request handler panicked; answered 500");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "Something went wrong on our side. It has been logged; please try again.\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::{Router, body::Body, routing::get};
    use http::Request;
    use tower::ServiceExt as _;
    use tower_http::catch_panic::CatchPanicLayer;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_instead_of_dropping_the_connection() {
        let router = Router::new()
            .route(
                "/boom",
                get(|| async {
                    if true {
                        panic!("rendering failed");
                    }
                    "never"
                }),
            )
            .layer(CatchPanicLayer::custom(super::answer));
        let res = router
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap_or_else(|e| match e {});
        assert_eq!(res.status(), 500);
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("Something went wrong"));
    }
}
