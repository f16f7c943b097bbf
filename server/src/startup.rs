//! Building the application and running it until shutdown.

use crate::{
    api, assets, db, exports, health,
    middleware::{self, security_headers::HeaderPolicy},
    serve,
    settings::{Mode, Settings},
    unsubscribe,
};
use anyhow::Context as _;
use app::{
    app::{App, shell},
    assets::Assets,
    clock::{Clock, SystemClock},
    infra::{
        db::Availability, mailer::Mailer, passwords::Passwords, session_store::DbSessionStore, throttle,
    },
    services::{deps::Deps, jobs, mail},
    state::AppState,
};
use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    routing::{get, post},
};
use leptos::{
    config::LeptosOptions,
    prelude::{provide_context, use_context},
};
use leptos_axum::{LeptosRoutes as _, file_and_error_handler_with_context, generate_route_list};
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, timeout::TimeoutLayer, trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// How often expired sessions and stale throttling counters are swept away.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);

/// A configured application, bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    settings: Settings,
    sessions: DbSessionStore,
    mailer: Mailer,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listening socket.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, or the address cannot be bound.
    /// The server must not start in any of these cases.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// [`Self::build`] with a given clock (tests move time forward with it).
    ///
    /// # Errors
    /// As [`Self::build`].
    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        if !crate::executor::install() {
            tracing::warn!(
                "another executor was set before Frontline's: renders will not wait for their tasks"
            );
        }
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
        let config = settings.app_config();
        if settings.mode == Mode::Development {
            tracing::warn!(
                "development mode: session cookies are sent without `Secure` and the `__Host-` prefix; \
                 never use this mode on a network"
            );
        }
        let mailer = settings.mailer().context("cannot set up mail")?;
        tracing::info!(to = %mailer.describe(), from = %settings.mail_from, "mail is delivered to {}", mailer.describe());
        let passwords = Passwords::new(settings.password_hash_concurrency)
            .map_err(|e| anyhow::anyhow!("cannot prepare password hashing: {e}"))?;
        let keys = app::infra::keys::SiteKeys::load(&db, clock.now())
            .await
            .map_err(|e| anyhow::anyhow!("cannot load the site's keys: {e}"))?;
        app::services::guidance::install_shipped(&db, clock.now())
            .await
            .map_err(|e| anyhow::anyhow!("cannot add the shipped guidance articles: {e}"))?;
        let availability = Availability::default();
        let sessions = DbSessionStore::new(
            db.clone(),
            clock.clone(),
            config.session_idle,
            config.session_absolute,
            availability.clone(),
        );
        let state = AppState {
            deps: Deps {
                db,
                clock,
                config: Arc::new(config),
                passwords,
                matching: app::services::matching::Cache::default(),
                figures: app::infra::recent::Recent::default(),
                impact: app::infra::recent::Recent::default(),
                insight: app::infra::recent::Recent::default(),
                keys: Arc::new(keys),
            },
            leptos_options,
            availability,
            assets: Arc::new(Assets::load(&settings.site_root)),
        };
        let router = router(state.clone(), &settings, sessions.clone());
        Ok(Self {
            listener,
            router,
            state,
            settings,
            sessions,
            mailer,
        })
    }

    /// The address the server listens on (the real port when configured with port 0).
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
    /// most the configured deadline, ends the connections still open, and only
    /// then stops the background work and closes the database pool.
    ///
    /// # Errors
    /// Never at present; kept fallible for the callers.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let limits = serve::Limits {
            header_read_timeout: self.settings.header_read_timeout(),
            shutdown_deadline: self.settings.shutdown_deadline(),
        };
        let housekeeping = tokio::spawn(housekeeping(self.state.clone(), self.sessions.clone()));
        let jobs = tokio::spawn(periodic_jobs(self.state.clone()));
        let warm_up = self
            .settings
            .matcher_warm_up
            .then(|| tokio::spawn(warm_up_matcher(self.state.clone())));
        let (stop_mail, mail_stopped) = tokio::sync::watch::channel(false);
        let mut mail_workers = tokio::task::JoinSet::new();
        for lane in 0..MAIL_LANES {
            mail_workers.spawn(mail_worker(
                self.state.clone(),
                self.mailer.clone(),
                mail_stopped.clone(),
                lane,
            ));
        }
        let probe = tokio::spawn(middleware::availability::probe(
            self.state.db.clone(),
            self.state.availability.clone(),
            Duration::from_secs(self.settings.db_acquire_timeout_secs),
        ));
        let drained = serve::serve(self.listener, self.router, limits, shutdown).await;
        if let serve::Drained::Cut(open) = drained {
            tracing::warn!(
                open,
                "shutdown deadline passed; connections still open were closed"
            );
        }
        housekeeping.abort();
        jobs.abort();
        if let Some(warm_up) = warm_up {
            warm_up.abort();
        }
        // The mail worker finishes the mail it is sending (so nothing is sent twice),
        // within the shutdown deadline.
        let _ = stop_mail.send(true);
        if tokio::time::timeout(self.settings.shutdown_deadline(), async {
            while mail_workers.join_next().await.is_some() {}
        })
        .await
        .is_err()
        {
            mail_workers.abort_all();
        }
        probe.abort();
        self.state.db.clone().close().await.ok();
        tracing::info!("stopped");
        Ok(())
    }
}

