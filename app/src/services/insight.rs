//! Programme insight: the coordinators' dashboard, the public impact page
//! (cached for the whole instance) and the CSV exports ([`export`]). The
//! figures themselves are computed by [`crate::domain::insight`] from facts
//! read here in a few narrow queries.

pub mod export;

use super::{ServiceError, deps::Deps};
use crate::{
    domain::{
        codes::Urgency,
        engagement::EngagementStatus,
        insight::{
            self, Dashboard, Facts, FilterInput, HoursFact, Impact, NeedFact, Place, ProposalFact,
            Utilisation,
        },
        need::NeedStatus,
    },
    validate::{FieldError, Message},
};
use entity::{
    country, engagement, hours_log, need, need_category, organisation, vetting::VettingStatus, volunteer,
};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, ExprTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _, sea_query::Expr,
};
use std::{collections::HashMap, sync::Arc, time::Duration};
use time::OffsetDateTime;

/// How old the public impact page's figures may be.
const IMPACT_PERIOD: Duration = Duration::from_secs(300);
/// How old the facts behind the coordinators' dashboard may be: a burst of
/// coordinators (or of filter changes) reads the database once.
const DASHBOARD_PERIOD: Duration = Duration::from_secs(30);

/// Every country's place, by ISO code.
pub(crate) async fn places<C: ConnectionTrait>(db: &C) -> Result<HashMap<String, Place>, ServiceError> {
    let rows: Vec<(String, String, String)> = country::Entity::find()
        .select_only()
        .column(country::Column::Iso2)
        .column(country::Column::Region)
        .column(country::Column::IncomeGroup)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(iso, region, income)| (iso, Place { region, income }))
        .collect())
}

/// Every organisation's place, by id.
pub(crate) async fn organisation_places<C: ConnectionTrait>(
    db: &C,
    places: &HashMap<String, Place>,
) -> Result<HashMap<i64, Place>, ServiceError> {
    let rows: Vec<(i64, String)> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::CountryIso2)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, iso)| (id, places.get(&iso).cloned().unwrap_or_default()))
        .collect())
}

