//! The daily digest: one mail a day, per account that chose "daily digest" for a
//! topic, listing that topic's notifications since the last digest. The
//! notifications themselves are the queue: nothing is lost between two digests,
//! and a digest with nothing to say is not sent.
//!
//! Run by the periodic job under its lease (one instance at a time); each
//! account is moved on with a conditional update in the digest's own
//! transaction, so a digest is queued once even if two runs overlapped.

use crate::{
    domain::codes::{MailMode, NotificationKind},
    infra::{db::begin_write, error::ServiceError, outbox},
    model::utc,
    services::{
        deps::Deps,
        mail::{preferences, templates},
    },
};
use entity::{account, mail_preference, notification};
use sea_orm::{
    ColumnTrait as _, Condition, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
    sea_query::{Expr, Query},
};
use time::OffsetDateTime;

/// Time between two digests of one account.
pub const PERIOD: time::Duration = time::Duration::days(1);

/// Accounts handled per run (the rest wait for the next run).
const ACCOUNTS_PER_RUN: u64 = 500;

/// Lines listed in one digest (the rest are counted).
const LINES: u64 = 50;

/// Queues the digests that are due; returns how many were queued.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn send_due(state: &Deps, now: OffsetDateTime) -> Result<u32, ServiceError> {
    let daily = Query::select()
        .column(mail_preference::Column::AccountId)
        .from(mail_preference::Entity)
        .and_where(mail_preference::Column::Mode.eq(MailMode::Daily.code()))
        .to_owned();
    let due = account::Entity::find()
        .filter(account::Column::Id.in_subquery(daily))
        .filter(account::Column::Status.eq(account::Status::Active))
        .filter(account::Column::EmailVerifiedAt.is_not_null())
        .filter(
            Condition::any()
                .add(account::Column::DigestSentAt.is_null())
                .add(account::Column::DigestSentAt.lte(now - PERIOD)),
        )
        .order_by_asc(account::Column::Id)
        .limit(ACCOUNTS_PER_RUN)
        .all(&state.db)
        .await?;
    let mut queued = 0;
    for person in due {
        if one(state, now, &person).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// The digest of one account, if it has anything to say; moves its clock on.
async fn one(state: &Deps, now: OffsetDateTime, person: &account::Model) -> Result<bool, ServiceError> {
    let txn = begin_write(&state.db).await?;
    // Claim this period: only the run whose update matches goes on.
    let mut claim = account::Entity::update_many()
        .col_expr(account::Column::DigestSentAt, Expr::value(now))
        .filter(account::Column::Id.eq(person.id));
    claim = match person.digest_sent_at {
        Some(at) => claim.filter(account::Column::DigestSentAt.eq(at)),
        None => claim.filter(account::Column::DigestSentAt.is_null()),
    };
    if claim.exec(&txn).await?.rows_affected != 1 {
        return Ok(false);
    }
    let since = person.digest_sent_at.unwrap_or(now - PERIOD);
    let daily: Vec<_> = preferences::topics(&txn, person.id)
        .await?
        .into_iter()
        .filter(|(_, mode)| *mode == MailMode::Daily)
        .map(|(topic, _)| topic)
        .collect();
    let kinds: Vec<&str> = NotificationKind::ALL
        .iter()
        .filter(|k| k.topic().is_some_and(|t| daily.contains(&t)))
        .map(|k| k.code())
        .collect();
    let select = notification::Entity::find()
        .filter(notification::Column::AccountId.eq(person.id))
        .filter(notification::Column::Kind.is_in(kinds))
        .filter(notification::Column::CreatedAt.gt(since))
        .filter(notification::Column::CreatedAt.lte(now));
    let total = select.clone().count(&txn).await?;
    if total == 0 {
        txn.commit().await?;
        return Ok(false);
    }
    let lines: Vec<templates::DigestLine> = select
        .order_by_asc(notification::Column::Id)
        .limit(LINES)
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|n| {
            Some(templates::DigestLine {
                kind: NotificationKind::parse(&n.kind)?,
                subject: n.subject,
                at: utc(n.created_at),
            })
        })
        .collect();
    let site = state.config.public_url.trim_end_matches('/');
    let more = total.saturating_sub(lines.len() as u64);
    let mail = templates::digest(
        templates::locale_of(person),
        &person.email,
        &person.display_name,
        &lines,
        more,
        &format!("{site}/notifications"),
        &format!("{site}/account/mail"),
        &preferences::unsubscribe_link(state, person.id, None),
    );
    outbox::enqueue(&txn, &state.config.mail, now, mail).await?;
    txn.commit().await?;
    Ok(true)
}
