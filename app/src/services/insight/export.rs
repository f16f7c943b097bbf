//! CSV exports for coordinators: needs, engagements, hours, volunteers,
//! organisations and the audit log, with the dashboard's filters.
//!
//! Written with the `csv` crate (RFC 4180, UTF-8) and streamed: rows are read
//! a page at a time by id and each page is sent as it is written, so memory
//! stays flat whatever the row count. Every cell a spreadsheet would run as a
//! formula is neutralised ([`neutralise_formula`]). No export carries a
//! password hash, a second-factor secret, a token, contact details, free-text
//! notes or a need's confidential details. Each export is audited.

use super::{categories, check, civil, organisation_places, places, today};
use crate::domain::insight::Place;
use crate::{
    domain::{codes::AuditObject, insight::FilterInput},
    infra::db::begin_write,
    model::{day as day_text, iso},
    services::{
        ServiceError,
        advisories::neutralise_formula,
        audit::{self, Action, Actor},
        deps::Deps,
    },
};
use entity::{account, audit_log, engagement, hours_log, need, organisation, volunteer};
use futures_util::{Stream, stream};
use sea_orm::{
    ColumnTrait as _, DatabaseConnection, EntityTrait as _, ExprTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, sea_query::SimpleExpr,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// Rows read (and sent) at a time.
const PAGE: u64 = 1_000;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// Needs past their draft (created in the range).
    Needs,
    /// Engagements (proposed in the range).
    Engagements,
    /// Hours logged (worked in the range).
    Hours,
    /// Volunteers (registered in the range).
    Volunteers,
    /// Organisations (registered in the range).
    Organisations,
    /// The audit log (entries in the range).
    Audit,
}

impl Export {
    /// Every export, in the order the page offers them.
    pub const ALL: [Self; 6] = [
        Self::Needs,
        Self::Engagements,
        Self::Hours,
        Self::Volunteers,
        Self::Organisations,
        Self::Audit,
    ];

    /// The name in the URL and the file.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Needs => "needs",
            Self::Engagements => "engagements",
            Self::Hours => "hours",
            Self::Volunteers => "volunteers",
            Self::Organisations => "organisations",
            Self::Audit => "audit",
        }
    }

    /// The export a URL names.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == raw)
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Self::Needs => &[
                "id",
                "organisation_id",
                "organisation",
                "country",
                "region",
                "income_group",
                "category",
                "title",
                "urgency",
                "status",
                "effort_hours",
                "onsite",
                "languages",
                "created_at",
                "submitted_at",
                "opened_at",
                "closed_at",
            ],
            Self::Engagements => &[
                "id",
                "need_id",
                "organisation_id",
                "volunteer_id",
                "category",
                "status",
                "proposed_by",
                "weekly_hours",
                "fast_path",
                "decline_reason",
                "created_at",
                "accepted_at",
                "confirmed_at",
                "finished_at",
                "organisation_rating",
                "volunteer_rating",
            ],
            Self::Hours => &[
                "id",
                "engagement_id",
                "need_id",
                "organisation_id",
                "volunteer_id",
                "category",
                "logged_on",
                "minutes",
            ],
            Self::Volunteers => &[
                "id",
                "name",
                "country",
                "region",
                "income_group",
                "status",
                "hours_per_week",
                "max_concurrent",
                "active_engagements",
                "committed_hours",
                "languages",
                "onsite_scope",
                "created_at",
                "approved_at",
            ],
            Self::Organisations => &[
                "id",
                "name",
                "kind",
                "country",
                "region",
                "income_group",
                "city",
                "size",
                "status",
                "priority_override",
                "created_at",
                "approved_at",
            ],
            Self::Audit => &[
                "id",
                "at",
                "actor_account_id",
                "actor_address",
                "action",
                "object_type",
                "object_id",
                "details",
            ],
        }
    }
}

/// The filters an export applies, owned (the stream outlives the request's
/// borrow).
#[derive(Debug, Clone)]
struct Scope {
    from: OffsetDateTime,
    /// The first instant after the range.
    until: OffsetDateTime,
    from_day: time::Date,
    to_day: time::Date,
    region: Option<String>,
    income: Option<String>,
    category: Option<i64>,
}

impl Scope {
    fn admits(&self, place: &Place) -> bool {
        self.region.as_ref().is_none_or(|r| *r == place.region)
            && self.income.as_ref().is_none_or(|i| *i == place.income)
    }

    fn admits_category(&self, category: i64) -> bool {
        self.category.is_none_or(|c| c == category)
    }
}

/// Everything a page of rows is read with.
struct Reader {
    db: DatabaseConnection,
    what: Export,
    scope: Scope,
    places: HashMap<String, Place>,
    orgs: HashMap<i64, Place>,
    categories: HashMap<i64, String>,
    /// The last id sent; `None` before the header.
    after: Option<i64>,
    done: bool,
}

