//! The real server, in-process, on a free port with a fresh database.

use crate::{
    clock::TestClock,
    database::{DbKind, TestDatabase},
};
use app::state::AppState;
use reqwest::cookie::CookieStore as _;
use sea_orm::DatabaseConnection;
use server::{settings::Settings, startup::Application};
use std::{net::SocketAddr, path::PathBuf, sync::Arc};
use tokio::{sync::oneshot, task::JoinHandle};

/// A running Frontline with its own database.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its database pool, to arrange data and check results.
    pub db: DatabaseConnection,
    /// Which database it runs on.
    pub kind: DbKind,
    /// Its settings, as built.
    pub settings: Settings,
    /// Its application state (services can be called with it directly).
    pub state: AppState,
    /// Its clock, which only moves when the test says so.
    pub clock: TestClock,
    database: TestDatabase,
    /// Where mail goes with no SMTP server configured (`.eml` files).
    pub mail_dir: PathBuf,
    _mail_dir: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Where `.ci/build-site` put the browser bundle.
#[must_use]
pub fn site_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("site")
}

impl TestApp {
    /// Starts Frontline on `127.0.0.1:0` with a fresh database of `kind`.
    ///
    /// # Panics
    /// When the server cannot start: the test cannot go on.
    pub async fn spawn(kind: DbKind) -> Self {
        Self::spawn_with(kind, |_| {}).await
    }

    /// Like [`Self::spawn`], with a chance to change the settings first.
    ///
    /// # Panics
    /// When the server cannot start.
    pub async fn spawn_with(kind: DbKind, configure: impl FnOnce(&mut Settings)) -> Self {
        let database = TestDatabase::create(kind).await;
        Self::spawn_on(database, configure).await
    }

    /// Starts Frontline on an existing test database (a second instance, say).
    ///
    /// # Panics
    /// When the server cannot start.
    pub async fn spawn_on(database: TestDatabase, configure: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on_with_clock(database, TestClock::default(), configure).await
    }

