//! Building the matcher's profiles from the database: geography, volunteers with
//! their capacity, history and conflicts, and open needs.

use crate::infra::db::all_as_json;
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
/// row per volunteer rather than one per skill held), in the order of
/// [`volunteer_fields`].
#[derive(serde::Deserialize)]
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

/// The SQL of [`VolunteerRow`]'s fields, in order, for
/// [`all_as_json`](crate::infra::db::all_as_json).
fn volunteer_fields(backend: sea_orm::DbBackend) -> String {
    format!(
        "volunteer.account_id, volunteer.country_iso2, volunteer.utc_offset_minutes, \
         volunteer.hours_per_week, volunteer.max_concurrent, volunteer.onsite_scope, \
         volunteer.languages, volunteer.employer, volunteer.active_engagements, \
         volunteer.committed_hours, volunteer.ecsf_role_id, account.display_name, {}",
        skills_held(backend)
    )
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
fn skills_held(backend: sea_orm::DbBackend) -> &'static str {
    match backend {
        sea_orm::DbBackend::Postgres => {
            "(SELECT string_agg(s.skill_id::text || ':' || s.level::text, ',') \
             FROM volunteer_skill s WHERE s.account_id = volunteer.account_id)"
        }
        _ => {
            "(SELECT group_concat(s.skill_id || ':' || s.level, ',') \
             FROM volunteer_skill s WHERE s.account_id = volunteer.account_id)"
        }
    }
}

/// How many volunteers the whole pool is read at a time.
const VOLUNTEERS_PER_READ: usize = 5000;

/// The profiles of approved volunteers with active accounts — all of them, or only
/// those among `only` — and what the pages show of them.
///
/// The whole pool is read about [`VOLUNTEERS_PER_READ`] volunteers at a time
/// (a range of ids each, see [`ranges`]): every volunteer at once (their
/// strings, the text the database hands over) peaked at several times the
/// pool's own size, and the allocator kept much of that peak.
pub(super) async fn volunteer_profiles<C: ConnectionTrait>(
    db: &C,
    geo: &Geography,
    employers: &Employers,
    only: Option<&HashSet<i64>>,
) -> Result<(Vec<VolunteerProfile>, People), ServiceError> {
    if let Some(ids) = only {
        return profiles_among(db, geo, employers, &roles(db).await?, Among::Ids(ids)).await;
    }
    // The span of ids and how many: the ids themselves are as many rows as
    // volunteers, and numbering them in the database takes a sort.
    let (low, high, count): (Option<i64>, Option<i64>, i64) = volunteer::Entity::find()
        .select_only()
        .column_as(volunteer::Column::AccountId.min(), "low")
        .column_as(volunteer::Column::AccountId.max(), "high")
        .column_as(volunteer::Column::AccountId.count(), "count")
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or_default();
    let roles = roles(db).await?;
    let ranges = match (low, high) {
        (Some(low), Some(high)) => ranges(low, high, count),
        _ => Vec::new(),
    };
    // Two ranges at a time, each on its own connections: one range's rows are
    // turned into profiles while the database reads the next.
    let mut reads = stream::iter(ranges)
        .map(|(first, last)| profiles_among(db, geo, employers, &roles, Among::Range(first, last)))
        .buffered(RANGES_AT_ONCE);
    let count = usize::try_from(count).unwrap_or_default();
    let mut profiles = Vec::with_capacity(count);
    let mut people = People::with_capacity(count);
    while let Some(read) = reads.next().await {
        let (some, their) = read?;
        profiles.extend(some);
        people.extend(their);
    }
    Ok((profiles, people))
}

/// The ranges of ids the whole pool is read in, for `count` volunteers with
/// ids from `low` to `high`: about [`VOLUNTEERS_PER_READ`] each when the ids
/// spread evenly, adjacent, the first from `low` and the last to the end of
/// ids, so that a volunteer approved meanwhile falls in one range and only one.
fn ranges(low: i64, high: i64, count: i64) -> Vec<(i64, i64)> {
    let per_read = i128::try_from(VOLUNTEERS_PER_READ).unwrap_or(1).max(1);
    let parts = (i128::from(count.max(1)) + per_read - 1) / per_read;
    let span = (i128::from(high) - i128::from(low) + 1).max(1);
    let width = (span + parts - 1) / parts;
    let firsts: Vec<i64> = (0..parts)
        .filter_map(|i| i64::try_from(i128::from(low) + i * width).ok())
        .filter(|&first| first <= high)
        .collect();
    ranges_from(&firsts)
}

