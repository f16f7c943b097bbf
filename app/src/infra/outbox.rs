//! The transactional outbox: every email is a row written in the transaction of
//! the event that causes it, so a mail exists exactly when its event committed.
//!
//! Delivery ([`crate::services::mail`]) claims one row at a time with a
//! conditional `UPDATE` — `pending` and due, or `sending` with a lease run out —
//! so among several instances on one PostgreSQL exactly one takes it (the second
//! update re-checks the condition after the first commits and matches nothing;
//! SQLite serialises writers outright). The row keeps its `Message-ID` across
//! attempts; failures wait `retry_base × 2^(attempts-1)`; after `max_attempts`,
//! or on a permanent refusal, the row is dead until a coordinator retries it.

use super::error::ServiceError;
use crate::{
    config::MailConfig,
    domain::codes::{MailKind, MailState},
};
use entity::mail_outbox;
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
    sea_query::{Expr, ExprTrait as _},
};
use std::time::Duration;
use time::OffsetDateTime;

/// Longest stored error text from a mail server.
const ERROR_CHARS: usize = 500;

/// Longest back-off between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// A mail to queue: already rendered, addressed to one recipient.
#[derive(Clone, Debug)]
pub struct NewMail {
    /// What it is about.
    pub kind: MailKind,
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text alternative.
    pub text: String,
    /// The HTML alternative.
    pub html: String,
    /// The signed one-click unsubscribe link (non-essential mail only).
    pub unsubscribe: Option<String>,
    /// The advisory it tells of (its reach counts the mail).
    pub advisory_id: Option<i64>,
}

/// Queues `mail` on `conn` — the event's own transaction — due at once; returns
/// the row's id.
///
/// # Errors
/// Database errors (the event's transaction then fails with it).
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    config: &MailConfig,
    now: OffsetDateTime,
    mail: NewMail,
) -> Result<i64, ServiceError> {
    let row = new_row(config, now, mail).insert(conn).await?;
    Ok(row.id)
}

/// Queues many mails on `conn` in a few statements (an advisory to thousands of
/// members), each due at once.
///
/// # Errors
/// Database errors (the event's transaction then fails with it).
pub async fn enqueue_many<C: ConnectionTrait>(
    conn: &C,
    config: &MailConfig,
    now: OffsetDateTime,
    mails: Vec<NewMail>,
) -> Result<(), ServiceError> {
    // 16 columns a row.
    let rows = mails.into_iter().map(|mail| new_row(config, now, mail));
    Ok(crate::infra::db::insert_in_chunks(conn, rows, 500).await?)
}

/// The outbox row of a new mail, due at once.
fn new_row(config: &MailConfig, now: OffsetDateTime, mail: NewMail) -> mail_outbox::ActiveModel {
    mail_outbox::ActiveModel {
        kind: Set(mail.kind.code().to_owned()),
        recipient: Set(mail.to),
        subject: Set(mail.subject),
        body_text: Set(mail.text),
        body_html: Set(mail.html),
        message_id: Set(message_id(&config.from)),
        state: Set(MailState::Pending.code().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_holder: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        unsubscribe_url: Set(mail.unsubscribe),
        advisory_id: Set(mail.advisory_id),
        ..Default::default()
    }
}

/// A fresh `Message-ID` (with its angle brackets) in the domain of `from`.
#[must_use]
pub fn message_id(from: &str) -> String {
    let address = from
        .rsplit_once('<')
        .map_or(from, |(_, rest)| rest.trim_end_matches('>'));
    let domain = address
        .rsplit_once('@')
        .map(|(_, d)| d.trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("frontline.invalid");
    let random: String = rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<{random}@{domain}>")
}

/// Ids of rows a worker may claim now, oldest due first.
///
/// # Errors
/// Database errors.
pub async fn due(db: &DatabaseConnection, now: OffsetDateTime, limit: u64) -> Result<Vec<i64>, ServiceError> {
    Ok(mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(claimable(now))
        .order_by_asc(mail_outbox::Column::NextAttemptAt)
        .order_by_asc(mail_outbox::Column::Id)
        .limit(limit)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Pending and due, or being sent by a worker whose lease ran out.
fn claimable(now: OffsetDateTime) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(mail_outbox::Column::State.eq(MailState::Pending.code()))
                .add(mail_outbox::Column::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(mail_outbox::Column::State.eq(MailState::Sending.code()))
                .add(mail_outbox::Column::LeaseUntil.lte(now)),
        )
}

/// Claims row `id` for `holder` until `now + lease`; the row when it is ours,
/// `None` when another worker took it or it is no longer due.
///
/// # Errors
/// Database errors.
pub async fn claim(
    db: &DatabaseConnection,
    id: i64,
    holder: &str,
    now: OffsetDateTime,
    lease: Duration,
) -> Result<Option<mail_outbox::Model>, ServiceError> {
    let taken = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::State, Expr::value(MailState::Sending.code()))
        .col_expr(mail_outbox::Column::LeaseHolder, Expr::value(holder))
        .col_expr(mail_outbox::Column::LeaseUntil, Expr::value(now + lease))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(claimable(now))
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    Ok(mail_outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|row| row.lease_holder.as_deref() == Some(holder)))
}

/// Records that the mail server accepted row `id`, and forgets its bodies
/// (they may hold one-time links stored nowhere else in the clear).
///
/// # Errors
/// Database errors.
pub async fn mark_sent(
    db: &DatabaseConnection,
    id: i64,
    holder: &str,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::State, Expr::value(MailState::Sent.code()))
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
        .col_expr(
            mail_outbox::Column::LeaseHolder,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        // Bodies may hold one-time links: kept only until the server took them.
        .col_expr(mail_outbox::Column::BodyText, Expr::value(""))
        .col_expr(mail_outbox::Column::BodyHtml, Expr::value(""))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::LeaseHolder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt at `row`: back to pending after its back-off, or dead
/// when `permanent` or out of attempts. Returns the state it is left in.
///
/// # Errors
/// Database errors.
pub async fn mark_failed(
    db: &DatabaseConnection,
    config: &MailConfig,
    row: &mail_outbox::Model,
    holder: &str,
    now: OffsetDateTime,
    error: &str,
    permanent: bool,
) -> Result<MailState, ServiceError> {
    let attempts = u32::try_from(row.attempts).unwrap_or(0).saturating_add(1);
    let state = if permanent || attempts >= config.max_attempts {
        MailState::Dead
    } else {
        MailState::Pending
    };
    let error: String = error.chars().take(ERROR_CHARS).collect();
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::State, Expr::value(state.code()))
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(now + backoff(config.retry_base, attempts)),
        )
        .col_expr(
            mail_outbox::Column::LeaseHolder,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(Option::<OffsetDateTime>::None),
        )
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .filter(mail_outbox::Column::Id.eq(row.id))
        .filter(mail_outbox::Column::LeaseHolder.eq(holder))
        .exec(db)
        .await?;
    Ok(state)
}

