//! Connecting to the database and migrating it.

use crate::settings::Settings;
use anyhow::Context as _;
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection,
    sqlx::{
        self, Connection as _,
        pool::PoolConnectionMetadata,
        postgres::PgConnection,
        sqlite::{SqliteConnection, SqliteJournalMode, SqliteSynchronous},
    },
};
use secrecy::ExposeSecret as _;
use std::{
    future::Future,
    pin::Pin,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

/// Opens the connection pool described by the settings.
///
/// SQLite is set up for a web server: write-ahead log, `synchronous = FULL` so an
/// acknowledged commit survives a crash, foreign keys enforced and a busy timeout
/// so writers queue rather than fail. The parent directory of a SQLite file is
/// created when missing.
///
/// # Errors
/// When the database cannot be reached; the message names the database kind but
/// never the password.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url.expose_secret();
    if settings.is_sqlite() {
        create_sqlite_parent(url)?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(settings.db_max_connections)
        .min_connections(0)
        .connect_timeout(Duration::from_secs(settings.db_acquire_timeout_secs))
        .acquire_timeout(Duration::from_secs(settings.db_acquire_timeout_secs))
        .sqlx_logging(false)
        // A SQLite connection is a thread of this process: the ping sqlx
        // sends before lending one (a round trip to that thread, as long as
        // the statement itself) can only find it alive. Releases still ping
        // and check for a transaction left open.
        .map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_release(sqlite_connection_is_clean)
                .test_before_acquire(false)
        })
        .map_sqlx_postgres_pool_opts(|pool| pool.after_release(postgres_connection_is_clean))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    let kind = if settings.is_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let mut db = Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the {kind} database given by DATABASE_URL"))?;
    db.set_metric_callback(|info| {
        STATEMENTS.fetch_add(1, Ordering::Relaxed);
        if !is_read(&info.statement.sql) {
            WRITES.fetch_add(1, Ordering::Relaxed);
        }
    });
    db.ping()
        .await
        .with_context(|| format!("the {kind} database given by DATABASE_URL does not answer"))?;
    Ok(db)
}

/// Statements sent through every connection pool this process opened.
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
/// Those of them that were not plain reads.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// How many SQL statements this process has sent so far (every pool it
/// opened, the pools' own release checks aside): per-request figures for
/// benchmarks and tests, read as the difference of two calls.
#[must_use]
pub fn statements_run() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// How many of [`statements_run`] were anything but a `SELECT`. A
/// transaction's own `BEGIN` and `COMMIT` do not pass through the callback
/// that counts, and are not among them.
#[must_use]
pub fn writes_run() -> u64 {
    WRITES.load(Ordering::Relaxed)
}

/// Whether a statement only reads.
fn is_read(sql: &str) -> bool {
    sql.trim_start()
        .get(..6)
        .is_some_and(|verb| verb.eq_ignore_ascii_case("select"))
}

/// A future a pool hook returns.
type Hook<'c> = Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + 'c>>;

/// Before a SQLite connection goes back to the pool: it must hold no transaction.
///
/// A failed `COMMIT` or `ROLLBACK` (a full disk) can leave SQLite inside a
/// transaction that sqlx believes closed, or sqlx counting one that SQLite has
/// already rolled back. Reused, such a connection either holds the write lock
/// forever ("database is locked" for every other writer) or acknowledges writes
/// that are never committed. Such a connection is closed instead (closing rolls
/// back); `BEGIN` is how SQLite tells, without unsafe code, whether it is
/// inside a transaction. One round trip: every connection goes back through
/// here after every statement read outside a transaction.
fn sqlite_connection_is_clean(conn: &mut SqliteConnection, _: PoolConnectionMetadata) -> Hook<'_> {
    Box::pin(async move {
        // One batch: `BEGIN` fails inside a transaction and the batch stops
        // there; outside one it opens one that `ROLLBACK` closes. A dropped
        // transaction queues its rollback on the connection's worker ahead of
        // this batch, so sqlx's own count is current once it is answered.
        let probe = sqlx::raw_sql("BEGIN; ROLLBACK").execute(&mut *conn).await;
        if let Err(e) = probe {
            tracing::warn!(error = %e, "a database connection was still inside a transaction: closed, not reused");
            return Ok(false);
        }
        if conn.is_in_transaction() {
            tracing::warn!("a database connection came back inside a transaction: closed, not reused");
            return Ok(false);
        }
        Ok(true)
    })
}

/// Before a PostgreSQL connection goes back to the pool: it must hold no
/// transaction (one whose rollback failed is closed, not reused).
fn postgres_connection_is_clean(conn: &mut PgConnection, _: PoolConnectionMetadata) -> Hook<'_> {
    Box::pin(async move {
        conn.ping().await?;
        if conn.is_in_transaction() {
            tracing::warn!("a database connection came back inside a transaction: closed, not reused");
            return Ok(false);
        }
        Ok(true)
    })
}

/// Applies every pending migration.
///
/// # Errors
/// When a migration fails; the database is left as the failing migration's
/// transaction found it.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("database migration failed")
}

/// The file a `sqlite:` URL names (`sqlite://data/frontline.db?mode=rwc` →
/// `data/frontline.db`), or `None` for an in-memory database.
#[must_use]
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// `sqlite://data/frontline.db?mode=rwc` → creates `data/`.
fn create_sqlite_parent(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the database directory {}", parent.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_directory_is_created() {
        let dir = std::env::temp_dir().join(format!("frontline-db-{}", std::process::id()));
        let url = format!("sqlite://{}/sub/x.db?mode=rwc", dir.display());
        create_sqlite_parent(&url).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(dir.join("sub").is_dir());
        std::fs::remove_dir_all(dir).ok();
    }
}
