//! Programme insight from plain facts: the coordinators' dashboard (filtered,
//! per week, per tier) and the public impact page (aggregates only, each drawn
//! from at least [`MIN_ORGANISATIONS`] organisations). Pure code: times are
//! Unix seconds, dates are days since 1970-01-01, so it compiles anywhere and
//! is tested beside itself.

use crate::{
    domain::{
        advisory::{INCOME_GROUPS, REGIONS},
        codes::Urgency,
        engagement::EngagementStatus,
        need::{self as need_rules, NeedStatus},
    },
    validate::{FieldError, Message},
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A public figure drawn from fewer organisations than this is not shown.
pub const MIN_ORGANISATIONS: usize = 5;
/// The longest range the dashboard covers, in days (two years of weeks).
pub const MAX_RANGE_DAYS: i64 = 731;
/// The range the dashboard covers when none is asked for, in days.
pub const DEFAULT_RANGE_DAYS: i64 = 181;
/// The recent period of the public impact page, in days.
pub const RECENT_DAYS: i64 = 90;

const DAY: i64 = 86_400;

/// Days since 1970-01-01 of a calendar date (proleptic Gregorian).
#[must_use]
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day number.
#[must_use]
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(i32::MAX),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
}

/// `YYYY-MM-DD` of a day number.
#[must_use]
pub fn day_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day (number) of a Unix time.
#[must_use]
pub fn day_of(seconds: i64) -> i64 {
    seconds.div_euclid(DAY)
}

/// The Monday that starts the week of a day.
#[must_use]
pub fn week_start(day: i64) -> i64 {
    // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
    day - (day + 3).rem_euclid(7)
}

/// A month as `year * 12 + month - 1`, of a day.
#[must_use]
pub fn month_of(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    i64::from(y) * 12 + i64::from(m) - 1
}

/// `YYYY-MM` of a month from [`month_of`].
#[must_use]
pub fn month_text(month: i64) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// The dashboard's filters, as the URL carries them (empty = any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FilterInput {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
    /// UN M49 region.
    pub region: String,
    /// World Bank income group code.
    pub income: String,
    /// Need category id.
    pub category: String,
}

/// The dashboard's filters, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filters<'a> {
    /// First day (inclusive).
    pub from: i64,
    /// Last day (inclusive).
    pub to: i64,
    /// UN M49 region, if one.
    pub region: Option<&'a str>,
    /// Income group code, if one.
    pub income: Option<&'a str>,
    /// Need category, if one.
    pub category: Option<i64>,
}

impl FilterInput {
    /// Checks the filters against `today` (a day number): the range defaults to
    /// the last [`DEFAULT_RANGE_DAYS`] days and may span at most
    /// [`MAX_RANGE_DAYS`].
    ///
    /// # Errors
    /// One [`FieldError`] per bad field.
    pub fn check(&self, today: i64) -> Result<Filters<'_>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut day = |field: &'static str, raw: &str| match need_rules::date(raw) {
            Ok(d) => d.map(|(y, m, d)| days_from_civil(y, m, d)),
            Err(m) => {
                errors.push(FieldError::new(field, m));
                None
            }
        };
        let to = day("to", &self.to);
        let from = day("from", &self.from);
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - DEFAULT_RANGE_DAYS + 1);
        if errors.is_empty() && (from > to || to - from >= MAX_RANGE_DAYS) {
            errors.push(FieldError::new("from", Message::RangeInvalid));
        }
        let region = some(&self.region);
        if region.is_some_and(|r| !REGIONS.contains(&r)) {
            errors.push(FieldError::new("region", Message::InvalidChoice));
        }
        let income = some(&self.income);
        if income.is_some_and(|i| !INCOME_GROUPS.contains(&i)) {
            errors.push(FieldError::new("income", Message::InvalidChoice));
        }
        let category = match some(&self.category) {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(FieldError::new("category", Message::InvalidChoice));
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(Filters {
                from,
                to,
                region,
                income,
                category,
            })
        } else {
            Err(errors)
        }
    }
}

fn some(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    (!raw.is_empty()).then_some(raw)
}

