//! Fresh, empty databases for tests.

use sea_orm::{ConnectionTrait as _, Database};
use tempfile::TempDir;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A new database on the cluster named by `TEST_POSTGRES_URL`.
    Postgres,
}

/// A fresh database; a SQLite file is deleted when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL to give the server as `DATABASE_URL`.
    pub url: String,
    /// Which kind it is.
    pub kind: DbKind,
    _dir: Option<TempDir>,
}

impl TestDatabase {
    /// Creates a new, empty database of the given kind.
    ///
    /// # Panics
    /// When PostgreSQL is asked for but `TEST_POSTGRES_URL` is not set: run the
    /// tests through `.ci/test`, which starts a throwaway cluster.
    pub async fn create(kind: DbKind) -> Self {
        match kind {
            DbKind::Sqlite => {
                let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
                let url = format!("sqlite://{}/frontline.db?mode=rwc", dir.path().display());
                Self {
                    url,
                    kind,
                    _dir: Some(dir),
                }
            }
            DbKind::Postgres => Self::postgres_on(&postgres_admin_url()).await,
        }
    }
}

impl TestDatabase {
    /// A new, empty database on the PostgreSQL cluster at `admin` (a URL that
    /// may create databases).
    ///
    /// # Panics
    /// When the cluster cannot be reached.
    pub async fn postgres_on(admin: &str) -> Self {
        let name = format!("frontline_test_{}", uuid::Uuid::new_v4().simple());
        let conn = Database::connect(admin)
            .await
            .unwrap_or_else(|e| panic!("cannot reach the PostgreSQL cluster: {e}"));
        conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
        conn.close().await.ok();
        let mut url = url::Url::parse(admin).unwrap_or_else(|e| panic!("PostgreSQL URL: {e}"));
        url.set_path(&format!("/{name}"));
        Self {
            url: url.to_string(),
            kind: DbKind::Postgres,
            _dir: None,
        }
    }

    /// The same database, for a second instance (the first keeps a SQLite file alive).
    #[must_use]
    pub fn shared(&self) -> Self {
        Self {
            url: self.url.clone(),
            kind: self.kind,
            _dir: None,
        }
    }
}

/// The PostgreSQL cluster the tests may create databases on.
///
/// # Panics
/// When `TEST_POSTGRES_URL` is not set.
#[must_use]
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_POSTGRES_URL is not set: run the suite with .ci/test, which starts a \
             throwaway PostgreSQL cluster, or point it at a cluster you may create databases on"
        )
    })
}