/// The wait after `attempts` failed attempts: `base × 2^(attempts-1)`, at most
/// six hours.
#[must_use]
pub fn backoff(base: Duration, attempts: u32) -> Duration {
    let factor = 1_u32.checked_shl(attempts.saturating_sub(1)).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(MAX_BACKOFF).min(MAX_BACKOFF)
}

/// Puts a dead mail back in the queue, due at once, with its attempts reset;
/// false when `id` is not a dead mail.
///
/// # Errors
/// Database errors.
pub async fn retry<C: ConnectionTrait>(conn: &C, id: i64, now: OffsetDateTime) -> Result<bool, ServiceError> {
    let done = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::State, Expr::value(MailState::Pending.code()))
        .col_expr(mail_outbox::Column::Attempts, Expr::value(0))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::State.eq(MailState::Dead.code()))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// How many mails are in each state.
///
/// # Errors
/// Database errors.
pub async fn state_counts<C: ConnectionTrait>(conn: &C) -> Result<Vec<(MailState, u64)>, ServiceError> {
    let mut out = Vec::with_capacity(MailState::ALL.len());
    for state in MailState::ALL {
        let n = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::State.eq(state.code()))
            .count(conn)
            .await?;
        out.push((*state, n));
    }
    Ok(out)
}

/// How many mails of each kind were queued since `since`, per state.
///
/// # Errors
/// Database errors.
pub async fn kind_counts_since<C: ConnectionTrait>(
    conn: &C,
    since: OffsetDateTime,
) -> Result<Vec<(MailKind, MailState, u64)>, ServiceError> {
    let rows: Vec<(String, String, i64)> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Kind)
        .column(mail_outbox::Column::State)
        .column_as(mail_outbox::Column::Id.count(), "n")
        .filter(mail_outbox::Column::CreatedAt.gte(since))
        .group_by(mail_outbox::Column::Kind)
        .group_by(mail_outbox::Column::State)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: Vec<(MailKind, MailState, u64)> = rows
        .into_iter()
        .filter_map(|(kind, state, n)| {
            Some((
                MailKind::parse(&kind)?,
                MailState::parse(&state)?,
                u64::try_from(n).unwrap_or(0),
            ))
        })
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The dead mails, newest first, at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn dead<C: ConnectionTrait>(conn: &C, limit: u64) -> Result<Vec<mail_outbox::Model>, ServiceError> {
    Ok(mail_outbox::Entity::find()
        .filter(mail_outbox::Column::State.eq(MailState::Dead.code()))
        .order_by_desc(mail_outbox::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
        assert_eq!(backoff(base, u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn message_ids_are_unique_and_in_the_sender_domain() {
        let a = message_id("Frontline <frontline@mail.example.org>");
        assert!(a.starts_with('<') && a.ends_with("@mail.example.org>"), "{a}");
        assert_ne!(a, message_id("Frontline <frontline@mail.example.org>"));
        assert!(message_id("x@y.example").ends_with("@y.example>"));
        assert!(message_id("nobody").ends_with("@frontline.invalid>"));
    }
}