impl Filters<'_> {
    /// Whether a need of this organisation place and category passes the
    /// region, income group and category filters.
    #[must_use]
    pub fn admits(&self, region: &str, income: &str, category: i64) -> bool {
        self.region.is_none_or(|r| r == region)
            && self.income.is_none_or(|i| i == income)
            && self.category.is_none_or(|c| c == category)
    }

    /// Whether a Unix time falls in the range.
    #[must_use]
    pub fn covers(&self, seconds: i64) -> bool {
        (self.from..=self.to).contains(&day_of(seconds))
    }
}

/// What insight needs to know of one need.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedFact {
    /// Need id.
    pub id: i64,
    /// Its organisation.
    pub organisation: i64,
    /// The organisation's UN M49 region.
    pub region: String,
    /// The organisation's income group code.
    pub income: String,
    /// Category id.
    pub category: i64,
    /// Urgency tier.
    pub urgency: Urgency,
    /// Status now.
    pub status: NeedStatus,
    /// Opened for matching (Unix seconds).
    pub opened: Option<i64>,
    /// Resolved, closed or cancelled.
    pub closed: Option<i64>,
}

/// What insight needs to know of one proposal (engagement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalFact {
    /// The need it was for.
    pub need: i64,
    /// Proposed (Unix seconds).
    pub created: i64,
    /// Status now.
    pub status: EngagementStatus,
    /// Accepted by the volunteer.
    pub accepted: Option<i64>,
    /// Confirmed by the organisation.
    pub confirmed: Option<i64>,
    /// The decline reason's code, if declined.
    pub decline_reason: Option<String>,
}

/// One entry of logged hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoursFact {
    /// The need the engagement was for.
    pub need: i64,
    /// The day worked.
    pub day: i64,
    /// Minutes.
    pub minutes: i64,
}

/// An organisation's place: UN M49 region and income group code.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The UN M49 region.
    pub region: String,
    /// The World Bank income group code.
    pub income: String,
}

/// What the dashboard's and the impact page's figures are computed from, as
/// the services read it (one read serves every filter).
#[derive(Debug, Default)]
pub struct Facts {
    /// Every need past its draft.
    pub needs: Vec<NeedFact>,
    /// Every proposal.
    pub proposals: Vec<ProposalFact>,
    /// Every entry of hours.
    pub hours: Vec<HoursFact>,
    /// Approved volunteers' capacity summed per country, with its place.
    pub capacity: Vec<(Place, Utilisation)>,
    /// The catalogue's categories.
    pub categories: Vec<(i64, String)>,
    /// When they were read, as the pages print it.
    pub as_of: String,
}

/// Volunteers' capacity and how much of it engagements hold now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utilisation {
    /// Approved volunteers counted.
    pub volunteers: u64,
    /// Engagement slots held.
    pub slots_used: u64,
    /// Engagement slots offered.
    pub slots: u64,
    /// Weekly hours held.
    pub hours_used: u64,
    /// Weekly hours offered.
    pub hours: u64,
}

/// One week of the flow of needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRow {
    /// The Monday, `YYYY-MM-DD`.
    pub week: String,
    /// Needs opened for matching.
    pub opened: u64,
    /// Needs whose first proposal was accepted.
    pub matched: u64,
    /// Needs resolved.
    pub resolved: u64,
}

/// Median and 90th percentile of a set of durations, in hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// How many durations.
    pub count: u64,
    /// Median (nearest rank), hours.
    pub median: Option<f64>,
    /// 90th percentile (nearest rank), hours.
    pub p90: Option<f64>,
}

impl Spread {
    /// The spread of durations in seconds.
    #[must_use]
    pub fn of(mut seconds: Vec<i64>) -> Self {
        seconds.sort_unstable();
        let hours = |q: usize| {
            let n = seconds.len();
            // Nearest rank: the smallest value with at least q % at or below.
            let rank = (q * n).div_ceil(100).max(1);
            #[expect(clippy::cast_precision_loss)]
            seconds.get(rank - 1).map(|s| *s as f64 / 3600.0)
        };
        Self {
            count: seconds.len() as u64,
            median: hours(50),
            p90: hours(90),
        }
    }
}

/// The delays of one urgency tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelayRow {
    /// The tier.
    pub urgency: Urgency,
    /// Needs of the tier opened in the range.
    pub needs: u64,
    /// From opening to the first proposal.
    pub to_proposal: Spread,
    /// From opening to the first confirmed engagement.
    pub to_engagement: Spread,
}

/// The share of needs matched within a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRow {
    /// The group's code (region name or income group code).
    pub group: String,
    /// Needs opened in the range.
    pub needs: u64,
    /// Of which a proposal was accepted.
    pub matched: u64,
}

