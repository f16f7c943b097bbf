//! Building the matcher's profiles from the database: geography, volunteers with
//! their capacity, history and conflicts, and open needs.

use crate::services::{ServiceError, needs};
use crate::{
    domain::{engagement::weekly_hours, geo, languages, priority, views::NeedSummary},
    matcher::{NeedProfile, RequiredSkill, VolunteerProfile},
};
use entity::{
    account::{self, Role},
    ecsf_role, engagement, need, need_skill, organisation, skill,
    vetting::VettingStatus,
    volunteer,
};
use futures_util::{StreamExt as _, stream};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, JoinType, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, QueryTrait as _,
};
use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use super::{places::*, pools::*};

/// Lowering of a pair the same need's earlier decline or expiry brings.
pub(super) const SAME_NEED_DECLINED: f64 = 0.2;
pub(super) const SAME_NEED_EXPIRED: f64 = 0.6;
pub(super) const ORGANISATION_DECLINED: f64 = 0.6;

/// What a volunteer's profile takes from one engagement: volunteer, need, status,
/// weekly hours, the organisation's rating, the decline reason.
pub(super) type EngagementFacts = (i64, i64, engagement::Status, i16, Option<i16>, Option<String>);

/// What a volunteer's profile takes from their row, their account's name and
/// their skills (`skill:level`, comma-separated, aggregated by the database: a
/// row per volunteer rather than one per skill held).
struct VolunteerRow {
    id: i64,
    iso: String,
    offset: i16,
    hours: i16,
    max: i16,
    scope: String,
    languages: String,
    employer: String,
    active: i16,
    committed: i16,
    role: Option<i64>,
    name: String,
    skills: Option<String>,
}

impl sea_orm::FromQueryResult for VolunteerRow {
    fn from_query_result(row: &sea_orm::QueryResult, _: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: row.try_get_by_index(0)?,
            iso: row.try_get_by_index(1)?,
            offset: row.try_get_by_index(2)?,
            hours: row.try_get_by_index(3)?,
            max: row.try_get_by_index(4)?,
            scope: row.try_get_by_index(5)?,
            languages: row.try_get_by_index(6)?,
            employer: row.try_get_by_index(7)?,
            active: row.try_get_by_index(8)?,
            committed: row.try_get_by_index(9)?,
            role: row.try_get_by_index(10)?,
            name: row.try_get_by_index(11)?,
            skills: row.try_get_by_index(12)?,
        })
    }
}

/// The skills a volunteer holds, as [`skills_held`] aggregates them: `(skill, level)`.
fn parse_skills(text: Option<&str>) -> Vec<(u32, u8)> {
    let mut skills: Vec<(u32, u8)> = text
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| {
            let (skill, level) = pair.split_once(':')?;
            Some((skill.trim().parse().ok()?, level.trim().parse().ok()?))
        })
        .collect();
    // The database aggregates in no set order.
    skills.sort_unstable();
    skills
}

/// A volunteer row's skills as one text (`skill:level,…`, or NULL for none), in
/// the SQL of the database at hand.
fn skills_held(backend: sea_orm::DbBackend) -> sea_orm::sea_query::Expr {
    sea_orm::sea_query::Expr::cust(match backend {
        sea_orm::DbBackend::Postgres => {
            "(SELECT string_agg(s.skill_id::text || ':' || s.level::text, ',') \
             FROM volunteer_skill s WHERE s.account_id = volunteer.account_id)"
        }
        _ => {
            "(SELECT group_concat(s.skill_id || ':' || s.level, ',') \
             FROM volunteer_skill s WHERE s.account_id = volunteer.account_id)"
        }
    })
}

/// How many volunteers the whole pool is read at a time.
const VOLUNTEERS_PER_READ: usize = 5000;

