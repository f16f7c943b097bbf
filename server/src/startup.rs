//! Building the application and running it until shutdown.

use crate::{api, db, health, middleware, settings::Settings};
use anyhow::Context as _;
use app::{
    app::{App, shell},
    state::AppState,
};
use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    routing::{get, post},
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes as _, file_and_error_handler_with_context, generate_route_list};
use std::{future::Future, net::SocketAddr};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer, trace::TraceLayer,
};

/// A configured application, bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    settings: Settings,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listening socket.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, or the address cannot be bound.
    /// The server must not start in any of these cases.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.addr))?;
        let addr = listener.local_addr().context("listening socket has no address")?;
        let leptos_options = LeptosOptions::builder()
            .output_name("frontline")
            .site_root(settings.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let state = AppState { db, leptos_options };
        let router = router(state.clone(), &settings);
        Ok(Self {
            listener,
            router,
            state,
            settings,
        })
    }

    /// The address the server listens on (the real port when configured with port 0).
    ///
    /// # Panics
    /// Never: the socket was bound in [`Self::build`].
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.state.leptos_options.site_addr
    }

    /// The application state (database pool and settings), for tests and commands.
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish for at
    /// most the configured deadline.
    ///
    /// # Errors
    /// When the server fails while accepting connections.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let deadline = self.settings.shutdown_deadline();
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let serve = axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stopping_tx.send(());
        });
        tokio::select! {
            result = serve => result.context("server failed")?,
            () = async {
                if stopping_rx.await.is_ok() {
                    tokio::time::sleep(deadline).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => {
                tracing::warn!(deadline_secs = deadline.as_secs(), "shutdown deadline passed; dropping open connections");
            }
        }
        self.state.db.clone().close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }
}

/// The router: probes, server functions, Leptos pages, static files, and the
/// middleware stack around all of them.
fn router(state: AppState, settings: &Settings) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let shell_fn = move || shell(options.clone());
    let fallback_shell = {
        let options = state.leptos_options.clone();
        move |_: LeptosOptions| shell(options.clone())
    };

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/{*fn_name}", post(api::handle).get(api::handle))
        .leptos_routes_with_context(&state, routes, context.clone(), shell_fn)
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, fallback_shell))
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(middleware::request_id::assign))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request| {
                        let id = req
                            .extensions()
                            .get::<middleware::request_id::RequestId>()
                            .map(|r| r.0.as_str())
                            .unwrap_or_default();
                        tracing::info_span!("request", request.id = %id, http.method = %req.method(), http.path = %req.uri().path())
                    }),
                )
                .layer(TimeoutLayer::with_status_code(
                    http::StatusCode::REQUEST_TIMEOUT,
                    settings.request_timeout(),
                ))
                .layer(CompressionLayer::new())
                .layer(axum::middleware::from_fn(middleware::security_headers::apply))
                .layer(DefaultBodyLimit::disable())
                .layer(RequestBodyLimitLayer::new(settings.body_limit_bytes)),
        )
        .with_state(state)
}