/// A file's name and its content as a stream of chunks.
pub struct File<S> {
    /// `frontline-<what>-<from>-<to>.csv`.
    pub name: String,
    /// The content.
    pub chunks: S,
}

/// Starts an export for a coordinator: checks the filters, audits who exported
/// what with which filters, and returns the file as a stream of chunks (the
/// header first, then a page of rows at a time).
///
/// # Errors
/// [`ServiceError::Validation`] for bad filters; database errors.
#[tracing::instrument(skip_all, fields(what = what.code()))]
pub async fn start(
    state: &Deps,
    actor: &Actor,
    what: Export,
    input: &FilterInput,
) -> Result<File<impl Stream<Item = Result<Vec<u8>, ServiceError>> + Send + 'static + use<>>, ServiceError> {
    let categories = categories(&state.db).await?;
    let filters = check(input, today(state), &categories)?;
    let from_day = civil(filters.from);
    let to_day = civil(filters.to);
    let midnight = |d: time::Date| d.midnight().assume_utc();
    let scope = Scope {
        from: midnight(from_day),
        until: midnight(to_day.next_day().unwrap_or(to_day)),
        from_day,
        to_day,
        region: filters.region.map(str::to_owned),
        income: filters.income.map(str::to_owned),
        category: filters.category,
    };
    let name = format!(
        "frontline-{}-{}-{}.csv",
        what.code(),
        day_text(from_day),
        day_text(to_day)
    );
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::InsightExported,
        None::<(AuditObject, i64)>,
        json!({
            "export": what.code(),
            "from": day_text(from_day),
            "to": day_text(to_day),
            "region": scope.region,
            "income_group": scope.income,
            "category": scope.category,
        }),
    )
    .await?;
    txn.commit().await?;
    let places = places(&state.db).await?;
    let orgs = organisation_places(&state.db, &places).await?;
    let reader = Reader {
        db: state.db.clone(),
        what,
        scope,
        places,
        orgs,
        categories: categories.into_iter().collect(),
        after: None,
        done: false,
    };
    let chunks = stream::try_unfold(reader, |mut r| async move {
        if r.done {
            return Ok(None);
        }
        let chunk = r.next_page().await?;
        Ok(Some((chunk, r)))
    });
    Ok(File { name, chunks })
}