/// The profiles of approved volunteers with active accounts — all of them, or only
/// those among `only` — and what the pages show of them.
///
/// The whole pool is read [`VOLUNTEERS_PER_READ`] volunteers at a time (a
/// range of ids each): the rows of every volunteer at once (their strings,
/// the drivers' row buffers) peaked at several times the pool's own size, and
/// the allocator kept much of that peak.
pub(super) async fn volunteer_profiles<C: ConnectionTrait>(
    db: &C,
    geo: &Geography,
    employers: &Employers,
    only: Option<&HashSet<i64>>,
) -> Result<(Vec<VolunteerProfile>, People), ServiceError> {
    if let Some(ids) = only {
        return profiles_among(db, geo, employers, &roles(db).await?, Among::Ids(ids)).await;
    }
    let approved: Vec<i64> = volunteer::Entity::find()
        .select_only()
        .column(volunteer::Column::AccountId)
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .order_by_asc(volunteer::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    let roles = roles(db).await?;
    let ranges: Vec<(i64, i64)> = approved
        .chunks(VOLUNTEERS_PER_READ)
        .filter_map(|chunk| Some((*chunk.first()?, *chunk.last()?)))
        .collect();
    // Two ranges at a time, each on its own connections: one range's rows are
    // turned into profiles while the database reads the next.
    let mut reads = stream::iter(ranges)
        .map(|(first, last)| profiles_among(db, geo, employers, &roles, Among::Range(first, last)))
        .buffered(RANGES_AT_ONCE);
    let mut profiles = Vec::with_capacity(approved.len());
    let mut people = People::with_capacity(approved.len());
    while let Some(read) = reads.next().await {
        let (some, their) = read?;
        profiles.extend(some);
        people.extend(their);
    }
    Ok((profiles, people))
}

/// How many ranges of the whole pool are read at once.
const RANGES_AT_ONCE: usize = 2;

/// The name of each ECSF role, by id.
async fn roles<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, Arc<str>>, ServiceError> {
    Ok(ecsf_role::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, Arc::from(r.name)))
        .collect())
}

/// Which volunteers a read is about.
#[derive(Clone, Copy)]
enum Among<'a> {
    /// These.
    Ids(&'a HashSet<i64>),
    /// Those with ids from the first to the last, inclusive (an index range
    /// scan, where a list of thousands of ids is not).
    Range(i64, i64),
}

impl Among<'_> {
    /// The condition that `column`, a volunteer's account id, is among them.
    fn holds(self, column: impl sea_orm::ColumnTrait) -> sea_orm::sea_query::SimpleExpr {
        match self {
            Self::Ids(ids) => column.is_in(ids.iter().copied()),
            Self::Range(first, last) => column.between(first, last),
        }
    }
}

