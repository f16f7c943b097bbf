//! Database helpers shared by the services: write transactions, the breaker,
//! failure classification.

use sea_orm::{
    ActiveModelTrait, ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait as _, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

/// What the session store says when the database cannot be reached or cannot
/// write (its error type carries only a string): the services answer 503 for
/// it, not 500.
pub const UNAVAILABLE: &str = "database unavailable";

/// Inserts `rows` in statements of at most `chunk` rows each (under SQLite's
/// limit of bound values per statement: `chunk` times the columns set).
///
/// # Errors
/// Database errors (the caller's transaction fails with them).
pub async fn insert_in_chunks<A, C>(
    conn: &C,
    rows: impl IntoIterator<Item = A>,
    chunk: usize,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter();
    loop {
        let some: Vec<A> = rows.by_ref().take(chunk).collect();
        if some.is_empty() {
            return Ok(());
        }
        A::Entity::insert_many(some).exec_without_returning(conn).await?;
    }
}

/// The rows `select` selects, each read as the JSON array of `fields` (SQL
/// expressions, comma-separated, in the order `T`'s fields are declared) and
/// deserialised into a `T`; in no set order.
///
/// The database aggregates every row into one JSON text, so the whole read is
/// one value rather than one database row per item: on SQLite each row crosses
/// from the database's thread to the reading task on its own, and for
/// thousands of small rows those hand-overs cost several times what the
/// database spends on the query (measured on the large demo set: 85 000
/// volunteers read in 0.95 s this way against 1.1-1.6 s row by row).
///
/// # Errors
/// Database errors, and [`DbErr::Json`] if the text is not `T`s (a mistake in
/// `fields`, caught by any test that reads such rows).
pub async fn all_as_json<E, T, C>(conn: &C, select: sea_orm::Select<E>, fields: &str) -> Result<Vec<T>, DbErr>
where
    E: sea_orm::EntityTrait,
    T: serde::de::DeserializeOwned,
    C: ConnectionTrait,
{
    use sea_orm::{QuerySelect as _, sea_query::Expr};
    let rows = match conn.get_database_backend() {
        DbBackend::Postgres => format!("json_agg(json_build_array({fields}))::text"),
        _ => format!("json_group_array(json_array({fields}))"),
    };
    let json: Option<String> = select
        .select_only()
        .column_as(Expr::cust(rows), "rows")
        .into_tuple::<Option<String>>()
        .one(conn)
        .await?
        .flatten();
    match json {
        Some(json) => serde_json::from_str(&json).map_err(|e| DbErr::Json(e.to_string())),
        // PostgreSQL aggregates no row to NULL.
        None => Ok(Vec::new()),
    }
}

/// Starts a transaction that will write.
///
/// On SQLite it begins with `BEGIN IMMEDIATE`, taking the write lock up front, so
/// two writers queue on the busy timeout instead of one failing with "database is
/// locked" when it upgrades from a read. Other databases ignore the mode.
///
/// # Errors
/// When the database cannot start a transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Whether the database can be reached, as the last attempts found it: a circuit
/// breaker shared by every request of one instance.
///
/// When a request finds the database unreachable (a connection broke, the server
/// is shutting down), it marks it down; from then on every request is answered
/// 503 at once instead of waiting the acquire timeout again, until a probe (the
/// server pings every fraction of a second while it is down) finds it back.
///
/// A connection that could not be had within the acquire timeout proves
/// nothing by itself — on a starved machine a backlog of requests can wait
/// longer than that while the database answers — so it only raises a
/// suspicion, which the probe settles with a connection of its own, outside
/// the pool: refused or silent, the database is marked down; answering, it was
/// load and nobody else is turned away.
#[derive(Clone, Debug, Default)]
pub struct Availability {
    down: Arc<AtomicBool>,
    suspect: Arc<AtomicBool>,
}

impl Availability {
    /// True while the database is known to be unreachable.
    #[must_use]
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Records that a request found the database unreachable (`err` is
    /// classified [`Failure::Unreachable`]). A broken connection marks it down;
    /// waiting in vain for a connection only makes it suspect (see the type's
    /// documentation) — and not even that while every connection the pool may
    /// open is open: that is load, other requests hold its connections.
    pub fn found_unreachable(&self, db: &DatabaseConnection, err: &DbErr) {
        if matches!(err, DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)) {
            if pool_is_full(db) {
                tracing::warn!(
                    "no database connection came free within the acquire timeout: the pool is busy"
                );
            } else if !self.suspect.swap(true, Ordering::AcqRel) {
                tracing::warn!("no database connection within the acquire timeout: checking the database");
            }
            return;
        }
        self.mark_down();
    }

    /// Takes the suspicion raised by [`Self::found_unreachable`], if any: the
    /// probe then checks the database outside the pool.
    pub fn take_suspicion(&self) -> bool {
        self.suspect.swap(false, Ordering::AcqRel)
    }

    /// Records that the database could not be reached; logs the change once.
    pub fn mark_down(&self) {
        if !self.down.swap(true, Ordering::AcqRel) {
            tracing::warn!("the database cannot be reached: answering 503 until it returns");
        }
    }

    /// Records that the database answers again; logs the change once.
    pub fn mark_up(&self) {
        if self.down.swap(false, Ordering::AcqRel) {
            tracing::info!("the database answers again");
        }
    }
}

/// True when the pool has every connection it may open.
fn pool_is_full(db: &DatabaseConnection) -> bool {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            pool.size() >= pool.options().get_max_connections()
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            pool.size() >= pool.options().get_max_connections()
        }
        _ => false,
    }
}

