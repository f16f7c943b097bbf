//! Accounts: registration, password changes and what coordinators do to accounts.

use super::{
    ServiceError,
    audit::{self, Action, Actor},
    auth,
};
use crate::domain::codes::AuditObject;
use crate::domain::views::{AccountPage, AccountRow};
use crate::i18n::Locale;
use crate::infra::{
    db::begin_write,
    outbox,
    passwords::check_new_password,
    session_store,
    throttle::{self, Key},
};
use crate::session::{Client, CurrentUser};
use crate::{
    services::{deps::Deps, mail::templates},
    validate::{self, FieldError, Message},
};
use entity::account::{self, Role, Status};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
    sea_query::{Expr, ExprTrait as _, Func},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

/// A registration as typed into the form.
#[derive(Debug)]
pub struct Registration {
    /// Email address.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Password.
    pub password: SecretString,
    /// Organisation member or volunteer (never coordinator).
    pub role: Role,
    /// The language the page was in: the account's mail comes in it.
    pub locale: Option<Locale>,
}

/// Validates every field at once (all errors, not just the first); a password
/// only when the account gets one now.
fn validate_new_account(
    email: &str,
    name: &str,
    password: Option<&str>,
) -> Result<(String, String), ServiceError> {
    let mut errors = Vec::new();
    let email = validate::email(email)
        .map_err(|m| errors.push(FieldError::new("email", m)))
        .ok();
    let name = validate::display_name(name)
        .map_err(|m| errors.push(FieldError::new("display_name", m)))
        .ok();
    let context = [
        email.as_deref().unwrap_or_default(),
        name.as_deref().unwrap_or_default(),
    ];
    if let Some(Err(m)) = password.map(|p| check_new_password(p, &context)) {
        errors.push(FieldError::new("password", m));
    }
    match (email, name) {
        (Some(email), Some(name)) if errors.is_empty() => Ok((email, name)),
        _ => Err(ServiceError::Validation(errors)),
    }
}

