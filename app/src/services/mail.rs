//! Email: what each event's mail says ([`templates`]), queued in the event's own
//! transaction through [`crate::infra::outbox`], and delivered here by the
//! background worker, one claimed row at a time, so a slow or failing mail
//! server never holds up a request.

pub mod digest;
pub mod preferences;
pub mod templates;

use crate::{
    domain::{
        codes::{AuditObject, MailKind, MailState},
        views::{DeadLetter, MailKindCount, MailOverview},
    },
    infra::{db::begin_write, error::ServiceError, mailer::Mailer, outbox},
    services::{
        audit::{self, Action, Actor},
        deps::Deps,
    },
};
use serde_json::json;
use std::time::Duration;

/// Dead letters shown at most on the coordinators' page.
const DEAD_SHOWN: u64 = 100;

/// The outbox for coordinators: counts per state, per kind and state over the
/// last 7 days, and the newest dead letters.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn overview(state: &Deps) -> Result<MailOverview, ServiceError> {
    let since = state.clock.now() - time::Duration::days(7);
    let states = outbox::state_counts(&state.db).await?;
    let recent = outbox::kind_counts_since(&state.db, since)
        .await?
        .into_iter()
        .map(|(kind, state, count)| MailKindCount { kind, state, count })
        .collect();
    let dead = outbox::dead(&state.db, DEAD_SHOWN)
        .await?
        .into_iter()
        .map(|row| DeadLetter {
            id: row.id,
            kind: MailKind::parse(&row.kind).unwrap_or(MailKind::Test),
            recipient: row.recipient,
            attempts: row.attempts,
            last_error: row.last_error.unwrap_or_default(),
            created: crate::model::utc(row.created_at),
        })
        .collect();
    Ok(MailOverview { states, recent, dead })
}

/// Puts dead letter `id` back in the queue, due at once; audited.
///
/// # Errors
/// [`ServiceError::NotFound`] when `id` is not a dead letter; database errors.
#[tracing::instrument(skip_all, fields(mail = id))]
pub async fn retry(state: &Deps, actor: &Actor, id: i64) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let txn = begin_write(&state.db).await?;
    if !outbox::retry(&txn, id, now).await? {
        return Err(ServiceError::NotFound);
    }
    audit::record(
        &txn,
        now,
        actor,
        Action::MailRetried,
        Some((AuditObject::Mail, id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Rows looked at per round.
const BATCH: u64 = 50;

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Mails the server accepted.
    pub sent: u32,
    /// Mails that failed and wait for another attempt.
    pub retrying: u32,
    /// Mails given up on.
    pub dead: u32,
    /// Due rows another worker claimed first.
    pub skipped: u32,
    /// True when the round found a full batch due (more may be waiting).
    pub full: bool,
}

/// The lease a worker takes on a mail: longer than any attempt can last, so a
/// mail being sent is never taken over by another worker.
#[must_use]
pub fn lease(send_timeout: Duration) -> Duration {
    send_timeout.saturating_mul(2) + Duration::from_secs(30)
}

/// Delivers the mail that is due: claims each row (exactly one worker gets it),
/// sends it, records the outcome. Workers of one instance run in `lanes`
/// (lane `lane` of them): each starts at its own place in the due rows, so
/// they send different mails side by side rather than race for the same ones.
///
/// # Errors
/// Database errors (the round stops; claimed rows are taken up again when their
/// lease runs out).
#[tracing::instrument(skip_all)]
pub async fn deliver_due(
    state: &Deps,
    mailer: &Mailer,
    holder: &str,
    (lane, lanes): (usize, usize),
) -> Result<Round, ServiceError> {
    let config = &state.config.mail;
    let mut ids = outbox::due(&state.db, state.clock.now(), BATCH).await?;
    let mut round = Round {
        full: ids.len() as u64 == BATCH,
        ..Round::default()
    };
    if !ids.is_empty() {
        let start = ids.len() * lane.min(lanes) / lanes.max(1);
        ids.rotate_left(start);
    }
    for id in ids {
        let now = state.clock.now();
        let Some(row) = outbox::claim(&state.db, id, holder, now, lease(config.send_timeout)).await? else {
            round.skipped += 1;
            continue;
        };
        let outcome = match tokio::time::timeout(config.send_timeout, mailer.send(&config.from, &row)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(crate::infra::mailer::SendError {
                message: "the mail server took too long".to_owned(),
                permanent: false,
            }),
        };
        let now = state.clock.now();
        match outcome {
            Ok(()) => {
                outbox::mark_sent(&state.db, id, holder, now).await?;
                tracing::info!(mail = id, kind = %row.kind, "mail sent");
                round.sent += 1;
            }
            Err(e) => {
                let left = outbox::mark_failed(&state.db, config, &row, holder, now, &e.message, e.permanent)
                    .await?;
                if left == MailState::Dead {
                    tracing::warn!(mail = id, kind = %row.kind, error = %e.message, "mail given up (dead letter)");
                    round.dead += 1;
                } else {
                    tracing::warn!(mail = id, kind = %row.kind, error = %e.message, "mail not delivered; will retry");
                    round.retrying += 1;
                }
            }
        }
    }
    Ok(round)
}
