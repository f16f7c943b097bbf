//! Threat advisories: coordinators write them; publishing records exactly which
//! approved organisations match the targets (so "who was told" never changes)
//! and tells every member at once, in the app and by mail through the outbox,
//! all in one transaction; members acknowledge them or ask for help; a
//! critical advisory nobody acknowledged is recalled to its members after a
//! day. Indicators export as STIX 2.1 and CSV.

use crate::domain::advisory::{
    AdvisoryForm, AdvisoryInput, AdvisorySummary, AdvisoryView, Indicator, LinkedArticle, OrganisationFacts,
    Reach, TargetRow, Targets, ValidAdvisory, indicators_text, severity_rank,
};
use crate::domain::codes::{
    Acknowledgement, AdvisoryStatus, AuditObject, IndicatorKind, MailMode, MailState, MailTopic,
    NotificationKind, OrganisationKind, Severity,
};
use crate::domain::need::NeedInput;
use crate::infra::{db::begin_write, outbox};
use crate::model::utc;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    deps::Deps,
    guidance::render,
    mail::{preferences, templates},
    organisations::membership,
    standing::{self, Right},
};
use crate::session::CurrentUser;
use crate::validate::Message;
use entity::{
    account::{self, Role},
    advisory, advisory_guidance, advisory_indicator, advisory_target, country, guidance_article, mail_outbox,
    need, need_category, notification, organisation, organisation_member,
    vetting::VettingStatus,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _, sea_query::Expr,
};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::OffsetDateTime;

/// How long a critical advisory may go unacknowledged before its members are
/// reminded.
pub const REMINDER_AFTER: time::Duration = time::Duration::hours(24);

/// Rows per statement in bulk writes (under SQLite's bound-value limit).
const CHUNK: usize = 500;

fn status_of(a: &advisory::Model) -> AdvisoryStatus {
    AdvisoryStatus::parse(&a.status).unwrap_or(AdvisoryStatus::Draft)
}

fn severity_of(a: &advisory::Model) -> Severity {
    Severity::parse(&a.severity).unwrap_or(Severity::Information)
}

fn targets_of(a: &advisory::Model) -> Targets {
    serde_json::from_str(&a.targets).unwrap_or_default()
}