/// The ranges from the first id of each (in order): each runs up to the next
/// one's first, the last to the end of ids.
fn ranges_from(firsts: &[i64]) -> Vec<(i64, i64)> {
    firsts
        .iter()
        .enumerate()
        .map(|(i, &first)| (first, firsts.get(i + 1).map_or(i64::MAX, |next| next - 1)))
        .collect()
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
    let fields = volunteer_fields(db.get_database_backend());
    let rows = all_as_json::<_, VolunteerRow, _>(
        db,
        volunteer::Entity::find()
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
            // The same ids again, on the account's side of the join: else
            // PostgreSQL reads every account to join one range (16 of the 62
            // ms of each read of 5 000 volunteers on the large set).
            .filter(among.holds(account::Column::Id)),
        &fields,
    );
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
    let (mut rows, engagements) = tokio::try_join!(rows, engagements)?;
    // The database aggregates in no set order.
    rows.sort_unstable_by_key(|r| r.id);
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
    // The skills of the open needs read: need, skill, minimum level, weight.
    let open_needs = need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::Status.eq(need::Status::Open))
        .apply_if(only.map(|_| only_ids()), |q, ids| {
            q.filter(need::Column::OrganisationId.is_in(ids))
        })
        .into_query();
    let mut skills: Vec<(i64, i64, i16, String)> = all_as_json(
        db,
        need_skill::Entity::find().filter(need_skill::Column::NeedId.in_subquery(open_needs)),
        "need_skill.need_id, need_skill.skill_id, need_skill.min_level, need_skill.weight",
    )
    .await?;
    skills.sort_unstable();
    let mut required: HashMap<i64, Vec<RequiredSkill>> = HashMap::new();
    for (need_id, skill_id, min_level, weight) in skills {
        let weight = <need_skill::Weight as sea_orm::ActiveEnum>::try_from_value(&weight)?;
        required
            .entry(need_id)
            .or_default()
            .push(required_skill(&need_skill::Model {
                need_id,
                skill_id,
                min_level,
                weight,
            }));
    }
    let open_ids: HashSet<i64> = ids.iter().copied().collect();
    let by_org: HashMap<i64, Vec<i64>> = open.iter().fold(HashMap::new(), |mut m, n| {
        m.entry(n.organisation_id).or_default().push(n.id);
        m
    });
    // Earlier answers: live engagements, declines and expiries, each with
    // its need's organisation.
    let history: Vec<(i64, i64, engagement::Status, Option<String>, i64)> = engagement::Entity::find()
        .select_only()
        .columns([
            engagement::Column::NeedId,
            engagement::Column::VolunteerId,
            engagement::Column::Status,
            engagement::Column::DeclinedBy,
        ])
        .column(need::Column::OrganisationId)
        .join(
            JoinType::InnerJoin,
            engagement::Entity::belongs_to(need::Entity)
                .from(engagement::Column::NeedId)
                .to(need::Column::Id)
                .into(),
        )
        .filter(engagement::Column::Status.is_in([
            engagement::Status::Proposed,
            engagement::Status::Accepted,
            engagement::Status::Active,
            engagement::Status::Declined,
            engagement::Status::Expired,
        ]))
        .apply_if(only.map(|_| only_ids()), |q, ids| {
            q.filter(need::Column::OrganisationId.is_in(ids))
        })
        // In one order whatever is read, so a partial read profiles a need as a full one does.
        .order_by_asc(engagement::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut lowered: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    let mut engaged: HashMap<i64, Vec<i64>> = HashMap::new();
    for (need_id, volunteer, status, declined_by, org) in history {
        match status {
            engagement::Status::Declined => {
                if open_ids.contains(&need_id) {
                    lowered
                        .entry(need_id)
                        .or_default()
                        .push((volunteer, SAME_NEED_DECLINED));
                }
                if declined_by.as_deref() == Some("organisation")
                    && let Some(siblings) = by_org.get(&org)
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
    let summaries: HashMap<i64, NeedSummary> = needs::summaries_among(db, &open, &orgs)
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
    use super::{VOLUNTEERS_PER_READ, parse_skills, ranges, ranges_from};

    #[test]
    fn ranges_cover_every_id_from_the_first_once() {
        assert_eq!(
            ranges_from(&[]),
            Vec::<(i64, i64)>::new(),
            "no volunteer, no read"
        );
        assert_eq!(ranges_from(&[7]), vec![(7, i64::MAX)]);
        assert_eq!(
            ranges_from(&[3, 10, 42]),
            vec![(3, 9), (10, 41), (42, i64::MAX)],
            "adjacent, none overlapping, the last open-ended"
        );
    }

    #[test]
    fn the_pool_is_read_in_ranges_of_about_the_set_size() {
        let per = i64::try_from(VOLUNTEERS_PER_READ).unwrap_or(i64::MAX);
        // One volunteer, a few, exactly one read's worth: one range from the lowest id.
        assert_eq!(ranges(42, 42, 1), vec![(42, i64::MAX)]);
        assert_eq!(ranges(5, 900, 17), vec![(5, i64::MAX)]);
        assert_eq!(ranges(1, per, per), vec![(1, i64::MAX)]);
        // The large set's 85 000 volunteers with ids 4 026..=104 025: 17 ranges.
        let large = ranges(4026, 104_025, 85_000);
        assert_eq!(large.len(), 17);
        assert_eq!(large[0].0, 4026);
        assert!(large.windows(2).all(|w| w[0].1 + 1 == w[1].0), "{large:?}");
        assert!(
            large.iter().all(|r| r.1 - r.0 < 6000 || r.1 == i64::MAX),
            "{large:?}"
        );
        // Extreme ids neither overflow nor leave a gap.
        let wide = ranges(i64::MIN, i64::MAX, 3 * per);
        assert_eq!(wide.len(), 3);
        assert_eq!((wide[0].0, wide[2].1), (i64::MIN, i64::MAX));
        assert!(wide.windows(2).all(|w| w[0].1 + 1 == w[1].0), "{wide:?}");
        // More volunteers than ids could hold is not a reason for empty ranges.
        assert_eq!(ranges(1, 3, 3 * per), vec![(1, 1), (2, 2), (3, i64::MAX)]);
    }

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
