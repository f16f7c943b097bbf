//! Lists of needs: a member's, a coordinator's, an organisation's, the open ones.

use crate::domain::need::NeedStatus;
use crate::services::{ServiceError, organisations::membership};
use crate::session::CurrentUser;
use crate::{
    domain::{
        languages,
        views::{NeedSummary, OrganisationDetail, Page, TriagedOrganisation},
    },
    model::utc,
    services::deps::Deps,
};
use entity::{
    account::Role, country, need, need::Status, need_category, organisation, vetting::VettingStatus,
    volunteer,
};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, QueryTrait as _,
    sea_query::{Expr, ExprTrait as _, Func, Query},
};
use std::collections::{HashMap, HashSet};

/// Needs per page.
pub const PAGE_SIZE: u64 = 30;

/// What a need list is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this status.
    pub status: Option<NeedStatus>,
    /// Only this category.
    pub category: Option<i64>,
    /// Only this urgency.
    pub urgency: Option<crate::domain::codes::Urgency>,
    /// Only organisations in this UN M49 region.
    pub region: Option<String>,
    /// Only organisations of this income group.
    pub income_group: Option<String>,
    /// Only needs in this language.
    pub language: Option<String>,
    /// Words in the title or summary.
    pub search: Option<String>,
    /// Zero-based page.
    pub page: u64,
}

