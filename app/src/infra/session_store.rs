//! tower-sessions' store on the project's own sea-orm connection (SQLite and
//! PostgreSQL alike).
//!
//! - The cookie carries the session id; the table keeps only its SHA-256, so a
//!   leaked table is no list of live cookies.
//! - `save` only updates: it never re-creates a row, so a request that was in
//!   flight while the user logged out cannot bring the session back.
//! - Idle timeout and absolute lifetime are enforced here, on every load, from
//!   the server's clock — whatever the cookie says.

use super::db::{self, Availability, Failure};
use crate::{clock::Clock, session::SessionFacts};
use async_trait::async_trait;
use entity::session;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    sea_query::{Expr, OnConflict},
};
use std::{sync::Arc, time::Duration};
use time::OffsetDateTime;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};

/// How often a session's "last seen" is written, at most.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// The session store.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    idle: Duration,
    absolute: Duration,
    availability: Availability,
}

impl DbSessionStore {
    /// A store on `db` expiring sessions after `idle` without use or `absolute` in
    /// all, reporting an unreachable database to `availability`.
    #[must_use]
    pub fn new(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        idle: Duration,
        absolute: Duration,
        availability: Availability,
    ) -> Self {
        Self {
            db,
            clock,
            idle,
            absolute,
            availability,
        }
    }

    /// The store's error for a database error; an unreachable database is
    /// marked down for every request.
    fn backend(&self, err: sea_orm::DbErr) -> Error {
        match db::failure(&err) {
            Failure::Unreachable => {
                self.availability.found_unreachable(&self.db, &err);
                Error::Backend(db::UNAVAILABLE.to_owned())
            }
            Failure::Full => Error::Backend(db::UNAVAILABLE.to_owned()),
            Failure::Other => Error::Backend(err.to_string()),
        }
    }

    fn expires_at(&self, created: OffsetDateTime, last_seen: OffsetDateTime) -> OffsetDateTime {
        (last_seen + self.idle).min(created + self.absolute)
    }

    /// Deletes every expired session (housekeeping; loads refuse them anyway).
    ///
    /// # Errors
    /// Database errors.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sea_orm::DbErr> {
        let now = self.clock.now();
        let res = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }
}

/// The stored key for a session id.
#[must_use]
pub fn id_hash(id: &Id) -> String {
    super::tokens::hash(&id.to_string())
}

fn encode(record: &Record) -> Result<String> {
    serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let now = self.clock.now();
        let facts = SessionFacts::of(&record.data);
        let data = encode(record)?;
        loop {
            let row = session::ActiveModel {
                id_hash: Set(id_hash(&record.id)),
                account_id: Set(facts.account_id),
                data: Set(data.clone()),
                created_at: Set(now),
                last_seen_at: Set(now),
                expires_at: Set(self.expires_at(now, now)),
                user_agent: Set(facts.user_agent.clone()),
                client_address: Set(facts.client_address.clone()),
            };
            let inserted = session::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(session::Column::IdHash)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(|e| self.backend(e))?;
            if inserted == 1 {
                return Ok(());
            }
            // An id collision (2^-128): draw another.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let facts = SessionFacts::of(&record.data);
        // UPDATE only: a session deleted meanwhile (logout) stays deleted.
        session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(encode(record)?))
            .col_expr(session::Column::AccountId, Expr::value(facts.account_id))
            .col_expr(session::Column::UserAgent, Expr::value(facts.user_agent))
            .col_expr(session::Column::ClientAddress, Expr::value(facts.client_address))
            .filter(session::Column::IdHash.eq(id_hash(&record.id)))
            .exec(&self.db)
            .await
            .map_err(|e| self.backend(e))?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let key = id_hash(id);
        let Some(row) = session::Entity::find_by_id(key.clone())
            .one(&self.db)
            .await
            .map_err(|e| self.backend(e))?
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        let idle_for = (now - row.last_seen_at).unsigned_abs();
        let lived = (now - row.created_at).unsigned_abs();
        if idle_for >= self.idle || lived >= self.absolute || row.expires_at <= now {
            session::Entity::delete_by_id(key)
                .exec(&self.db)
                .await
                .map_err(|e| self.backend(e))?;
            return Ok(None);
        }
        if idle_for >= TOUCH_EVERY {
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, Expr::value(now))
                .col_expr(
                    session::Column::ExpiresAt,
                    Expr::value(self.expires_at(row.created_at, now)),
                )
                .filter(session::Column::IdHash.eq(key))
                .exec(&self.db)
                .await
                .map_err(|e| self.backend(e))?;
        }
        let data = serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: row.expires_at,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        session::Entity::delete_by_id(id_hash(id))
            .exec(&self.db)
            .await
            .map_err(|e| self.backend(e))?;
        Ok(())
    }
}

/// Ends every session of `account_id` except `keep` (the caller's own, hashed).
///
/// # Errors
/// Database errors.
pub async fn end_sessions_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    account_id: i64,
    keep: Option<&str>,
) -> std::result::Result<u64, sea_orm::DbErr> {
    let mut delete = session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::IdHash.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_id_is_never_stored_in_clear() {
        let id = tower_sessions::session::Id::default();
        let hash = super::id_hash(&id);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&id.to_string()));
    }
}