/// Hours given in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Minutes logged.
    pub minutes: i64,
}

/// Needs waiting in one category, by urgency (critical, high, normal, low).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacklogRow {
    /// Category id.
    pub category: i64,
    /// Counts in [`Urgency::ALL`] order.
    pub counts: Vec<u64>,
}

/// How proposals made in the range ended (so far).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRow {
    /// `accepted`, `declined:<reason>`, `expired`, `withdrawn` or `waiting`.
    pub outcome: String,
    /// Proposals.
    pub count: u64,
}

/// The coordinators' dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The range, `YYYY-MM-DD`.
    pub from: String,
    /// The range's last day.
    pub to: String,
    /// Needs opened, matched and resolved per week (weeks overlapping the range).
    pub weeks: Vec<WeekRow>,
    /// Delays by urgency tier, for needs opened in the range.
    pub delays: Vec<DelayRow>,
    /// Share matched by income group, for needs opened in the range.
    pub by_income: Vec<ShareRow>,
    /// Share matched by region.
    pub by_region: Vec<ShareRow>,
    /// Hours given per month of the range.
    pub hours: Vec<MonthRow>,
    /// Volunteer capacity held now.
    pub utilisation: Utilisation,
    /// Needs waiting now (submitted or open), by category and urgency.
    pub backlog: Vec<BacklogRow>,
    /// How proposals made in the range ended.
    pub outcomes: Vec<OutcomeRow>,
    /// The catalogue's categories (id, name), for the filter and the labels.
    pub categories: Vec<(i64, String)>,
    /// When the facts were read (`YYYY-MM-DD HH:MM:SS UTC`); set by the service.
    pub as_of: String,
}

/// The first proposal, acceptance and confirmation of each need.
#[derive(Debug, Clone, Copy, Default)]
struct Firsts {
    proposal: Option<i64>,
    accepted: Option<i64>,
    confirmed: Option<i64>,
}

fn firsts(proposals: &[ProposalFact]) -> HashMap<i64, Firsts> {
    let earliest = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut out: HashMap<i64, Firsts> = HashMap::new();
    for p in proposals {
        let f = out.entry(p.need).or_default();
        f.proposal = earliest(f.proposal, Some(p.created));
        f.accepted = earliest(f.accepted, p.accepted);
        f.confirmed = earliest(f.confirmed, p.confirmed);
    }
    out
}

/// The outcome of a proposal, as [`OutcomeRow::outcome`] names it.
#[must_use]
pub fn outcome(p: &ProposalFact) -> String {
    if p.accepted.is_some() {
        return "accepted".into();
    }
    match p.status {
        EngagementStatus::Declined => format!("declined:{}", p.decline_reason.as_deref().unwrap_or("other")),
        EngagementStatus::Expired => "expired".into(),
        EngagementStatus::Proposed => "waiting".into(),
        // Cancelled before an answer (the need was withdrawn or taken).
        _ => "withdrawn".into(),
    }
}