/// The summary of one need.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn summary<C: ConnectionTrait>(db: &C, need: &need::Model) -> Result<NeedSummary, ServiceError> {
    summaries(db, std::slice::from_ref(need))
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// Builds summaries for needs, loading organisations, countries and categories
/// in bulk.
#[tracing::instrument(skip_all)]
pub async fn summaries<C: ConnectionTrait>(
    db: &C,
    needs: &[need::Model],
) -> Result<Vec<NeedSummary>, ServiceError> {
    let org_ids: Vec<i64> = needs
        .iter()
        .map(|n| n.organisation_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let orgs: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    summaries_among(db, needs, &orgs).await
}

/// [`summaries`] of needs whose organisations are among `orgs` (read
/// already); a need whose organisation is not among them shows no
/// organisation's name or country.
///
/// # Errors
/// Database errors.
pub async fn summaries_among<C: ConnectionTrait>(
    db: &C,
    needs: &[need::Model],
    orgs: &HashMap<i64, organisation::Model>,
) -> Result<Vec<NeedSummary>, ServiceError> {
    let categories: HashMap<i64, String> = need_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(needs
        .iter()
        .map(|n| {
            summary_of(
                n,
                orgs.get(&n.organisation_id),
                categories.get(&n.category_id).map(String::as_str),
            )
        })
        .collect())
}

/// The summary of a need whose organisation and category name are at hand.
pub(super) fn summary_of(
    n: &need::Model,
    org: Option<&organisation::Model>,
    category: Option<&str>,
) -> NeedSummary {
    NeedSummary {
        id: n.id,
        title: n.title.clone(),
        organisation: org.map(|o| o.name.clone()).unwrap_or_default(),
        country: org.map(|o| o.country_iso2.clone()).unwrap_or_default(),
        category: category.unwrap_or_default().to_owned(),
        urgency: n.urgency.into(),
        status: n.status.into(),
        effort_hours: n.effort_hours,
        onsite: n.onsite,
        languages: languages::split(&n.languages),
        updated: utc(n.updated_at),
    }
}

pub(super) async fn list_where<C: ConnectionTrait>(
    db: &C,
    base: Condition,
    filter: &Filter,
) -> Result<Page<NeedSummary>, ServiceError> {
    let mut cond = base;
    if let Some(status) = filter.status {
        cond = cond.add(need::Column::Status.eq(Status::from(status)));
    }
    if let Some(category) = filter.category {
        cond = cond.add(need::Column::CategoryId.eq(category));
    }
    if let Some(urgency) = filter.urgency {
        cond = cond.add(need::Column::Urgency.eq(need::Urgency::from(urgency)));
    }
    if let Some(language) = filter.language.as_deref().filter(|l| languages::is_known(l)) {
        cond = cond.add(
            Condition::any()
                .add(need::Column::Languages.eq(language))
                .add(need::Column::Languages.like(format!("{language},%")))
                .add(need::Column::Languages.like(format!("%,{language}")))
                .add(need::Column::Languages.like(format!("%,{language},%"))),
        );
    }
    if let Some(pattern) = crate::infra::db::contains_pattern(filter.search.as_deref()) {
        cond = cond.add(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(need::Column::Title))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(need::Column::PublicSummary))).like(pattern)),
        );
    }
    if filter.region.is_some() || filter.income_group.is_some() {
        let mut countries = country::Entity::find();
        // A value no country can have (a NUL, which PostgreSQL refuses to
        // compare) matches nothing.
        fn comparable(value: &str) -> &str {
            crate::infra::db::comparable_text(value).unwrap_or_default()
        }
        if let Some(region) = &filter.region {
            countries = countries.filter(country::Column::Region.eq(comparable(region)));
        }
        if let Some(group) = &filter.income_group {
            countries = countries.filter(country::Column::IncomeGroup.eq(comparable(group)));
        }
        // One statement: the organisations of those countries as a subquery
        // (not thousands of ids bound one by one).
        let codes = countries.select_only().column(country::Column::Iso2).into_query();
        let organisations = Query::select()
            .column(organisation::Column::Id)
            .from(organisation::Entity)
            .and_where(organisation::Column::CountryIso2.in_subquery(codes))
            .to_owned();
        cond = cond.add(need::Column::OrganisationId.in_subquery(organisations));
    }
    let select = need::Entity::find().filter(cond);
    let total = select.clone().count(db).await?;
    let page = crate::infra::db::existing_page(filter.page, total, PAGE_SIZE);
    let rows = select
        .order_by_desc(need::Column::UpdatedAt)
        .order_by_desc(need::Column::Id)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    Ok(Page {
        rows: summaries(db, &rows).await?,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// The needs of the user's organisation.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a member.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn list_own(
    state: &Deps,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<Page<NeedSummary>, ServiceError> {
    let m = membership(&state.db, user.id)
        .await?
        .ok_or(ServiceError::Forbidden)?;
    list_where(
        &state.db,
        Condition::all().add(need::Column::OrganisationId.eq(m.organisation_id)),
        filter,
    )
    .await
}

/// All needs (coordinators).
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn list_all(state: &Deps, filter: &Filter) -> Result<Page<NeedSummary>, ServiceError> {
    list_where(&state.db, Condition::all(), filter).await
}

/// One organisation with its members and a page of its own needs (coordinators).
///
/// # Errors
/// [`ServiceError::NotFound`]; database errors.
#[tracing::instrument(skip(db))]
pub async fn organisation_detail<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
    page: u64,
) -> Result<OrganisationDetail, ServiceError> {
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let TriagedOrganisation { organisation, triage } =
        crate::services::organisations::triaged(db, org).await?;
    let members = crate::services::organisations::members(db, organisation_id).await?;
    let needs = list_where(
        db,
        Condition::all().add(need::Column::OrganisationId.eq(organisation_id)),
        &Filter {
            page,
            ..Filter::default()
        },
    )
    .await?;
    Ok(OrganisationDetail {
        organisation,
        triage,
        members,
        needs,
    })
}

/// The open needs of approved organisations an approved volunteer may list,
/// read from the database whatever the filter: what
/// [`crate::services::matching::list_open`] answers for a search, and what
/// its answers from the need pool are tested against.
///
/// # Errors
/// Database errors.
pub async fn list_open_in_database(state: &Deps, filter: &Filter) -> Result<Page<NeedSummary>, ServiceError> {
    let approved = organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .select_only()
        .column(organisation::Column::Id)
        .into_query();
    let filter = Filter {
        status: Some(NeedStatus::Open),
        ..filter.clone()
    };
    list_where(
        &state.db,
        Condition::all().add(need::Column::OrganisationId.in_subquery(approved)),
        &filter,
    )
    .await
}

/// Whether `user` is a volunteer whose standing lets them see open needs.
///
/// # Errors
/// Database errors.
pub async fn approved_volunteer<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
) -> Result<bool, ServiceError> {
    if user.role != Role::Volunteer {
        return Ok(false);
    }
    Ok(volunteer::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .is_some_and(|v| crate::services::standing::volunteer_allows(v.status)))
}
