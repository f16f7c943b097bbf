//! The append-only audit log: writing entries and reading them back.

use super::ServiceError;
use crate::domain::codes::AuditObject;
use crate::session::Client;
use crate::{
    domain::views::{AuditPage, AuditRow},
    model::utc,
    validate::Message,
};
use entity::audit_log;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Who did something, and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// The signed-in account, if any.
    pub account_id: Option<i64>,
    /// The client's address (as far as it can be trusted).
    pub address: Option<String>,
}

impl Actor {
    /// The actor for `client` acting as `account` (none before sign-in).
    #[must_use]
    pub fn of(client: &Client, account: Option<i64>) -> Self {
        Self {
            account_id: account,
            address: Some(client.address.to_string()),
        }
    }
}

/// What was done. Stored as the dotted name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A sign-in completed (password, and second factor when enrolled).
    LoginSucceeded,
    /// A sign-in attempt failed (password or second factor).
    LoginFailed,
    /// A sign-in attempt was refused by throttling.
    LoginThrottled,
    /// The user signed out.
    Logout,
    /// An account was registered or created.
    AccountCreated,
    /// Someone registered with an address that already has an account (they
    /// were answered as if it had not, and nothing changed).
    RegistrationRepeated,
    /// A coordinator changed an account's role.
    RoleChanged,
    /// A coordinator disabled or re-enabled an account.
    StatusChanged,
    /// A password was changed by its owner.
    PasswordChanged,
    /// A coordinator issued a password reset link.
    PasswordResetIssued,
    /// A password was set through a reset link.
    PasswordResetUsed,
    /// Someone asked for a password reset link by mail (for an address with an
    /// account or not).
    PasswordResetRequested,
    /// A coordinator put a dead mail back in the outbox.
    MailRetried,
    /// An account's owner confirmed their address through a mailed link.
    EmailVerified,
    /// An account's owner asked to move it to a new address (a link went there).
    EmailChangeRequested,
    /// An account moved to a new address, confirmed through the mailed link.
    EmailChanged,
    /// An account's owner changed which mail they get (or unsubscribed from a link).
    MailPreferencesChanged,
    /// TOTP was enrolled.
    MfaEnabled,
    /// TOTP was removed.
    MfaDisabled,
    /// A recovery code was spent.
    MfaRecoveryCodeUsed,
    /// Sessions were ended (by their owner, a coordinator, or a password change).
    SessionsEnded,
    /// An organisation registered.
    OrganisationCreated,
    /// An organisation's profile changed.
    OrganisationUpdated,
    /// A member invited a colleague.
    InvitationCreated,
    /// A colleague joined through an invitation.
    InvitationAccepted,
    /// A coordinator approved, rejected or suspended an organisation or a volunteer.
    VettingDecided,
    /// A coordinator overrode an organisation's emerging-economy priority.
    PriorityOverridden,
    /// A need was created or edited.
    NeedSaved,
    /// A need moved in its lifecycle.
    NeedTransition,
    /// Confidential need details were read.
    ConfidentialRead,
    /// A volunteer saved their profile.
    VolunteerProfileSaved,
    /// A volunteer accepted the code of conduct.
    CodeOfConductAccepted,
    /// The skill or category catalogue changed.
    CatalogueChanged,
    /// An engagement was proposed (by a coordinator, a volunteer's offer or the matcher).
    EngagementProposed,
    /// An engagement moved in its lifecycle.
    EngagementTransition,
    /// An active engagement was flagged to coordinators for reassignment (a side
    /// lost its standing).
    EngagementFlagged,
    /// A volunteer logged hours on an engagement.
    HoursLogged,
    /// A volunteer rated an engagement.
    EngagementRated,
    /// A message was posted to an engagement's thread.
    MessagePosted,
    /// A coordinator started a batch run of the matcher.
    MatchRunStarted,
    /// A coordinator applied a batch run: its proposals were created.
    MatchRunApplied,
    /// A coordinator wrote or changed a guidance article.
    GuidanceSaved,
    /// A coordinator wrote or changed a draft advisory.
    AdvisorySaved,
    /// A coordinator published an advisory (its targets recorded, members told).
    AdvisoryPublished,
    /// A coordinator withdrew an advisory.
    AdvisoryWithdrawn,
    /// A newer advisory replaced this one.
    AdvisorySuperseded,
    /// A member acknowledged an advisory for their organisation.
    AdvisoryAcknowledged,
    /// Reminders of an unacknowledged critical advisory were sent.
    AdvisoryReminded,
    /// Someone exported an advisory's indicators.
    AdvisoryExported,
    /// A coordinator exported programme data as CSV.
    InsightExported,
}

