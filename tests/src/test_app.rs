//! The real server, in-process, on a free port with a fresh database.

use crate::database::{DbKind, TestDatabase};
use sea_orm::DatabaseConnection;
use server::{settings::Settings, startup::Application};
use std::{net::SocketAddr, path::PathBuf};
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
    database: TestDatabase,
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
        let mut settings = Settings::defaults().unwrap_or_else(|e| panic!("default settings: {e}"));
        settings.addr = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
        settings.database_url = database.url.clone().into();
        settings.site_root = site_root();
        settings.db_max_connections = 5;
        configure(&mut settings);
        let kind = database.kind;
        let app = Application::build(settings.clone())
            .await
            .unwrap_or_else(|e| panic!("server failed to start: {e:#}"));
        let addr = app.local_addr();
        let db = app.state().db.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            db,
            kind,
            settings,
            database,
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
        TestClient::new(self.url(""))
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

/// A browser-like HTTP client: keeps cookies, never follows redirects (tests look
/// at them), and sends `Accept: text/html` like a browser navigating.
#[derive(Clone)]
pub struct TestClient {
    base: String,
    http: reqwest::Client,
}

impl TestClient {
    fn new(base: String) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_else(|e| panic!("http client: {e}"));
        Self { base, http }
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

    /// `GET path` as a browser navigation.
    ///
    /// # Panics
    /// When the server does not answer.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("accept", "text/html,application/xhtml+xml")
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
}