async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<advisory::Model, ServiceError> {
    advisory::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn coordinator(user: &CurrentUser) -> Result<(), ServiceError> {
    if user.role == Role::Coordinator {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The form: a draft's fields, or empty ones; with the choices it offers.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a coordinator; [`ServiceError::NotFound`];
/// [`ServiceError::Conflict`]-like `NotADraft` for one already published.
pub async fn form(state: &Deps, user: &CurrentUser, id: Option<i64>) -> Result<AdvisoryForm, ServiceError> {
    coordinator(user)?;
    let db = &state.db;
    let categories = need_category::Entity::find()
        .order_by_asc(need_category::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let articles = guidance_article::Entity::find()
        .order_by_asc(guidance_article::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.slug, a.title))
        .collect();
    let replaceable = advisory::Entity::find()
        .filter(advisory::Column::Status.eq(AdvisoryStatus::Published.code()))
        .filter(advisory::Column::Id.ne(id.unwrap_or_default()))
        .order_by_desc(advisory::Column::PublishedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.title))
        .collect();
    let input = match id {
        None => AdvisoryInput {
            severity: Severity::High.code().to_owned(),
            ..AdvisoryInput::default()
        },
        Some(id) => {
            let a = find(db, id).await?;
            if status_of(&a) != AdvisoryStatus::Draft {
                return Err(ServiceError::field("id", Message::NotADraft));
            }
            input_of(db, &a).await?
        }
    };
    Ok(AdvisoryForm {
        input,
        categories,
        articles,
        replaceable,
    })
}

/// A stored draft as the form shows it.
async fn input_of<C: ConnectionTrait>(db: &C, a: &advisory::Model) -> Result<AdvisoryInput, ServiceError> {
    let t = targets_of(a);
    let on = |keys: Vec<String>| {
        keys.into_iter()
            .map(|k| (k, "on".to_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    Ok(AdvisoryInput {
        id: a.id,
        title: a.title.clone(),
        severity: a.severity.clone(),
        summary: a.summary.clone(),
        body: a.body.clone(),
        actions: a.actions.clone(),
        indicators: indicators_text(&indicators_of(db, a.id).await?),
        guidance: on(guidance_of(db, a.id).await?.into_iter().map(|g| g.slug).collect()),
        everyone: t.everyone.then(|| "on".to_owned()),
        regions: on(t.regions.into_iter().collect()),
        countries: t.countries.into_iter().collect::<Vec<_>>().join(", "),
        income_groups: on(t.income_groups.into_iter().collect()),
        kinds: on(t.kinds.into_iter().map(|k| k.code().to_owned()).collect()),
        categories: on(t.categories.into_iter().map(|c| c.to_string()).collect()),
        supersedes: a.supersedes.map(|s| s.to_string()).unwrap_or_default(),
    })
}

async fn indicators_of<C: ConnectionTrait>(db: &C, id: i64) -> Result<Vec<Indicator>, ServiceError> {
    Ok(advisory_indicator::Entity::find()
        .filter(advisory_indicator::Column::AdvisoryId.eq(id))
        .order_by_asc(advisory_indicator::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|i| {
            Some(Indicator {
                kind: IndicatorKind::parse(&i.kind)?,
                value: i.value,
            })
        })
        .collect())
}

async fn guidance_of<C: ConnectionTrait>(db: &C, id: i64) -> Result<Vec<LinkedArticle>, ServiceError> {
    let ids: Vec<i64> = advisory_guidance::Entity::find()
        .filter(advisory_guidance::Column::AdvisoryId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.article_id)
        .collect();
    Ok(crate::services::guidance::by_ids(db, ids)
        .await?
        .into_iter()
        .map(|a| LinkedArticle {
            slug: a.slug,
            title: a.title,
        })
        .collect())
}

/// Checks what only the database knows: the countries, categories, guidance
/// and the advisory replaced exist. Returns the guidance article ids.
async fn check_references<C: ConnectionTrait>(
    db: &C,
    valid: &ValidAdvisory,
    id: Option<i64>,
) -> Result<Vec<i64>, ServiceError> {
    let t = &valid.targets;
    if !t.countries.is_empty() {
        let known = country::Entity::find()
            .filter(country::Column::Iso2.is_in(t.countries.iter().cloned()))
            .count(db)
            .await?;
        if known != t.countries.len() as u64 {
            return Err(ServiceError::field("countries", Message::InvalidChoice));
        }
    }
    if !t.categories.is_empty() {
        let known = need_category::Entity::find()
            .filter(need_category::Column::Id.is_in(t.categories.iter().copied()))
            .count(db)
            .await?;
        if known != t.categories.len() as u64 {
            return Err(ServiceError::field("categories", Message::InvalidChoice));
        }
    }
    let articles: Vec<i64> = if valid.guidance.is_empty() {
        Vec::new()
    } else {
        guidance_article::Entity::find()
            .filter(guidance_article::Column::Slug.is_in(valid.guidance.iter().cloned()))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    if articles.len() != valid.guidance.len() {
        return Err(ServiceError::field("guidance", Message::InvalidChoice));
    }
    if let Some(old) = valid.supersedes {
        let ok = old != id.unwrap_or_default()
            && advisory::Entity::find_by_id(old)
                .one(db)
                .await?
                .is_some_and(|a| status_of(&a) == AdvisoryStatus::Published);
        if !ok {
            return Err(ServiceError::field("supersedes", Message::InvalidChoice));
        }
    }
    Ok(articles)
}

/// Saves a draft (new when `input.id` is 0); returns its id.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a coordinator; [`ServiceError::Validation`];
/// `NotADraft` once published.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn save(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    input: &AdvisoryInput,
) -> Result<i64, ServiceError> {
    coordinator(user)?;
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let existing = (input.id != 0).then_some(input.id);
    let articles = check_references(&txn, &valid, existing).await?;
    let targets = serde_json::to_string(&valid.targets).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let id = if let Some(id) = existing {
        let a = find(&txn, id).await?;
        if status_of(&a) != AdvisoryStatus::Draft {
            return Err(ServiceError::field("id", Message::NotADraft));
        }
        let mut active: advisory::ActiveModel = a.into();
        active.title = Set(valid.title.clone());
        active.severity = Set(valid.severity.code().to_owned());
        active.summary = Set(valid.summary.clone());
        active.body = Set(valid.body.clone());
        active.actions = Set(valid.actions.clone());
        active.targets = Set(targets);
        active.supersedes = Set(valid.supersedes);
        active.updated_at = Set(now);
        active.update(&txn).await?;
        advisory_indicator::Entity::delete_many()
            .filter(advisory_indicator::Column::AdvisoryId.eq(id))
            .exec(&txn)
            .await?;
        advisory_guidance::Entity::delete_many()
            .filter(advisory_guidance::Column::AdvisoryId.eq(id))
            .exec(&txn)
            .await?;
        id
    } else {
        advisory::ActiveModel {
            title: Set(valid.title.clone()),
            severity: Set(valid.severity.code().to_owned()),
            summary: Set(valid.summary.clone()),
            body: Set(valid.body.clone()),
            actions: Set(valid.actions.clone()),
            status: Set(AdvisoryStatus::Draft.code().to_owned()),
            targets: Set(targets),
            supersedes: Set(valid.supersedes),
            created_by: Set(Some(user.id)),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(None),
            published_by: Set(None),
            ended_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?
        .id
    };
    for chunk in valid.indicators.chunks(CHUNK) {
        advisory_indicator::Entity::insert_many(chunk.iter().map(|i| advisory_indicator::ActiveModel {
            advisory_id: Set(id),
            kind: Set(i.kind.code().to_owned()),
            value: Set(i.value.clone()),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    if !articles.is_empty() {
        advisory_guidance::Entity::insert_many(articles.iter().map(|a| advisory_guidance::ActiveModel {
            advisory_id: Set(id),
            article_id: Set(*a),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::AdvisorySaved,
        Some((AuditObject::Advisory, id)),
        json!({ "created": existing.is_none(), "indicators": valid.indicators.len() }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The approved organisations an advisory's targets match, evaluated now.
async fn matching_organisations<C: ConnectionTrait>(
    db: &C,
    targets: &Targets,
) -> Result<Vec<organisation::Model>, ServiceError> {
    let countries: HashMap<String, country::Model> = country::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.iso2.clone(), c))
        .collect();
    let mut categories: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    if !targets.categories.is_empty() {
        let pairs: Vec<(i64, i64)> = need::Entity::find()
            .select_only()
            .column(need::Column::OrganisationId)
            .column(need::Column::CategoryId)
            .filter(need::Column::CategoryId.is_in(targets.categories.iter().copied()))
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        for (org, cat) in pairs {
            categories.entry(org).or_default().insert(cat);
        }
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|o| {
            let c = countries.get(&o.country_iso2);
            targets.matches(&OrganisationFacts {
                region: c.map(|c| c.region.clone()).unwrap_or_default(),
                country: o.country_iso2.clone(),
                income_group: c.map(|c| c.income_group.clone()).unwrap_or_default(),
                kind: OrganisationKind::from(o.kind),
                categories: categories.remove(&o.id).unwrap_or_default(),
            })
        })
        .collect())
}

/// The active members of some organisations: (account, organisation id).
async fn members_of<C: ConnectionTrait>(
    db: &C,
    organisations: &[i64],
) -> Result<Vec<(account::Model, i64)>, ServiceError> {
    let mut out = Vec::new();
    for chunk in organisations.chunks(CHUNK) {
        let members: HashMap<i64, i64> = organisation_member::Entity::find()
            .filter(organisation_member::Column::OrganisationId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.account_id, m.organisation_id))
            .collect();
        let ids: Vec<i64> = members.keys().copied().collect();
        for ids in ids.chunks(CHUNK) {
            let people = account::Entity::find()
                .filter(account::Column::Id.is_in(ids.iter().copied()))
                .filter(account::Column::Status.eq(account::Status::Active))
                .all(db)
                .await?;
            out.extend(
                people
                    .into_iter()
                    .filter_map(|p| members.get(&p.id).copied().map(|o| (p, o))),
            );
        }
    }
    out.sort_by_key(|(p, _)| p.id);
    Ok(out)
}

/// Tells the active members of `organisations` of an advisory: a notification
/// each, and a mail to those with a verified address who get advisories at
/// once (critical ones even if they chose the daily digest). Returns the
/// members told and the mails queued.
async fn tell<C: ConnectionTrait>(
    db: &C,
    state: &Deps,
    now: OffsetDateTime,
    a: &advisory::Model,
    organisations: &[organisation::Model],
    kind: NotificationKind,
) -> Result<(usize, usize), ServiceError> {
    let names: HashMap<i64, String> = organisations.iter().map(|o| (o.id, o.name.clone())).collect();
    let ids: Vec<i64> = organisations.iter().map(|o| o.id).collect();
    let members = members_of(db, &ids).await?;
    let subject: String = a.title.chars().take(200).collect();
    for chunk in members.chunks(CHUNK) {
        notification::Entity::insert_many(chunk.iter().map(|(p, _)| notification::ActiveModel {
            account_id: Set(p.id),
            kind: Set(kind.code().to_owned()),
            engagement_id: Set(None),
            need_id: Set(None),
            advisory_id: Set(Some(a.id)),
            subject: Set(subject.clone()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }))
        .exec_without_returning(db)
        .await?;
    }
    let verified: Vec<&(account::Model, i64)> = members
        .iter()
        .filter(|(p, _)| p.email_verified_at.is_some())
        .collect();
    let ids: Vec<i64> = verified.iter().map(|(p, _)| p.id).collect();
    let modes = preferences::modes(db, &ids, MailTopic::Advisories).await?;
    let critical = severity_of(a) == Severity::Critical;
    let site = state.config.public_url.trim_end_matches('/');
    let mails: Vec<outbox::NewMail> = verified
        .into_iter()
        .filter(
            |(p, _)| match modes.get(&p.id).copied().unwrap_or(MailMode::Immediately) {
                MailMode::Immediately => true,
                MailMode::Daily => critical,
                MailMode::Never => false,
            },
        )
        .map(|(p, org)| {
            templates::advisory(
                templates::locale_of(p),
                &p.email,
                &templates::AdvisoryMail {
                    id: a.id,
                    title: &a.title,
                    severity: severity_of(a),
                    summary: &a.summary,
                    actions: &a.actions,
                    organisation: names.get(org).map_or("", String::as_str),
                    name: &p.display_name,
                    link: format!("{site}/advisories/{}", a.id),
                    settings_link: format!("{site}/account/mail"),
                    unsubscribe: preferences::unsubscribe_link(state, p.id, Some(MailTopic::Advisories)),
                    reminder: kind == NotificationKind::AdvisoryReminder,
                },
            )
        })
        .collect();
    let count = mails.len();
    outbox::enqueue_many(db, &state.config.mail, now, mails).await?;
    Ok((members.len(), count))
}

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Organisations told.
    pub organisations: usize,
    /// Member accounts told in the app.
    pub members: usize,
    /// Mails queued.
    pub mails: usize,
}

/// Publishes a draft: records the organisations its targets match now, tells
/// their members, and retires the advisory it supersedes — one transaction.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a coordinator; [`ServiceError::NotFound`];
/// `NotADraft` when already published (a second click, another coordinator).
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn publish(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<Published, ServiceError> {
    coordinator(user)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let a = find(&txn, id).await?;
    // One conditional write decides who publishes: a second attempt changes nothing.
    let claimed = advisory::Entity::update_many()
        .col_expr(
            advisory::Column::Status,
            Expr::value(AdvisoryStatus::Published.code()),
        )
        .col_expr(advisory::Column::PublishedAt, Expr::value(now))
        .col_expr(advisory::Column::PublishedBy, Expr::value(user.id))
        .col_expr(advisory::Column::UpdatedAt, Expr::value(now))
        .filter(advisory::Column::Id.eq(id))
        .filter(advisory::Column::Status.eq(AdvisoryStatus::Draft.code()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ServiceError::field("id", Message::NotADraft));
    }
    let organisations = matching_organisations(&txn, &targets_of(&a)).await?;
    for chunk in organisations.chunks(CHUNK) {
        advisory_target::Entity::insert_many(chunk.iter().map(|o| advisory_target::ActiveModel {
            advisory_id: Set(id),
            organisation_id: Set(o.id),
            acknowledgement: Set(None),
            note: Set(String::new()),
            acknowledged_by: Set(None),
            acknowledged_at: Set(None),
            reminded_at: Set(None),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    let (members, mails) = tell(
        &txn,
        state,
        now,
        &a,
        &organisations,
        NotificationKind::AdvisoryPublished,
    )
    .await?;
    if let Some(old) = a.supersedes {
        let ended = advisory::Entity::update_many()
            .col_expr(
                advisory::Column::Status,
                Expr::value(AdvisoryStatus::Superseded.code()),
            )
            .col_expr(advisory::Column::EndedAt, Expr::value(now))
            .filter(advisory::Column::Id.eq(old))
            .filter(advisory::Column::Status.eq(AdvisoryStatus::Published.code()))
            .exec(&txn)
            .await?;
        if ended.rows_affected == 1 {
            audit::record(
                &txn,
                now,
                actor,
                Action::AdvisorySuperseded,
                Some((AuditObject::Advisory, old)),
                json!({ "by": id }),
            )
            .await?;
        }
    }
    let published = Published {
        organisations: organisations.len(),
        members,
        mails,
    };
    audit::record(
        &txn,
        now,
        actor,
        Action::AdvisoryPublished,
        Some((AuditObject::Advisory, id)),
        json!({
            "severity": a.severity,
            "organisations": published.organisations,
            "members": published.members,
            "mails": published.mails,
        }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        organisations = published.organisations,
        members = published.members,
        mails = published.mails,
        "advisory published"
    );
    Ok(published)
}

/// Withdraws a published advisory (it stays readable, marked withdrawn; no
/// more reminders).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a coordinator; [`ServiceError::NotFound`];
/// `InvalidChoice` unless published.
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn withdraw(state: &Deps, actor: &Actor, user: &CurrentUser, id: i64) -> Result<(), ServiceError> {
    coordinator(user)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    find(&txn, id).await?;
    let ended = advisory::Entity::update_many()
        .col_expr(
            advisory::Column::Status,
            Expr::value(AdvisoryStatus::Withdrawn.code()),
        )
        .col_expr(advisory::Column::EndedAt, Expr::value(now))
        .filter(advisory::Column::Id.eq(id))
        .filter(advisory::Column::Status.eq(AdvisoryStatus::Published.code()))
        .exec(&txn)
        .await?;
    if ended.rows_affected != 1 {
        return Err(ServiceError::field("id", Message::InvalidChoice));
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::AdvisoryWithdrawn,
        Some((AuditObject::Advisory, id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn summary_of(a: &advisory::Model) -> AdvisorySummary {
    AdvisorySummary {
        id: a.id,
        title: a.title.clone(),
        severity: severity_of(a),
        status: status_of(a),
        summary: a.summary.clone(),
        published: a.published_at.map(utc).unwrap_or_default(),
        acknowledged: None,
        reach: None,
    }
}

/// Every advisory (coordinators): drafts first, then newest published.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a coordinator.
pub async fn list_all(state: &Deps, user: &CurrentUser) -> Result<Vec<AdvisorySummary>, ServiceError> {
    coordinator(user)?;
    let db = &state.db;
    let all = advisory::Entity::find()
        .order_by_desc(advisory::Column::UpdatedAt)
        .limit(500)
        .all(db)
        .await?;
    let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
    let rows: Vec<(i64, Option<String>)> = advisory_target::Entity::find()
        .select_only()
        .column(advisory_target::Column::AdvisoryId)
        .column(advisory_target::Column::Acknowledgement)
        .filter(advisory_target::Column::AdvisoryId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let mut reach: HashMap<i64, (u64, u64)> = HashMap::new();
    for (a, ack) in rows {
        let r = reach.entry(a).or_default();
        r.0 += 1;
        r.1 += u64::from(ack.is_some());
    }
    let mut out: Vec<AdvisorySummary> = all
        .iter()
        .map(|a| AdvisorySummary {
            reach: (status_of(a) != AdvisoryStatus::Draft)
                .then(|| reach.get(&a.id).copied().unwrap_or_default()),
            ..summary_of(a)
        })
        .collect();
    out.sort_by_key(|s| {
        (
            s.status != AdvisoryStatus::Draft,
            std::cmp::Reverse(s.published.clone()),
        )
    });
    Ok(out)
}

/// The organisation of a member, if any.
async fn member_organisation<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
) -> Result<Option<i64>, ServiceError> {
    Ok(membership(db, user.id).await?.map(|m| m.organisation_id))
}

/// The advisories sent to the viewer's organisation: those in force first,
/// most severe first, then newest.
///
/// # Errors
/// Database errors; an empty list for anyone not a member.
pub async fn list_mine(state: &Deps, user: &CurrentUser) -> Result<Vec<AdvisorySummary>, ServiceError> {
    let db = &state.db;
    let Some(org) = member_organisation(db, user).await? else {
        return Ok(Vec::new());
    };
    let targets: HashMap<i64, Option<String>> = advisory_target::Entity::find()
        .filter(advisory_target::Column::OrganisationId.eq(org))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.advisory_id, t.acknowledgement))
        .collect();
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let ids: Vec<i64> = targets.keys().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        found.extend(
            advisory::Entity::find()
                .filter(advisory::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    found.sort_by_key(|a| {
        (
            status_of(a) != AdvisoryStatus::Published,
            severity_rank(severity_of(a)),
            std::cmp::Reverse(a.published_at),
        )
    });
    Ok(found
        .iter()
        .map(|a| AdvisorySummary {
            acknowledged: targets
                .get(&a.id)
                .cloned()
                .flatten()
                .and_then(|k| Acknowledgement::parse(&k)),
            ..summary_of(a)
        })
        .collect())
}

/// How the viewer may see an advisory.
enum Viewer {
    Coordinator,
    /// A member of a targeted organisation, with its target row, and whether
    /// the organisation is in standing to act on it.
    Member(advisory_target::Model, bool),
}

/// Who the viewer is to an advisory; `NotFound` for anyone it was not sent to
/// (and for a draft, to all but coordinators).
async fn viewer<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    a: &advisory::Model,
) -> Result<Viewer, ServiceError> {
    if user.role == Role::Coordinator {
        return Ok(Viewer::Coordinator);
    }
    if status_of(a) == AdvisoryStatus::Draft {
        return Err(ServiceError::NotFound);
    }
    let org = member_organisation(db, user)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let target = advisory_target::Entity::find_by_id((a.id, org))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = organisation::Entity::find_by_id(org)
        .one(db)
        .await?
        .map(|o| o.status)
        .ok_or(ServiceError::NotFound)?;
    Ok(Viewer::Member(
        target,
        standing::organisation_allows(status, Right::Act),
    ))
}

/// One advisory, as the viewer may see it.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a coordinator or a member of an
/// organisation it was sent to.
pub async fn view(state: &Deps, user: &CurrentUser, id: i64) -> Result<AdvisoryView, ServiceError> {
    let db = &state.db;
    let a = find(db, id).await?;
    let who = viewer(db, user, &a).await?;
    let superseded_by = advisory::Entity::find()
        .filter(advisory::Column::Supersedes.eq(id))
        .filter(advisory::Column::Status.ne(AdvisoryStatus::Draft.code()))
        .one(db)
        .await?
        .map(|n| n.id);
    let status = status_of(&a);
    let mut summary = summary_of(&a);
    let (note, acknowledgeable) = match &who {
        Viewer::Coordinator => (String::new(), false),
        Viewer::Member(t, stands) => {
            summary.acknowledged = t.acknowledgement.as_deref().and_then(Acknowledgement::parse);
            (t.note.clone(), *stands && status == AdvisoryStatus::Published)
        }
    };
    let reach = match who {
        Viewer::Coordinator if status != AdvisoryStatus::Draft => Some(reach_of(db, id).await?),
        _ => None,
    };
    let coordinator = matches!(who, Viewer::Coordinator);
    Ok(AdvisoryView {
        summary,
        body_html: render(&a.body),
        actions_html: if a.actions.is_empty() {
            String::new()
        } else {
            render(&a.actions)
        },
        indicators: indicators_of(db, id).await?,
        guidance: guidance_of(db, id).await?,
        targets: coordinator.then(|| targets_of(&a)),
        superseded_by,
        supersedes: a.supersedes,
        note,
        acknowledgeable,
        reach,
        editable: coordinator && status == AdvisoryStatus::Draft,
        withdrawable: coordinator && status == AdvisoryStatus::Published,
    })
}

/// Who an advisory reached.
async fn reach_of<C: ConnectionTrait>(db: &C, id: i64) -> Result<Reach, ServiceError> {
    let targets = advisory_target::Entity::find()
        .filter(advisory_target::Column::AdvisoryId.eq(id))
        .all(db)
        .await?;
    let mut names: HashMap<i64, (String, String)> = HashMap::new();
    let ids: Vec<i64> = targets.iter().map(|t| t.organisation_id).collect();
    for chunk in ids.chunks(CHUNK) {
        for o in organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            names.insert(o.id, (o.name, o.country_iso2));
        }
    }
    let members = notification::Entity::find()
        .filter(notification::Column::AdvisoryId.eq(id))
        .filter(notification::Column::Kind.eq(NotificationKind::AdvisoryPublished.code()))
        .count(db)
        .await?;
    let states: Vec<(String, i64)> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::State)
        .column_as(mail_outbox::Column::Id.count(), "n")
        .filter(mail_outbox::Column::AdvisoryId.eq(id))
        .group_by(mail_outbox::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut reach = Reach {
        organisations: targets.len() as u64,
        members,
        ..Reach::default()
    };
    for (state, n) in states {
        let n = u64::try_from(n).unwrap_or_default();
        match MailState::parse(&state) {
            Some(MailState::Sent) => reach.mails_sent += n,
            Some(MailState::Dead) => reach.mails_failed += n,
            _ => reach.mails_pending += n,
        }
    }
    for t in targets {
        let ack = t.acknowledgement.as_deref().and_then(Acknowledgement::parse);
        match ack {
            Some(Acknowledgement::Read) => reach.read += 1,
            Some(Acknowledgement::Acted) => reach.acted += 1,
            None => {}
        }
        reach.reminded += u64::from(t.reminded_at.is_some());
        let (name, country) = names.remove(&t.organisation_id).unwrap_or_default();
        reach.targets.push(TargetRow {
            organisation_id: t.organisation_id,
            name,
            country,
            acknowledged: ack,
            note: t.note,
            at: t.acknowledged_at.map(utc).unwrap_or_default(),
            reminded: t.reminded_at.map(utc).unwrap_or_default(),
        });
    }
    reach
        .targets
        .sort_by(|a, b| (a.acknowledged.is_some(), &a.name).cmp(&(b.acknowledged.is_some(), &b.name)));
    Ok(reach)
}

/// Longest acknowledgement note.
pub const NOTE_MAX: usize = 2_000;

/// Records how the viewer's organisation acknowledged an advisory (a later
/// acknowledgement replaces an earlier one: "read", then "acted on").
///
/// # Errors
/// [`ServiceError::NotFound`] unless it was sent to the viewer's organisation;
/// [`ServiceError::Forbidden`] for an organisation not in standing or an
/// advisory no longer in force; [`ServiceError::Validation`].
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn acknowledge(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    how: &str,
    note: &str,
) -> Result<(), ServiceError> {
    let how = Acknowledgement::parse(how.trim())
        .ok_or_else(|| ServiceError::field("acknowledgement", Message::InvalidChoice))?;
    let note = crate::domain::organisation::optional_text(note, NOTE_MAX, true)
        .map_err(|m| ServiceError::field("note", m))?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let a = find(&txn, id).await?;
    let Viewer::Member(target, stands) = viewer(&txn, user, &a).await? else {
        return Err(ServiceError::Forbidden);
    };
    if !stands || status_of(&a) != AdvisoryStatus::Published {
        return Err(ServiceError::Forbidden);
    }
    let mut active: advisory_target::ActiveModel = target.into();
    active.acknowledgement = Set(Some(how.code().to_owned()));
    active.note = Set(note);
    active.acknowledged_by = Set(Some(user.id));
    active.acknowledged_at = Set(Some(now));
    let target = active.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::AdvisoryAcknowledged,
        Some((AuditObject::Advisory, id)),
        json!({ "organisation": target.organisation_id, "acknowledgement": how.code() }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A new need's form, filled from an advisory ("we need help with this"): its
/// title, summary, the first need category it targets, an urgency from its
/// severity. Nothing is saved until the member saves the draft.
///
/// # Errors
/// As [`view`]; [`ServiceError::Forbidden`] when the organisation may not
/// draft needs.
pub async fn need_draft(state: &Deps, user: &CurrentUser, id: i64) -> Result<NeedInput, ServiceError> {
    let db = &state.db;
    let a = find(db, id).await?;
    let Viewer::Member(target, _) = viewer(db, user, &a).await? else {
        return Err(ServiceError::Forbidden);
    };
    standing::organisation(db, target.organisation_id, Right::Prepare).await?;
    let urgency = match severity_of(&a) {
        Severity::Critical => "critical",
        Severity::High => "high",
        _ => "normal",
    };
    let title: String = format!("Help with: {}", a.title).chars().take(200).collect();
    Ok(NeedInput {
        title,
        category: targets_of(&a)
            .categories
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        urgency: urgency.to_owned(),
        mode: "remote".to_owned(),
        public_summary: format!(
            "{}\n\n{}/advisories/{id}",
            a.summary,
            state.config.public_url.trim_end_matches('/')
        ),
        ..NeedInput::default()
    })
}

/// Reminds the members of every targeted organisation in standing that has
/// not acknowledged a critical advisory published more than a day ago, once.
/// Returns the number of organisations reminded.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn remind_due(state: &Deps, now: OffsetDateTime) -> Result<u64, ServiceError> {
    let due = advisory::Entity::find()
        .filter(advisory::Column::Status.eq(AdvisoryStatus::Published.code()))
        .filter(advisory::Column::Severity.eq(Severity::Critical.code()))
        .filter(advisory::Column::PublishedAt.lte(now - REMINDER_AFTER))
        .all(&state.db)
        .await?;
    let mut reminded = 0;
    for a in due {
        let txn = begin_write(&state.db).await?;
        let waiting: Vec<i64> = advisory_target::Entity::find()
            .select_only()
            .column(advisory_target::Column::OrganisationId)
            .filter(advisory_target::Column::AdvisoryId.eq(a.id))
            .filter(advisory_target::Column::Acknowledgement.is_null())
            .filter(advisory_target::Column::RemindedAt.is_null())
            .into_tuple()
            .all(&txn)
            .await?;
        if waiting.is_empty() {
            continue;
        }
        let mut organisations = Vec::new();
        for chunk in waiting.chunks(CHUNK) {
            organisations.extend(
                organisation::Entity::find()
                    .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                    .filter(organisation::Column::Status.eq(VettingStatus::Approved))
                    .all(&txn)
                    .await?,
            );
        }
        // Each organisation once, even with several instances running this.
        let mut claimed = Vec::new();
        for o in organisations {
            let r = advisory_target::Entity::update_many()
                .col_expr(advisory_target::Column::RemindedAt, Expr::value(now))
                .filter(advisory_target::Column::AdvisoryId.eq(a.id))
                .filter(advisory_target::Column::OrganisationId.eq(o.id))
                .filter(advisory_target::Column::RemindedAt.is_null())
                .filter(advisory_target::Column::Acknowledgement.is_null())
                .exec(&txn)
                .await?;
            if r.rows_affected == 1 {
                claimed.push(o);
            }
        }
        let (members, mails) =
            tell(&txn, state, now, &a, &claimed, NotificationKind::AdvisoryReminder).await?;
        audit::record(
            &txn,
            now,
            &Actor {
                account_id: None,
                address: None,
            },
            Action::AdvisoryReminded,
            Some((AuditObject::Advisory, a.id)),
            json!({ "organisations": claimed.len(), "members": members, "mails": mails }),
        )
        .await?;
        txn.commit().await?;
        reminded += claimed.len() as u64;
    }
    Ok(reminded)
}

/// An export of an advisory's indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A STIX 2.1 bundle (JSON).
    Stix,
    /// CSV (RFC 4180).
    Csv,
}

/// An advisory's indicators as a file: (file name, content type, body). Audited.
///
/// # Errors
/// As [`view`]; [`ServiceError::NotFound`] for an advisory without indicators.
pub async fn export(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
    format: Format,
) -> Result<(String, &'static str, String), ServiceError> {
    let db = &state.db;
    let a = find(db, id).await?;
    viewer(db, user, &a).await?;
    let indicators = indicators_of(db, id).await?;
    if indicators.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let now = state.clock.now();
    let out = match format {
        Format::Stix => (
            format!("frontline-advisory-{id}.stix.json"),
            "application/stix+json;version=2.1",
            stix_bundle(&a, &indicators, now),
        ),
        Format::Csv => (
            format!("frontline-advisory-{id}-indicators.csv"),
            "text/csv; charset=utf-8",
            indicators_csv(&a, &indicators)?,
        ),
    };
    let txn = begin_write(db).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::AdvisoryExported,
        Some((AuditObject::Advisory, id)),
        json!({ "format": if format == Format::Stix { "stix" } else { "csv" }, "indicators": indicators.len() }),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// A STIX timestamp: RFC 3339 in UTC with milliseconds.
fn stix_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// A stable identifier: the same object gets the same id in every export, so
/// tools that import twice do not duplicate it (a version-4-shaped UUID from a
/// hash of what it names).
fn stix_id(kind: &str, name: &str) -> String {
    use sha2::{Digest as _, Sha256};
    let hash = Sha256::digest(format!("frontline:{kind}:{name}").as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    format!("{kind}--{}", uuid::Builder::from_random_bytes(bytes).into_uuid())
}

/// A string inside a STIX pattern: quotes and backslashes escaped.
fn pattern_string(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The STIX pattern of an indicator.
#[must_use]
pub fn stix_pattern(i: &Indicator) -> String {
    let v = pattern_string(&i.value);
    match i.kind {
        IndicatorKind::Domain => format!("[domain-name:value = '{v}']"),
        IndicatorKind::Url => format!("[url:value = '{v}']"),
        IndicatorKind::Ipv4 => format!("[ipv4-addr:value = '{v}']"),
        IndicatorKind::Ipv6 => format!("[ipv6-addr:value = '{v}']"),
        IndicatorKind::Md5 => format!("[file:hashes.MD5 = '{v}']"),
        IndicatorKind::Sha1 => format!("[file:hashes.'SHA-1' = '{v}']"),
        IndicatorKind::Sha256 => format!("[file:hashes.'SHA-256' = '{v}']"),
    }
}

/// The indicators as a STIX 2.1 bundle: the programme's identity, one
/// indicator each, and a report that names the advisory and refers to them.
fn stix_bundle(a: &advisory::Model, indicators: &[Indicator], now: OffsetDateTime) -> String {
    let created = stix_time(a.published_at.unwrap_or(a.created_at));
    let modified = stix_time(a.updated_at.max(a.published_at.unwrap_or(a.updated_at)));
    let identity = stix_id("identity", "programme");
    let mut objects = vec![json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity,
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "Frontline",
        "identity_class": "organization",
        "sectors": ["healthcare"],
    })];
    let mut refs = Vec::new();
    for i in indicators {
        let id = stix_id("indicator", &format!("{}:{}:{}", a.id, i.kind, i.value));
        refs.push(id.clone());
        let mut o = json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": id,
            "created_by_ref": identity,
            "created": created,
            "modified": modified,
            "name": format!("{}: {}", i.kind, i.value),
            "description": a.title,
            "indicator_types": ["malicious-activity"],
            "pattern": stix_pattern(i),
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": created,
        });
        if let (Some(ended), Some(map)) = (a.ended_at, o.as_object_mut()) {
            map.insert("valid_until".into(), json!(stix_time(ended)));
            map.insert("revoked".into(), json!(status_of(a) == AdvisoryStatus::Withdrawn));
        }
        objects.push(o);
    }
    objects.push(json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", &a.id.to_string()),
        "created_by_ref": identity,
        "created": created,
        "modified": modified,
        "name": a.title,
        "description": a.summary,
        "report_types": ["threat-report"],
        "published": created,
        "object_refs": refs,
        "labels": [format!("severity:{}", a.severity)],
    }));
    let bundle = json!({
        "type": "bundle",
        "id": stix_id("bundle", &format!("{}:{}", a.id, stix_time(now))),
        "objects": objects,
    });
    serde_json::to_string_pretty(&bundle).unwrap_or_default()
}

/// A cell that a spreadsheet would run as a formula gets a leading `'`.
#[must_use]
pub fn neutralise_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The indicators as CSV: type, value, advisory, severity, published.
fn indicators_csv(a: &advisory::Model, indicators: &[Indicator]) -> Result<String, ServiceError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let published = a.published_at.map(stix_time).unwrap_or_default();
    let fail = |e: csv::Error| ServiceError::Internal(e.to_string());
    w.write_record([
        "type",
        "value",
        "advisory_id",
        "advisory",
        "severity",
        "published",
    ])
    .map_err(fail)?;
    for i in indicators {
        let row = [
            i.kind.code().to_owned(),
            i.value.clone(),
            a.id.to_string(),
            a.title.clone(),
            a.severity.clone(),
            published.clone(),
        ];
        w.write_record(row.iter().map(|c| neutralise_formula(c)))
            .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_what_would_break_them() {
        let i = Indicator {
            kind: IndicatorKind::Url,
            value: "http://x.example/a'b\\c".into(),
        };
        assert_eq!(stix_pattern(&i), "[url:value = 'http://x.example/a\\'b\\\\c']");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise_formula(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise_formula("evil.example"), "evil.example");
    }

    #[test]
    fn ids_are_stable_and_shaped_as_uuids() {
        let a = stix_id("indicator", "1:domain:x.example");
        assert_eq!(a, stix_id("indicator", "1:domain:x.example"));
        assert_ne!(a, stix_id("indicator", "2:domain:x.example"));
        let uuid = a.strip_prefix("indicator--").unwrap_or_default();
        assert_eq!(
            uuid::Uuid::parse_str(uuid).map(|u| u.get_version_num()).ok(),
            Some(4)
        );
    }
}