impl Action {
    /// Every action, for the audit page's filter.
    pub const ALL: [Self; 50] = [
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::LoginThrottled,
        Self::Logout,
        Self::AccountCreated,
        Self::RegistrationRepeated,
        Self::RoleChanged,
        Self::StatusChanged,
        Self::PasswordChanged,
        Self::PasswordResetIssued,
        Self::PasswordResetUsed,
        Self::PasswordResetRequested,
        Self::MailRetried,
        Self::EmailVerified,
        Self::EmailChangeRequested,
        Self::EmailChanged,
        Self::MailPreferencesChanged,
        Self::MfaEnabled,
        Self::MfaDisabled,
        Self::MfaRecoveryCodeUsed,
        Self::SessionsEnded,
        Self::OrganisationCreated,
        Self::OrganisationUpdated,
        Self::InvitationCreated,
        Self::InvitationAccepted,
        Self::VettingDecided,
        Self::PriorityOverridden,
        Self::NeedSaved,
        Self::NeedTransition,
        Self::ConfidentialRead,
        Self::VolunteerProfileSaved,
        Self::CodeOfConductAccepted,
        Self::CatalogueChanged,
        Self::EngagementProposed,
        Self::EngagementTransition,
        Self::EngagementFlagged,
        Self::HoursLogged,
        Self::EngagementRated,
        Self::MessagePosted,
        Self::MatchRunStarted,
        Self::MatchRunApplied,
        Self::GuidanceSaved,
        Self::AdvisorySaved,
        Self::AdvisoryPublished,
        Self::AdvisoryWithdrawn,
        Self::AdvisorySuperseded,
        Self::AdvisoryAcknowledged,
        Self::AdvisoryReminded,
        Self::AdvisoryExported,
        Self::InsightExported,
    ];

    /// The stored name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login.succeeded",
            Self::LoginFailed => "login.failed",
            Self::LoginThrottled => "login.throttled",
            Self::Logout => "logout",
            Self::AccountCreated => "account.created",
            Self::RegistrationRepeated => "account.registration_repeated",
            Self::RoleChanged => "account.role_changed",
            Self::StatusChanged => "account.status_changed",
            Self::PasswordChanged => "password.changed",
            Self::PasswordResetIssued => "password.reset_issued",
            Self::PasswordResetUsed => "password.reset_used",
            Self::PasswordResetRequested => "password.reset_requested",
            Self::MailRetried => "mail.retried",
            Self::EmailVerified => "account.email_verified",
            Self::EmailChangeRequested => "account.email_change_requested",
            Self::EmailChanged => "account.email_changed",
            Self::MailPreferencesChanged => "account.mail_preferences_changed",
            Self::MfaEnabled => "mfa.enabled",
            Self::MfaDisabled => "mfa.disabled",
            Self::MfaRecoveryCodeUsed => "mfa.recovery_code_used",
            Self::SessionsEnded => "session.ended",
            Self::OrganisationCreated => "organisation.created",
            Self::OrganisationUpdated => "organisation.updated",
            Self::InvitationCreated => "organisation.invitation_created",
            Self::InvitationAccepted => "organisation.invitation_accepted",
            Self::VettingDecided => "vetting.decided",
            Self::PriorityOverridden => "organisation.priority_overridden",
            Self::NeedSaved => "need.saved",
            Self::NeedTransition => "need.transition",
            Self::ConfidentialRead => "need.confidential_read",
            Self::VolunteerProfileSaved => "volunteer.profile_saved",
            Self::CodeOfConductAccepted => "volunteer.code_of_conduct_accepted",
            Self::CatalogueChanged => "catalogue.changed",
            Self::EngagementProposed => "engagement.proposed",
            Self::EngagementTransition => "engagement.transition",
            Self::EngagementFlagged => "engagement.flagged",
            Self::HoursLogged => "engagement.hours_logged",
            Self::EngagementRated => "engagement.rated",
            Self::MessagePosted => "engagement.message_posted",
            Self::MatchRunStarted => "matching.run_started",
            Self::MatchRunApplied => "matching.run_applied",
            Self::GuidanceSaved => "guidance.saved",
            Self::AdvisorySaved => "advisory.saved",
            Self::AdvisoryPublished => "advisory.published",
            Self::AdvisoryWithdrawn => "advisory.withdrawn",
            Self::AdvisorySuperseded => "advisory.superseded",
            Self::AdvisoryAcknowledged => "advisory.acknowledged",
            Self::AdvisoryReminded => "advisory.reminded",
            Self::AdvisoryExported => "advisory.exported",
            Self::InsightExported => "insight.exported",
        }
    }
}