/// Computes the dashboard.
#[must_use]
pub fn dashboard(
    filters: &Filters<'_>,
    needs: &[NeedFact],
    proposals: &[ProposalFact],
    hours: &[HoursFact],
    utilisation: Utilisation,
    categories: Vec<(i64, String)>,
) -> Dashboard {
    let firsts = firsts(proposals);
    let admitted: HashMap<i64, &NeedFact> = needs
        .iter()
        .filter(|n| filters.admits(&n.region, &n.income, n.category))
        .map(|n| (n.id, n))
        .collect();

    // Weeks: every Monday from the range's first week to its last.
    let first_week = week_start(filters.from);
    let week_count = usize::try_from((week_start(filters.to) - first_week) / 7 + 1).unwrap_or(0);
    let mut weeks: Vec<WeekRow> = (0..week_count)
        .map(|k| WeekRow {
            week: day_text(first_week + 7 * i64::try_from(k).unwrap_or(0)),
            opened: 0,
            matched: 0,
            resolved: 0,
        })
        .collect();
    let slot = |seconds: i64| {
        filters
            .covers(seconds)
            .then(|| usize::try_from((week_start(day_of(seconds)) - first_week) / 7).ok())
            .flatten()
    };
    let mut delays: BTreeMap<Urgency, (u64, Vec<i64>, Vec<i64>)> = Urgency::ALL
        .iter()
        .map(|u| (*u, (0, Vec::new(), Vec::new())))
        .collect();
    let mut by_income: BTreeMap<&str, (u64, u64)> = INCOME_GROUPS.iter().map(|g| (*g, (0, 0))).collect();
    let mut by_region: BTreeMap<&str, (u64, u64)> = REGIONS.iter().map(|r| (*r, (0, 0))).collect();
    let mut backlog: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    for n in admitted.values() {
        let f = firsts.get(&n.id).copied().unwrap_or_default();
        if let Some(k) = n.opened.and_then(slot) {
            weeks[k].opened += 1;
        }
        if let Some(k) = f.accepted.and_then(slot) {
            weeks[k].matched += 1;
        }
        if n.status == NeedStatus::Resolved
            && let Some(k) = n.closed.and_then(slot)
        {
            weeks[k].resolved += 1;
        }
        if let Some(opened) = n.opened.filter(|o| filters.covers(*o)) {
            let d = delays.entry(n.urgency).or_default();
            d.0 += 1;
            if let Some(p) = f.proposal {
                d.1.push((p - opened).max(0));
            }
            if let Some(c) = f.confirmed {
                d.2.push((c - opened).max(0));
            }
            let matched = u64::from(f.accepted.is_some());
            if let Some(s) = by_income.get_mut(n.income.as_str()) {
                s.0 += 1;
                s.1 += matched;
            }
            if let Some(s) = by_region.get_mut(n.region.as_str()) {
                s.0 += 1;
                s.1 += matched;
            }
        }
        if matches!(n.status, NeedStatus::Submitted | NeedStatus::Open)
            && let Some(i) = Urgency::ALL.iter().position(|u| *u == n.urgency)
        {
            backlog
                .entry(n.category)
                .or_insert_with(|| vec![0; Urgency::ALL.len()])[i] += 1;
        }
    }

    let first_month = month_of(filters.from);
    let month_count = usize::try_from(month_of(filters.to) - first_month + 1).unwrap_or(0);
    let mut months: Vec<i64> = vec![0; month_count];
    for h in hours {
        if (filters.from..=filters.to).contains(&h.day)
            && admitted.contains_key(&h.need)
            && let Ok(k) = usize::try_from(month_of(h.day) - first_month)
        {
            months[k] += h.minutes;
        }
    }

    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    for p in proposals {
        if filters.covers(p.created) && admitted.contains_key(&p.need) {
            *outcomes.entry(outcome(p)).or_default() += 1;
        }
    }
    let mut outcomes: Vec<OutcomeRow> = outcomes
        .into_iter()
        .map(|(outcome, count)| OutcomeRow { outcome, count })
        .collect();
    // Accepted first, then the others by frequency.
    outcomes.sort_by(|a, b| {
        (b.outcome == "accepted")
            .cmp(&(a.outcome == "accepted"))
            .then(b.count.cmp(&a.count))
            .then(a.outcome.cmp(&b.outcome))
    });

    let share = |m: BTreeMap<&str, (u64, u64)>, order: &[&str]| {
        order
            .iter()
            .map(|g| {
                let (needs, matched) = m.get(g).copied().unwrap_or_default();
                ShareRow {
                    group: (*g).to_owned(),
                    needs,
                    matched,
                }
            })
            .collect()
    };
    Dashboard {
        from: day_text(filters.from),
        to: day_text(filters.to),
        weeks,
        delays: delays
            .into_iter()
            .map(|(urgency, (needs, p, c))| DelayRow {
                urgency,
                needs,
                to_proposal: Spread::of(p),
                to_engagement: Spread::of(c),
            })
            .collect(),
        by_income: share(by_income, &INCOME_GROUPS),
        by_region: share(by_region, &REGIONS),
        hours: months
            .into_iter()
            .enumerate()
            .map(|(k, minutes)| MonthRow {
                month: month_text(first_month + i64::try_from(k).unwrap_or(0)),
                minutes,
            })
            .collect(),
        utilisation,
        backlog: backlog
            .into_iter()
            .map(|(category, counts)| BacklogRow { category, counts })
            .collect(),
        outcomes,
        categories,
        as_of: String::new(),
    }
}

/// A public figure, or `None` when it is drawn from fewer than
/// [`MIN_ORGANISATIONS`] organisations.
pub type Shown<T> = Option<T>;