/// Inserts an account in `db` (a transaction) and audits it.
async fn insert_account<C: ConnectionTrait>(
    db: &C,
    now: time::OffsetDateTime,
    actor: &Actor,
    email: String,
    display_name: String,
    password_hash: String,
    role: Role,
) -> Result<account::Model, ServiceError> {
    let inserted = account::ActiveModel {
        email: Set(email),
        display_name: Set(display_name),
        role: Set(role),
        status: Set(Status::Active),
        password_hash: Set(password_hash),
        password_changed_at: Set(now),
        failed_sign_ins: Set(0),
        last_failed_sign_in_at: Set(None),
        // Coordinators are not vetted; one created with a password (from the
        // command line) has its address vouched for by the operator.
        email_verified_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    let account = match inserted {
        Ok(account) => account,
        Err(e) if crate::infra::db::is_unique_violation(&e) => {
            return Err(ServiceError::field("email", Message::EmailTaken));
        }
        Err(e) => return Err(e.into()),
    };
    let actor = Actor {
        account_id: actor.account_id.or(Some(account.id)),
        address: actor.address.clone(),
    };
    audit::record(
        db,
        now,
        &actor,
        Action::AccountCreated,
        Some((AuditObject::Account, account.id)),
        json!({ "role": account.role }),
    )
    .await?;
    Ok(account)
}

/// Registrations one address may make before waits begin (a hospital's staff
/// may register together from behind one address).
pub const REGISTRATIONS_PER_ADDRESS: i32 = 30;

/// Registers an organisation member or a volunteer. Does not sign in: the
/// answer is the same whether or not the address already has an account (so
/// registration cannot tell anyone which addresses do); the new user signs in
/// next. For a taken address nothing changes and the attempt is audited.
/// Registrations are throttled per client address.
///
/// # Errors
/// [`ServiceError::Validation`] (never for a taken email);
/// [`ServiceError::RateLimited`]; database errors.
#[tracing::instrument(skip_all)]
pub async fn register(state: &Deps, client: &Client, input: Registration) -> Result<(), ServiceError> {
    if input.role == Role::Coordinator {
        return Err(ServiceError::field("role", Message::InvalidChoice));
    }
    let (email, name) = validate_new_account(
        &input.email,
        &input.display_name,
        Some(input.password.expose_secret()),
    )?;
    let now = state.clock.now();
    let key = Key {
        name: format!("register:address:{}", client.address),
        free: REGISTRATIONS_PER_ADDRESS,
    };
    // Every registration counts, successful or not: the attempt is kept.
    throttle::reserve(&state.db, &[key], now).await?.failed();
    // The hash is computed either way, so both answers take as long.
    let hash = state.passwords.hash(input.password).await?;
    let txn = begin_write(&state.db).await?;
    match insert_account(&txn, now, &Actor::of(client, None), email, name, hash, input.role).await {
        // The verification link goes out with the registration, or not at all.
        Ok(mut account) => {
            if let Some(locale) = input.locale {
                set_locale(&txn, account.id, locale).await?;
                account.locale = Some(leptos_i18n::Locale::as_str(locale).to_owned());
            }
            super::verification::send(&txn, state, now, &account).await?;
        }
        Err(ServiceError::Validation(errors)) if errors.iter().any(|e| e.message == Message::EmailTaken) => {
            txn.rollback().await?;
            // The page says nothing; the address's owner is told by mail, in
            // the transaction that records the attempt.
            let txn = begin_write(&state.db).await?;
            let existing = account::Entity::find()
                .filter(account::Column::Email.eq(validate::email(&input.email).unwrap_or_default()))
                .one(&txn)
                .await?;
            // One notice an hour at most, whoever tries and from wherever: the
            // owner's mailbox cannot be flooded through this form.
            let notice_due = match &existing {
                Some(existing) => {
                    !registration_repeated_since(&txn, existing.id, now - REPEATED_NOTICE_GAP).await?
                }
                None => false,
            };
            audit::record(
                &txn,
                now,
                &Actor::of(client, None),
                Action::RegistrationRepeated,
                existing.as_ref().map(|a| (AuditObject::Account, a.id)),
                json!({ "role": input.role }),
            )
            .await?;
            if let Some(existing) = existing.filter(|_| notice_due) {
                let mail = templates::registration_repeated(
                    templates::locale_of(&existing),
                    &existing.email,
                    &state.config.public_url,
                );
                outbox::enqueue(&txn, &state.config.mail, now, mail).await?;
            }
            txn.commit().await?;
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    txn.commit().await?;
    Ok(())
}

/// Remembers the language the account reads Frontline in (its mail comes in
/// it; a sign-in on another device brings it along).
///
/// # Errors
/// Database errors.
pub async fn set_locale<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    locale: Locale,
) -> Result<(), ServiceError> {
    account::Entity::update_many()
        .col_expr(
            account::Column::Locale,
            Expr::value(leptos_i18n::Locale::as_str(locale)),
        )
        .filter(account::Column::Id.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The language the account chose, if it chose one.
///
/// # Errors
/// Database errors.
pub async fn locale<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Option<Locale>, ServiceError> {
    Ok(account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .and_then(|a| a.locale)
        .and_then(|l| l.parse().ok()))
}

/// The least time between two "someone tried to register with your address"
/// notices to one account.
const REPEATED_NOTICE_GAP: time::Duration = time::Duration::hours(1);

/// Whether someone tried to register with this account's address since `since`
/// (the audit log keeps each attempt, by the object index).
async fn registration_repeated_since<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    since: time::OffsetDateTime,
) -> Result<bool, ServiceError> {
    Ok(entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ObjectType.eq(AuditObject::Account.code()))
        .filter(entity::audit_log::Column::ObjectId.eq(account_id))
        .filter(entity::audit_log::Column::Action.eq(Action::RegistrationRepeated.as_str()))
        .filter(entity::audit_log::Column::At.gt(since))
        .count(db)
        .await?
        > 0)
}

/// Creates a coordinator (from the command line, or by another coordinator).
///
/// # Errors
/// [`ServiceError::Validation`]; database errors.
#[tracing::instrument(skip_all)]
pub async fn create_coordinator(
    state: &Deps,
    actor: &Actor,
    email: &str,
    display_name: &str,
    password: SecretString,
) -> Result<account::Model, ServiceError> {
    new_coordinator(state, actor, email, display_name, Some(password)).await
}

/// Creates a coordinator with no usable password; they set one through the reset
/// link the caller hands over.
///
/// # Errors
/// [`ServiceError::Validation`]; database errors.
#[tracing::instrument(skip_all)]
pub async fn invite_coordinator(
    state: &Deps,
    actor: &Actor,
    email: &str,
    display_name: &str,
) -> Result<account::Model, ServiceError> {
    new_coordinator(state, actor, email, display_name, None).await
}

/// A new coordinator account: with the password given, or (invited) with a
/// random one nobody knows, unusable until its reset link is used.
async fn new_coordinator(
    state: &Deps,
    actor: &Actor,
    email: &str,
    display_name: &str,
    password: Option<SecretString>,
) -> Result<account::Model, ServiceError> {
    let (email, name) = validate_new_account(
        email,
        display_name,
        password.as_ref().map(ExposeSecret::expose_secret),
    )?;
    let password = password.unwrap_or_else(|| crate::infra::tokens::random_token().into());
    let hash = state.passwords.hash(password).await?;
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let account = insert_account(&txn, now, actor, email, name, hash, Role::Coordinator).await?;
    txn.commit().await?;
    Ok(account)
}

/// Changes the user's own password (the current one is required) and ends their
/// other sessions; this session gets a new id.
///
/// # Errors
/// [`ServiceError::Validation`] naming the field; [`ServiceError::RateLimited`];
/// database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn change_password(
    state: &Deps,
    session: &Session,
    client: &Client,
    user: &CurrentUser,
    current: SecretString,
    new: SecretString,
    confirm: SecretString,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let keys = [Key::strict(format!("password:account:{}", user.id))];
    let (account, attempt) =
        super::reauth::current_password(state, user.id, &keys, current, "current_password").await?;
    attempt.succeeded(&state.db, now).await?;
    if new.expose_secret() != confirm.expose_secret() {
        return Err(ServiceError::field("confirm_password", Message::PasswordsDiffer));
    }
    check_new_password(new.expose_secret(), &[&account.email, &account.display_name])
        .map_err(|m| ServiceError::field("new_password", m))?;
    let hash = state.passwords.hash(new).await?;
    let keep = auth::current_session_hash(session);
    let txn = begin_write(&state.db).await?;
    let mut active: account::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.password_changed_at = Set(now);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    let ended = session_store::end_sessions_of(&txn, user.id, keep.as_deref()).await?;
    let actor = Actor::of(client, Some(user.id));
    audit::record(
        &txn,
        now,
        &actor,
        Action::PasswordChanged,
        Some((AuditObject::Account, user.id)),
        json!({}),
    )
    .await?;
    audit::record(
        &txn,
        now,
        &actor,
        Action::SessionsEnded,
        Some((AuditObject::Account, user.id)),
        json!({ "count": ended, "reason": "password changed" }),
    )
    .await?;
    txn.commit().await?;
    auth::renew_after_password_change(session, now).await?;
    Ok(())
}

/// An account as the coordinators' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Id.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Status.
    pub status: Status,
    /// Whether TOTP is enrolled.
    pub mfa_enabled: bool,
    /// Created (UTC).
    pub created_at: time::OffsetDateTime,
}

