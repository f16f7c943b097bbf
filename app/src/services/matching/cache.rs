//! The per-instance cache of the matcher's pools (and of the catalogue the
//! forms choose from), and how it follows the data through the audit log.

use super::places::Geography;
use super::pools::{NeedPool, VolunteerPool};
use crate::domain::reference::Catalogue;
use std::{collections::HashSet, fmt, sync::Arc};
use tokio::sync::Mutex;

/// The per-instance cache of profiles, and the countries' regions the
/// profiles are made with (read once: countries change only by migration,
/// that is, at a restart).
#[derive(Clone, Default)]
pub struct Cache(
    pub(super) Arc<Entries>,
    pub(super) Arc<tokio::sync::OnceCell<Arc<Geography>>>,
);

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("matching::Cache")
    }
}

/// A cached pool and what it has seen of the log.
pub(super) type Entry<P> = Option<(Seen, Arc<P>)>;

/// Each pool behind its own lock: reading one (the whole volunteer pool takes
/// seconds) holds up neither the others nor the requests that use them.
#[derive(Default)]
pub(super) struct Entries {
    pub(super) volunteers: Mutex<Entry<VolunteerPool>>,
    pub(super) needs: Mutex<Entry<NeedPool>>,
    pub(super) catalogue: Mutex<Entry<Catalogue>>,
    stats: std::sync::Mutex<CacheStats>,
}

impl Entries {
    /// Counts a read of a pool.
    pub(super) fn count(&self, read: impl FnOnce(&mut CacheStats)) {
        read(
            &mut self
                .stats
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }
}

/// How the pools were brought up to date so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Every approved volunteer read from the database.
    pub full_reads: u64,
    /// Only the volunteers a change touched read again.
    pub partial_reads: u64,
    /// Every open need read from the database.
    pub need_full_reads: u64,
    /// Only the needs of the organisations a change touched read again.
    pub need_partial_reads: u64,
}

impl Cache {
    /// How the volunteer pool was brought up to date so far.
    pub async fn stats(&self) -> CacheStats {
        *self
            .0
            .stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Every change that matters to the matcher is audited in the transaction that
/// makes it, so a pool is stale when an audit entry of a relevant action exists
/// that the pool has not seen. What a pool has seen: the highest relevant id, and
/// the relevant ids of the last [`LATE_COMMIT_WINDOW`] ids below it — on PostgreSQL
/// a transaction can commit after one that took a later id, and its entry must not
/// be missed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Seen {
    pub(super) max: i64,
    pub(super) recent: HashSet<i64>,
}
