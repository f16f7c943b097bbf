//! Matching: the matcher's profiles built from the database, and what
//! coordinators and volunteers see of its results — the triage board, the
//! console for one need, batch runs, and "needs that fit you".
//!
//! Profiles are cached per instance and follow the data they come from through
//! the audit log: every change that matters to the matcher is audited in the
//! transaction that makes it, so before each use the cache looks for relevant
//! entries it has not seen (including late commits a little below the newest id
//! it saw) and reads again only the volunteers they touch — the whole pool only
//! after a wide change such as an applied batch. Reading is serialised, so
//! concurrent requests after a change read once.
//!
//! What the database adds to the matcher's inputs:
//! - capacity: slots and hours held by accepted and active engagements, plus
//!   the proposals waiting for the volunteer's answer (so a batch never piles
//!   more proposals on someone than they could accept);
//! - conflicts of interest: an employer named like the organisation, or an
//!   earlier decline by the volunteer for that reason;
//! - earlier declines and expiries lower a pair: the same need declined by
//!   either side or by the organisation ×0.2, expired ×0.6, other needs of an
//!   organisation that declined the volunteer ×0.6;
//! - track record: the organisations' ratings of completed engagements.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
    auth::CurrentUser,
    db::begin_write,
    needs, notifications,
};
use crate::{
    domain::{
        engagement::weekly_hours,
        geo, languages, priority,
        views::{
            AskedView, CandidateView, ConsoleView, ExcludedView, FactorView, FitView, FitsView, GateView,
            NeedSummary, PairView, RunOutcome, RunRow, RunSummary, RunView, RunnerUpView, TriageBoard,
            TriageRow, UnservedView,
        },
    },
    matcher::{
        Assignment, Candidate, GateFailure, GateKind, LostReason, MatchConfig, NeedProfile, RequiredSkill,
        SkillWeight, UnassignedReason, Urgency, VolunteerIndex, VolunteerProfile, assign, explain_volunteer,
        gate, rank_needs, rank_volunteers,
    },
    model::utc,
    state::AppState,
};
use entity::{
    account::{self, Role},
    country, ecsf_role, engagement, match_run, need, need_skill, organisation, skill,
    vetting::VettingStatus,
    volunteer, volunteer_skill,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _, Statement, sea_query::Expr,
};
use serde_json::json;
use std::{
    collections::{HashMap, HashSet},
    fmt,
    sync::Arc,
};
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// Candidates shown in the console.
pub const CONSOLE_CANDIDATES: usize = 20;
/// Excluded volunteers shown in the console.
pub const CONSOLE_NEAR_MISSES: usize = 15;
/// Needs shown to a volunteer.
pub const FITS_SHOWN: usize = 20;
pub use crate::domain::views::PAIRS_PAGE;
pub use crate::domain::views::TRIAGE_PAGE;
/// A running batch whose heartbeat is older than this was interrupted.
const HEARTBEAT_TIMEOUT: time::Duration = time::Duration::minutes(10);

/// Lowering of a pair the same need's earlier decline or expiry brings.
const SAME_NEED_DECLINED: f64 = 0.2;
const SAME_NEED_EXPIRED: f64 = 0.6;
const ORGANISATION_DECLINED: f64 = 0.6;

// ---------------------------------------------------------------------------
// The cache.

/// The per-instance cache of profiles.
#[derive(Clone, Default)]
pub struct Cache(Arc<Mutex<CacheState>>);

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("matching::Cache")
    }
}

#[derive(Default)]
struct CacheState {
    volunteers: Option<(Seen, Arc<VolunteerPool>)>,
    needs: Option<(Seen, Arc<NeedPool>)>,
    stats: CacheStats,
}

/// How the volunteer pool was brought up to date so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Every approved volunteer read from the database.
    pub full_reads: u64,
    /// Only the volunteers a change touched read again.
    pub partial_reads: u64,
}

impl Cache {
    /// How the volunteer pool was brought up to date so far.
    pub async fn stats(&self) -> CacheStats {
        self.0.lock().await.stats
    }
}

/// Every change that matters to the matcher is audited in the transaction that
/// makes it, so a pool is stale when an audit entry of a relevant action exists
/// that the pool has not seen. What a pool has seen: the highest relevant id, and
/// the relevant ids of the last [`LATE_COMMIT_WINDOW`] ids below it — on PostgreSQL
/// a transaction can commit after one that took a later id, and its entry must not
/// be missed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Seen {
    max: i64,
    recent: HashSet<i64>,
}

/// How far below the highest id seen a late commit is still looked for.
const LATE_COMMIT_WINDOW: i64 = 256;
/// More changes than this since the last look: rebuild the pool from scratch.
const MAX_INCREMENTAL_CHANGES: usize = 1000;

/// One relevant audit entry the pool has not seen.
#[derive(Debug, Clone)]
struct Change {
    object_type: Option<String>,
    object_id: Option<i64>,
}

/// Relevant audit entries the pool has not seen, and what it will have seen after
/// taking them: one range scan per action of the `(action, id)` index.
async fn unseen<C: ConnectionTrait>(
    db: &C,
    seen: &Seen,
    actions: &[Action],
) -> Result<(Vec<Change>, Seen), ServiceError> {
    // The action names are constants of this program, never user input.
    let names: Vec<String> = actions.iter().map(|a| format!("'{}'", a.as_str())).collect();
    // A pool not built yet looks at the newest entries only: it reads everything anyway.
    let floor = if seen.max == 0 {
        format!("(SELECT COALESCE(MAX(id), 0) FROM audit_log) - {LATE_COMMIT_WINDOW}")
    } else {
        seen.max.saturating_sub(LATE_COMMIT_WINDOW).to_string()
    };
    // No ORDER BY, so that the (action, id) index answers it whatever else the log holds.
    let sql = format!(
        "SELECT id, object_type, object_id FROM audit_log WHERE action IN ({}) AND id > {floor}",
        names.join(", ")
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut changes = Vec::new();
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        ids.push(id);
        if id > seen.max || !seen.recent.contains(&id) {
            changes.push(Change {
                object_type: row.try_get("", "object_type")?,
                object_id: row.try_get("", "object_id")?,
            });
        }
    }
    let max = ids.iter().copied().max().unwrap_or(0).max(seen.max);
    let after = Seen {
        max,
        recent: ids
            .into_iter()
            .filter(|&id| id > max.saturating_sub(LATE_COMMIT_WINDOW))
            .collect(),
    };
    Ok((changes, after))
}