/// Sweeps expired sessions and forgotten throttling counters. Idempotent, so
/// several instances may all run it.
async fn housekeeping(state: AppState, sessions: DbSessionStore) {
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = sessions.delete_expired().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = throttle::forget_stale(&state.db, state.clock.now()).await {
            tracing::warn!(error = %e, "could not forget stale throttling counters");
        }
    }
}

/// Reads the matcher's pools once, in the background, so that the first
/// console or triage board after start finds them ready.
async fn warm_up_matcher(state: AppState) {
    let started = std::time::Instant::now();
    // Both at once: each pool has its own lock and reads on its own connections.
    // Each with its own time, for operators comparing the two.
    let (volunteers, needs) = tokio::join!(
        async {
            let started = std::time::Instant::now();
            let pool = app::services::matching::volunteers(&state).await;
            pool.map(|p| (p.index.len(), started.elapsed().as_millis()))
        },
        async {
            let started = std::time::Instant::now();
            let pool = app::services::matching::open_needs(&state).await;
            pool.map(|p| (p.profiles.len(), started.elapsed().as_millis()))
        },
    );
    match (volunteers, needs) {
        (Ok((volunteers, volunteer_millis)), Ok((open_needs, need_millis))) => tracing::info!(
            volunteers,
            volunteer_millis,
            open_needs,
            need_millis,
            millis = started.elapsed().as_millis(),
            "matcher pools ready"
        ),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "matcher pools not read at start; the first console reads them");
        }
    }
}

/// Periodic work that must run once across instances (expiring proposals): each
/// period, the instance that takes the job's lease in the database runs it.
async fn periodic_jobs(state: AppState) {
    let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    tracing::info!(%holder, "periodic jobs: this instance competes for leases");
    let period = state.config.job_interval;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match jobs::tick(&state, &holder).await {
            Ok(Some(expired)) if expired > 0 => tracing::info!(expired, "expired unanswered proposals"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "periodic job failed; retrying next period"),
        }
    }
}

/// Mail workers per instance: each sends one mail at a time, so this many mails
/// are under way at once (the SMTP transport keeps a pool of connections).
const MAIL_LANES: usize = 4;