/// Appends one entry.
///
/// `details` must never hold a secret (password, code, token, session id) or
/// confidential need text.
///
/// # Errors
/// Database errors: the caller's transaction fails with them, so an action is
/// never done without its entry (fail closed).
#[tracing::instrument(skip_all)]
pub async fn record<C: ConnectionTrait>(
    db: &C,
    at: OffsetDateTime,
    actor: &Actor,
    action: Action,
    object: Option<(AuditObject, i64)>,
    details: serde_json::Value,
) -> Result<(), ServiceError> {
    record_all(db, at, actor, action, [(object, details)]).await
}

/// Writes one entry of `action` for each object and its details, in a few
/// statements however many there are (a batch run's proposals).
///
/// # Errors
/// Database errors, as [`record`].
#[tracing::instrument(skip_all)]
pub async fn record_all<C: ConnectionTrait>(
    db: &C,
    at: OffsetDateTime,
    actor: &Actor,
    action: Action,
    entries: impl IntoIterator<Item = (Option<(AuditObject, i64)>, serde_json::Value)>,
) -> Result<(), ServiceError> {
    let rows = entries
        .into_iter()
        .map(|(object, details)| audit_log::ActiveModel {
            at: Set(at),
            actor_account_id: Set(actor.account_id),
            actor_address: Set(actor.address.clone()),
            action: Set(action.as_str().to_owned()),
            object_type: Set(object.map(|(t, _)| t.code().to_owned())),
            object_id: Set(object.map(|(_, id)| id)),
            details: Set(details.to_string()),
            ..Default::default()
        });
    // 7 columns a row.
    Ok(crate::infra::db::insert_in_chunks(db, rows, 1000).await?)
}

/// What the audit page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only this action (its dotted name).
    pub action: Option<String>,
    /// Only entries by this account.
    pub actor: Option<i64>,
    /// Only entries about this object type.
    pub object_type: Option<String>,
    /// Only entries about this object id.
    pub object_id: Option<i64>,
    /// Only entries at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only entries before this time.
    pub until: Option<OffsetDateTime>,
    /// Zero-based page.
    pub page: u64,
}

/// One entry as the audit page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Entry id.
    pub id: i64,
    /// When (UTC).
    pub at: OffsetDateTime,
    /// Who.
    pub actor_account_id: Option<i64>,
    /// From where.
    pub actor_address: Option<String>,
    /// What.
    pub action: String,
    /// On what kind of object.
    pub object_type: Option<String>,
    /// On which object.
    pub object_id: Option<i64>,
    /// Extra facts, as JSON.
    pub details: String,
}