/// What changes the volunteer pool.
const VOLUNTEER_CHANGES: [Action; 11] = [
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
const NEED_CHANGES: [Action; 9] = [
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

/// What a volunteer's profile takes from one engagement: volunteer, need, status,
/// weekly hours, the organisation's rating, the decline reason.
type EngagementFacts = (i64, i64, engagement::Status, i16, Option<i16>, Option<String>);

/// Approved volunteers, indexed, with what the pages show of them.
pub struct VolunteerPool {
    /// The index the matcher ranks and assigns over.
    pub index: VolunteerIndex,
    /// Names and facts, by id.
    pub people: HashMap<i64, Person>,
}

/// What the pages show of a volunteer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Display name.
    pub name: String,
    /// ECSF role.
    pub role: String,
    /// Country code.
    pub country: String,
    /// Languages.
    pub languages: Vec<String>,
}

/// Open needs of approved organisations, profiled.
pub struct NeedPool {
    /// Profiles, in need id order.
    pub profiles: Vec<NeedProfile>,
    /// Where each need is in `profiles`.
    pub position: HashMap<i64, usize>,
    /// Their summaries.
    pub summaries: HashMap<i64, NeedSummary>,
    /// (region, income group) of each need's organisation.
    pub places: HashMap<i64, (String, String)>,
    /// When each opened.
    pub opened: HashMap<i64, OffsetDateTime>,
    /// Volunteers with a live engagement on each need.
    pub engaged: HashMap<i64, Vec<i64>>,
    /// Skill names, for explanations.
    pub skill_names: HashMap<u32, String>,
}

impl NeedPool {
    /// The profile of an open need.
    #[must_use]
    pub fn profile(&self, need_id: i64) -> Option<&NeedProfile> {
        self.position.get(&need_id).map(|&i| &self.profiles[i])
    }
}

/// The volunteer pool, brought up to date: only the volunteers whose data changed
/// are read again, unless the change is wide (an organisation's name, a batch).
///
/// # Errors
/// Database errors; [`ServiceError::Internal`] if the matcher refuses the data.
pub async fn volunteers(state: &AppState) -> Result<Arc<VolunteerPool>, ServiceError> {
    let mut cache = state.matching.0.lock().await;
    let config = state.config.matcher;
    let seen = cache
        .volunteers
        .as_ref()
        .map(|(seen, _)| seen.clone())
        .unwrap_or_default();
    let (changes, now) = unseen(&state.db, &seen, &VOLUNTEER_CHANGES).await?;
    if let Some((_, pool)) = &cache.volunteers {
        if changes.is_empty() {
            return Ok(Arc::clone(pool));
        }
        if let Some(ids) = changed_volunteers(&state.db, &changes).await? {
            let pool = Arc::new(refresh_volunteers(&state.db, config, pool, &ids).await?);
            cache.volunteers = Some((now, Arc::clone(&pool)));
            cache.stats.partial_reads += 1;
            return Ok(pool);
        }
    }
    let (profiles, people) = volunteer_profiles(&state.db, None).await?;
    let pool = Arc::new(volunteer_pool(config, profiles, people)?);
    cache.volunteers = Some((now, Arc::clone(&pool)));
    cache.stats.full_reads += 1;
    Ok(pool)
}

/// The volunteers `changes` touch, or `None` when they touch more than a few
/// (then the whole pool is read again).
async fn changed_volunteers<C: ConnectionTrait>(
    db: &C,
    changes: &[Change],
) -> Result<Option<HashSet<i64>>, ServiceError> {
    if changes.len() > MAX_INCREMENTAL_CHANGES {
        return Ok(None);
    }
    let mut ids = HashSet::new();
    let mut engagements = Vec::new();
    for change in changes {
        match (change.object_type.as_deref(), change.object_id) {
            (Some("volunteer" | "account"), Some(id)) => {
                ids.insert(id);
            }
            (Some("engagement"), Some(id)) => engagements.push(id),
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

/// `pool` with the volunteers `ids` read again (dropped if no longer approved and active).
async fn refresh_volunteers<C: ConnectionTrait>(
    db: &C,
    config: MatchConfig,
    pool: &VolunteerPool,
    ids: &HashSet<i64>,
) -> Result<VolunteerPool, ServiceError> {
    let (fresh, fresh_people) = volunteer_profiles(db, Some(ids)).await?;
    let mut profiles: Vec<VolunteerProfile> = pool
        .index
        .volunteers()
        .iter()
        .filter(|p| !ids.contains(&p.id))
        .cloned()
        .chain(fresh)
        .collect();
    profiles.sort_unstable_by_key(|p| p.id);
    let mut people = pool.people.clone();
    people.retain(|id, _| !ids.contains(id));
    people.extend(fresh_people);
    volunteer_pool(config, profiles, people)
}

fn volunteer_pool(
    config: MatchConfig,
    profiles: Vec<VolunteerProfile>,
    people: HashMap<i64, Person>,
) -> Result<VolunteerPool, ServiceError> {
    let index = VolunteerIndex::build(config, profiles)
        .map_err(|e| ServiceError::Internal(format!("the matcher refused the volunteer profiles: {e}")))?;
    Ok(VolunteerPool { index, people })
}

/// The need pool, rebuilt if the data changed.
///
/// # Errors
/// Database errors.
pub async fn open_needs(state: &AppState) -> Result<Arc<NeedPool>, ServiceError> {
    let mut cache = state.matching.0.lock().await;
    let seen = cache
        .needs
        .as_ref()
        .map(|(seen, _)| seen.clone())
        .unwrap_or_default();
    let (changes, now) = unseen(&state.db, &seen, &NEED_CHANGES).await?;
    if let Some((_, pool)) = &cache.needs
        && changes.is_empty()
    {
        return Ok(Arc::clone(pool));
    }
    let pool = Arc::new(build_needs(&state.db).await?);
    cache.needs = Some((now, Arc::clone(&pool)));
    Ok(pool)
}

// ---------------------------------------------------------------------------
// Building profiles.

/// Countries with numeric region codes for the matcher.
struct Geography {
    by_iso: HashMap<String, Place>,
    /// Countries by region name and by local (intermediate or sub-) region name.
    members: HashMap<String, Vec<[u8; 2]>>,
}

#[derive(Debug, Clone, Default)]
struct Place {
    region: String,
    local: String,
    region_code: u16,
    local_code: u16,
    income: String,
}

fn code(iso: &str) -> [u8; 2] {
    let b = iso.as_bytes();
    [
        b.first().copied().unwrap_or(b'?'),
        b.get(1).copied().unwrap_or(b'?'),
    ]
}

async fn geography<C: ConnectionTrait>(db: &C) -> Result<Geography, ServiceError> {
    let countries = country::Entity::find().all(db).await?;
    let mut names: Vec<&str> = countries
        .iter()
        .flat_map(|c| [c.region.as_str(), local_region(c)])
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    let number = |name: &str| -> u16 {
        names
            .binary_search(&name)
            .ok()
            .and_then(|i| u16::try_from(i + 1).ok())
            .unwrap_or(0)
    };
    let mut by_iso = HashMap::new();
    let mut members: HashMap<String, Vec<[u8; 2]>> = HashMap::new();
    for c in &countries {
        let local = local_region(c);
        by_iso.insert(
            c.iso2.clone(),
            Place {
                region: c.region.clone(),
                local: local.to_owned(),
                region_code: number(&c.region),
                local_code: number(local),
                income: c.income_group.clone(),
            },
        );
        for name in [format!("r:{}", c.region), format!("l:{local}")] {
            members.entry(name).or_default().push(code(&c.iso2));
        }
    }
    Ok(Geography { by_iso, members })
}

/// The finest UN M49 grouping of a country: intermediate region, else sub-region.
fn local_region(c: &country::Model) -> &str {
    if c.intermediate_region.is_empty() {
        &c.sub_region
    } else {
        &c.intermediate_region
    }
}

type VolunteerRow = (
    i64,
    String,
    i16,
    i16,
    i16,
    String,
    String,
    String,
    i16,
    i16,
    Option<i64>,
);

/// The profiles of approved volunteers with active accounts — all of them, or only
/// those among `only` — and what the pages show of them.
async fn volunteer_profiles<C: ConnectionTrait>(
    db: &C,
    only: Option<&HashSet<i64>>,
) -> Result<(Vec<VolunteerProfile>, HashMap<i64, Person>), ServiceError> {
    let among = |ids: &HashSet<i64>| ids.iter().copied().collect::<Vec<i64>>();
    let geo = geography(db).await?;
    let rows: Vec<VolunteerRow> = volunteer::Entity::find()
        .select_only()
        .columns([
            volunteer::Column::AccountId,
            volunteer::Column::CountryIso2,
            volunteer::Column::UtcOffsetMinutes,
            volunteer::Column::HoursPerWeek,
            volunteer::Column::MaxConcurrent,
            volunteer::Column::OnsiteScope,
            volunteer::Column::Languages,
            volunteer::Column::Employer,
            volunteer::Column::ActiveEngagements,
            volunteer::Column::CommittedHours,
            volunteer::Column::EcsfRoleId,
        ])
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .apply_if(only, |q, ids| {
            q.filter(volunteer::Column::AccountId.is_in(among(ids)))
        })
        .order_by_asc(volunteer::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    // Disabled accounts are not matched.
    let names: HashMap<i64, String> = account::Entity::find()
        .select_only()
        .columns([account::Column::Id, account::Column::DisplayName])
        .filter(account::Column::Role.eq(Role::Volunteer))
        .filter(account::Column::Status.eq(account::Status::Active))
        .apply_if(only, |q, ids| q.filter(account::Column::Id.is_in(among(ids))))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut rows = rows;
    rows.retain(|r| names.contains_key(&r.0));
    let ids: HashSet<i64> = rows.iter().map(|r| r.0).collect();
    let roles: HashMap<i64, String> = ecsf_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let mut skills: HashMap<i64, Vec<(u32, u8)>> = HashMap::new();
    let held: Vec<(i64, i64, i16)> = volunteer_skill::Entity::find()
        .select_only()
        .columns([
            volunteer_skill::Column::AccountId,
            volunteer_skill::Column::SkillId,
            volunteer_skill::Column::Level,
        ])
        .apply_if(only, |q, ids| {
            q.filter(volunteer_skill::Column::AccountId.is_in(among(ids)))
        })
        .into_tuple()
        .all(db)
        .await?;
    for (account, skill, level) in held {
        if ids.contains(&account) {
            skills.entry(account).or_default().push((
                u32::try_from(skill).unwrap_or(u32::MAX),
                u8::try_from(level).unwrap_or(0),
            ));
        }
    }
    // Proposals waiting for an answer count against capacity; completed work
    // makes the track record; conflict-of-interest declines make conflicts.
    let engagements: Vec<EngagementFacts> = engagement::Entity::find()
        .select_only()
        .columns([
            engagement::Column::VolunteerId,
            engagement::Column::NeedId,
            engagement::Column::Status,
            engagement::Column::WeeklyHours,
            engagement::Column::OrganisationRating,
            engagement::Column::DeclineReason,
        ])
        .filter(engagement::Column::Status.is_in([
            engagement::Status::Proposed,
            engagement::Status::Completed,
            engagement::Status::Declined,
        ]))
        .apply_if(only, |q, ids| {
            q.filter(engagement::Column::VolunteerId.is_in(among(ids)))
        })
        .into_tuple()
        .all(db)
        .await?;
    let declined_needs: HashSet<i64> = engagements
        .iter()
        .filter(|e| e.5.as_deref() == Some("conflict_of_interest"))
        .map(|e| e.1)
        .collect();
    let need_org: HashMap<i64, i64> = if declined_needs.is_empty() {
        HashMap::new()
    } else {
        need::Entity::find()
            .select_only()
            .columns([need::Column::Id, need::Column::OrganisationId])
            .filter(need::Column::Id.is_in(declined_needs))
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    #[derive(Default)]
    struct History {
        pending: u8,
        pending_hours: u16,
        completed: u32,
        rating_sum: u32,
        rating_count: u32,
        conflicts: Vec<i64>,
    }
    let mut history: HashMap<i64, History> = HashMap::new();
    for (volunteer, need_id, status, hours, rating, reason) in engagements {
        let h = history.entry(volunteer).or_default();
        match status {
            engagement::Status::Proposed => {
                h.pending = h.pending.saturating_add(1);
                h.pending_hours = h.pending_hours.saturating_add(u16::try_from(hours).unwrap_or(0));
            }
            engagement::Status::Completed => {
                h.completed += 1;
                if let Some(r) = rating.and_then(|r| u32::try_from(r).ok()) {
                    h.rating_sum += r;
                    h.rating_count += 1;
                }
            }
            _ if reason.as_deref() == Some("conflict_of_interest") => {
                if let Some(org) = need_org.get(&need_id) {
                    h.conflicts.push(*org);
                }
            }
            _ => {}
        }
    }
    let employers: HashMap<String, i64> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Name])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name)| (name.trim().to_lowercase(), id))
        .collect();

    let mut profiles = Vec::with_capacity(rows.len());
    let mut people = HashMap::with_capacity(rows.len());
    for (id, iso, offset, hours, max, scope, langs, employer, active, committed, role) in rows {
        let place = geo.by_iso.get(&iso).cloned().unwrap_or_default();
        let h = history.remove(&id).unwrap_or_default();
        let mut conflicted = h.conflicts;
        if let Some(org) = employers.get(&employer.trim().to_lowercase())
            && !employer.trim().is_empty()
        {
            conflicted.push(*org);
        }
        let onsite_countries = match scope.as_str() {
            "sub_region" => geo
                .members
                .get(&format!("l:{}", place.local))
                .cloned()
                .unwrap_or_default(),
            "region" => geo
                .members
                .get(&format!("r:{}", place.region))
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let spoken = languages::split(&langs);
        profiles.push(VolunteerProfile {
            id,
            approved: true,
            skills: skills.remove(&id).unwrap_or_default(),
            languages: spoken.clone(),
            country: code(&iso),
            sub_region: place.local_code,
            region: place.region_code,
            utc_offset_minutes: offset,
            hours_per_week: u16::try_from(hours).unwrap_or(0),
            committed_hours: u16::try_from(committed)
                .unwrap_or(0)
                .saturating_add(h.pending_hours),
            max_concurrent: u8::try_from(max).unwrap_or(0),
            active_engagements: u8::try_from(active).unwrap_or(u8::MAX).saturating_add(h.pending),
            remote_only: scope == "remote_only",
            onsite_countries,
            conflicted_orgs: conflicted,
            completed_engagements: h.completed,
            rating_sum: h.rating_sum,
            rating_count: h.rating_count,
        });
        people.insert(
            id,
            Person {
                name: names.get(&id).cloned().unwrap_or_default(),
                role: role.and_then(|r| roles.get(&r).cloned()).unwrap_or_default(),
                country: iso,
                languages: spoken,
            },
        );
    }
    Ok((profiles, people))
}

fn urgency(u: need::Urgency) -> Urgency {
    match u {
        need::Urgency::Critical => Urgency::Critical,
        need::Urgency::High => Urgency::High,
        need::Urgency::Normal => Urgency::Normal,
        need::Urgency::Low => Urgency::Low,
    }
}

fn skill_weight(w: need_skill::Weight) -> SkillWeight {
    match w {
        need_skill::Weight::Must => SkillWeight::Must,
        need_skill::Weight::Should => SkillWeight::Should,
        need_skill::Weight::Nice => SkillWeight::Nice,
    }
}

async fn build_needs<C: ConnectionTrait>(db: &C) -> Result<NeedPool, ServiceError> {
    let geo = geography(db).await?;
    let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let open: Vec<need::Model> = need::Entity::find()
        .filter(need::Column::Status.eq(need::Status::Open))
        .order_by_asc(need::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|n| orgs.contains_key(&n.organisation_id))
        .collect();
    let ids: Vec<i64> = open.iter().map(|n| n.id).collect();
    let mut required: HashMap<i64, Vec<RequiredSkill>> = HashMap::new();
    for chunk in ids.chunks(5000) {
        for s in need_skill::Entity::find()
            .filter(need_skill::Column::NeedId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            required.entry(s.need_id).or_default().push(RequiredSkill {
                skill: u32::try_from(s.skill_id).unwrap_or(u32::MAX),
                min_level: u8::try_from(s.min_level).unwrap_or(1),
                weight: skill_weight(s.weight),
            });
        }
    }
    let open_ids: HashSet<i64> = ids.iter().copied().collect();
    let by_org: HashMap<i64, Vec<i64>> = open.iter().fold(HashMap::new(), |mut m, n| {
        m.entry(n.organisation_id).or_default().push(n.id);
        m
    });
    // Earlier answers: live engagements, declines and expiries.
    let history: Vec<(i64, i64, engagement::Status, Option<String>)> = engagement::Entity::find()
        .select_only()
        .columns([
            engagement::Column::NeedId,
            engagement::Column::VolunteerId,
            engagement::Column::Status,
            engagement::Column::DeclinedBy,
        ])
        .filter(engagement::Column::Status.is_in([
            engagement::Status::Proposed,
            engagement::Status::Accepted,
            engagement::Status::Active,
            engagement::Status::Declined,
            engagement::Status::Expired,
        ]))
        .into_tuple()
        .all(db)
        .await?;
    let history_needs: HashSet<i64> = history.iter().map(|h| h.0).collect();
    let need_org: HashMap<i64, i64> = need::Entity::find()
        .select_only()
        .columns([need::Column::Id, need::Column::OrganisationId])
        .filter(need::Column::Id.is_in(history_needs.into_iter().collect::<Vec<_>>()))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut lowered: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    let mut engaged: HashMap<i64, Vec<i64>> = HashMap::new();
    for (need_id, volunteer, status, declined_by) in history {
        match status {
            engagement::Status::Declined => {
                if open_ids.contains(&need_id) {
                    lowered
                        .entry(need_id)
                        .or_default()
                        .push((volunteer, SAME_NEED_DECLINED));
                }
                if declined_by.as_deref() == Some("organisation")
                    && let Some(siblings) = need_org.get(&need_id).and_then(|o| by_org.get(o))
                {
                    for sibling in siblings.iter().filter(|s| **s != need_id) {
                        lowered
                            .entry(*sibling)
                            .or_default()
                            .push((volunteer, ORGANISATION_DECLINED));
                    }
                }
            }
            engagement::Status::Expired if open_ids.contains(&need_id) => {
                lowered
                    .entry(need_id)
                    .or_default()
                    .push((volunteer, SAME_NEED_EXPIRED));
            }
            engagement::Status::Proposed | engagement::Status::Accepted | engagement::Status::Active => {
                engaged.entry(need_id).or_default().push(volunteer);
            }
            _ => {}
        }
    }
    let summaries: HashMap<i64, NeedSummary> = needs::summaries(db, &open)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let skill_names = skill::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (u32::try_from(s.id).unwrap_or(u32::MAX), s.name))
        .collect();
    let mut profiles = Vec::with_capacity(open.len());
    let mut places = HashMap::with_capacity(open.len());
    let mut opened = HashMap::with_capacity(open.len());
    for n in &open {
        let Some(org) = orgs.get(&n.organisation_id) else {
            continue;
        };
        let place = geo.by_iso.get(&org.country_iso2).cloned().unwrap_or_default();
        let since = n.opened_at.or(n.submitted_at).unwrap_or(n.created_at);
        let days = n.deadline.map(|d| (d - since.date()).whole_days());
        profiles.push(NeedProfile {
            id: n.id,
            org_id: org.id,
            skills: required.remove(&n.id).unwrap_or_default(),
            languages: languages::split(&n.languages),
            urgency: urgency(n.urgency),
            weekly_hours: u16::try_from(weekly_hours(n.effort_hours, days)).unwrap_or(1),
            remote: !n.onsite,
            country: code(&org.country_iso2),
            sub_region: place.local_code,
            region: place.region_code,
            utc_offset_minutes: geo::typical_utc_offset(&place.local),
            emerging_priority: priority::effective(&place.income, org.priority_override),
            waiting_since: since.unix_timestamp(),
            lowered_pairs: lowered.remove(&n.id).unwrap_or_default(),
        });
        places.insert(n.id, (place.region, place.income));
        opened.insert(n.id, since);
    }
    let position = profiles.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    Ok(NeedPool {
        profiles,
        position,
        summaries,
        places,
        opened,
        engaged,
        skill_names,
    })
}

// ---------------------------------------------------------------------------
// Explanations.

fn factor_views(c: &Candidate) -> Vec<FactorView> {
    c.factors
        .iter()
        .map(|f| FactorView {
            name: f.kind.name().to_owned(),
            value: f.value,
            weight: f.weight,
            contribution: f.contribution,
        })
        .collect()
}

fn gate_code(kind: GateKind) -> &'static str {
    match kind {
        GateKind::Approved => "approved",
        GateKind::Capacity => "capacity",
        GateKind::Language => "language",
        GateKind::MustSkills => "must_skills",
        GateKind::ConflictOfInterest => "conflict_of_interest",
        GateKind::OnsiteRange => "onsite_range",
    }
}

fn gate_view(failure: &GateFailure, skills: &HashMap<u32, String>) -> GateView {
    let mut view = GateView {
        gate: gate_code(failure.kind()).to_owned(),
        skill: String::new(),
        have: 0,
        need: 0,
    };
    match failure {
        GateFailure::NoCapacity {
            free_hours,
            needed_hours,
            ..
        } => {
            view.have = i64::from(*free_hours);
            view.need = i64::from(*needed_hours);
        }
        GateFailure::MissingMustSkill {
            skill,
            min_level,
            held,
        } => {
            view.skill = skills.get(skill).cloned().unwrap_or_default();
            view.have = i64::from(*held);
            view.need = i64::from(*min_level);
        }
        GateFailure::RemoteOnly => view.skill = "remote_only".into(),
        _ => {}
    }
    view
}

/// One line saying why: the fit and its three largest factors.
fn reason_line(c: &Candidate) -> String {
    let mut factors: Vec<_> = c.factors.iter().collect();
    factors.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    let top: Vec<String> = factors
        .iter()
        .take(3)
        .map(|f| format!("{} {:.0}%", f.kind.name().replace('_', " "), f.value * 100.0))
        .collect();
    format!("Matcher: fit {:.0}% ({})", c.fit * 100.0, top.join(", "))
}

fn candidate_view(
    rank: usize,
    c: &Candidate,
    people: &HashMap<i64, Person>,
    engaged: &[i64],
) -> CandidateView {
    let person = people.get(&c.volunteer_id).cloned().unwrap_or_default();
    CandidateView {
        rank,
        volunteer_id: c.volunteer_id,
        name: person.name,
        role: person.role,
        country: person.country,
        languages: person.languages,
        fit: c.fit,
        factors: factor_views(c),
        lowered: c.lowered_factor,
        engaged: engaged.contains(&c.volunteer_id),
        reason: reason_line(c),
    }
}

// ---------------------------------------------------------------------------
// The console.

/// The matching console for one need: the best candidates with their factors,
/// how many each gate excluded, volunteers holding the skills whom a gate
/// stopped, and, when `ask` names a volunteer (id or email), their case.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown need; database errors.
pub async fn console(state: &AppState, need_id: i64, ask: Option<&str>) -> Result<ConsoleView, ServiceError> {
    let need_row = need::Entity::find_by_id(need_id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let summary = needs::summary(&state.db, &need_row).await?;
    let needs_pool = open_needs(state).await?;
    let Some(profile) = needs_pool.profile(need_id).cloned() else {
        return Ok(ConsoleView {
            need: summary,
            open: false,
            volunteers: 0,
            eligible: 0,
            excluded_by_gate: Vec::new(),
            candidates: Vec::new(),
            near_misses: Vec::new(),
            asked: None,
        });
    };
    let pool = volunteers(state).await?;
    let engaged = needs_pool.engaged.get(&need_id).cloned().unwrap_or_default();
    let ranking = rank_volunteers(&pool.index, &profile, CONSOLE_CANDIDATES);
    let candidates = ranking
        .top
        .iter()
        .enumerate()
        .map(|(i, c)| candidate_view(i + 1, c, &pool.people, &engaged))
        .collect();
    let excluded_by_gate = GateKind::ALL
        .iter()
        .map(|k| (gate_code(*k).to_owned(), ranking.excluded_by_gate.get(*k)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let near_misses = near_misses(&pool, &profile, &needs_pool.skill_names);
    let asked = match ask.map(str::trim).filter(|a| !a.is_empty()) {
        Some(query) => Some(ask_about(state, &pool, &needs_pool, &profile, query, &engaged).await?),
        None => None,
    };
    Ok(ConsoleView {
        need: summary,
        open: true,
        volunteers: u32::try_from(pool.index.len()).unwrap_or(u32::MAX),
        eligible: ranking.eligible,
        excluded_by_gate,
        candidates,
        near_misses,
        asked,
    })
}

/// Volunteers holding the most of the need's skills whom a gate stopped.
fn near_misses(pool: &VolunteerPool, need: &NeedProfile, skills: &HashMap<u32, String>) -> Vec<ExcludedView> {
    let wanted: Vec<u32> = need.skills.iter().map(|s| s.skill).collect();
    let mut misses: Vec<(usize, i64, GateFailure)> = pool
        .index
        .volunteers()
        .iter()
        .filter_map(|v| {
            let held = wanted.iter().filter(|s| v.level(**s) > 0).count();
            if held == 0 {
                return None;
            }
            gate::check(v, need).err().map(|g| (held, v.id, g))
        })
        .collect();
    misses.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    misses
        .into_iter()
        .take(CONSOLE_NEAR_MISSES)
        .map(|(_, id, g)| ExcludedView {
            volunteer_id: id,
            name: pool.people.get(&id).map(|p| p.name.clone()).unwrap_or_default(),
            gate: gate_view(&g, skills),
        })
        .collect()
}

async fn ask_about(
    state: &AppState,
    pool: &VolunteerPool,
    needs_pool: &NeedPool,
    need: &NeedProfile,
    query: &str,
    engaged: &[i64],
) -> Result<AskedView, ServiceError> {
    let id = match super::engagements::volunteer_by_reference(&state.db, query).await {
        Ok(id) => id,
        Err(_) => {
            return Ok(AskedView {
                query: query.to_owned(),
                candidate: None,
                excluded: None,
            });
        }
    };
    let name = pool.people.get(&id).map(|p| p.name.clone()).unwrap_or_default();
    Ok(match explain_volunteer(&pool.index, need, id) {
        Ok(c) => AskedView {
            query: query.to_owned(),
            candidate: Some(candidate_view(0, &c, &pool.people, engaged)),
            excluded: None,
        },
        Err(crate::matcher::Exclusion::Gate(g)) => AskedView {
            query: query.to_owned(),
            candidate: None,
            excluded: Some(ExcludedView {
                volunteer_id: id,
                name,
                gate: gate_view(&g, &needs_pool.skill_names),
            }),
        },
        // Not in the index: not approved.
        Err(crate::matcher::Exclusion::UnknownVolunteer { .. }) => AskedView {
            query: query.to_owned(),
            candidate: None,
            excluded: Some(ExcludedView {
                volunteer_id: id,
                name,
                gate: GateView {
                    gate: "approved".into(),
                    skill: String::new(),
                    have: 0,
                    need: 0,
                },
            }),
        },
    })
}

// ---------------------------------------------------------------------------
// The triage board.

/// Filters of the triage board.
#[derive(Debug, Clone, Default)]
pub struct TriageFilter {
    /// UN M49 region name.
    pub region: Option<String>,
    /// Income group code.
    pub income: Option<String>,
    /// Category id.
    pub category: Option<i64>,
    /// Urgency code.
    pub urgency: Option<String>,
    /// Zero-based page.
    pub page: u64,
}

/// Open needs by priority: urgency tier, then emerging-economy priority, then
/// the longest waiting.
///
/// # Errors
/// Database errors.
pub async fn triage(state: &AppState, filter: &TriageFilter) -> Result<TriageBoard, ServiceError> {
    let pool = open_needs(state).await?;
    let now = state.clock.now();
    let category_names: HashMap<i64, String> = if filter.category.is_some() {
        entity::need_category::Entity::find()
            .all(&state.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    } else {
        HashMap::new()
    };
    let wanted_category = filter.category.and_then(|c| category_names.get(&c));
    let mut rows: Vec<(&NeedProfile, &NeedSummary, &(String, String))> = pool
        .profiles
        .iter()
        .filter_map(|p| Some((p, pool.summaries.get(&p.id)?, pool.places.get(&p.id)?)))
        .filter(|(_, s, (region, income))| {
            filter.region.as_ref().is_none_or(|r| r == region)
                && filter.income.as_ref().is_none_or(|i| i == income)
                && filter.urgency.as_ref().is_none_or(|u| *u == s.urgency)
                && wanted_category.is_none_or(|c| *c == s.category)
        })
        .collect();
    rows.sort_by(|a, b| {
        a.0.urgency
            .cmp(&b.0.urgency)
            .then(b.0.emerging_priority.cmp(&a.0.emerging_priority))
            .then(a.0.waiting_since.cmp(&b.0.waiting_since))
            .then(a.0.id.cmp(&b.0.id))
    });
    let total = rows.len() as u64;
    let mut regions: Vec<String> = pool
        .places
        .values()
        .map(|p| p.0.clone())
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort_unstable();
    regions.dedup();
    let page = super::db::existing_page(filter.page, total, TRIAGE_PAGE);
    let start = usize::try_from(page.saturating_mul(TRIAGE_PAGE)).unwrap_or(usize::MAX);
    let rows = rows
        .into_iter()
        .skip(start)
        .take(usize::try_from(TRIAGE_PAGE).unwrap_or(50))
        .map(|(p, s, (region, income))| TriageRow {
            need: s.clone(),
            region: region.clone(),
            income_group: income.clone(),
            waiting_days: pool.opened.get(&p.id).map_or(0, |o| (now - *o).whole_days()),
            live_engagements: u32::try_from(pool.engaged.get(&p.id).map_or(0, Vec::len)).unwrap_or(0),
        })
        .collect();
    Ok(TriageBoard {
        rows,
        total,
        page,
        regions,
    })
}

// ---------------------------------------------------------------------------
// Needs that fit a volunteer.

/// The open needs that fit the volunteer best, with their factors.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a volunteer; database errors.
pub async fn fits(state: &AppState, user: &CurrentUser) -> Result<FitsView, ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let pool = open_needs(state).await?;
    let me = volunteers(state).await?;
    let Some(position) = me.index.position(user.id) else {
        return Ok(FitsView {
            needs: Vec::new(),
            open_needs: u32::try_from(pool.profiles.len()).unwrap_or(u32::MAX),
            free_hours: 0,
            free_slots: 0,
            approved: false,
        });
    };
    let profile = &me.index.volunteers()[position];
    // Needs they are already proposed for or working on are not offered again.
    let candidates: Vec<NeedProfile> = pool
        .profiles
        .iter()
        .filter(|n| !pool.engaged.get(&n.id).is_some_and(|e| e.contains(&user.id)))
        .cloned()
        .collect();
    let ranked = rank_needs(&state.config.matcher, profile, &candidates, FITS_SHOWN)
        .map_err(|e| ServiceError::Internal(format!("matcher configuration refused: {e}")))?;
    Ok(FitsView {
        needs: ranked
            .iter()
            .filter_map(|c| {
                Some(FitView {
                    need: pool.summaries.get(&c.need_id)?.clone(),
                    fit: c.fit,
                    factors: factor_views(c),
                    weekly_hours: pool.profile(c.need_id).map_or(0, |n| n.weekly_hours),
                })
            })
            .collect(),
        open_needs: u32::try_from(pool.profiles.len()).unwrap_or(u32::MAX),
        free_hours: profile.free_hours(),
        free_slots: profile.free_slots(),
        approved: true,
    })
}

// ---------------------------------------------------------------------------
// Batch runs.

/// The stored preview of a batch run.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Preview {
    pairs: Vec<PairView>,
    unserved: Vec<UnservedView>,
}

async fn progress(state: &AppState, id: i64, stage: &str, percent: i16) -> Result<(), ServiceError> {
    match_run::Entity::update_many()
        .col_expr(match_run::Column::Stage, Expr::value(stage))
        .col_expr(match_run::Column::Progress, Expr::value(percent))
        .col_expr(match_run::Column::HeartbeatAt, Expr::value(state.clock.now()))
        .filter(match_run::Column::Id.eq(id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Starts a batch run over all open needs without a live engagement; it runs
/// in the background, recording its progress, and leaves a preview to apply.
///
/// # Errors
/// Database errors.
pub async fn start_batch(state: &AppState, actor: &Actor, user: &CurrentUser) -> Result<i64, ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let run = match_run::ActiveModel {
        status: Set(match_run::Status::Running),
        stage: Set("queued".into()),
        progress: Set(0),
        started_by: Set(user.id),
        started_at: Set(now),
        heartbeat_at: Set(now),
        summary: Set(String::new()),
        preview: Set(String::new()),
        error: Set(String::new()),
        outcome: Set(String::new()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::MatchRunStarted,
        Some(("match_run", run.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    let id = run.id;
    let background = state.clone();
    tokio::spawn(async move {
        if let Err(e) = compute(&background, id).await {
            tracing::error!(run = id, error = %e, "batch run failed");
            let failed = match_run::Entity::update_many()
                .col_expr(match_run::Column::Status, Expr::value("failed"))
                .col_expr(match_run::Column::Error, Expr::value(e.to_string()))
                .col_expr(match_run::Column::FinishedAt, Expr::value(background.clock.now()))
                .filter(match_run::Column::Id.eq(id))
                .exec(&background.db)
                .await;
            if let Err(e) = failed {
                tracing::error!(run = id, error = %e, "could not record the failure");
            }
        }
    });
    Ok(id)
}

async fn compute(state: &AppState, id: i64) -> Result<(), ServiceError> {
    let started = std::time::Instant::now();
    progress(state, id, "loading", 5).await?;
    let needs_pool = open_needs(state).await?;
    progress(state, id, "indexing", 25).await?;
    let pool = volunteers(state).await?;
    progress(state, id, "solving", 50).await?;
    let needs: Vec<NeedProfile> = needs_pool
        .profiles
        .iter()
        .filter(|n| !needs_pool.engaged.contains_key(&n.id))
        .cloned()
        .collect();
    let (pool_for_solve, needs_for_solve) = (Arc::clone(&pool), needs.clone());
    let assignment = tokio::task::spawn_blocking(move || assign(&pool_for_solve.index, &needs_for_solve))
        .await
        .map_err(|e| ServiceError::Internal(format!("the solver task failed: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("the matcher refused the batch: {e}")))?;
    progress(state, id, "explaining", 85).await?;
    let preview = preview(&assignment, &needs_pool, &pool);
    let summary = RunSummary {
        needs: u32::try_from(needs.len()).unwrap_or(u32::MAX),
        volunteers: u32::try_from(pool.index.len()).unwrap_or(u32::MAX),
        assigned_per_tier: assignment.assigned_per_tier,
        unserved: u32::try_from(assignment.unassigned.len()).unwrap_or(u32::MAX),
        candidate_arcs: assignment.stats.candidate_arcs,
        readded_arcs: assignment.stats.readded_arcs,
        seconds: started.elapsed().as_secs_f64(),
    };
    match_run::Entity::update_many()
        .col_expr(match_run::Column::Status, Expr::value("ready"))
        .col_expr(match_run::Column::Stage, Expr::value("done"))
        .col_expr(match_run::Column::Progress, Expr::value(100_i16))
        .col_expr(match_run::Column::Summary, Expr::value(to_json(&summary)))
        .col_expr(match_run::Column::Preview, Expr::value(to_json(&preview)))
        .col_expr(match_run::Column::FinishedAt, Expr::value(state.clock.now()))
        .filter(match_run::Column::Id.eq(id))
        .filter(match_run::Column::Status.eq(match_run::Status::Running))
        .exec(&state.db)
        .await?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn urgency_code(u: Urgency) -> &'static str {
    match u {
        Urgency::Critical => "critical",
        Urgency::High => "high",
        Urgency::Normal => "normal",
        Urgency::Low => "low",
    }
}

fn preview(assignment: &Assignment, needs: &NeedPool, pool: &VolunteerPool) -> Preview {
    let title = |id: i64| {
        needs
            .summaries
            .get(&id)
            .map(|s| s.title.clone())
            .unwrap_or_default()
    };
    let name = |id: i64| pool.people.get(&id).map(|p| p.name.clone()).unwrap_or_default();
    let runner_up = |r: &crate::matcher::RunnerUp| {
        let (reason, taken_by, gate) = match &r.reason {
            LostReason::CapacityTakenBy {
                need_id, more_urgent, ..
            } => (
                if *more_urgent { "more_urgent" } else { "capacity" },
                title(*need_id),
                None,
            ),
            LostReason::LowerUtility { .. } => ("lower_utility", String::new(), None),
            LostReason::Gate(g) => ("gate", String::new(), Some(gate_view(g, &needs.skill_names))),
        };
        RunnerUpView {
            volunteer_id: r.volunteer_id,
            name: name(r.volunteer_id),
            fit: r.fit,
            reason: reason.to_owned(),
            taken_by,
            gate,
        }
    };
    let mut pairs: Vec<PairView> = assignment
        .assigned
        .iter()
        .filter_map(|a| {
            let need = needs.profile(a.need_id)?;
            let summary = needs.summaries.get(&a.need_id)?;
            Some(PairView {
                need_id: a.need_id,
                need_title: summary.title.clone(),
                organisation: format!("{} ({})", summary.organisation, summary.country),
                urgency: urgency_code(need.urgency).to_owned(),
                priority: need.emerging_priority,
                volunteer_id: a.candidate.volunteer_id,
                volunteer_name: name(a.candidate.volunteer_id),
                fit: a.candidate.fit,
                factors: factor_views(&a.candidate),
                runners_up: a.runners_up.iter().map(runner_up).collect(),
            })
        })
        .collect();
    pairs.sort_by(|a, b| {
        let tier = |p: &PairView| needs.profile(p.need_id).map_or(Urgency::Low, |n| n.urgency);
        tier(a)
            .cmp(&tier(b))
            .then(b.priority.cmp(&a.priority))
            .then(a.need_id.cmp(&b.need_id))
    });
    let unserved = assignment
        .unassigned
        .iter()
        .map(|u| UnservedView {
            need_id: u.need_id,
            need_title: title(u.need_id),
            urgency: needs
                .profile(u.need_id)
                .map_or("low", |n| urgency_code(n.urgency))
                .to_owned(),
            reason: match u.reason {
                UnassignedReason::NoEligibleVolunteer { .. } => "no_eligible",
                UnassignedReason::CandidatesTaken { .. } => "taken",
            }
            .to_owned(),
            runners_up: u.runners_up.iter().map(runner_up).collect(),
        })
        .collect();
    Preview { pairs, unserved }
}

fn interrupted(run: &match_run::Model, now: OffsetDateTime) -> bool {
    run.status == match_run::Status::Running && now - run.heartbeat_at > HEARTBEAT_TIMEOUT
}

fn status_code(run: &match_run::Model, now: OffsetDateTime) -> &'static str {
    match run.status {
        _ if interrupted(run, now) => "failed",
        match_run::Status::Running => "running",
        match_run::Status::Ready => "ready",
        match_run::Status::Applied => "applied",
        match_run::Status::Failed => "failed",
    }
}

/// A run's stored preview: empty until the run is ready; an error when what is
/// stored cannot be read.
///
/// # Errors
/// [`ServiceError::Internal`] for a preview that is not what this version writes.
fn stored_preview(run: &match_run::Model) -> Result<Preview, ServiceError> {
    if run.preview.is_empty() {
        return Ok(Preview::default());
    }
    serde_json::from_str(&run.preview)
        .map_err(|e| ServiceError::Internal(format!("batch run {}: its preview cannot be read: {e}", run.id)))
}

/// One batch run with one page of its preview.
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
pub async fn run(state: &AppState, id: i64, page: u64) -> Result<RunView, ServiceError> {
    let run = match_run::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = state.clock.now();
    let preview = stored_preview(&run)?;
    let starter = account::Entity::find_by_id(run.started_by).one(&state.db).await?;
    let start = usize::try_from(page.saturating_mul(PAIRS_PAGE)).unwrap_or(usize::MAX);
    Ok(RunView {
        id: run.id,
        status: status_code(&run, now).to_owned(),
        stage: run.stage.clone(),
        progress: run.progress,
        started: utc(run.started_at),
        started_by: starter.map(|a| a.display_name).unwrap_or_default(),
        summary: serde_json::from_str(&run.summary).ok(),
        pairs_total: preview.pairs.len() as u64,
        pairs: preview
            .pairs
            .into_iter()
            .skip(start)
            .take(usize::try_from(PAIRS_PAGE).unwrap_or(50))
            .collect(),
        unserved: if page == 0 {
            preview.unserved.into_iter().take(100).collect()
        } else {
            Vec::new()
        },
        page,
        outcome: serde_json::from_str(&run.outcome).ok(),
        error: if interrupted(&run, now) {
            "interrupted".into()
        } else {
            run.error
        },
    })
}

/// The latest batch runs.
///
/// # Errors
/// Database errors.
pub async fn runs(state: &AppState) -> Result<Vec<RunRow>, ServiceError> {
    let now = state.clock.now();
    Ok(match_run::Entity::find()
        .order_by_desc(match_run::Column::Id)
        .limit(20)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| RunRow {
            id: r.id,
            status: status_code(&r, now).to_owned(),
            started: utc(r.started_at),
            pairs: serde_json::from_str::<RunSummary>(&r.summary)
                .map(|s| s.assigned_per_tier.iter().sum())
                .unwrap_or(0),
        })
        .collect())
}

/// Applies a ready batch run: creates every proposal of its preview in one
/// transaction, skipping pairs made stale meanwhile (the need no longer open or
/// already engaged, the volunteer no longer approved or without capacity).
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::Conflict`] unless ready.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<RunOutcome, ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let run = match_run::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let claimed = match_run::Entity::update_many()
        .col_expr(match_run::Column::Status, Expr::value("applied"))
        .col_expr(match_run::Column::AppliedBy, Expr::value(user.id))
        .col_expr(match_run::Column::AppliedAt, Expr::value(now))
        .filter(match_run::Column::Id.eq(id))
        .filter(match_run::Column::Status.eq(match_run::Status::Ready))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ServiceError::Conflict("only a ready run can be applied, once"));
    }
    // A preview that cannot be read fails the apply (the run stays ready): applying
    // an empty one would mark the run applied with nothing proposed.
    if run.preview.is_empty() {
        return Err(ServiceError::Conflict("the run has no preview"));
    }
    let preview = stored_preview(&run)?;
    let need_ids: Vec<i64> = preview.pairs.iter().map(|p| p.need_id).collect();
    let volunteer_ids: Vec<i64> = preview.pairs.iter().map(|p| p.volunteer_id).collect();
    let mut open: HashMap<i64, need::Model> = HashMap::new();
    for chunk in need_ids.chunks(5000) {
        for n in need::Entity::find()
            .filter(need::Column::Id.is_in(chunk.to_vec()))
            .filter(need::Column::Status.eq(need::Status::Open))
            .all(&txn)
            .await?
        {
            open.insert(n.id, n);
        }
    }
    let mut engaged: HashSet<i64> = HashSet::new();
    for chunk in need_ids.chunks(5000) {
        engaged.extend(
            engagement::Entity::find()
                .select_only()
                .column(engagement::Column::NeedId)
                .filter(engagement::Column::NeedId.is_in(chunk.to_vec()))
                .filter(engagement::Column::Status.is_in([
                    engagement::Status::Proposed,
                    engagement::Status::Accepted,
                    engagement::Status::Active,
                ]))
                .into_tuple::<i64>()
                .all(&txn)
                .await?,
        );
    }
    let mut capacity: HashMap<i64, (i16, i16)> = HashMap::new();
    for chunk in volunteer_ids.chunks(5000) {
        for v in volunteer::Entity::find()
            .filter(volunteer::Column::AccountId.is_in(chunk.to_vec()))
            .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
            .all(&txn)
            .await?
        {
            capacity.insert(
                v.account_id,
                (
                    v.max_concurrent - v.active_engagements,
                    v.hours_per_week - v.committed_hours,
                ),
            );
        }
    }
    // Proposals still waiting for an answer count, as they did when the run was computed:
    // one made since (by hand or by another run) can leave no room for this run's pair.
    for chunk in volunteer_ids.chunks(5000) {
        let pending: Vec<(i64, i16)> = engagement::Entity::find()
            .select_only()
            .columns([engagement::Column::VolunteerId, engagement::Column::WeeklyHours])
            .filter(engagement::Column::VolunteerId.is_in(chunk.to_vec()))
            .filter(engagement::Column::Status.eq(engagement::Status::Proposed))
            .into_tuple()
            .all(&txn)
            .await?;
        for (volunteer, hours) in pending {
            if let Some(room) = capacity.get_mut(&volunteer) {
                room.0 -= 1;
                room.1 -= hours;
            }
        }
    }
    let mut outcome = RunOutcome::default();
    let mut rows = Vec::new();
    let mut notices: Vec<(i64, i64, i64, String)> = Vec::new();
    let mut audited: Vec<(i64, i64)> = Vec::new();
    for pair in &preview.pairs {
        let Some(n) = open
            .get(&pair.need_id)
            .filter(|_| !engaged.contains(&pair.need_id))
        else {
            outcome.stale_need += 1;
            continue;
        };
        let days = n.deadline.map(|d| (d - now.date()).whole_days());
        let hours = weekly_hours(n.effort_hours, days);
        let Some(room) = capacity
            .get_mut(&pair.volunteer_id)
            .filter(|(slots, free)| *slots > 0 && *free >= hours)
        else {
            outcome.stale_volunteer += 1;
            continue;
        };
        // Later pairs of this run see the room this proposal would take if accepted.
        room.0 -= 1;
        room.1 -= hours;
        engaged.insert(n.id);
        rows.push(engagement::ActiveModel {
            need_id: Set(n.id),
            volunteer_id: Set(pair.volunteer_id),
            status: Set(engagement::Status::Proposed),
            proposed_by: Set(Some(user.id)),
            proposer_kind: Set(engagement::ProposerKind::Matcher),
            reason: Set(format!(
                "Matcher (batch run #{id}): fit {:.0}% ({}).",
                pair.fit * 100.0,
                top_factors(&pair.factors)
            )),
            weekly_hours: Set(hours),
            holds_capacity: Set(false),
            expires_at: Set(Some(now + state.config.response_window)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        notices.push((n.id, n.organisation_id, pair.volunteer_id, n.title.clone()));
        audited.push((n.id, pair.volunteer_id));
    }
    outcome.created = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    for chunk in rows.chunks(500) {
        engagement::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    // Notify each volunteer and the organisations' members.
    let created: HashMap<i64, i64> = engagement::Entity::find()
        .select_only()
        .columns([engagement::Column::NeedId, engagement::Column::Id])
        .filter(engagement::Column::Status.eq(engagement::Status::Proposed))
        .filter(engagement::Column::ProposerKind.eq(engagement::ProposerKind::Matcher))
        .filter(engagement::Column::CreatedAt.eq(now))
        .into_tuple::<(i64, i64)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let orgs: Vec<i64> = notices
        .iter()
        .map(|n| n.1)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in orgs.chunks(5000) {
        for m in entity::organisation_member::Entity::find()
            .filter(entity::organisation_member::Column::OrganisationId.is_in(chunk.to_vec()))
            .all(&txn)
            .await?
        {
            members.entry(m.organisation_id).or_default().push(m.account_id);
        }
    }
    for (need_id, org, volunteer, title) in &notices {
        let mut people = members.get(org).cloned().unwrap_or_default();
        people.push(*volunteer);
        notifications::notify(
            &txn,
            now,
            people,
            None,
            notifications::About {
                kind: "engagement.proposed",
                engagement_id: created.get(need_id).copied(),
                need_id: Some(*need_id),
                subject: title,
            },
        )
        .await?;
    }
    for (need_id, volunteer) in audited {
        audit::record(
            &txn,
            now,
            actor,
            Action::EngagementProposed,
            created.get(&need_id).map(|e| ("engagement", *e)),
            json!({ "need": need_id, "volunteer": volunteer, "by": "matcher", "run": id }),
        )
        .await?;
    }
    let text = to_json(&outcome);
    match_run::Entity::update_many()
        .col_expr(match_run::Column::Outcome, Expr::value(text))
        .filter(match_run::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::MatchRunApplied,
        Some(("match_run", id)),
        json!({
            "created": outcome.created,
            "stale_need": outcome.stale_need,
            "stale_volunteer": outcome.stale_volunteer,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}

fn top_factors(factors: &[FactorView]) -> String {
    let mut sorted: Vec<&FactorView> = factors.iter().collect();
    sorted.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    sorted
        .iter()
        .take(3)
        .map(|f| format!("{} {:.0}%", f.name.replace('_', " "), f.value * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}