/// The public impact figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactPeriod {
    /// Hours given.
    pub hours: Shown<u64>,
    /// Organisations that had an engagement confirmed.
    pub organisations_helped: Shown<u64>,
    /// Organisations helped, by region (in [`REGIONS`] order).
    pub by_region: Vec<(String, Shown<u64>)>,
    /// Organisations helped, by income group (in [`INCOME_GROUPS`] order).
    pub by_income: Vec<(String, Shown<u64>)>,
    /// Needs resolved, by category id (categories with any).
    pub resolved_by_category: Vec<(i64, Shown<u64>)>,
    /// Median hours from opening to a confirmed engagement, critical needs.
    pub critical_median_hours: Shown<f64>,
}

/// The public impact page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// Over the life of the programme.
    pub lifetime: ImpactPeriod,
    /// Over the last [`RECENT_DAYS`] days.
    pub recent: ImpactPeriod,
    /// The categories' names (id, name).
    pub categories: Vec<(i64, String)>,
    /// When it was computed, `YYYY-MM-DD HH:MM UTC`.
    pub computed: String,
}

/// A value shown only if drawn from enough organisations.
fn shown<T>(value: T, organisations: usize) -> Shown<T> {
    (organisations >= MIN_ORGANISATIONS).then_some(value)
}

/// Counts of organisations in groups whose total is shown: each count under
/// [`MIN_ORGANISATIONS`] is suppressed, and then the smallest shown counts
/// too while the suppressed ones add up to 1–4, so subtracting the shown
/// counts from the total never reveals a small group.
#[must_use]
pub fn suppress_group(counts: &[u64]) -> Vec<Shown<u64>> {
    let min = MIN_ORGANISATIONS as u64;
    let mut out: Vec<Shown<u64>> = counts.iter().map(|c| (*c >= min).then_some(*c)).collect();
    loop {
        let hidden: u64 = counts
            .iter()
            .zip(&out)
            .filter(|(_, s)| s.is_none())
            .map(|(c, _)| *c)
            .sum();
        if hidden == 0 || hidden >= min {
            return out;
        }
        let smallest = out
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|v| (v, i)))
            .min();
        match smallest {
            Some((_, i)) => out[i] = None,
            None => return out,
        }
    }
}