/// One page of accounts as the coordinators' list shows it.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip(db))]
pub async fn page<C: ConnectionTrait>(
    db: &C,
    search: Option<&str>,
    role: Option<Role>,
    page: u64,
) -> Result<AccountPage, ServiceError> {
    let (rows, total) = list(db, search, role, page).await?;
    let page = crate::infra::db::existing_page(page, total, PAGE_SIZE);
    Ok(AccountPage {
        rows: rows
            .into_iter()
            .map(|a| AccountRow {
                id: a.id,
                email: a.email,
                display_name: a.display_name,
                role: a.role.into(),
                disabled: a.status == Status::Disabled,
                mfa_enabled: a.mfa_enabled,
                created: crate::model::utc(a.created_at),
            })
            .collect(),
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// Accounts per page in the coordinators' list.
pub const PAGE_SIZE: u64 = 50;

/// Lists accounts, filtered by a search on email or name and by role.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    search: Option<&str>,
    role: Option<Role>,
    page: u64,
) -> Result<(Vec<AccountSummary>, u64), ServiceError> {
    let mut select = account::Entity::find();
    if let Some(pattern) = crate::infra::db::contains_pattern(search) {
        select = select.filter(
            sea_orm::Condition::any()
                .add(account::Column::Email.like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(account::Column::DisplayName))).like(pattern)),
        );
    }
    if let Some(role) = role {
        select = select.filter(account::Column::Role.eq(role));
    }
    let total = select.clone().count(db).await?;
    let page = crate::infra::db::existing_page(page, total, PAGE_SIZE);
    let rows = select
        .order_by_asc(account::Column::Email)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    Ok((
        rows.into_iter()
            .map(|a| AccountSummary {
                id: a.id,
                email: a.email,
                display_name: a.display_name,
                role: a.role,
                status: a.status,
                mfa_enabled: a.totp_enabled_at.is_some(),
                created_at: a.created_at,
            })
            .collect(),
        total,
    ))
}

