//! Bringing the cached pools up to date: the audit entries the cache has not
//! seen, and reading again only what they touch.

use crate::domain::{codes::AuditObject, reference::Catalogue};
use crate::services::{ServiceError, audit::Action};
use crate::{
    matcher::{MatchConfig, VolunteerIndex, VolunteerProfile},
    services::deps::Deps,
};
use entity::{engagement, need};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbBackend, EntityTrait as _, QueryFilter as _, QuerySelect as _,
    Statement,
};
use std::{collections::HashSet, sync::Arc};

use super::{
    cache::{Entry, Seen},
    places::*,
    pools::*,
    profiles::*,
};

/// How far below the highest id seen a late commit is still looked for.
pub(super) const LATE_COMMIT_WINDOW: i64 = 256;

/// More changes than this since the last look: rebuild the pool from scratch.
pub(super) const MAX_INCREMENTAL_CHANGES: usize = 1000;

/// One relevant audit entry the pool has not seen.
#[derive(Debug, Clone)]
pub(super) struct Change {
    object_type: Option<String>,
    object_id: Option<i64>,
}

/// How far below the highest id seen a late commit can hide on this
/// database: on SQLite one writer commits at a time, so ids commit in order
/// and there is nothing to look back for.
fn late_commit_window(backend: DbBackend) -> i64 {
    match backend {
        DbBackend::Sqlite => 0,
        _ => LATE_COMMIT_WINDOW,
    }
}

