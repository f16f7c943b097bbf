//! Needs: drafting, editing, submitting, withdrawing and triaging them, and
//! reading them with exactly the visibility each viewer has.
//!
//! Visibility: coordinators and the organisation's own members see everything
//! (a coordinator's read of the confidential part is audited); approved
//! volunteers see the public part of open needs of approved organisations;
//! everyone else is told the need does not exist.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
    auth::CurrentUser,
    db::begin_write,
    organisations::membership,
};
use crate::{
    domain::{
        languages,
        need::{self as rules, NeedAction, NeedInput, NeedStatus, ValidNeed},
        priority,
        views::{ConfidentialPart, NeedDetail, NeedSummary, OrganisationDetail, Page, SkillRequirement},
    },
    model::utc,
    state::AppState,
    validate::{FieldError, Message},
};
use entity::{
    account::Role,
    country, engagement, need,
    need::{Status, Urgency},
    need_category, need_skill, organisation, skill,
    vetting::VettingStatus,
    volunteer,
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
    sea_query::{Expr, ExprTrait as _, Func},
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Needs per page.
pub const PAGE_SIZE: u64 = 30;

/// The shared status of a stored status.
#[must_use]
pub fn to_domain(status: Status) -> NeedStatus {
    match status {
        Status::Draft => NeedStatus::Draft,
        Status::Submitted => NeedStatus::Submitted,
        Status::Open => NeedStatus::Open,
        Status::Matched => NeedStatus::Matched,
        Status::InProgress => NeedStatus::InProgress,
        Status::Resolved => NeedStatus::Resolved,
        Status::Closed => NeedStatus::Closed,
        Status::Cancelled => NeedStatus::Cancelled,
    }
}

/// The stored status of a shared status.
#[must_use]
pub fn to_stored(status: NeedStatus) -> Status {
    match status {
        NeedStatus::Draft => Status::Draft,
        NeedStatus::Submitted => Status::Submitted,
        NeedStatus::Open => Status::Open,
        NeedStatus::Matched => Status::Matched,
        NeedStatus::InProgress => Status::InProgress,
        NeedStatus::Resolved => Status::Resolved,
        NeedStatus::Closed => Status::Closed,
        NeedStatus::Cancelled => Status::Cancelled,
    }
}

/// The form code of a status.
#[must_use]
pub fn status_code(status: Status) -> &'static str {
    match status {
        Status::Draft => "draft",
        Status::Submitted => "submitted",
        Status::Open => "open",
        Status::Matched => "matched",
        Status::InProgress => "in_progress",
        Status::Resolved => "resolved",
        Status::Closed => "closed",
        Status::Cancelled => "cancelled",
    }
}

/// Parses a status filter.
#[must_use]
pub fn parse_status(raw: &str) -> Option<Status> {
    [
        Status::Draft,
        Status::Submitted,
        Status::Open,
        Status::Matched,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
        Status::Cancelled,
    ]
    .into_iter()
    .find(|s| status_code(*s) == raw)
}

/// The form code of an urgency.
#[must_use]
pub fn urgency_code(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Critical => "critical",
        Urgency::High => "high",
        Urgency::Normal => "normal",
        Urgency::Low => "low",
    }
}

/// Parses an urgency code.
#[must_use]
pub fn parse_urgency(raw: &str) -> Option<Urgency> {
    [Urgency::Critical, Urgency::High, Urgency::Normal, Urgency::Low]
        .into_iter()
        .find(|u| urgency_code(*u) == raw)
}

fn weight_of(index: u8) -> need_skill::Weight {
    match index {
        0 => need_skill::Weight::Must,
        1 => need_skill::Weight::Should,
        _ => need_skill::Weight::Nice,
    }
}

fn weight_code(weight: need_skill::Weight) -> &'static str {
    match weight {
        need_skill::Weight::Must => "must",
        need_skill::Weight::Should => "should",
        need_skill::Weight::Nice => "nice",
    }
}

fn to_date((y, m, d): (i32, u8, u8)) -> Option<time::Date> {
    time::Month::try_from(m)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
}

fn date_text(date: Option<time::Date>) -> String {
    date.map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}

