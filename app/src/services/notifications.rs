//! In-app notifications, and the mail that tells of them: both written in the
//! same transaction as what they announce (the mail as an outbox row, so it
//! exists exactly when the event committed).
//!
//! Mail goes to active accounts with a verified address, as each chose for the
//! notification's topic ([`crate::services::mail::preferences`]): at once, in
//! the daily digest ([`crate::services::mail::digest`], which reads the
//! notifications themselves), or never. Security notices always go at once.
//! A new message gives at most one mail per engagement and recipient every
//! [`MESSAGE_MAIL_GAP`]; a proposal for a critical need skips the digest.

use super::ServiceError;
use crate::domain::codes::{MailMode, MailTopic, NotificationKind};
use crate::{
    domain::views::NotificationView,
    infra::outbox::{self, NewMail},
    model::utc,
    services::{
        deps::Deps,
        mail::{preferences, templates},
    },
};
use entity::{account, engagement, need, notification, organisation};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, sea_query::Expr,
};
use std::collections::{BTreeSet, HashMap, HashSet};
use time::OffsetDateTime;

/// Shortest time between two mails about new messages on one engagement, per
/// recipient (the notifications page still lists each message).
pub const MESSAGE_MAIL_GAP: time::Duration = time::Duration::minutes(15);

use crate::domain::views::NOTIFICATIONS_PAGE as PAGE_SIZE;

/// What a notification is about.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    /// The event.
    pub kind: NotificationKind,
    /// The engagement.
    pub engagement_id: Option<i64>,
    /// The need.
    pub need_id: Option<i64>,
    /// The need's title.
    pub subject: &'a str,
}

/// Notifies each account once (duplicates and `except` skipped), reading what
/// its mail tells of (the engagement, need and organisation) from `db`.
///
/// # Errors
/// Database errors (the caller's transaction fails with them).
#[tracing::instrument(skip_all)]
pub async fn notify<C: ConnectionTrait>(
    db: &C,
    state: &Deps,
    now: OffsetDateTime,
    accounts: impl IntoIterator<Item = i64>,
    except: Option<i64>,
    about: About<'_>,
) -> Result<(), ServiceError> {
    let recipients: Vec<i64> = accounts.into_iter().filter(|a| Some(*a) != except).collect();
    if recipients.is_empty() {
        return Ok(());
    }
    let engagement = match about.engagement_id {
        Some(id) => engagement::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let need = match about.need_id.or(engagement.as_ref().map(|e| e.need_id)) {
        Some(id) => need::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let organisation = match &need {
        Some(n) => organisation::Entity::find_by_id(n.organisation_id)
            .one(db)
            .await?
            .map(|o| o.name),
        None => None,
    };
    let event = Announcement {
        recipients,
        except: None,
        about,
        context: Context {
            engagement: engagement.as_ref(),
            need: need.as_ref(),
            organisation: organisation.as_deref(),
        },
    };
    notify_all(db, state, now, &[event]).await
}

/// What a notification's mail tells beside its kind, as the event read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The engagement it is about (its volunteer, its answer-by time).
    pub engagement: Option<&'a engagement::Model>,
    /// The need it is about (its urgency).
    pub need: Option<&'a need::Model>,
    /// The name of the organisation asking for help.
    pub organisation: Option<&'a str>,
}

/// One event to notify of: who is told, and of what.
#[derive(Debug, Clone)]
pub struct Announcement<'a> {
    /// The accounts concerned (duplicates are told once).
    pub recipients: Vec<i64>,
    /// One of them not to tell (who acted).
    pub except: Option<i64>,
    /// What it is about.
    pub about: About<'a>,
    /// What its mail tells of.
    pub context: Context<'a>,
}

