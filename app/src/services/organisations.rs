//! Organisations: registration, profile, members and invitations, and the
//! emerging-economy priority override (vetting is in `vetting`).

use super::{
    ServiceError,
    audit::{self, Action, Actor},
    standing::{self, Right},
};
use crate::domain::codes::AuditObject;
use crate::i18n::Locale;
use crate::infra::{db::begin_write, tokens};
use crate::session::CurrentUser;
use crate::{
    domain::{
        languages,
        organisation::{OrganisationInput, ValidOrganisation, text},
        priority,
        views::{
            MemberView, MyOrganisation, OrganisationTriage, OrganisationView, Page, TriagedOrganisation,
        },
    },
    model::utc,
    services::deps::Deps,
    validate::Message,
};
use entity::{
    account::{self, Role},
    country, invitation, organisation, organisation_member as member,
    vetting::VettingStatus,
};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
    sea_query::{Expr, ExprTrait as _, Func},
};
use serde_json::json;
use std::time::Duration;

/// How long an invitation link stays valid.
pub const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// Organisations per page in the coordinators' list.
pub const PAGE_SIZE: u64 = 50;

/// The membership of an account, if any.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn membership<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Option<member::Model>, ServiceError> {
    Ok(member::Entity::find_by_id(account_id).one(db).await?)
}

/// The organisation as shown to members and coordinators.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn view<C: ConnectionTrait>(
    db: &C,
    org: organisation::Model,
) -> Result<OrganisationView, ServiceError> {
    let country = country::Entity::find_by_id(org.country_iso2.clone())
        .one(db)
        .await?;
    let (country_name, income_group) = country.map(|c| (c.name, c.income_group)).unwrap_or_default();
    Ok(OrganisationView {
        id: org.id,
        name: org.name,
        kind: org.kind.into(),
        country: org.country_iso2,
        country_name,
        city: org.city,
        size: org.size.into(),
        languages: languages::split(&org.languages),
        website: org.website,
        contact_name: org.contact_name,
        contact_email: org.contact_email,
        contact_phone: org.contact_phone,
        status: org.status.into(),
        vetting_note: org.vetting_note,
        income_group,
        created: utc(org.created_at),
    })
}

/// The organisation as coordinators see it: with how the matcher ranks it.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn triaged<C: ConnectionTrait>(
    db: &C,
    org: organisation::Model,
) -> Result<TriagedOrganisation, ServiceError> {
    let priority_override = org.priority_override;
    let priority_override_reason = org.priority_override_reason.clone();
    let organisation = view(db, org).await?;
    Ok(TriagedOrganisation {
        triage: OrganisationTriage {
            priority: priority::effective(&organisation.income_group, priority_override),
            priority_override: priority_override.and_then(|p| u8::try_from(p).ok()),
            priority_override_reason,
        },
        organisation,
    })
}

async fn check_country<C: ConnectionTrait>(db: &C, valid: &ValidOrganisation) -> Result<(), ServiceError> {
    if country::Entity::find_by_id(valid.country.clone())
        .one(db)
        .await?
        .is_none()
    {
        return Err(ServiceError::field("country", Message::InvalidChoice));
    }
    Ok(())
}