/// How a database error bears on the user's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The database could not be reached (no connection within the acquire
    /// timeout, a broken connection, the server shutting down).
    Unreachable,
    /// The database is there but cannot store anything more (SQLite: disk full).
    Full,
    /// Anything else: a bug or a constraint, not the infrastructure.
    Other,
}

/// Classifies a database error.
#[must_use]
pub fn failure(err: &DbErr) -> Failure {
    use sea_orm::{RuntimeErr, sqlx::Error as Sqlx};
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return Failure::Unreachable,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => e,
        _ => return Failure::Other,
    };
    match sqlx.as_ref() {
        Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => {
            Failure::Unreachable
        }
        Sqlx::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
            {
                // Extended result codes: the primary code is the low byte.
                // SQLITE_FULL (13); SQLITE_IOERR (10), as a failed write shows.
                match code.parse::<i32>().map(|c| c & 0xff) {
                    Ok(13 | 10) => Failure::Full,
                    _ => Failure::Other,
                }
            } else {
                match code.as_ref() {
                    // Disk full, out of memory.
                    "53100" | "53200" => Failure::Full,
                    // Connection exceptions (08…) and operator intervention, such
                    // as the server shutting down (57P01…).
                    c if c.starts_with("08") || c.starts_with("57P") => Failure::Unreachable,
                    _ => Failure::Other,
                }
            }
        }
        _ => Failure::Other,
    }
}

/// `page` (zero-based) made a page that exists: past the last page of `total`
/// rows, `size` a page, it is the last page (the first when there are none).
#[must_use]
pub fn existing_page(page: u64, total: u64, size: u64) -> u64 {
    page.min(total.saturating_sub(1) / size.max(1))
}

/// The row offset of `page`, within what the databases accept (an `i64`).
#[must_use]
pub fn offset(page: u64, size: u64) -> u64 {
    page.saturating_mul(size).min(i64::MAX as u64)
}

/// Whether a database error is a unique-constraint violation (typed, not by message).
#[must_use]
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Longest search text taken into a `LIKE` pattern (SQLite refuses patterns over
/// 50 000 bytes; no title or name is longer than this anyway).
pub const SEARCH_MAX: usize = 200;

/// A `LIKE` pattern matching values that contain `search` (lower-cased, its
/// wildcards and control characters removed, cut to [`SEARCH_MAX`]
/// characters), or `None` for an empty search.
#[must_use]
pub fn contains_pattern(search: Option<&str>) -> Option<String> {
    let search: String = search?
        .trim()
        .to_lowercase()
        .replace(['%', '_'], "")
        .chars()
        // PostgreSQL refuses a NUL in any text; no name holds a control character.
        .filter(|c| !c.is_control())
        .take(SEARCH_MAX)
        .collect();
    (!search.is_empty()).then(|| format!("%{search}%"))
}

/// `value` if a database can compare it with a column: no control characters
/// (PostgreSQL refuses a NUL in any text) and at most [`SEARCH_MAX`] characters.
#[must_use]
pub fn comparable_text(value: &str) -> Option<&str> {
    (value.chars().count() <= SEARCH_MAX && !value.chars().any(char::is_control)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn search_patterns_are_bounded_and_literal() {
        assert_eq!(contains_pattern(None), None);
        assert_eq!(contains_pattern(Some("  ")), None);
        assert_eq!(contains_pattern(Some("\0")), None, "PostgreSQL refuses NUL");
        assert_eq!(comparable_text("Africa"), Some("Africa"));
        assert_eq!(comparable_text("Af\0rica"), None);
        assert_eq!(
            contains_pattern(Some(" DMARC_100% ")).as_deref(),
            Some("%dmarc100%")
        );
        let long = contains_pattern(Some(&"é".repeat(100_000))).unwrap_or_default();
        assert_eq!(long.chars().count(), SEARCH_MAX + 2);
    }

    #[test]
    fn pages_past_the_end_are_the_last_page_and_offsets_fit_an_i64() {
        assert_eq!(existing_page(0, 0, 30), 0);
        assert_eq!(existing_page(5, 0, 30), 0);
        assert_eq!(existing_page(1, 31, 30), 1);
        assert_eq!(existing_page(2, 31, 30), 1);
        assert_eq!(existing_page(307_445_734_561_825_861, 60, 30), 1);
        assert_eq!(offset(307_445_734_561_825_861, 30), i64::MAX as u64);
        assert_eq!(offset(2, 30), 60);
    }
}