    /// Starts Frontline on an existing test database with a given clock (two
    /// instances sharing one database share one clock).
    ///
    /// # Panics
    /// When the server cannot start.
    pub async fn spawn_on_with_clock(
        database: TestDatabase,
        clock: TestClock,
        configure: impl FnOnce(&mut Settings),
    ) -> Self {
        let mut settings = Settings::defaults().unwrap_or_else(|e| panic!("default settings: {e}"));
        settings.addr = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
        settings.database_url = database.url.clone().into();
        settings.site_root = site_root();
        settings.db_max_connections = 5;
        // Tests that count the matcher's reads start from an empty cache.
        settings.matcher_warm_up = false;
        // Mail files (no SMTP server) in a folder of this instance's own.
        let mail_dir = Arc::new(tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}")));
        settings.mail_dir = Some(mail_dir.path().to_path_buf());
        configure(&mut settings);
        let kind = database.kind;
        let settings_mail_dir = settings.mail_dir();
        let app = Application::build_with_clock(settings.clone(), Arc::new(clock.clone()))
            .await
            .unwrap_or_else(|e| panic!("server failed to start: {e:#}"));
        let addr = app.local_addr();
        let db = app.state().db.clone();
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            db,
            kind,
            settings,
            state,
            clock,
            database,
            mail_dir: settings_mail_dir,
            _mail_dir: mail_dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The test database this instance runs on.
    #[must_use]
    pub fn database(&self) -> &TestDatabase {
        &self.database
    }

    /// `http://127.0.0.1:PORT` + `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// An HTTP client that keeps cookies and does not follow redirects.
    #[must_use]
    pub fn client(&self) -> TestClient {
        TestClient::new(self.url(""), None)
    }

    /// [`Self::client`] connecting from another loopback address
    /// (`127.0.0.2`, `127.0.0.3`…), as a client elsewhere would.
    #[must_use]
    pub fn client_from(&self, address: &str) -> TestClient {
        let address = address.parse().unwrap_or_else(|e| panic!("{address}: {e}"));
        TestClient::new(self.url(""), Some(address))
    }

    /// Stops the server gracefully and waits for it.
    ///
    /// # Panics
    /// When the server task failed.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .unwrap_or_else(|e| panic!("server task panicked: {e}"))
                .unwrap_or_else(|e| panic!("server failed: {e:#}"));
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The session cookie's name in production mode.
pub const SESSION_COOKIE: &str = "__Host-frontline";

/// A browser-like HTTP client: keeps cookies, never follows redirects (tests look
/// at them). Requests say they come from the same origin, as a browser's would.
#[derive(Clone)]
pub struct TestClient {
    base: String,
    http: reqwest::Client,
    jar: Option<Arc<reqwest::cookie::Jar>>,
    /// With no jar: the session cookie value to send on every request.
    fixed_session: Option<String>,
}

impl TestClient {
    fn new(base: String, local_address: Option<std::net::IpAddr>) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .local_address(local_address)
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            // Under the server's 10 s keep-alive: a connection the server is
            // closing is never reused for a request (a POST is not retried).
            .pool_idle_timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_else(|e| panic!("http client: {e}"));
        Self {
            base,
            http,
            jar: Some(jar),
            fixed_session: None,
        }
    }

    /// A client of a Frontline this crate did not start (a `frontline serve`
    /// child process, say) at `base` (`http://127.0.0.1:PORT`), from
    /// `local_address` when given.
    #[must_use]
    pub fn at(base: &str, local_address: Option<std::net::IpAddr>) -> Self {
        Self::new(base.trim_end_matches('/').to_owned(), local_address)
    }

    /// A client with no cookie jar that always sends `session` as the session
    /// cookie (to replay or plant a cookie).
    #[must_use]
    pub fn with_session_cookie(&self, session: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .pool_idle_timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_else(|e| panic!("http client: {e}"));
        Self {
            base: self.base.clone(),
            http,
            jar: None,
            fixed_session: Some(session.to_owned()),
        }
    }

    /// The underlying client, for requests the helpers do not cover.
    #[must_use]
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The absolute URL of `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The current session cookie's value, if any.
    #[must_use]
    pub fn session_cookie(&self) -> Option<String> {
        if let Some(fixed) = &self.fixed_session {
            return Some(fixed.clone());
        }
        let url = reqwest::Url::parse(&self.base).ok()?;
        let header = self.jar.as_ref()?.cookies(&url)?;
        header.to_str().ok()?.split(';').map(str::trim).find_map(|c| {
            c.strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(ToOwned::to_owned)
        })
    }

    /// A request of `method` to `path` with this client's session (nothing else
    /// set: no `Accept`, no `Sec-Fetch-Site`), for tests that shape it themselves.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, self.url(path));
        if let Some(session) = &self.fixed_session {
            req = req.header("cookie", format!("{SESSION_COOKIE}={session}"));
        }
        req
    }

    /// `GET path` as a browser navigation.
    ///
    /// # Panics
    /// When the server does not answer.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .header("accept", "text/html,application/xhtml+xml")
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// `GET path`, expecting `status`, returning the body.
    ///
    /// # Panics
    /// When the status differs (the body is shown).
    pub async fn get_text(&self, path: &str, status: u16) -> String {
        let res = self.get(path).await;
        let got = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        assert_eq!(
            got, status,
            "GET {path}: expected {status}, got {got}; body:\n{body}"
        );
        body
    }

    /// Calls a server function the way the hydrated page does (`fetch`, same
    /// origin, JSON answer).
    ///
    /// # Panics
    /// When the server does not answer.
    pub async fn call(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .form(fields)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// [`Self::call`], expecting success, returning the decoded JSON answer.
    ///
    /// # Panics
    /// When the call fails.
    pub async fn call_json(&self, path: &str, fields: &[(&str, &str)]) -> serde_json::Value {
        let res = self.call(path, fields).await;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status}: {body}");
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }

    /// Posts a form the way a browser without JavaScript does: from the page at
    /// `from`, accepting HTML.
    ///
    /// # Panics
    /// When the server does not answer.
    pub async fn submit(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.request(reqwest::Method::POST, action)
            .header("accept", "text/html,application/xhtml+xml")
            .header("sec-fetch-site", "same-origin")
            .header("origin", self.base.clone())
            .header("referer", self.url(from))
            .form(fields)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {action}: {e}"))
    }

    /// Who the server thinks this client is (`/api/whoami`): the email, or `None`.
    ///
    /// # Panics
    /// When the call fails.
    pub async fn whoami(&self) -> Option<String> {
        let v = self.call_json("/api/whoami", &[]).await;
        v["email"].as_str().map(ToOwned::to_owned)
    }
}