/// Registers an organisation; the registering member becomes its administrator.
/// It stays pending until a coordinator approves it.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless an organisation member without an
/// organisation; [`ServiceError::Validation`]; database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn create(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    input: &OrganisationInput,
) -> Result<i64, ServiceError> {
    if user.role != Role::OrganisationMember {
        return Err(ServiceError::Forbidden);
    }
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    if membership(&txn, user.id).await?.is_some() {
        return Err(ServiceError::Conflict("already a member of an organisation"));
    }
    check_country(&txn, &valid).await?;
    let org = organisation::ActiveModel {
        name: Set(valid.name),
        kind: Set(valid.kind.into()),
        country_iso2: Set(valid.country),
        city: Set(valid.city),
        size: Set(valid.size.into()),
        languages: Set(valid.languages.join(",")),
        website: Set(valid.website),
        contact_name: Set(valid.contact_name),
        contact_email: Set(valid.contact_email),
        contact_phone: Set(valid.contact_phone),
        status: Set(VettingStatus::Pending),
        vetting_note: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    member::ActiveModel {
        account_id: Set(user.id),
        organisation_id: Set(org.id),
        is_admin: Set(true),
        joined_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::OrganisationCreated,
        Some((AuditObject::Organisation, org.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(org.id)
}

/// The administrator's organisation, for editing.
async fn administered<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
) -> Result<organisation::Model, ServiceError> {
    let m = membership(db, user.id).await?.ok_or(ServiceError::Forbidden)?;
    if !m.is_admin {
        return Err(ServiceError::Forbidden);
    }
    organisation::Entity::find_by_id(m.organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Updates the organisation's profile (its administrators only).
///
/// # Errors
/// [`ServiceError::Forbidden`]; [`ServiceError::Validation`]; database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn update(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    input: &OrganisationInput,
) -> Result<(), ServiceError> {
    let valid = input.validate().map_err(ServiceError::Validation)?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let org = administered(&txn, user).await?;
    check_country(&txn, &valid).await?;
    let id = org.id;
    let mut active: organisation::ActiveModel = org.into();
    active.name = Set(valid.name);
    active.kind = Set(valid.kind.into());
    active.country_iso2 = Set(valid.country);
    active.city = Set(valid.city);
    active.size = Set(valid.size.into());
    active.languages = Set(valid.languages.join(","));
    active.website = Set(valid.website);
    active.contact_name = Set(valid.contact_name);
    active.contact_email = Set(valid.contact_email);
    active.contact_phone = Set(valid.contact_phone);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::OrganisationUpdated,
        Some((AuditObject::Organisation, id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The members of an organisation.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(organisation_id = organisation_id))]
pub async fn members<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Vec<MemberView>, ServiceError> {
    let rows = member::Entity::find()
        .filter(member::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for m in rows {
        if let Some(a) = account::Entity::find_by_id(m.account_id).one(db).await? {
            out.push(MemberView {
                account_id: a.id,
                display_name: a.display_name,
                email_verified: a.email_verified_at.is_some(),
                email: a.email,
                is_admin: m.is_admin,
            });
        }
    }
    out.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    Ok(out)
}

/// Creates a single-use invitation link (administrators of an organisation
/// that is pending or approved); returns the URL. With an address (`email`
/// not blank), the link is also mailed there, queued with the invitation;
/// returns the link and the (normalised) address it was mailed to.
///
/// # Errors
/// [`ServiceError::Forbidden`] (not an administrator, organisation suspended or
/// rejected); [`ServiceError::Validation`] (`email`); database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn invite(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    email: &str,
) -> Result<(String, Option<String>), ServiceError> {
    let email = if email.trim().is_empty() {
        None
    } else {
        Some(crate::validate::email(email).map_err(|m| ServiceError::field("email", m))?)
    };
    let now = state.clock.now();
    let token = tokens::random_token();
    let txn = begin_write(&state.db).await?;
    let org = administered(&txn, user).await?;
    standing::organisation(&txn, org.id, Right::Prepare).await?;
    invitation::ActiveModel {
        organisation_id: Set(org.id),
        token_hash: Set(tokens::hash(&token)),
        created_by: Set(user.id),
        created_at: Set(now),
        expires_at: Set(now + INVITATION_LIFETIME),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::InvitationCreated,
        Some((AuditObject::Organisation, org.id)),
        json!({ "mailed": email.is_some() }),
    )
    .await?;
    let link = format!("{}/invite/{token}", state.config.public_url.trim_end_matches('/'));
    if let Some(email) = &email {
        // The invited person has no account yet: the mail is in the language
        // of the member who invites them.
        let inviter = account::Entity::find_by_id(user.id).one(&txn).await?;
        let locale = inviter
            .as_ref()
            .map_or(Locale::en, crate::services::mail::templates::locale_of);
        let inviter = inviter.map(|a| a.display_name).unwrap_or_default();
        let mail = crate::services::mail::templates::invitation(
            locale,
            email,
            &inviter,
            &org.name,
            &link,
            INVITATION_LIFETIME.as_secs() / 86_400,
        );
        crate::infra::outbox::enqueue(&txn, &state.config.mail, now, mail).await?;
    }
    txn.commit().await?;
    Ok((link, email))
}

async fn live_invitation<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: time::OffsetDateTime,
) -> Result<(invitation::Model, organisation::Model), ServiceError> {
    let inv = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(tokens::hash(token)))
        .one(db)
        .await?
        .filter(|i| i.used_at.is_none() && i.expires_at > now)
        .ok_or(ServiceError::NotFound)?;
    let org = organisation::Entity::find_by_id(inv.organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((inv, org))
}

/// The organisation an invitation link is for, if the link is alive.
///
/// # Errors
/// [`ServiceError::NotFound`] for a dead link.
#[tracing::instrument(skip_all)]
pub async fn invitation_for(state: &Deps, token: &str) -> Result<String, ServiceError> {
    Ok(live_invitation(&state.db, token, state.clock.now()).await?.1.name)
}

/// Joins the organisation behind an invitation (once).
///
/// # Errors
/// [`ServiceError::NotFound`] for a dead link; [`ServiceError::Forbidden`] unless
/// an organisation member without an organisation, or when the organisation was
/// suspended or rejected.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn accept_invitation(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    token: &str,
) -> Result<(), ServiceError> {
    if user.role != Role::OrganisationMember {
        return Err(ServiceError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let (inv, org) = live_invitation(&txn, token, now).await?;
    standing::organisation(&txn, org.id, Right::Prepare).await?;
    if membership(&txn, user.id).await?.is_some() {
        return Err(ServiceError::Conflict("already a member of an organisation"));
    }
    let spent = invitation::Entity::update_many()
        .col_expr(invitation::Column::UsedAt, Expr::value(now))
        .col_expr(invitation::Column::UsedBy, Expr::value(user.id))
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(ServiceError::NotFound);
    }
    member::ActiveModel {
        account_id: Set(user.id),
        organisation_id: Set(org.id),
        is_admin: Set(false),
        joined_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::InvitationAccepted,
        Some((AuditObject::Organisation, org.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Organisations for the coordinators' queue.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    status: Option<crate::domain::codes::VettingStatus>,
    search: Option<&str>,
    page: u64,
) -> Result<Page<TriagedOrganisation>, ServiceError> {
    let mut select = organisation::Entity::find();
    if let Some(status) = status {
        select = select.filter(organisation::Column::Status.eq(VettingStatus::from(status)));
    }
    if let Some(pattern) = crate::infra::db::contains_pattern(search) {
        select = select.filter(Expr::expr(Func::lower(Expr::col(organisation::Column::Name))).like(pattern));
    }
    let total = select.clone().count(db).await?;
    let page = crate::infra::db::existing_page(page, total, PAGE_SIZE);
    let rows = select
        .order_by_asc(organisation::Column::CreatedAt)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for org in rows {
        views.push(triaged(db, org).await?);
    }
    Ok(Page {
        rows: views,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// The user's organisation with its members, or `None` before they registered one.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip(db))]
pub async fn mine<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Option<MyOrganisation>, ServiceError> {
    let Some(m) = membership(db, account_id).await? else {
        return Ok(None);
    };
    let org = organisation::Entity::find_by_id(m.organisation_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(Some(MyOrganisation {
        organisation: view(db, org).await?,
        members: members(db, m.organisation_id).await?,
        is_admin: m.is_admin,
    }))
}

/// Sets (or clears, with `None`) a coordinator's override of the priority, with
/// a reason (required when setting).
///
/// # Errors
/// [`ServiceError::Validation`]; [`ServiceError::NotFound`].
#[tracing::instrument(skip_all, fields(organisation_id = organisation_id))]
pub async fn override_priority(
    state: &Deps,
    actor: &Actor,
    organisation_id: i64,
    priority: Option<u8>,
    reason: &str,
) -> Result<(), ServiceError> {
    let reason = match priority {
        Some(p) if p > 3 => return Err(ServiceError::field("priority", Message::InvalidChoice)),
        Some(_) => Some(text(reason, 1000, true).map_err(|m| ServiceError::field("reason", m))?),
        None => None,
    };
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let org = organisation::Entity::find_by_id(organisation_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut active: organisation::ActiveModel = org.into();
    active.priority_override = Set(priority.map(i16::from));
    active.priority_override_reason = Set(reason.clone());
    active.updated_at = Set(now);
    active.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::PriorityOverridden,
        Some((AuditObject::Organisation, organisation_id)),
        json!({ "priority": priority, "reason": reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