/// The public figures of one period: facts with times at or after `since`
/// (Unix seconds; `i64::MIN` for the whole life of the programme).
#[must_use]
pub fn impact_period(
    since: i64,
    needs: &[NeedFact],
    proposals: &[ProposalFact],
    hours: &[HoursFact],
) -> ImpactPeriod {
    let by_id: HashMap<i64, &NeedFact> = needs.iter().map(|n| (n.id, n)).collect();
    let firsts = firsts(proposals);
    let since_day = day_of(since.max(i64::MIN / 2));

    let mut minutes: i64 = 0;
    let mut hours_orgs = BTreeSet::new();
    for h in hours.iter().filter(|h| h.day >= since_day) {
        if let Some(n) = by_id.get(&h.need) {
            minutes += h.minutes;
            hours_orgs.insert(n.organisation);
        }
    }

    let mut helped: BTreeMap<i64, (&str, &str)> = BTreeMap::new();
    let mut critical = Vec::new();
    let mut critical_orgs = BTreeSet::new();
    let mut resolved: BTreeMap<i64, (u64, BTreeSet<i64>)> = BTreeMap::new();
    for n in needs {
        let f = firsts.get(&n.id).copied().unwrap_or_default();
        if let Some(c) = f.confirmed.filter(|c| *c >= since) {
            helped.insert(n.organisation, (&n.region, &n.income));
            if n.urgency == Urgency::Critical
                && let Some(o) = n.opened
            {
                critical.push((c - o).max(0));
                critical_orgs.insert(n.organisation);
            }
        }
        if n.status == NeedStatus::Resolved && n.closed.is_some_and(|c| c >= since) {
            let r = resolved.entry(n.category).or_default();
            r.0 += 1;
            r.1.insert(n.organisation);
        }
    }
    let count_in = |groups: &[&str], income: bool| {
        let counts: Vec<u64> = groups
            .iter()
            .map(|g| {
                helped
                    .values()
                    .filter(|(region, inc)| if income { inc == g } else { region == g })
                    .count() as u64
            })
            .collect();
        groups
            .iter()
            .map(|g| (*g).to_owned())
            .zip(suppress_group(&counts))
            .collect()
    };
    ImpactPeriod {
        hours: shown(u64::try_from(minutes / 60).unwrap_or(0), hours_orgs.len()),
        organisations_helped: shown(helped.len() as u64, helped.len()),
        by_region: count_in(&REGIONS, false),
        by_income: count_in(&INCOME_GROUPS, true),
        resolved_by_category: resolved
            .into_iter()
            .map(|(c, (count, orgs))| (c, shown(count, orgs.len())))
            .collect(),
        critical_median_hours: shown(Spread::of(critical).median, critical_orgs.len()).flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn need(id: i64, org: i64, region: &str, income: &str) -> NeedFact {
        NeedFact {
            id,
            organisation: org,
            region: region.into(),
            income: income.into(),
            category: 1,
            urgency: Urgency::Critical,
            status: NeedStatus::Open,
            opened: Some(days_from_civil(2026, 11, 2) * DAY),
            closed: None,
        }
    }

    #[test]
    fn calendar_days_round_trip_and_weeks_start_on_monday() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(day_text(days_from_civil(2024, 2, 29)), "2024-02-29");
        // 2026-12-02 is a Wednesday; its week starts on Monday 30 November.
        assert_eq!(day_text(week_start(days_from_civil(2026, 12, 2))), "2026-11-30");
        assert_eq!(
            week_start(days_from_civil(2026, 11, 30)),
            days_from_civil(2026, 11, 30)
        );
        assert_eq!(month_text(month_of(days_from_civil(2026, 1, 31))), "2026-01");
    }

    proptest! {
        #[test]
        fn any_day_round_trips(day in -100_000i64..200_000) {
            let (y, m, d) = civil_from_days(day);
            prop_assert_eq!(days_from_civil(y, m, d), day);
            let w = week_start(day);
            prop_assert!(day - w < 7 && w <= day);
            prop_assert_eq!(civil_from_days(w + 4).0 - civil_from_days(w).0 <= 1, true);
        }

        #[test]
        fn suppression_never_leaves_a_small_remainder(counts in proptest::collection::vec(0u64..30, 1..8)) {
            let shown = suppress_group(&counts);
            let hidden: u64 = counts.iter().zip(&shown).filter(|(_, s)| s.is_none()).map(|(c, _)| *c).sum();
            prop_assert!(hidden == 0 || hidden >= MIN_ORGANISATIONS as u64 || shown.iter().all(Option::is_none));
            for (c, s) in counts.iter().zip(&shown) {
                if let Some(v) = s {
                    prop_assert_eq!(v, c);
                    prop_assert!(*v >= MIN_ORGANISATIONS as u64);
                }
            }
        }
    }

    #[test]
    fn spreads_use_the_nearest_rank() {
        let s = Spread::of((1..=10).map(|h| h * 3600).collect());
        assert_eq!((s.count, s.median, s.p90), (10, Some(5.0), Some(9.0)));
        assert_eq!(Spread::of(vec![]).median, None);
        assert_eq!(Spread::of(vec![7200]).p90, Some(2.0));
    }

    #[test]
    fn filters_default_to_the_last_half_year_and_refuse_bad_values() {
        let today = days_from_civil(2026, 12, 2);
        let input = FilterInput::default();
        let f = input.check(today).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((f.to, f.to - f.from + 1), (today, DEFAULT_RANGE_DAYS));
        let fields = |input: FilterInput| match input.check(today) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        };
        let bad = FilterInput {
            from: "2026-13-01".into(),
            region: "Atlantis".into(),
            income: "rich".into(),
            category: "x".into(),
            ..FilterInput::default()
        };
        assert_eq!(fields(bad), ["from", "region", "income", "category"]);
        let backwards = FilterInput {
            from: "2026-12-01".into(),
            to: "2026-11-01".into(),
            ..FilterInput::default()
        };
        assert_eq!(fields(backwards), ["from"]);
        let too_long = FilterInput {
            from: "2020-01-01".into(),
            to: "2026-11-01".into(),
            ..FilterInput::default()
        };
        assert_eq!(fields(too_long), ["from"]);
    }

    #[test]
    fn the_dashboard_counts_within_the_filters() {
        let today = days_from_civil(2026, 12, 2);
        let input = FilterInput {
            region: "Africa".into(),
            ..FilterInput::default()
        };
        let filters = input.check(today).unwrap_or_else(|e| panic!("{e:?}"));
        let opened = days_from_civil(2026, 11, 2) * DAY;
        let mut resolved = need(2, 11, "Africa", "low");
        resolved.status = NeedStatus::Resolved;
        resolved.closed = Some(opened + 10 * DAY);
        let needs = vec![
            need(1, 10, "Africa", "low"),
            resolved,
            need(3, 12, "Europe", "high"),
        ];
        let proposal = |need: i64, after: i64, accepted: bool| ProposalFact {
            need,
            created: opened + after * 3600,
            status: if accepted {
                EngagementStatus::Active
            } else {
                EngagementStatus::Declined
            },
            accepted: accepted.then_some(opened + (after + 1) * 3600),
            confirmed: accepted.then_some(opened + (after + 2) * 3600),
            decline_reason: (!accepted).then(|| "no_time".to_owned()),
        };
        let proposals = vec![proposal(1, 4, false), proposal(2, 2, true), proposal(3, 1, true)];
        let hours = vec![
            HoursFact {
                need: 2,
                day: day_of(opened) + 3,
                minutes: 90,
            },
            HoursFact {
                need: 3,
                day: day_of(opened) + 3,
                minutes: 600,
            },
        ];
        let d = dashboard(
            &filters,
            &needs,
            &proposals,
            &hours,
            Utilisation::default(),
            vec![],
        );
        let week = d.weeks.iter().find(|w| w.week == "2026-11-02").cloned();
        assert_eq!(
            week,
            Some(WeekRow {
                week: "2026-11-02".into(),
                opened: 2,
                matched: 1,
                resolved: 0
            })
        );
        assert_eq!(d.weeks.iter().map(|w| w.resolved).sum::<u64>(), 1);
        let critical = &d.delays[0];
        assert_eq!(
            (
                critical.needs,
                critical.to_proposal.count,
                critical.to_proposal.median
            ),
            (2, 2, Some(2.0))
        );
        assert_eq!(critical.to_engagement.median, Some(4.0));
        let low = d.by_income.iter().find(|s| s.group == "low").cloned();
        assert_eq!(low.map(|s| (s.needs, s.matched)), Some((2, 1)));
        assert_eq!(d.hours.iter().map(|m| m.minutes).sum::<i64>(), 90);
        assert_eq!(
            d.backlog,
            vec![BacklogRow {
                category: 1,
                counts: vec![1, 0, 0, 0]
            }]
        );
        assert_eq!(
            d.outcomes,
            vec![
                OutcomeRow {
                    outcome: "accepted".into(),
                    count: 1
                },
                OutcomeRow {
                    outcome: "declined:no_time".into(),
                    count: 1
                }
            ]
        );
    }

    #[test]
    fn public_figures_hide_what_fewer_than_five_organisations_make() {
        let opened = days_from_civil(2026, 11, 2) * DAY;
        let needs: Vec<NeedFact> = (0..6)
            .map(|i| need(i, i, if i < 5 { "Africa" } else { "Oceania" }, "low"))
            .collect();
        let proposals: Vec<ProposalFact> = (0..6)
            .map(|i| ProposalFact {
                need: i,
                created: opened,
                status: EngagementStatus::Active,
                accepted: Some(opened + 3600),
                confirmed: Some(opened + 3600 * (i + 1)),
                decline_reason: None,
            })
            .collect();
        let hours: Vec<HoursFact> = (0..4)
            .map(|i| HoursFact {
                need: i,
                day: day_of(opened),
                minutes: 120,
            })
            .collect();
        let p = impact_period(i64::MIN, &needs, &proposals, &hours);
        assert_eq!(p.organisations_helped, Some(6));
        assert_eq!(p.hours, None, "four organisations' hours are not shown");
        // Africa 5 would reveal Oceania's 1 by subtraction: both hidden.
        assert_eq!(p.by_region.iter().map(|r| r.1).collect::<Vec<_>>(), vec![None; 5]);
        assert_eq!(p.by_income[0], ("low".to_owned(), Some(6)));
        assert_eq!(p.critical_median_hours, Some(3.0));
        let later = impact_period(opened + 4 * 3600, &needs, &proposals, &hours);
        assert_eq!(later.organisations_helped, None, "three organisations since then");
    }
}