/// Notifies of many events at once — a batch run's thousands of proposals — in
/// a few statements: the notifications, the recipients' accounts and mail
/// preferences, and the outbox rows, each written or read in chunks.
///
/// # Errors
/// Database errors (the caller's transaction fails with them).
#[tracing::instrument(skip_all, fields(events = events.len()))]
pub async fn notify_all<C: ConnectionTrait>(
    db: &C,
    state: &Deps,
    now: OffsetDateTime,
    events: &[Announcement<'_>],
) -> Result<(), ServiceError> {
    // Under SQLite's limit of bound values per statement (7 columns a row).
    const CHUNK: usize = 1000;
    let mut rows = Vec::new();
    let mut mail_to: Vec<(&Announcement<'_>, Vec<i64>)> = Vec::with_capacity(events.len());
    for event in events {
        let recipients: BTreeSet<i64> = event
            .recipients
            .iter()
            .copied()
            .filter(|a| Some(*a) != event.except)
            .collect();
        if recipients.is_empty() {
            continue;
        }
        let about = &event.about;
        // Before this notification is written: who was told of a message lately.
        let recently_told = if about.kind == NotificationKind::Message {
            told_of_messages_since(db, &recipients, about.engagement_id, now - MESSAGE_MAIL_GAP).await?
        } else {
            HashSet::new()
        };
        let subject: String = about.subject.chars().take(200).collect();
        rows.extend(recipients.iter().map(|account_id| notification::ActiveModel {
            account_id: Set(*account_id),
            kind: Set(about.kind.code().to_owned()),
            engagement_id: Set(about.engagement_id),
            need_id: Set(about.need_id),
            subject: Set(subject.clone()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }));
        let told = recipients
            .into_iter()
            .filter(|a| !recently_told.contains(a))
            .collect();
        mail_to.push((event, told));
    }
    crate::infra::db::insert_in_chunks(db, rows, CHUNK).await?;
    mail(db, state, now, &mail_to).await
}

/// Those of `recipients` notified of a message on `engagement_id` since `since`.
async fn told_of_messages_since<C: ConnectionTrait>(
    db: &C,
    recipients: &BTreeSet<i64>,
    engagement_id: Option<i64>,
    since: OffsetDateTime,
) -> Result<HashSet<i64>, ServiceError> {
    let Some(engagement_id) = engagement_id else {
        return Ok(HashSet::new());
    };
    Ok(notification::Entity::find()
        .select_only()
        .column(notification::Column::AccountId)
        .filter(notification::Column::AccountId.is_in(recipients.iter().copied()))
        .filter(notification::Column::EngagementId.eq(engagement_id))
        .filter(notification::Column::Kind.eq(NotificationKind::Message.code()))
        .filter(notification::Column::CreatedAt.gt(since))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Queues the mail of each event for those of its accounts who get it now:
/// active accounts with a verified address, as each chose for its topic.
async fn mail<C: ConnectionTrait>(
    db: &C,
    state: &Deps,
    now: OffsetDateTime,
    events: &[(&Announcement<'_>, Vec<i64>)],
) -> Result<(), ServiceError> {
    let wanted: BTreeSet<i64> = events.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    let wanted: Vec<i64> = wanted.into_iter().collect();
    let mut people: HashMap<i64, account::Model> = HashMap::new();
    for chunk in wanted.chunks(1000) {
        for person in account::Entity::find()
            .filter(account::Column::Id.is_in(chunk.iter().copied()))
            .filter(account::Column::Status.eq(account::Status::Active))
            .filter(account::Column::EmailVerifiedAt.is_not_null())
            .all(db)
            .await?
        {
            people.insert(person.id, person);
        }
    }
    if people.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = people.keys().copied().collect();
    let mut modes: Vec<(MailTopic, HashMap<i64, MailMode>)> = Vec::new();
    for (event, _) in events {
        if let Some(topic) = event.about.kind.topic()
            && !modes.iter().any(|(t, _)| *t == topic)
        {
            modes.push((topic, preferences::modes(db, &ids, topic).await?));
        }
    }
    let mut mails = Vec::new();
    for (event, accounts) in events {
        let topic = event.about.kind.topic();
        let modes = modes.iter().find(|(t, _)| Some(*t) == topic).map(|(_, m)| m);
        for person in accounts.iter().filter_map(|id| people.get(id)) {
            let mode = modes
                .and_then(|m| m.get(&person.id).copied())
                .unwrap_or(MailMode::Immediately);
            mails.extend(compose(state, person, mode, event));
        }
    }
    outbox::enqueue_many(db, &state.config.mail, now, mails).await
}

/// The mail telling `person` of `event`, unless their `mode` for its topic
/// keeps it for the digest (or never).
fn compose(
    state: &Deps,
    person: &account::Model,
    mode: MailMode,
    event: &Announcement<'_>,
) -> Option<NewMail> {
    let (about, context) = (&event.about, &event.context);
    // A proposal for a critical need cannot wait for tomorrow's digest.
    let urgent = about.kind == NotificationKind::Proposed
        && context.need.is_some_and(|n| n.urgency == need::Urgency::Critical);
    let goes_now = mode == MailMode::Immediately || (urgent && mode == MailMode::Daily);
    if !goes_now {
        return None;
    }
    let site = state.config.public_url.trim_end_matches('/');
    let link = match (about.engagement_id, about.need_id) {
        (Some(id), _) => format!("{site}/engagements/{id}"),
        (None, Some(id)) => format!("{site}/needs/{id}"),
        (None, None) if about.kind == NotificationKind::FailedSignIns => format!("{site}/account/sessions"),
        (None, None) => format!("{site}/notifications"),
    };
    let to_volunteer = context.engagement.is_some_and(|e| e.volunteer_id == person.id);
    let answer_by = match about.kind {
        NotificationKind::Proposed | NotificationKind::Reminder => {
            context.engagement.and_then(|e| e.expires_at).map(utc)
        }
        _ => None,
    };
    let topic = about.kind.topic();
    let notice = templates::Notice {
        name: &person.display_name,
        subject: about.subject,
        organisation: context.organisation,
        // An organisation's reminder is to confirm: its lead says by when.
        answer_by: answer_by.filter(|_| to_volunteer || about.kind != NotificationKind::Reminder),
        to_volunteer,
        link,
        settings_link: format!("{site}/account/mail"),
        // Security notices carry no unsubscribe link.
        unsubscribe: topic
            .map(|t| preferences::unsubscribe_link(state, person.id, Some(t)))
            .unwrap_or_default(),
    };
    Some(templates::notice(
        templates::locale_of(person),
        about.kind,
        &person.email,
        &notice,
    ))
}

/// How many unread notifications an account has.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn unread<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64, ServiceError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// An account's notifications, newest first; a page past the end is the last page.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    page: u64,
) -> Result<Vec<NotificationView>, ServiceError> {
    let mine = notification::Entity::find().filter(notification::Column::AccountId.eq(account_id));
    let page = if page == 0 {
        0
    } else {
        crate::infra::db::existing_page(page, mine.clone().count(db).await?, PAGE_SIZE)
    };
    Ok(mine
        .order_by_desc(notification::Column::Id)
        .offset(crate::infra::db::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|n| {
            let kind = NotificationKind::parse(&n.kind);
            if kind.is_none() {
                tracing::warn!(id = n.id, kind = %n.kind, "notification of an unknown kind left out");
            }
            Some((n, kind?))
        })
        .map(|(n, kind)| NotificationView {
            id: n.id,
            kind,
            engagement_id: n.engagement_id,
            need_id: n.need_id,
            advisory_id: n.advisory_id,
            subject: n.subject,
            at: utc(n.created_at),
            read: n.read_at.is_some(),
        })
        .collect())
}

/// Marks one notification (or, with `None`, all) of the account as read.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn mark_read<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    id: Option<i64>,
    now: OffsetDateTime,
) -> Result<u64, ServiceError> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Marks the account's notifications about one engagement read (its page was opened).
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id, engagement_id = engagement_id))]
pub async fn mark_engagement_read<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    engagement_id: i64,
    now: OffsetDateTime,
) -> Result<u64, ServiceError> {
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::EngagementId.eq(engagement_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