/// The catalogue's categories (id, name), in catalogue order.
pub(crate) async fn categories<C: ConnectionTrait>(db: &C) -> Result<Vec<(i64, String)>, ServiceError> {
    Ok(need_category::Entity::find()
        .select_only()
        .column(need_category::Column::Id)
        .column(need_category::Column::Name)
        .order_by_asc(need_category::Column::SortOrder)
        .order_by_asc(need_category::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// Unix seconds.
fn seconds(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// Every need past its draft, every proposal and every entry of hours.
async fn facts<C: ConnectionTrait>(db: &C) -> Result<Facts, ServiceError> {
    let places = places(db).await?;
    let orgs = organisation_places(db, &places).await?;
    type NeedRow = (
        i64,
        i64,
        i64,
        need::Urgency,
        need::Status,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
    );
    let rows: Vec<NeedRow> = need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .column(need::Column::OrganisationId)
        .column(need::Column::CategoryId)
        .column(need::Column::Urgency)
        .column(need::Column::Status)
        .column(need::Column::OpenedAt)
        .column(need::Column::ClosedAt)
        .filter(need::Column::Status.ne(need::Status::Draft))
        .into_tuple()
        .all(db)
        .await?;
    let needs = rows
        .into_iter()
        .map(|(id, organisation, category, urgency, status, opened, closed)| {
            let place = orgs.get(&organisation).cloned().unwrap_or_default();
            NeedFact {
                id,
                organisation,
                region: place.region,
                income: place.income,
                category,
                urgency: Urgency::from(urgency),
                status: NeedStatus::from(status),
                opened: opened.map(seconds),
                closed: closed.map(seconds),
            }
        })
        .collect();
    type ProposalRow = (
        i64,
        i64,
        OffsetDateTime,
        engagement::Status,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
        Option<String>,
    );
    let rows: Vec<ProposalRow> = engagement::Entity::find()
        .select_only()
        .column(engagement::Column::Id)
        .column(engagement::Column::NeedId)
        .column(engagement::Column::CreatedAt)
        .column(engagement::Column::Status)
        .column(engagement::Column::AcceptedAt)
        .column(engagement::Column::ConfirmedAt)
        .column(engagement::Column::DeclineReason)
        .into_tuple()
        .all(db)
        .await?;
    let mut need_of: HashMap<i64, i64> = HashMap::with_capacity(rows.len());
    let proposals = rows
        .into_iter()
        .map(
            |(id, need, created, status, accepted, confirmed, decline_reason)| {
                need_of.insert(id, need);
                ProposalFact {
                    need,
                    created: seconds(created),
                    status: EngagementStatus::from(status),
                    accepted: accepted.map(seconds),
                    confirmed: confirmed.map(seconds),
                    decline_reason,
                }
            },
        )
        .collect();
    let query = hours_log::Entity::find()
        .select_only()
        .column(hours_log::Column::EngagementId)
        .column(hours_log::Column::LoggedOn)
        .column(hours_log::Column::Minutes);
    let rows: Vec<(i64, time::Date, i32)> = query.into_tuple().all(db).await?;
    let hours = rows
        .into_iter()
        .filter_map(|(engagement, day, minutes)| {
            Some(HoursFact {
                need: *need_of.get(&engagement)?,
                day: day_number(day),
                minutes: i64::from(minutes),
            })
        })
        .collect();
    Ok(Facts {
        needs,
        proposals,
        hours,
        ..Facts::default()
    })
}

/// The day number of a date.
pub(crate) fn day_number(d: time::Date) -> i64 {
    i64::from(d.to_julian_day()) - 2_440_588
}

/// The date of a day number (clamped to what `time` represents).
pub(crate) fn civil(day: i64) -> time::Date {
    let julian = i32::try_from(day.saturating_add(2_440_588)).unwrap_or(i32::MAX);
    time::Date::from_julian_day(julian).unwrap_or(if day < 0 { time::Date::MIN } else { time::Date::MAX })
}

/// Approved volunteers' capacity and what engagements hold of it, summed per
/// country by the database (a covering index makes it one index scan).
async fn capacity<C: ConnectionTrait>(
    db: &C,
    places: &HashMap<String, Place>,
) -> Result<Vec<(Place, Utilisation)>, ServiceError> {
    let sum = |c: volunteer::Column| Expr::col(c).sum();
    type CapacityRow = (String, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<CapacityRow> = volunteer::Entity::find()
        .select_only()
        .column(volunteer::Column::CountryIso2)
        .column_as(Expr::col(volunteer::Column::AccountId).count(), "volunteers")
        .column_as(sum(volunteer::Column::ActiveEngagements), "slots_used")
        .column_as(sum(volunteer::Column::MaxConcurrent), "slots")
        .column_as(sum(volunteer::Column::CommittedHours), "hours_used")
        .column_as(sum(volunteer::Column::HoursPerWeek), "hours")
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .group_by(volunteer::Column::CountryIso2)
        .into_tuple()
        .all(db)
        .await?;
    let n = |v: Option<i64>| u64::try_from(v.unwrap_or(0)).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|(iso, volunteers, slots_used, slots, hours_used, hours)| {
            (
                places.get(&iso).cloned().unwrap_or_default(),
                Utilisation {
                    volunteers: n(Some(volunteers)),
                    slots_used: n(slots_used),
                    slots: n(slots),
                    hours_used: n(hours_used),
                    hours: n(hours),
                },
            )
        })
        .collect())
}

/// The capacity of the volunteers in the filters' region and income group.
fn utilisation(capacity: &[(Place, Utilisation)], filters: &insight::Filters<'_>) -> Utilisation {
    let mut u = Utilisation::default();
    for (place, c) in capacity {
        if filters.region.is_some_and(|r| r != place.region)
            || filters.income.is_some_and(|i| i != place.income)
        {
            continue;
        }
        u.volunteers += c.volunteers;
        u.slots_used += c.slots_used;
        u.slots += c.slots;
        u.hours_used += c.hours_used;
        u.hours += c.hours;
    }
    u
}

/// The checked filters, the category checked against the catalogue.
///
/// # Errors
/// [`ServiceError::Validation`] naming each bad field.
pub(crate) fn check<'a>(
    input: &'a FilterInput,
    today: i64,
    categories: &[(i64, String)],
) -> Result<insight::Filters<'a>, ServiceError> {
    let filters = input.check(today).map_err(ServiceError::Validation)?;
    if let Some(c) = filters.category
        && !categories.iter().any(|(id, _)| *id == c)
    {
        return Err(ServiceError::Validation(vec![FieldError::new(
            "category",
            Message::InvalidChoice,
        )]));
    }
    Ok(filters)
}

/// Today's day number.
pub(crate) fn today(state: &Deps) -> i64 {
    insight::day_of(state.clock.now().unix_timestamp())
}

/// The coordinators' dashboard for these filters.
///
/// # Errors
/// [`ServiceError::Validation`] for bad filters; database errors.
#[tracing::instrument(skip_all)]
pub async fn dashboard(state: &Deps, input: &FilterInput) -> Result<Dashboard, ServiceError> {
    let facts = state
        .insight
        .get(DASHBOARD_PERIOD, async || {
            let mut facts = facts(&state.db).await?;
            let places = places(&state.db).await?;
            facts.capacity = capacity(&state.db, &places).await?;
            facts.categories = categories(&state.db).await?;
            facts.as_of = crate::model::utc_seconds(state.clock.now());
            Ok::<_, ServiceError>(Arc::new(facts))
        })
        .await?;
    let filters = check(input, today(state), &facts.categories)?;
    let mut dashboard = insight::dashboard(
        &filters,
        &facts.needs,
        &facts.proposals,
        &facts.hours,
        utilisation(&facts.capacity, &filters),
        facts.categories.clone(),
    );
    dashboard.as_of.clone_from(&facts.as_of);
    Ok(dashboard)
}

/// The public impact figures, computed at most once per [`IMPACT_PERIOD`] for
/// the whole instance.
///
/// # Errors
/// Database errors.
pub async fn recent_impact(state: &Deps) -> Result<Impact, ServiceError> {
    state
        .impact
        .get(IMPACT_PERIOD, async || impact(&state.db, state.clock.now()).await)
        .await
}

/// The public impact figures now.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn impact<C: ConnectionTrait>(db: &C, now: OffsetDateTime) -> Result<Impact, ServiceError> {
    let facts = facts(db).await?;
    let recent_since = now.unix_timestamp() - insight::RECENT_DAYS * 86_400;
    Ok(Impact {
        lifetime: insight::impact_period(i64::MIN, &facts.needs, &facts.proposals, &facts.hours),
        recent: insight::impact_period(recent_since, &facts.needs, &facts.proposals, &facts.hours),
        categories: categories(db).await?,
        computed: crate::model::utc(now),
    })
}