/// The profiles of the approved volunteers with active accounts `among` some
/// (in the order of their ids), and what the pages show of them.
async fn profiles_among<C: ConnectionTrait>(
    db: &C,
    geo: &Geography,
    employers: &Employers,
    roles: &HashMap<i64, Arc<str>>,
    among: Among<'_>,
) -> Result<(Vec<VolunteerProfile>, People), ServiceError> {
    // Disabled accounts are not matched.
    let rows = volunteer::Entity::find()
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
        .column(account::Column::DisplayName)
        .column_as(skills_held(db.get_database_backend()), "skills")
        .join(
            JoinType::InnerJoin,
            volunteer::Entity::belongs_to(account::Entity)
                .from(volunteer::Column::AccountId)
                .to(account::Column::Id)
                .into(),
        )
        .filter(account::Column::Role.eq(Role::Volunteer))
        .filter(account::Column::Status.eq(account::Status::Active))
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .filter(among.holds(volunteer::Column::AccountId))
        .order_by_asc(volunteer::Column::AccountId)
        .into_model::<VolunteerRow>()
        .all(db);
    // Proposals waiting for an answer count against capacity; completed work
    // makes the track record; conflict-of-interest declines make conflicts.
    let engagements = engagement::Entity::find()
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
        .filter(among.holds(engagement::Column::VolunteerId))
        .into_tuple::<EngagementFacts>()
        .all(db);
    // Both reads on their own connections, at once.
    let (rows, engagements) = tokio::try_join!(rows, engagements)?;
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

    let mut profiles = Vec::with_capacity(rows.len());
    let mut people = HashMap::with_capacity(rows.len());
    for row in rows {
        let VolunteerRow {
            id,
            iso,
            offset,
            hours,
            max,
            scope,
            languages: langs,
            employer,
            active,
            committed,
            role,
            name,
            skills,
        } = row;
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
        profiles.push(VolunteerProfile {
            id,
            approved: true,
            skills: parse_skills(skills.as_deref()),
            languages: languages::split(&langs),
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
            Arc::new(Person {
                name: name.into_boxed_str(),
                role: role.and_then(|r| roles.get(&r).cloned()).unwrap_or_default(),
            }),
        );
    }
    Ok((profiles, people))
}

/// The need pool: every open need of an approved organisation, or, with
/// `only`, those of these organisations (to bring a pool up to date after
/// changes that touch only them: an organisation's needs are profiled from its
/// own needs' engagements alone).
pub(super) async fn build_needs<C: ConnectionTrait>(
    db: &C,
    geo: &Geography,
    only: Option<&HashSet<i64>>,
) -> Result<NeedPool, ServiceError> {
    let only_ids = || {
        only.map(|o| o.iter().copied().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .apply_if(only.map(|_| only_ids()), |q, ids| {
            q.filter(organisation::Column::Id.is_in(ids))
        })
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let open: Vec<need::Model> = need::Entity::find()
        .filter(need::Column::Status.eq(need::Status::Open))
        .apply_if(only.map(|_| only_ids()), |q, ids| {
            q.filter(need::Column::OrganisationId.is_in(ids))
        })
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
            required.entry(s.need_id).or_default().push(required_skill(&s));
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
        .apply_if(only.map(|_| only_ids()), |q, ids| {
            q.filter(
                engagement::Column::NeedId.in_subquery(
                    need::Entity::find()
                        .select_only()
                        .column(need::Column::Id)
                        .filter(need::Column::OrganisationId.is_in(ids))
                        .into_query(),
                ),
            )
        })
        // In one order whatever is read, so a partial read profiles a need as a full one does.
        .order_by_asc(engagement::Column::Id)
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
            engagement::Status::Proposed | engagement::Status::Accepted | engagement::Status::Active
                if open_ids.contains(&need_id) =>
            {
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
    let listed = open
        .iter()
        .map(|n| {
            (
                n.id,
                Listed {
                    id: n.id,
                    category_id: n.category_id,
                    urgency: n.urgency.into(),
                    updated_at: n.updated_at,
                },
            )
        })
        .collect();
    let mut profiles = Vec::with_capacity(open.len());
    let mut places = HashMap::with_capacity(open.len());
    let mut opened = HashMap::with_capacity(open.len());
    for n in &open {
        let Some(org) = orgs.get(&n.organisation_id) else {
            continue;
        };
        let (profile, place, since) = profile_of(
            n,
            org,
            geo,
            required.remove(&n.id).unwrap_or_default(),
            lowered.remove(&n.id).unwrap_or_default(),
        );
        profiles.push(profile);
        places.insert(n.id, (place.region, place.income));
        opened.insert(n.id, since);
    }
    Ok(need_pool(
        profiles,
        summaries,
        places,
        opened,
        engaged,
        skill_names,
        listed,
    ))
}

/// A need pool from its parts: the positions, the triage order and the
/// regions are derived here.
fn need_pool(
    profiles: Vec<NeedProfile>,
    summaries: HashMap<i64, NeedSummary>,
    places: HashMap<i64, (String, String)>,
    opened: HashMap<i64, time::OffsetDateTime>,
    engaged: HashMap<i64, Vec<i64>>,
    skill_names: HashMap<u32, String>,
    listed: HashMap<i64, Listed>,
) -> NeedPool {
    let position = profiles.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut triage_order: Vec<usize> = (0..profiles.len()).collect();
    triage_order.sort_by(|&a, &b| {
        let (a, b) = (&profiles[a], &profiles[b]);
        a.urgency
            .cmp(&b.urgency)
            .then(b.emerging_priority.cmp(&a.emerging_priority))
            .then(a.waiting_since.cmp(&b.waiting_since))
            .then(a.id.cmp(&b.id))
    });
    let mut regions: Vec<String> = places
        .values()
        .map(|p: &(String, String)| p.0.clone())
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort_unstable();
    regions.dedup();
    let mut recent: Vec<Listed> = listed.values().copied().collect();
    recent.sort_unstable_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    NeedPool {
        profiles,
        position,
        summaries,
        places,
        opened,
        engaged,
        skill_names,
        triage_order,
        regions,
        listed,
        recent,
    }
}

/// `pool` with the needs of organisations `orgs` replaced by `fresh` (built
/// by [`build_needs`] for those organisations only).
pub(super) fn merge_needs(pool: &NeedPool, orgs: &HashSet<i64>, fresh: NeedPool) -> NeedPool {
    let kept: Vec<&NeedProfile> = pool
        .profiles
        .iter()
        .filter(|p| !orgs.contains(&p.org_id))
        .collect();
    let kept_ids: HashSet<i64> = kept.iter().map(|p| p.id).collect();
    let mut profiles: Vec<NeedProfile> = kept.into_iter().cloned().chain(fresh.profiles).collect();
    profiles.sort_unstable_by_key(|p| p.id);
    need_pool(
        profiles,
        merged(&pool.summaries, &kept_ids, fresh.summaries),
        merged(&pool.places, &kept_ids, fresh.places),
        merged(&pool.opened, &kept_ids, fresh.opened),
        merged(&pool.engaged, &kept_ids, fresh.engaged),
        fresh.skill_names,
        merged(&pool.listed, &kept_ids, fresh.listed),
    )
}

/// The entries of `old` for the needs kept, and all of `new`.
fn merged<V: Clone>(old: &HashMap<i64, V>, kept: &HashSet<i64>, new: HashMap<i64, V>) -> HashMap<i64, V> {
    old.iter()
        .filter(|(id, _)| kept.contains(id))
        .map(|(id, v)| (*id, v.clone()))
        .chain(new)
        .collect()
}

/// One open need's profile from its rows: what [`build_needs`] and [`need_profile`]
/// share, so a need is profiled the same way wherever it is read. Also its
/// organisation's place and when it started waiting.
fn profile_of(
    n: &need::Model,
    org: &organisation::Model,
    geo: &Geography,
    skills: Vec<RequiredSkill>,
    lowered_pairs: Vec<(i64, f64)>,
) -> (NeedProfile, Place, time::OffsetDateTime) {
    let place = geo.by_iso.get(&org.country_iso2).cloned().unwrap_or_default();
    let since = n.opened_at.or(n.submitted_at).unwrap_or(n.created_at);
    let days = n.deadline.map(|d| (d - since.date()).whole_days());
    let profile = NeedProfile {
        id: n.id,
        org_id: org.id,
        skills,
        languages: languages::split(&n.languages),
        urgency: n.urgency.into(),
        weekly_hours: u16::try_from(weekly_hours(n.effort_hours, days)).unwrap_or(1),
        remote: !n.onsite,
        country: code(&org.country_iso2),
        sub_region: place.local_code,
        region: place.region_code,
        utc_offset_minutes: geo::typical_utc_offset(&place.local),
        emerging_priority: priority::effective(&place.income, org.priority_override),
        waiting_since: since.unix_timestamp(),
        lowered_pairs,
    };
    (profile, place, since)
}

fn required_skill(s: &need_skill::Model) -> RequiredSkill {
    RequiredSkill {
        skill: u32::try_from(s.skill_id).unwrap_or(u32::MAX),
        min_level: u8::try_from(s.min_level).unwrap_or(1),
        weight: s.weight.into(),
    }
}

/// The profile one open need has in the need pool, read through `db` alone — in
/// the transaction that opens it, before the pool can see it — by the rules of
/// [`build_needs`]: its skills, and the pairs earlier answers lower (its own
/// declines and expiries; its organisation's declines on its other needs).
/// `None` when its organisation is not approved (the pool leaves it out).
///
/// # Errors
/// Database errors.
pub async fn need_profile<C: ConnectionTrait>(
    db: &C,
    n: &need::Model,
) -> Result<Option<NeedProfile>, ServiceError> {
    let Some(org) = organisation::Entity::find_by_id(n.organisation_id)
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let geo = geography(db).await?;
    let skills = need_skill::Entity::find()
        .filter(need_skill::Column::NeedId.eq(n.id))
        .all(db)
        .await?
        .iter()
        .map(required_skill)
        .collect();
    let mut lowered = Vec::new();
    let own: Vec<(i64, engagement::Status)> = engagement::Entity::find()
        .select_only()
        .columns([engagement::Column::VolunteerId, engagement::Column::Status])
        .filter(engagement::Column::NeedId.eq(n.id))
        .filter(engagement::Column::Status.is_in([engagement::Status::Declined, engagement::Status::Expired]))
        .into_tuple()
        .all(db)
        .await?;
    for (volunteer, status) in own {
        let factor = if status == engagement::Status::Declined {
            SAME_NEED_DECLINED
        } else {
            SAME_NEED_EXPIRED
        };
        lowered.push((volunteer, factor));
    }
    let siblings = need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::OrganisationId.eq(org.id))
        .filter(need::Column::Id.ne(n.id))
        .into_query();
    let declined_by_organisation: Vec<i64> = engagement::Entity::find()
        .select_only()
        .column(engagement::Column::VolunteerId)
        .filter(engagement::Column::NeedId.in_subquery(siblings))
        .filter(engagement::Column::Status.eq(engagement::Status::Declined))
        .filter(engagement::Column::DeclinedBy.eq("organisation"))
        .into_tuple()
        .all(db)
        .await?;
    lowered.extend(
        declined_by_organisation
            .into_iter()
            .map(|v| (v, ORGANISATION_DECLINED)),
    );
    Ok(Some(profile_of(n, &org, &geo, skills, lowered).0))
}

#[cfg(test)]
mod tests {
    use super::parse_skills;

    #[test]
    fn skills_aggregated_by_the_database_are_read_back_sorted() {
        assert_eq!(
            parse_skills(None),
            Vec::<(u32, u8)>::new(),
            "no skill held (NULL)"
        );
        assert_eq!(parse_skills(Some("")), Vec::<(u32, u8)>::new());
        assert_eq!(parse_skills(Some("12:3,4:1,7:5")), vec![(4, 1), (7, 5), (12, 3)]);
        // Nothing the database could hand back makes a skill up or panics.
        assert_eq!(
            parse_skills(Some("12:3,:1,x:2,9:,5:300,6:2")),
            vec![(6, 2), (12, 3)]
        );
    }
}