/// Relevant audit entries the pool has not seen, and what it will have seen after
/// taking them. Asked before every use of a pool, so it is cheap when nothing
/// changed: the ids alone, from one range scan per action of the `(action, id)`
/// index; the entries' details only for the ids not seen yet.
pub(super) async fn unseen<C: ConnectionTrait>(
    db: &C,
    seen: &Seen,
    actions: &[Action],
) -> Result<(Vec<Change>, Seen), ServiceError> {
    let backend = db.get_database_backend();
    let window = late_commit_window(backend);
    // The action names are constants of this program, never user input.
    let names: Vec<String> = actions.iter().map(|a| format!("'{}'", a.as_str())).collect();
    // No ORDER BY, so that the (action, id) index answers it whatever else the
    // log holds. A pool not built yet (nothing seen) reads every relevant id once.
    let ids: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT id FROM audit_log WHERE action IN ({}) AND id > {}",
                names.join(", "),
                seen.max.saturating_sub(window)
            ),
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    let fresh: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|&id| id > seen.max || !seen.recent.contains(&id))
        .collect();
    if fresh.is_empty() {
        return Ok((Vec::new(), seen.clone()));
    }
    let changes = if fresh.len() > MAX_INCREMENTAL_CHANGES {
        // Too many to take one by one: one wide change, and the pool is read again.
        vec![Change {
            object_type: None,
            object_id: None,
        }]
    } else {
        let list: Vec<String> = fresh.iter().map(ToString::to_string).collect();
        db.query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT object_type, object_id FROM audit_log WHERE id IN ({})",
                list.join(", ")
            ),
        ))
        .await?
        .iter()
        .map(|row| {
            Ok(Change {
                object_type: row.try_get("", "object_type")?,
                object_id: row.try_get("", "object_id")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()?
    };
    let max = ids.iter().copied().max().unwrap_or(0).max(seen.max);
    let after = Seen {
        max,
        recent: ids
            .into_iter()
            .filter(|&id| id > max.saturating_sub(window))
            .collect(),
    };
    Ok((changes, after))
}

/// The cached pool `pick` chooses when no change has come since it was
/// brought up to date. The look at the log runs without the cache's lock, so
/// that requests finding nothing new do not queue behind one another; a
/// change is then taken under the lock, once.
async fn unchanged<P>(
    state: &Deps,
    entry: &tokio::sync::Mutex<Entry<P>>,
    actions: &[Action],
) -> Result<Option<Arc<P>>, ServiceError> {
    let kept = entry
        .lock()
        .await
        .as_ref()
        .map(|(seen, pool)| (seen.clone(), Arc::clone(pool)));
    let Some((seen, pool)) = kept else {
        return Ok(None);
    };
    let (changes, _) = unseen(&state.db, &seen, actions).await?;
    Ok(changes.is_empty().then_some(pool))
}

/// What a cached entry has seen of the log (nothing when there is none).
fn seen_by<P>(entry: Option<&(Seen, Arc<P>)>) -> Seen {
    entry.map(|(seen, _)| seen.clone()).unwrap_or_default()
}

/// The countries' regions, read from the database once per instance.
async fn geography(state: &Deps) -> Result<Arc<Geography>, ServiceError> {
    state
        .matching
        .1
        .get_or_try_init(|| async { super::places::geography(&state.db).await.map(Arc::new) })
        .await
        .map(Arc::clone)
}

/// What changes the volunteer pool.
pub(super) const VOLUNTEER_CHANGES: [Action; 11] = [
    Action::VolunteerProfileSaved,
    Action::CodeOfConductAccepted,
    Action::VettingDecided,
    Action::StatusChanged,
    Action::RoleChanged,
    Action::OrganisationCreated,
    Action::OrganisationUpdated,
    Action::EngagementProposed,
    Action::EngagementTransition,
    Action::EngagementRated,
    Action::MatchRunApplied,
];

/// What changes the need pool.
pub(super) const NEED_CHANGES: [Action; 9] = [
    Action::NeedSaved,
    Action::NeedTransition,
    Action::VettingDecided,
    Action::OrganisationUpdated,
    Action::PriorityOverridden,
    Action::CatalogueChanged,
    Action::EngagementProposed,
    Action::EngagementTransition,
    Action::MatchRunApplied,
];

/// The volunteer pool, brought up to date: only the volunteers whose data changed
/// are read again, unless the change is wide (an organisation's name, a batch).
///
/// # Errors
/// Database errors; [`ServiceError::Internal`] if the matcher refuses the data.
#[tracing::instrument(skip_all)]
pub async fn volunteers(state: &Deps) -> Result<Arc<VolunteerPool>, ServiceError> {
    if let Some(pool) = unchanged(state, &state.matching.0.volunteers, &VOLUNTEER_CHANGES).await? {
        return Ok(pool);
    }
    let mut cache = state.matching.0.volunteers.lock().await;
    let config = state.config.matcher;
    let seen = seen_by(cache.as_ref());
    let (changes, now) = unseen(&state.db, &seen, &VOLUNTEER_CHANGES).await?;
    if let Some((_, pool)) = &mut *cache {
        if changes.is_empty() {
            return Ok(Arc::clone(pool));
        }
        if let Some(ids) = changed_volunteers(&state.db, &changes).await? {
            let (geo, employers) = (geography(state).await?, Arc::clone(&pool.employers));
            let fresh = volunteer_profiles(&state.db, &geo, &employers, Some(&ids)).await?;
            // In place when no request holds the pool any more (else on a copy).
            let updated = Arc::make_mut(pool);
            refresh_volunteers(updated, &ids, fresh);
            let pool = Arc::clone(pool);
            *cache = Some((now, Arc::clone(&pool)));
            state.matching.0.count(|s| s.partial_reads += 1);
            return Ok(pool);
        }
    }
    let employers = Arc::new(employers(&state.db).await?);
    let (profiles, people) =
        volunteer_profiles(&state.db, &*geography(state).await?, &employers, None).await?;
    let pool = Arc::new(volunteer_pool(config, profiles, people, employers)?);
    *cache = Some((now, Arc::clone(&pool)));
    state.matching.0.count(|s| s.full_reads += 1);
    Ok(pool)
}

/// The volunteers `changes` touch, or `None` when they touch more than a few
/// (then the whole pool is read again).
pub(super) async fn changed_volunteers<C: ConnectionTrait>(
    db: &C,
    changes: &[Change],
) -> Result<Option<HashSet<i64>>, ServiceError> {
    if changes.len() > MAX_INCREMENTAL_CHANGES {
        return Ok(None);
    }
    let mut ids = HashSet::new();
    let mut engagements = Vec::new();
    for change in changes {
        match (
            change.object_type.as_deref().and_then(AuditObject::parse),
            change.object_id,
        ) {
            (Some(AuditObject::Volunteer | AuditObject::Account), Some(id)) => {
                ids.insert(id);
            }
            (Some(AuditObject::Engagement), Some(id)) => engagements.push(id),
            // Organisations (employer conflicts), batch runs and anything else.
            _ => return Ok(None),
        }
    }
    for chunk in engagements.chunks(500) {
        let volunteers: Vec<i64> = engagement::Entity::find()
            .select_only()
            .column(engagement::Column::VolunteerId)
            .filter(engagement::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(volunteers);
    }
    Ok(Some(ids))
}

/// Brings `pool` up to date with the volunteers `ids`, read again as `fresh`
/// (those missing from it are no longer approved and active, and leave the
/// pool), in place: a volunteer entering or leaving the pool shifts the
/// index's sets, and builds nothing anew.
pub(super) fn refresh_volunteers(
    pool: &mut VolunteerPool,
    ids: &HashSet<i64>,
    (fresh, fresh_people): (Vec<VolunteerProfile>, People),
) {
    pool.people.retain(|id, _| !ids.contains(id));
    pool.people.extend(fresh_people);
    // Those read again who are no longer approved (or active) leave.
    let gone: HashSet<i64> = ids
        .difference(&fresh.iter().map(|p| p.id).collect())
        .copied()
        .collect();
    pool.index.update(fresh, &gone);
}

fn index(config: MatchConfig, profiles: Vec<VolunteerProfile>) -> Result<VolunteerIndex, ServiceError> {
    VolunteerIndex::build(config, profiles)
        .map_err(|e| ServiceError::Internal(format!("the matcher refused the volunteer profiles: {e}")))
}

pub(super) fn volunteer_pool(
    config: MatchConfig,
    profiles: Vec<VolunteerProfile>,
    people: People,
    employers: Arc<Employers>,
) -> Result<VolunteerPool, ServiceError> {
    Ok(VolunteerPool {
        index: index(config, profiles)?,
        people,
        employers,
    })
}

/// The need pool, brought up to date: only the open needs of the
/// organisations a change touched are read again, unless the change is wide
/// (the catalogue, a batch run).
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn open_needs(state: &Deps) -> Result<Arc<NeedPool>, ServiceError> {
    if let Some(pool) = unchanged(state, &state.matching.0.needs, &NEED_CHANGES).await? {
        return Ok(pool);
    }
    let mut cache = state.matching.0.needs.lock().await;
    let seen = seen_by(cache.as_ref());
    let (changes, now) = unseen(&state.db, &seen, &NEED_CHANGES).await?;
    if let Some((_, pool)) = &*cache {
        if changes.is_empty() {
            return Ok(Arc::clone(pool));
        }
        if let Some(orgs) = changed_organisations(&state.db, &changes).await? {
            let fresh = build_needs(&state.db, &*geography(state).await?, Some(&orgs)).await?;
            let pool = Arc::new(merge_needs(pool, &orgs, fresh));
            *cache = Some((now, Arc::clone(&pool)));
            state.matching.0.count(|s| s.need_partial_reads += 1);
            return Ok(pool);
        }
    }
    let pool = Arc::new(build_needs(&state.db, &*geography(state).await?, None).await?);
    *cache = Some((now, Arc::clone(&pool)));
    state.matching.0.count(|s| s.need_full_reads += 1);
    Ok(pool)
}

/// What changes the catalogue (countries and ECSF roles change only with a
/// migration, that is a restart).
const CATALOGUE_CHANGES: [Action; 1] = [Action::CatalogueChanged];

/// The catalogue the forms choose from (countries, categories, skills,
/// roles), read again only after a coordinator changed it: one look at the
/// log per use instead of four reads of some 300 rows.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn catalogue(state: &Deps) -> Result<Arc<Catalogue>, ServiceError> {
    if let Some(catalogue) = unchanged(state, &state.matching.0.catalogue, &CATALOGUE_CHANGES).await? {
        return Ok(catalogue);
    }
    let mut cache = state.matching.0.catalogue.lock().await;
    let seen = seen_by(cache.as_ref());
    let (changes, now) = unseen(&state.db, &seen, &CATALOGUE_CHANGES).await?;
    if let Some((_, catalogue)) = &*cache
        && changes.is_empty()
    {
        return Ok(Arc::clone(catalogue));
    }
    let catalogue = Arc::new(crate::services::catalogue::load(&state.db).await?);
    *cache = Some((now, Arc::clone(&catalogue)));
    Ok(catalogue)
}

/// The organisations whose open needs `changes` touch, or `None` when a change
/// is wider (the catalogue, a batch run, anything unnamed): then the whole need
/// pool is read again. A volunteer's own changes touch no need.
pub(super) async fn changed_organisations<C: ConnectionTrait>(
    db: &C,
    changes: &[Change],
) -> Result<Option<HashSet<i64>>, ServiceError> {
    if changes.len() > MAX_INCREMENTAL_CHANGES {
        return Ok(None);
    }
    let mut orgs = HashSet::new();
    let mut needs = Vec::new();
    let mut engagements = Vec::new();
    for change in changes {
        match (
            change.object_type.as_deref().and_then(AuditObject::parse),
            change.object_id,
        ) {
            (Some(AuditObject::Organisation), Some(id)) => {
                orgs.insert(id);
            }
            (Some(AuditObject::Need), Some(id)) => needs.push(id),
            (Some(AuditObject::Engagement), Some(id)) => engagements.push(id),
            (Some(AuditObject::Volunteer | AuditObject::Account), Some(_)) => {}
            _ => return Ok(None),
        }
    }
    for chunk in engagements.chunks(500) {
        let of: Vec<i64> = engagement::Entity::find()
            .select_only()
            .column(engagement::Column::NeedId)
            .filter(engagement::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        needs.extend(of);
    }
    for chunk in needs.chunks(500) {
        let of: Vec<i64> = need::Entity::find()
            .select_only()
            .column(need::Column::OrganisationId)
            .filter(need::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        orgs.extend(of);
    }
    Ok(Some(orgs))
}