/// Disables or re-enables an account; disabling ends all its sessions.
///
/// # Errors
/// [`ServiceError::Forbidden`] on one's own account; [`ServiceError::NotFound`];
/// database errors.
#[tracing::instrument(skip_all, fields(target = target))]
pub async fn set_status(
    state: &Deps,
    actor: &Actor,
    target: i64,
    disabled: bool,
) -> Result<(), ServiceError> {
    let status = if disabled {
        Status::Disabled
    } else {
        Status::Active
    };
    if actor.account_id == Some(target) {
        return Err(ServiceError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let account = account::Entity::find_by_id(target)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = account.status;
    if before == status {
        // Nothing changes: nothing to write or to audit.
        return Ok(());
    }
    let mut active: account::ActiveModel = account.into();
    active.status = Set(status);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::StatusChanged,
        Some((AuditObject::Account, target)),
        json!({ "from": before, "to": status }),
    )
    .await?;
    if status == Status::Disabled {
        let ended = session_store::end_sessions_of(&txn, target, None).await?;
        audit::record(
            &txn,
            now,
            actor,
            Action::SessionsEnded,
            Some((AuditObject::Account, target)),
            json!({ "count": ended, "reason": "account disabled" }),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Changes an account's role; its sessions end, so it signs in again (with a new
/// session id) under the new role.
///
/// # Errors
/// [`ServiceError::Forbidden`] on one's own account; [`ServiceError::NotFound`];
/// database errors.
#[tracing::instrument(skip_all, fields(target = target))]
pub async fn set_role(state: &Deps, actor: &Actor, target: i64, role: Role) -> Result<(), ServiceError> {
    if actor.account_id == Some(target) {
        return Err(ServiceError::Forbidden);
    }
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    let account = account::Entity::find_by_id(target)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let before = account.role;
    if before == role {
        return Ok(());
    }
    let mut active: account::ActiveModel = account.into();
    active.role = Set(role);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::RoleChanged,
        Some((AuditObject::Account, target)),
        json!({ "from": before, "to": role }),
    )
    .await?;
    let ended = session_store::end_sessions_of(&txn, target, None).await?;
    audit::record(
        &txn,
        now,
        actor,
        Action::SessionsEnded,
        Some((AuditObject::Account, target)),
        json!({ "count": ended, "reason": "role changed" }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