/// Entries per page.
pub const PAGE_SIZE: u64 = 50;

/// Reads entries, newest first, filtered.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    query: &AuditQuery,
) -> Result<(Vec<AuditEntry>, u64), ServiceError> {
    let mut select = audit_log::Entity::find();
    if let Some(action) = &query.action {
        select = select.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(actor) = query.actor {
        select = select.filter(audit_log::Column::ActorAccountId.eq(actor));
    }
    if let Some(object_type) = &query.object_type {
        select = select.filter(audit_log::Column::ObjectType.eq(object_type.as_str()));
    }
    if let Some(object_id) = query.object_id {
        select = select.filter(audit_log::Column::ObjectId.eq(object_id));
    }
    if let Some(since) = query.since {
        select = select.filter(audit_log::Column::At.gte(since));
    }
    if let Some(until) = query.until {
        select = select.filter(audit_log::Column::At.lt(until));
    }
    let total = select.clone().count(db).await?;
    let page = crate::infra::db::existing_page(query.page, total, PAGE_SIZE);
    let rows = select
        .order_by_desc(audit_log::Column::Id)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let entries = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor_account_id: r.actor_account_id,
            actor_address: r.actor_address,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            details: r.details,
        })
        .collect();
    Ok((entries, total))
}

/// The audit page's filter as the form sends it: text fields, checked here.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// An action's dotted name; unknown names are ignored.
    pub action: Option<String>,
    /// An account id.
    pub actor: Option<String>,
    /// An object id.
    pub object_id: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub since: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub until: Option<String>,
    /// Zero-based page.
    pub page: u64,
}

impl Filter {
    /// The query this filter asks for.
    ///
    /// # Errors
    /// [`ServiceError::Validation`] naming a malformed date or id.
    pub fn query(&self) -> Result<AuditQuery, ServiceError> {
        let text = |raw: &Option<String>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        };
        let date = |field: &str, raw: &Option<String>| -> Result<Option<OffsetDateTime>, ServiceError> {
            let Some(raw) = text(raw) else {
                return Ok(None);
            };
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(&raw, &format)
                .map(|d| Some(d.midnight().assume_utc()))
                .map_err(|_| ServiceError::field(field, Message::InvalidChoice))
        };
        let number = |field: &str, raw: &Option<String>| -> Result<Option<i64>, ServiceError> {
            text(raw)
                .map(|raw| {
                    raw.parse()
                        .map_err(|_| ServiceError::field(field, Message::InvalidChoice))
                })
                .transpose()
        };
        Ok(AuditQuery {
            action: text(&self.action).filter(|a| Action::ALL.iter().any(|x| x.as_str() == a)),
            actor: number("actor", &self.actor)?,
            object_type: None,
            object_id: number("object_id", &self.object_id)?,
            since: date("since", &self.since)?,
            until: date("until", &self.until)?.map(|d| d + time::Duration::days(1)),
            page: self.page,
        })
    }
}

/// One page of the audit log as the coordinators' page shows it.
///
/// # Errors
/// [`ServiceError::Validation`] for a malformed filter; database errors.
#[tracing::instrument(skip(db))]
pub async fn page<C: ConnectionTrait>(db: &C, filter: &Filter) -> Result<AuditPage, ServiceError> {
    let query = filter.query()?;
    let (entries, total) = list(db, &query).await?;
    Ok(AuditPage {
        rows: entries
            .into_iter()
            .map(|e| AuditRow {
                id: e.id,
                at: utc(e.at),
                actor: e.actor_account_id,
                address: e.actor_address,
                action: e.action,
                object: e
                    .object_type
                    .map(|t| format!("{t} {}", e.object_id.unwrap_or_default())),
                details: e.details,
            })
            .collect(),
        total,
        page: crate::infra::db::existing_page(query.page, total, PAGE_SIZE),
        page_size: PAGE_SIZE,
        actions: Action::ALL.iter().map(|a| a.as_str().to_owned()).collect(),
    })
}