/// One row's cells, neutralised, written.
fn write(w: &mut csv::Writer<Vec<u8>>, row: &[String]) -> Result<(), ServiceError> {
    w.write_record(row.iter().map(|c| neutralise_formula(c)))
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn when(t: Option<OffsetDateTime>) -> String {
    t.map(iso).unwrap_or_default()
}

impl Reader {
    /// The header (first call), then the next page of rows; marks the end.
    async fn next_page(&mut self) -> Result<Vec<u8>, ServiceError> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(64 * 1024));
        let Some(after) = self.after else {
            let header: Vec<String> = self.what.header().iter().map(|h| (*h).to_owned()).collect();
            write(&mut w, &header)?;
            self.after = Some(0);
            return finish(w);
        };
        let last = match self.what {
            Export::Needs => self.needs(&mut w, after).await?,
            Export::Engagements => self.engagements(&mut w, after).await?,
            Export::Hours => self.hours(&mut w, after).await?,
            Export::Volunteers => self.volunteers(&mut w, after).await?,
            Export::Organisations => self.organisations(&mut w, after).await?,
            Export::Audit => self.audit(&mut w, after).await?,
        };
        match last {
            Some(id) => self.after = Some(id),
            None => self.done = true,
        }
        finish(w)
    }

    fn place(&self, organisation: i64) -> Place {
        self.orgs.get(&organisation).cloned().unwrap_or_default()
    }

    fn category(&self, id: i64) -> String {
        self.categories.get(&id).cloned().unwrap_or_default()
    }

    /// A page of ids after `after` matching `condition`, in id order.
    fn page<E>(after: i64, id: E::Column, condition: SimpleExpr) -> sea_orm::Select<E>
    where
        E: sea_orm::EntityTrait,
    {
        E::find()
            .filter(id.gt(after))
            .filter(condition)
            .order_by_asc(id)
            .limit(PAGE)
    }

    async fn needs(&self, w: &mut csv::Writer<Vec<u8>>, after: i64) -> Result<Option<i64>, ServiceError> {
        let s = &self.scope;
        let mut q = need::Column::Status
            .ne(need::Status::Draft)
            .and(need::Column::CreatedAt.gte(s.from))
            .and(need::Column::CreatedAt.lt(s.until));
        if let Some(c) = s.category {
            q = q.and(need::Column::CategoryId.eq(c));
        }
        let rows = Self::page::<need::Entity>(after, need::Column::Id, q)
            .all(&self.db)
            .await?;
        let names: HashMap<i64, (String, String)> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .column(organisation::Column::CountryIso2)
            .filter(
                organisation::Column::Id
                    .is_in(rows.iter().map(|n| n.organisation_id).collect::<HashSet<_>>()),
            )
            .into_tuple::<(i64, String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, name, country)| (id, (name, country)))
            .collect();
        for n in &rows {
            let place = self.place(n.organisation_id);
            if !s.admits(&place) {
                continue;
            }
            let (name, country) = names.get(&n.organisation_id).cloned().unwrap_or_default();
            write(
                w,
                &[
                    n.id.to_string(),
                    n.organisation_id.to_string(),
                    name,
                    country,
                    place.region,
                    place.income,
                    self.category(n.category_id),
                    n.title.clone(),
                    crate::domain::codes::Urgency::from(n.urgency).code().to_owned(),
                    crate::domain::need::NeedStatus::from(n.status).code().to_owned(),
                    n.effort_hours.to_string(),
                    n.onsite.to_string(),
                    n.languages.clone(),
                    iso(n.created_at),
                    when(n.submitted_at),
                    when(n.opened_at),
                    when(n.closed_at),
                ],
            )?;
        }
        Ok(rows.last().map(|n| n.id))
    }

    /// The needs (organisation, category) of a page of engagements.
    async fn needs_of(
        &self,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, (i64, i64)>, ServiceError> {
        Ok(need::Entity::find()
            .select_only()
            .column(need::Column::Id)
            .column(need::Column::OrganisationId)
            .column(need::Column::CategoryId)
            .filter(need::Column::Id.is_in(ids.into_iter().collect::<HashSet<_>>()))
            .into_tuple::<(i64, i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, org, category)| (id, (org, category)))
            .collect())
    }

    async fn engagements(
        &self,
        w: &mut csv::Writer<Vec<u8>>,
        after: i64,
    ) -> Result<Option<i64>, ServiceError> {
        let s = &self.scope;
        let q = engagement::Column::CreatedAt
            .gte(s.from)
            .and(engagement::Column::CreatedAt.lt(s.until));
        let rows = Self::page::<engagement::Entity>(after, engagement::Column::Id, q)
            .all(&self.db)
            .await?;
        let needs = self.needs_of(rows.iter().map(|e| e.need_id)).await?;
        for e in &rows {
            let (org, category) = needs.get(&e.need_id).copied().unwrap_or_default();
            if !s.admits(&self.place(org)) || !s.admits_category(category) {
                continue;
            }
            write(
                w,
                &[
                    e.id.to_string(),
                    e.need_id.to_string(),
                    org.to_string(),
                    e.volunteer_id.to_string(),
                    self.category(category),
                    crate::domain::engagement::EngagementStatus::from(e.status)
                        .code()
                        .to_owned(),
                    crate::domain::codes::Proposer::from(e.proposer_kind)
                        .code()
                        .to_owned(),
                    e.weekly_hours.to_string(),
                    e.fast_path.to_string(),
                    opt(e.decline_reason.clone()),
                    iso(e.created_at),
                    when(e.accepted_at),
                    when(e.confirmed_at),
                    when(e.finished_at),
                    opt(e.organisation_rating),
                    opt(e.volunteer_rating),
                ],
            )?;
        }
        Ok(rows.last().map(|e| e.id))
    }

    async fn hours(&self, w: &mut csv::Writer<Vec<u8>>, after: i64) -> Result<Option<i64>, ServiceError> {
        let s = &self.scope;
        let q = hours_log::Column::LoggedOn
            .gte(s.from_day)
            .and(hours_log::Column::LoggedOn.lte(s.to_day));
        let rows = Self::page::<hours_log::Entity>(after, hours_log::Column::Id, q)
            .all(&self.db)
            .await?;
        let engagements: HashMap<i64, (i64, i64)> = engagement::Entity::find()
            .select_only()
            .column(engagement::Column::Id)
            .column(engagement::Column::NeedId)
            .column(engagement::Column::VolunteerId)
            .filter(
                engagement::Column::Id.is_in(rows.iter().map(|h| h.engagement_id).collect::<HashSet<_>>()),
            )
            .into_tuple::<(i64, i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, need, volunteer)| (id, (need, volunteer)))
            .collect();
        let needs = self.needs_of(engagements.values().map(|(n, _)| *n)).await?;
        for h in &rows {
            let (need, volunteer) = engagements.get(&h.engagement_id).copied().unwrap_or_default();
            let (org, category) = needs.get(&need).copied().unwrap_or_default();
            if !s.admits(&self.place(org)) || !s.admits_category(category) {
                continue;
            }
            write(
                w,
                &[
                    h.id.to_string(),
                    h.engagement_id.to_string(),
                    need.to_string(),
                    org.to_string(),
                    volunteer.to_string(),
                    self.category(category),
                    day_text(h.logged_on),
                    h.minutes.to_string(),
                ],
            )?;
        }
        Ok(rows.last().map(|h| h.id))
    }

    async fn volunteers(
        &self,
        w: &mut csv::Writer<Vec<u8>>,
        after: i64,
    ) -> Result<Option<i64>, ServiceError> {
        let s = &self.scope;
        let q = volunteer::Column::CreatedAt
            .gte(s.from)
            .and(volunteer::Column::CreatedAt.lt(s.until));
        let rows = Self::page::<volunteer::Entity>(after, volunteer::Column::AccountId, q)
            .all(&self.db)
            .await?;
        let names: HashMap<i64, String> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::DisplayName)
            .filter(account::Column::Id.is_in(rows.iter().map(|v| v.account_id).collect::<HashSet<_>>()))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        for v in &rows {
            let place = self.places.get(&v.country_iso2).cloned().unwrap_or_default();
            if !s.admits(&place) {
                continue;
            }
            write(
                w,
                &[
                    v.account_id.to_string(),
                    names.get(&v.account_id).cloned().unwrap_or_default(),
                    v.country_iso2.clone(),
                    place.region,
                    place.income,
                    crate::domain::codes::VettingStatus::from(v.status)
                        .code()
                        .to_owned(),
                    v.hours_per_week.to_string(),
                    v.max_concurrent.to_string(),
                    v.active_engagements.to_string(),
                    v.committed_hours.to_string(),
                    v.languages.clone(),
                    v.onsite_scope.clone(),
                    iso(v.created_at),
                    when(v.approved_at),
                ],
            )?;
        }
        Ok(rows.last().map(|v| v.account_id))
    }

    async fn organisations(
        &self,
        w: &mut csv::Writer<Vec<u8>>,
        after: i64,
    ) -> Result<Option<i64>, ServiceError> {
        let s = &self.scope;
        let q = organisation::Column::CreatedAt
            .gte(s.from)
            .and(organisation::Column::CreatedAt.lt(s.until));
        let rows = Self::page::<organisation::Entity>(after, organisation::Column::Id, q)
            .all(&self.db)
            .await?;
        for o in &rows {
            let place = self.place(o.id);
            if !s.admits(&place) {
                continue;
            }
            write(
                w,
                &[
                    o.id.to_string(),
                    o.name.clone(),
                    crate::domain::codes::OrganisationKind::from(o.kind)
                        .code()
                        .to_owned(),
                    o.country_iso2.clone(),
                    place.region,
                    place.income,
                    o.city.clone(),
                    crate::domain::codes::OrganisationSize::from(o.size)
                        .code()
                        .to_owned(),
                    crate::domain::codes::VettingStatus::from(o.status)
                        .code()
                        .to_owned(),
                    opt(o.priority_override),
                    iso(o.created_at),
                    when(o.approved_at),
                ],
            )?;
        }
        Ok(rows.last().map(|o| o.id))
    }

    async fn audit(&self, w: &mut csv::Writer<Vec<u8>>, after: i64) -> Result<Option<i64>, ServiceError> {
        let s = &self.scope;
        let q = audit_log::Column::At
            .gte(s.from)
            .and(audit_log::Column::At.lt(s.until));
        let rows = Self::page::<audit_log::Entity>(after, audit_log::Column::Id, q)
            .all(&self.db)
            .await?;
        for a in &rows {
            write(
                w,
                &[
                    a.id.to_string(),
                    iso(a.at),
                    opt(a.actor_account_id),
                    opt(a.actor_address.clone()),
                    a.action.clone(),
                    opt(a.object_type.clone()),
                    opt(a.object_id),
                    a.details.clone(),
                ],
            )?;
        }
        Ok(rows.last().map(|a| a.id))
    }
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ServiceError> {
    w.into_inner().map_err(|e| ServiceError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_has_a_code_that_parses_back() {
        for e in Export::ALL {
            assert_eq!(Export::parse(e.code()), Some(e));
            assert!(!e.header().is_empty());
        }
        assert_eq!(Export::parse("accounts"), None, "no export of accounts");
    }

    #[test]
    fn no_export_has_a_secret_column() {
        for e in Export::ALL {
            for h in e.header() {
                for secret in [
                    "password",
                    "totp",
                    "secret",
                    "token",
                    "confidential",
                    "email",
                    "phone",
                    "note",
                ] {
                    assert!(!h.contains(secret), "{} has {h}", e.code());
                }
            }
        }
    }
}