/// Delivers the outbox: every `mail_poll_millis`, or at once while mail keeps
/// coming, this worker claims due mails one by one and sends them. Stops between
/// rounds when `stop` turns true.
async fn mail_worker(
    state: AppState,
    mailer: Mailer,
    mut stop: tokio::sync::watch::Receiver<bool>,
    lane: usize,
) {
    let holder = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let poll = state.config.mail.poll;
    loop {
        let busy = match mail::deliver_due(&state, &mailer, &holder, (lane, MAIL_LANES)).await {
            Ok(round) => round.full,
            Err(e) => {
                tracing::warn!(error = %e, "mail delivery round failed; retrying");
                false
            }
        };
        if *stop.borrow() {
            return;
        }
        if !busy {
            tokio::select! {
                () = tokio::time::sleep(poll) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// The app's routes, read by a render whose tasks are dropped (see
/// [`crate::executor::without_tasks`]).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    crate::executor::without_tasks(|| generate_route_list(App))
}

/// The path of every page route, as the router registers it (`/needs/{id}`), for
/// tests that must cover them all.
#[must_use]
pub fn page_paths() -> Vec<String> {
    route_list()
        .into_iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// The router: probes, server functions, Leptos pages, static files, and the
/// middleware stack around all of them.
fn router(state: AppState, settings: &Settings, sessions: DbSessionStore) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // Who is asking, read once for all of this request's resources.
            provide_context(app::api::RequestMemo::default());
            // A failed form post's error, from the session (see
            // `middleware::form_errors`), reaches the form as it would from
            // the query.
            let error = use_context::<http::request::Parts>().and_then(|parts| {
                parts
                    .extensions
                    .get::<middleware::form_errors::FormError>()
                    .cloned()
            });
            if let Some(error) = error {
                provide_context(leptos::server::ServerActionError::new(&error.path, &error.err));
            }
        }
    };
    let shell_fn = move || shell(options.clone());
    let fallback_shell = {
        let options = state.leptos_options.clone();
        move |_: LeptosOptions| shell(options.clone())
    };
    let production = settings.mode == Mode::Production;
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(if production {
            "__Host-frontline"
        } else {
            "frontline"
        })
        .with_secure(production)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnSessionEnd);
    let policy = HeaderPolicy {
        hsts: settings.is_https(),
    };

    Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), shell_fn)
        .route("/unsubscribe/{token}", post(unsubscribe::one_click))
        .route("/advisories/{id}/{file}", get(exports::indicators))
        .route("/coordinator/insight/{file}", get(exports::insight))
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, fallback_shell))
        .layer(axum::middleware::from_fn(api::map_error_status))
        .layer(axum::middleware::from_fn(middleware::form_errors::carry))
        .layer(session_layer)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::availability::gate,
        ))
        .merge(assets::router(&settings.site_root, state.assets.clone()))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(middleware::request_id::assign))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let id = req
                        .extensions()
                        .get::<middleware::request_id::RequestId>()
                        .map(|r| r.0.as_str())
                        .unwrap_or_default();
                    tracing::info_span!("request", request.id = %id, http.method = %req.method(), http.path = %loggable_path(req.uri().path()))
                }))
                .layer(CatchPanicLayer::custom(middleware::panic::answer))
                .layer(axum::middleware::from_fn(middleware::paths::refuse_impossible))
                .layer(TimeoutLayer::with_status_code(
                    http::StatusCode::REQUEST_TIMEOUT,
                    settings.request_timeout(),
                ))
                .layer(axum::middleware::from_fn(middleware::detach::finish_renders))
                .layer(CompressionLayer::new())
                .layer(axum::middleware::from_fn_with_state(
                    policy,
                    middleware::security_headers::apply,
                ))
                .layer(axum::middleware::from_fn(middleware::csrf::protect))
                .layer(DefaultBodyLimit::disable())
                .layer(axum::middleware::from_fn_with_state(
                    middleware::body::Limit(settings.body_limit_bytes),
                    middleware::body::read_whole,
                )),
        )
        .with_state(state)
}

/// Longest path written to the log, in bytes: a 64 KB unknown path makes no
/// 64 KB log line.
const LOGGED_PATH_MAX: usize = 200;

/// The path as logged: cut at [`LOGGED_PATH_MAX`] bytes (on a character
/// boundary), with an ellipsis.
fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    if path.len() <= LOGGED_PATH_MAX {
        return path.into();
    }
    let mut end = LOGGED_PATH_MAX;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &path[..end], path.len()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_are_cut_for_the_log() {
        assert_eq!(loggable_path("/needs/4"), "/needs/4");
        let long = format!("/{}", "é".repeat(40_000));
        let logged = loggable_path(&long);
        assert!(logged.len() < LOGGED_PATH_MAX + 40, "{}", logged.len());
        assert!(logged.ends_with("(80001 bytes)"), "{logged}");
    }

    /// Listing the routes renders the app and cleans it up at once: nothing it
    /// spawned may be left to run afterwards. (The effect leptos_i18n spawns
    /// there, polled on another thread while the render was being cleaned up,
    /// read a disposed signal and panicked: about once per hundred listings in
    /// the fuzz run, which lists them per round.)
    #[tokio::test(flavor = "current_thread")]
    async fn listing_the_routes_leaves_no_task_behind() {
        assert!(
            crate::executor::install(),
            "Frontline's executor must be the process's"
        );
        let tasks = || tokio::runtime::Handle::current().metrics().num_alive_tasks();
        let before = tasks();
        for _ in 0..3 {
            let paths = page_paths();
            assert!(paths.iter().any(|p| p == "/needs/{id}"), "{paths:?}");
        }
        assert_eq!(tasks(), before, "tasks spawned by the route list's render");
    }
}