/// Checks category and skills against the catalogue (not retired, unless
/// already on this need).
async fn check_catalogue<C: ConnectionTrait>(
    db: &C,
    valid: &ValidNeed,
    existing: Option<&need::Model>,
) -> Result<(), ServiceError> {
    let mut errors = Vec::new();
    let category = need_category::Entity::find_by_id(valid.category_id)
        .one(db)
        .await?;
    let kept = existing.is_some_and(|n| n.category_id == valid.category_id);
    if !category.is_some_and(|c| c.retired_at.is_none() || kept) {
        errors.push(FieldError::new("category", Message::InvalidChoice));
    }
    let ids: Vec<i64> = valid.skills.iter().map(|s| s.skill_id).collect();
    let found = skill::Entity::find()
        .filter(skill::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let already: HashSet<i64> = match existing {
        Some(n) => need_skill::Entity::find()
            .filter(need_skill::Column::NeedId.eq(n.id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.skill_id)
            .collect(),
        None => HashSet::new(),
    };
    let ok = ids.iter().all(|id| {
        found
            .iter()
            .any(|s| s.id == *id && (s.retired_at.is_none() || already.contains(id)))
    });
    if !ok {
        errors.push(FieldError::new("skills", Message::InvalidChoice));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Validation(errors))
    }
}

async fn write_skills(
    txn: &DatabaseTransaction,
    need_id: i64,
    valid: &ValidNeed,
) -> Result<(), ServiceError> {
    need_skill::Entity::delete_many()
        .filter(need_skill::Column::NeedId.eq(need_id))
        .exec(txn)
        .await?;
    for s in &valid.skills {
        need_skill::ActiveModel {
            need_id: Set(need_id),
            skill_id: Set(s.skill_id),
            min_level: Set(i16::from(s.min_level)),
            weight: Set(weight_of(s.weight)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

fn apply(active: &mut need::ActiveModel, valid: &ValidNeed) {
    active.title = Set(valid.title.clone());
    active.category_id = Set(valid.category_id);
    active.urgency = Set(parse_urgency(&valid.urgency).unwrap_or(Urgency::Normal));
    active.effort_hours = Set(valid.effort_hours);
    active.deadline = Set(valid.deadline.and_then(to_date));
    active.languages = Set(valid.languages.join(","));
    active.onsite = Set(valid.onsite);
    active.public_summary = Set(valid.public_summary.clone());
    active.confidential_details = Set(valid.confidential_details.clone());
    active.authorisation_name = Set(valid.authorisation.name.clone());
    active.authorisation_role = Set(valid.authorisation.role.clone());
    active.authorisation_scope = Set(valid.authorisation.scope.clone());
    active.authorisation_date = Set(valid.authorisation.date.and_then(to_date));
}

/// Drafts a need for the user's organisation (pending organisations may draft).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a member; [`ServiceError::Validation`].
pub async fn create(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    input: &NeedInput,
) -> Result<i64, ServiceError> {
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let m = membership(&txn, user.id).await?.ok_or(ServiceError::Forbidden)?;
    check_catalogue(&txn, &valid, None).await?;
    let mut active = need::ActiveModel {
        organisation_id: Set(m.organisation_id),
        status: Set(Status::Draft),
        triage_note: Set(String::new()),
        created_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, &valid);
    let need = active.insert(&txn).await?;
    write_skills(&txn, need.id, &valid).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::NeedSaved,
        Some(("need", need.id)),
        json!({ "created": true }),
    )
    .await?;
    txn.commit().await?;
    Ok(need.id)
}

/// The need, if the user is a member of its organisation.
async fn own_need<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    need_id: i64,
) -> Result<need::Model, ServiceError> {
    let need = need::Entity::find_by_id(need_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let m = membership(db, user.id).await?;
    if m.is_some_and(|m| m.organisation_id == need.organisation_id) {
        Ok(need)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Edits a draft.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a member of its organisation;
/// [`ServiceError::Conflict`] once submitted; [`ServiceError::Validation`].
pub async fn update(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
    input: &NeedInput,
) -> Result<(), ServiceError> {
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = own_need(&txn, user, need_id).await?;
    if need.status != Status::Draft {
        return Err(ServiceError::Conflict("only drafts can be edited"));
    }
    check_catalogue(&txn, &valid, Some(&need)).await?;
    let mut active: need::ActiveModel = need.into();
    apply(&mut active, &valid);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    write_skills(&txn, need_id, &valid).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::NeedSaved,
        Some(("need", need_id)),
        json!({ "created": false }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a need along its lifecycle inside `txn`: checks the rule, updates the
/// status only if it is still `need.status` (so two racing transitions cannot
/// both pass), and audits it.
///
/// # Errors
/// [`ServiceError::Conflict`] for an illegal or stale transition.
pub async fn transition(
    txn: &DatabaseTransaction,
    now: time::OffsetDateTime,
    actor: &Actor,
    need: &need::Model,
    action: NeedAction,
    note: Option<&str>,
) -> Result<Status, ServiceError> {
    let to = rules::transition(to_domain(need.status), action)
        .map(to_stored)
        .ok_or(ServiceError::Conflict(
            "this change is not allowed for the need's status",
        ))?;
    let mut update = need::Entity::update_many()
        .col_expr(need::Column::Status, Expr::value(status_code(to)))
        .col_expr(need::Column::UpdatedAt, Expr::value(now))
        .filter(need::Column::Id.eq(need.id))
        .filter(need::Column::Status.eq(need.status));
    match to {
        Status::Submitted => update = update.col_expr(need::Column::SubmittedAt, Expr::value(now)),
        Status::Open if need.status == Status::Submitted => {
            update = update.col_expr(need::Column::OpenedAt, Expr::value(now));
        }
        _ => {}
    }
    if let Some(note) = note {
        update = update.col_expr(need::Column::TriageNote, Expr::value(note));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(ServiceError::Conflict("the need changed meanwhile"));
    }
    audit::record(
        txn,
        now,
        actor,
        Action::NeedTransition,
        Some(("need", need.id)),
        json!({ "from": status_code(need.status), "to": status_code(to), "action": format!("{action:?}") }),
    )
    .await?;
    Ok(to)
}

/// Sends a draft for triage: the organisation must be approved, and needs in
/// categories that involve scanning or testing must carry a written authorisation.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Validation`] (organisation not
/// approved, authorisation missing), [`ServiceError::Conflict`].
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = own_need(&txn, user, need_id).await?;
    let org = organisation::Entity::find_by_id(need.organisation_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if org.status != VettingStatus::Approved {
        return Err(ServiceError::field("submit", Message::OrganisationNotApproved));
    }
    let category = need_category::Entity::find_by_id(need.category_id)
        .one(&txn)
        .await?;
    let authorised = !need.authorisation_name.is_empty()
        && !need.authorisation_role.is_empty()
        && !need.authorisation_scope.is_empty()
        && need.authorisation_date.is_some();
    if category.is_some_and(|c| c.requires_authorisation) && !authorised {
        return Err(ServiceError::field(
            "authorisation",
            Message::AuthorisationRequired,
        ));
    }
    transition(&txn, now, actor, &need, NeedAction::Submit, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Withdraws a need (draft, submitted or open).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Conflict`].
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = own_need(&txn, user, need_id).await?;
    transition(&txn, now, actor, &need, NeedAction::Withdraw, None).await?;
    super::engagements::call_off(&txn, now, actor, &need, None).await?;
    txn.commit().await?;
    Ok(())
}

/// A coordinator opens a submitted need for matching, or sends it back to the
/// organisation with a note.
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Conflict`], [`ServiceError::Validation`].
pub async fn triage(
    state: &AppState,
    actor: &Actor,
    need_id: i64,
    open: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let note = crate::domain::organisation::optional_text(note, 2000, true)
        .map_err(|m| ServiceError::field("note", m))?;
    if !open && note.is_empty() {
        return Err(ServiceError::field("note", Message::Required));
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let need = need::Entity::find_by_id(need_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let action = if open {
        NeedAction::Open
    } else {
        NeedAction::Return
    };
    transition(&txn, now, actor, &need, action, Some(&note)).await?;
    txn.commit().await?;
    Ok(())
}

/// What a need list is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this category.
    pub category: Option<i64>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
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
pub async fn summary<C: ConnectionTrait>(db: &C, need: &need::Model) -> Result<NeedSummary, ServiceError> {
    summaries(db, std::slice::from_ref(need))
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)
}

/// Builds summaries for needs, loading organisations, countries and categories
/// in bulk.
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
    let codes: Vec<String> = orgs.values().map(|o| o.country_iso2.clone()).collect();
    let countries: HashMap<String, country::Model> = country::Entity::find()
        .filter(country::Column::Iso2.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.iso2.clone(), c))
        .collect();
    let categories: HashMap<i64, String> = need_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(needs
        .iter()
        .map(|n| {
            let org = orgs.get(&n.organisation_id);
            let income = org
                .and_then(|o| countries.get(&o.country_iso2))
                .map(|c| c.income_group.as_str())
                .unwrap_or_default();
            NeedSummary {
                id: n.id,
                title: n.title.clone(),
                organisation: org.map(|o| o.name.clone()).unwrap_or_default(),
                country: org.map(|o| o.country_iso2.clone()).unwrap_or_default(),
                category: categories.get(&n.category_id).cloned().unwrap_or_default(),
                urgency: urgency_code(n.urgency).to_owned(),
                status: status_code(n.status).to_owned(),
                effort_hours: n.effort_hours,
                onsite: n.onsite,
                languages: languages::split(&n.languages),
                priority: priority::effective(income, org.and_then(|o| o.priority_override)),
                updated: utc(n.updated_at),
            }
        })
        .collect())
}

async fn list_where<C: ConnectionTrait>(
    db: &C,
    base: Condition,
    filter: &Filter,
) -> Result<Page<NeedSummary>, ServiceError> {
    let mut cond = base;
    if let Some(status) = filter.status {
        cond = cond.add(need::Column::Status.eq(status));
    }
    if let Some(category) = filter.category {
        cond = cond.add(need::Column::CategoryId.eq(category));
    }
    if let Some(urgency) = filter.urgency {
        cond = cond.add(need::Column::Urgency.eq(urgency));
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
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", search.to_lowercase().replace(['%', '_'], ""));
        cond = cond.add(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(need::Column::Title))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(need::Column::PublicSummary))).like(pattern)),
        );
    }
    if filter.region.is_some() || filter.income_group.is_some() {
        let mut countries = country::Entity::find();
        if let Some(region) = &filter.region {
            countries = countries.filter(country::Column::Region.eq(region.as_str()));
        }
        if let Some(group) = &filter.income_group {
            countries = countries.filter(country::Column::IncomeGroup.eq(group.as_str()));
        }
        let codes: Vec<String> = countries.all(db).await?.into_iter().map(|c| c.iso2).collect();
        let org_ids: Vec<i64> = organisation::Entity::find()
            .filter(organisation::Column::CountryIso2.is_in(codes))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        cond = cond.add(need::Column::OrganisationId.is_in(org_ids));
    }
    let select = need::Entity::find().filter(cond);
    let total = select.clone().count(db).await?;
    let page = super::db::existing_page(filter.page, total, PAGE_SIZE);
    let rows = select
        .order_by_desc(need::Column::UpdatedAt)
        .order_by_desc(need::Column::Id)
        .offset(super::db::offset(page, PAGE_SIZE))
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
pub async fn list_own(
    state: &AppState,
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
pub async fn list_all(state: &AppState, filter: &Filter) -> Result<Page<NeedSummary>, ServiceError> {
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
    let organisation = super::organisations::view(db, org).await?;
    let members = super::organisations::members(db, organisation_id).await?;
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
        members,
        needs,
    })
}

/// Open needs of approved organisations (approved volunteers).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless an approved volunteer.
pub async fn list_open(
    state: &AppState,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<Page<NeedSummary>, ServiceError> {
    if !approved_volunteer(&state.db, user).await? {
        return Err(ServiceError::Forbidden);
    }
    let approved: Vec<i64> = organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .select_only()
        .column(organisation::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let filter = Filter {
        status: Some(Status::Open),
        ..filter.clone()
    };
    list_where(
        &state.db,
        Condition::all().add(need::Column::OrganisationId.is_in(approved)),
        &filter,
    )
    .await
}

async fn approved_volunteer<C: ConnectionTrait>(db: &C, user: &CurrentUser) -> Result<bool, ServiceError> {
    if user.role != Role::Volunteer {
        return Ok(false);
    }
    Ok(volunteer::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .is_some_and(|v| v.status == VettingStatus::Approved))
}

/// How much of a need a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visibility {
    /// Everything (a coordinator; audited).
    Coordinator,
    /// Everything (a member of the organisation).
    Member,
    /// The public part only.
    Public,
}

/// One need, with what the viewer may see of it.
///
/// # Errors
/// [`ServiceError::NotFound`] when the viewer may not see it at all.
pub async fn detail(
    state: &AppState,
    actor: &Actor,
    user: &CurrentUser,
    need_id: i64,
) -> Result<NeedDetail, ServiceError> {
    let db = &state.db;
    let need = need::Entity::find_by_id(need_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let org = organisation::Entity::find_by_id(need.organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let visibility = if user.role == Role::Coordinator {
        Visibility::Coordinator
    } else if membership(db, user.id)
        .await?
        .is_some_and(|m| m.organisation_id == need.organisation_id)
    {
        Visibility::Member
    } else if (need.status == Status::Open
        && org.status == VettingStatus::Approved
        && approved_volunteer(db, user).await?)
        || own_engagement(db, user, need.id).await?.is_some()
    {
        Visibility::Public
    } else {
        return Err(ServiceError::NotFound);
    };
    let my_engagement = if user.role == Role::Volunteer {
        own_engagement(db, user, need.id).await?
    } else {
        None
    };
    let category = need_category::Entity::find_by_id(need.category_id)
        .one(db)
        .await?;
    let skills = need_skill::Entity::find()
        .filter(need_skill::Column::NeedId.eq(need.id))
        .all(db)
        .await?;
    let names: HashMap<i64, String> = skill::Entity::find()
        .filter(skill::Column::Id.is_in(skills.iter().map(|s| s.skill_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let confidential = (visibility != Visibility::Public).then(|| ConfidentialPart {
        details: need.confidential_details.clone(),
        authorisation_name: need.authorisation_name.clone(),
        authorisation_role: need.authorisation_role.clone(),
        authorisation_scope: need.authorisation_scope.clone(),
        authorisation_date: date_text(need.authorisation_date),
    });
    if visibility == Visibility::Coordinator {
        let txn = begin_write(db).await?;
        audit::record(
            &txn,
            state.clock.now(),
            actor,
            Action::ConfidentialRead,
            Some(("need", need.id)),
            json!({}),
        )
        .await?;
        txn.commit().await?;
    }
    let member = visibility == Visibility::Member;
    let status = to_domain(need.status);
    let summary = summaries(db, std::slice::from_ref(&need))
        .await?
        .pop()
        .ok_or(ServiceError::NotFound)?;
    Ok(NeedDetail {
        summary,
        organisation_id: need.organisation_id,
        category_id: need.category_id,
        public_summary: need.public_summary.clone(),
        deadline: date_text(need.deadline),
        skills: skills
            .iter()
            .map(|s| SkillRequirement {
                skill_id: s.skill_id,
                name: names.get(&s.skill_id).cloned().unwrap_or_default(),
                min_level: u8::try_from(s.min_level).unwrap_or(1),
                weight: weight_code(s.weight).to_owned(),
            })
            .collect(),
        confidential,
        triage_note: if visibility == Visibility::Public {
            String::new()
        } else {
            need.triage_note.clone()
        },
        editable: member && status == NeedStatus::Draft,
        submittable: member && status == NeedStatus::Draft && org.status == VettingStatus::Approved,
        withdrawable: member && rules::transition(status, NeedAction::Withdraw).is_some(),
        triageable: visibility == Visibility::Coordinator && status == NeedStatus::Submitted,
        requires_authorisation: category.is_some_and(|c| c.requires_authorisation),
        proposable: visibility == Visibility::Coordinator
            && status == NeedStatus::Open
            && org.status == VettingStatus::Approved,
        offerable: user.role == Role::Volunteer
            && status == NeedStatus::Open
            && org.status == VettingStatus::Approved
            && my_engagement.is_none_or(|(_, live)| !live)
            && approved_volunteer(db, user).await?,
        my_engagement: my_engagement.map(|(id, _)| id),
    })
}

/// A volunteer's latest engagement on a need, and whether it is live.
async fn own_engagement<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    need_id: i64,
) -> Result<Option<(i64, bool)>, ServiceError> {
    if user.role != Role::Volunteer {
        return Ok(None);
    }
    Ok(engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(need_id))
        .filter(engagement::Column::VolunteerId.eq(user.id))
        .order_by_desc(engagement::Column::Id)
        .one(db)
        .await?
        .map(|e| (e.id, super::engagements::shared(e.status).is_live())))
}

/// The need as its edit form needs it (members, drafts only).
///
/// # Errors
/// [`ServiceError::NotFound`], [`ServiceError::Conflict`] once submitted.
pub async fn form(state: &AppState, user: &CurrentUser, need_id: i64) -> Result<NeedInput, ServiceError> {
    let need = own_need(&state.db, user, need_id).await?;
    if need.status != Status::Draft {
        return Err(ServiceError::Conflict("only drafts can be edited"));
    }
    let skills = need_skill::Entity::find()
        .filter(need_skill::Column::NeedId.eq(need.id))
        .all(&state.db)
        .await?;
    Ok(NeedInput {
        title: need.title,
        category: need.category_id.to_string(),
        urgency: urgency_code(need.urgency).to_owned(),
        effort_hours: need.effort_hours.to_string(),
        deadline: date_text(need.deadline),
        languages: languages::split(&need.languages)
            .into_iter()
            .map(|l| (l, "on".to_owned()))
            .collect(),
        mode: if need.onsite { "onsite" } else { "remote" }.to_owned(),
        public_summary: need.public_summary,
        confidential_details: need.confidential_details,
        skill_level: skills
            .iter()
            .map(|s| (s.skill_id.to_string(), s.min_level.to_string()))
            .collect(),
        skill_weight: skills
            .iter()
            .map(|s| (s.skill_id.to_string(), weight_code(s.weight).to_owned()))
            .collect(),
        authorisation_name: need.authorisation_name,
        authorisation_role: need.authorisation_role,
        authorisation_scope: need.authorisation_scope,
        authorisation_date: date_text(need.authorisation_date),
    })
}
