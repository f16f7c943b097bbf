//! Online backups and restores (`frontline backup FILE`, `frontline restore FILE`).
//!
//! SQLite: a backup is `VACUUM INTO` a new file — one consistent snapshot taken
//! inside a read transaction, while the server keeps serving and writing (the
//! write-ahead log means it blocks nobody). Copying the database file instead is
//! wrong: most recent writes live in the `-wal` file beside it.
//!
//! A restore replaces the database file with a checked copy of the backup,
//! brings its schema up to date, and ends every session it holds: the sessions
//! that were live when the backup was taken must not come back. The server must
//! be stopped while it runs.
//!
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`); the commands say how
//! to use them, and `frontline sessions end-all` ends the restored sessions.

use crate::{db, settings::Settings};
use anyhow::Context as _;
use app::services::audit::{self, Action, Actor};
use sea_orm::{ConnectionTrait as _, Database, DatabaseConnection, DbBackend, EntityTrait as _, Statement};
use secrecy::ExposeSecret as _;
use std::path::Path;

/// What to tell a PostgreSQL operator.
pub const POSTGRES_ADVICE: &str = "\
on PostgreSQL, back up with pg_dump and restore with pg_restore while Frontline is stopped:
  pg_dump --format=custom --file=frontline.dump \"$DATABASE_URL\"
  pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" frontline.dump
then end the sessions the dump carried: frontline sessions end-all";

/// `'…'` with quotes doubled, for a file name in SQL.
fn quoted(path: &Path) -> anyhow::Result<String> {
    let text = path
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", path.display()))?;
    Ok(format!("'{}'", text.replace('\'', "''")))
}

async fn exec(db: &DatabaseConnection, sql: &str) -> anyhow::Result<()> {
    db.execute_unprepared(sql)
        .await
        .with_context(|| format!("`{sql}` failed"))?;
    Ok(())
}

/// `PRAGMA integrity_check` answers "ok", and the file holds Frontline's schema.
async fn check_sqlite(db: &DatabaseConnection, what: &Path) -> anyhow::Result<()> {
    let integrity: Option<String> = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .with_context(|| format!("{} is not a readable SQLite database", what.display()))?
        .and_then(|row| row.try_get_by_index(0).ok());
    anyhow::ensure!(
        integrity.as_deref() == Some("ok"),
        "{} is damaged: integrity check says {integrity:?}",
        what.display()
    );
    let migrations = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
        ))
        .await?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or(0);
    anyhow::ensure!(migrations == 1, "{} is not a Frontline database", what.display());
    Ok(())
}

async fn open_file(path: &Path, mode: &str) -> anyhow::Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode={mode}", path.display());
    Database::connect(url.as_str())
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

/// Writes a consistent copy of the configured database to `file`, which must not
/// exist; returns its size in bytes. Safe while the server runs.
///
/// # Errors
/// On PostgreSQL (with the `pg_dump` advice), when `file` exists, or when the
/// copy cannot be written or checked.
pub async fn backup(settings: &Settings, file: &Path) -> anyhow::Result<u64> {
    anyhow::ensure!(settings.is_sqlite(), "{POSTGRES_ADVICE}");
    anyhow::ensure!(
        !file.exists(),
        "{} exists already: choose a new file",
        file.display()
    );
    let db = db::connect(settings).await?;
    let partial = file.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let result = exec(&db, &format!("VACUUM INTO {}", quoted(&partial)?)).await;
    db.close().await.ok();
    result.context("cannot write the backup")?;
    let copy = open_file(&partial, "ro").await?;
    let checked = check_sqlite(&copy, &partial).await;
    copy.close().await.ok();
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, file).with_context(|| format!("cannot create {}", file.display()))?;
    Ok(std::fs::metadata(file)?.len())
}

/// Replaces the configured SQLite database with the backup in `file`, applies
/// pending migrations and ends every session; returns how many ended. The server
/// must be stopped: the command refuses when something answers on its address.
///
/// # Errors
/// On PostgreSQL (with advice), when the server seems to run, or when `file` is
/// no sound Frontline backup — the current database is then left untouched.
pub async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<u64> {
    anyhow::ensure!(settings.is_sqlite(), "{POSTGRES_ADVICE}");
    anyhow::ensure!(
        tokio::net::TcpStream::connect(settings.addr).await.is_err(),
        "something answers on {}: stop Frontline before restoring",
        settings.addr
    );
    anyhow::ensure!(file.is_file(), "{} does not exist", file.display());
    let target = db::sqlite_file(settings.database_url.expose_secret())
        .context("an in-memory database cannot be restored")?;
    let backup = open_file(file, "ro").await?;
    let checked = check_sqlite(&backup, file).await;
    let staging = target.with_extension("restoring");
    let _ = std::fs::remove_file(&staging);
    if checked.is_ok() {
        if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let copied = exec(&backup, &format!("VACUUM INTO {}", quoted(&staging)?)).await;
        backup.close().await.ok();
        copied.context("cannot copy the backup")?;
    } else {
        backup.close().await.ok();
        checked?;
    }

    // Bring the copy up to date and end its sessions before it goes live.
    let staged = open_file(&staging, "rw").await?;
    let prepared = async {
        db::migrate(&staged).await?;
        end_every_session(&staged, "backup restored").await
    }
    .await;
    staged.close().await.ok();
    let ended = match prepared {
        Ok(ended) => ended,
        Err(e) => {
            let _ = std::fs::remove_file(&staging);
            return Err(e.context("cannot prepare the restored database"));
        }
    };

    // The old log and shared-memory files belong to the old database: SQLite
    // would replay the log into the new one.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", Path::new(&side).display())),
        }
    }
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot put the restored database at {}", target.display()))?;
    Ok(ended)
}

/// Ends every session (after a PostgreSQL restore); returns how many.
///
/// # Errors
/// Database errors.
pub async fn end_all_sessions(settings: &Settings) -> anyhow::Result<u64> {
    let db = db::connect(settings).await?;
    db::migrate(&db).await?;
    let ended = end_every_session(&db, "all sessions ended from the command line").await;
    db.close().await.ok();
    ended
}

/// Deletes every session and says so in the audit log, with `reason`.
async fn end_every_session(db: &DatabaseConnection, reason: &str) -> anyhow::Result<u64> {
    let ended = entity::session::Entity::delete_many()
        .exec(db)
        .await?
        .rows_affected;
    let actor = Actor {
        account_id: None,
        address: Some("command line".into()),
    };
    audit::record(
        db,
        time::OffsetDateTime::now_utc(),
        &actor,
        Action::SessionsEnded,
        None,
        serde_json::json!({ "count": ended, "reason": reason }),
    )
    .await?;
    Ok(ended)
}
