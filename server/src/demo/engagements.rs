//! Demo engagements: proposals waiting for an answer, active engagements with
//! messages and logged hours, completed ones with ratings.

use super::{base::insert_chunks, needs::DemoNeed, rng::Rng, texts::MESSAGES, volunteers::Capacity};
use entity::{engagement, hours_log, message, need};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, TransactionTrait as _};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// Engagements for the needs under way, with messages and hours; proposals for
/// some open needs. Volunteers' held capacity is set from the live ones.
pub(super) async fn engagements(
    db: &DatabaseConnection,
    rng: &mut Rng,
    now: OffsetDateTime,
    needs: &[DemoNeed],
    members: &HashMap<usize, i64>,
    volunteers: &mut [Capacity],
) -> anyhow::Result<usize> {
    if volunteers.is_empty() {
        return Ok(0);
    }
    let mut rows = Vec::new();
    let mut messages = Vec::new();
    let mut hours = Vec::new();
    let mut next_id: i64 = 1;
    for n in needs {
        let (status, holds) = match n.status {
            need::Status::Matched | need::Status::InProgress => (engagement::Status::Active, true),
            need::Status::Resolved => (engagement::Status::Completed, false),
            // Some open needs wait for an answer; some were proposed before
            // and declined or left to expire (the dashboard's outcomes).
            need::Status::Open => match rng.below(100) {
                0..30 => (engagement::Status::Proposed, false),
                30..40 => (engagement::Status::Declined, false),
                40..45 => (engagement::Status::Expired, false),
                _ => continue,
            },
            _ => continue,
        };
        let not_accepted = matches!(
            status,
            engagement::Status::Proposed | engagement::Status::Declined | engagement::Status::Expired
        );
        let weekly = app::domain::engagement::weekly_hours(n.effort, None);
        // A volunteer with room left (a few tries; else the need stays as it is).
        let mut chosen = None;
        for _ in 0..20 {
            let i = rng.below(volunteers.len());
            let v = &volunteers[i];
            if !holds || (v.slots > 0 && v.hours >= weekly) {
                chosen = Some(i);
                break;
            }
        }
        let Some(i) = chosen else { continue };
        if holds {
            volunteers[i].slots -= 1;
            volunteers[i].hours -= weekly;
        }
        let volunteer = volunteers[i].id;
        let id = next_id;
        next_id += 1;
        let started = n.created + Duration::days(2);
        let finished = status == engagement::Status::Completed;
        rows.push(engagement::ActiveModel {
            id: Set(id),
            need_id: Set(n.id),
            volunteer_id: Set(volunteer),
            status: Set(status),
            proposed_by: Set(Some(1)),
            proposer_kind: Set(engagement::ProposerKind::Coordinator),
            reason: Set("Skills and languages match; available this month.".into()),
            weekly_hours: Set(weekly),
            holds_capacity: Set(holds),
            expires_at: Set((status == engagement::Status::Proposed).then_some(now + Duration::hours(48))),
            organisation_rating: Set(finished.then(|| i16::try_from(3 + rng.below(3)).unwrap_or(5))),
            organisation_comment: Set(finished.then(|| "Clear advice, patient with our team.".to_owned())),
            volunteer_rating: Set(finished.then(|| i16::try_from(3 + rng.below(3)).unwrap_or(5))),
            volunteer_comment: Set(finished.then(|| "Well-prepared team, quick to act.".to_owned())),
            created_at: Set(n.created + Duration::days(1)),
            updated_at: Set(if finished {
                started + Duration::days(20)
            } else {
                started
            }),
            declined_by: Set((status == engagement::Status::Declined).then(|| "volunteer".to_owned())),
            decline_reason: Set((status == engagement::Status::Declined)
                .then(|| (*rng.pick(&app::domain::engagement::VOLUNTEER_DECLINE_REASONS)).to_owned())),
            accepted_at: Set((!not_accepted).then_some(started)),
            confirmed_at: Set((!not_accepted).then_some(started)),
            finished_at: Set(finished.then_some(started + Duration::days(20))),
            ..Default::default()
        });
        if not_accepted || n.status == need::Status::Matched {
            continue;
        }
        let author = *members.get(&n.organisation).unwrap_or(&1);
        let count = if finished {
            MESSAGES.len()
        } else {
            2 + rng.below(3)
        };
        for (k, (body, by_volunteer)) in MESSAGES.iter().take(count).enumerate() {
            let k = i64::try_from(k).unwrap_or(0);
            messages.push(message::ActiveModel {
                engagement_id: Set(id),
                author_id: Set(if *by_volunteer { volunteer } else { author }),
                body: Set((*body).to_owned()),
                created_at: Set(started + Duration::hours(5 * k + 1)),
                ..Default::default()
            });
        }
        for d in 0..1 + rng.below(4) {
            let d = i64::try_from(d).unwrap_or(0);
            hours.push(hours_log::ActiveModel {
                engagement_id: Set(id),
                logged_on: Set((started + Duration::days(2 * d + 1)).date()),
                minutes: Set(i32::try_from(30 * (1 + rng.below(6))).unwrap_or(60)),
                note: Set(String::new()),
                created_at: Set(started + Duration::days(2 * d + 1)),
                ..Default::default()
            });
        }
    }
    let count = rows.len();
    let txn = db.begin().await?;
    insert_chunks(&txn, rows, 1000).await?;
    insert_chunks(&txn, messages, 2000).await?;
    insert_chunks(&txn, hours, 2000).await?;
    txn.execute_unprepared(
        "UPDATE volunteer SET \
         active_engagements = (SELECT COUNT(*) FROM engagement e \
             WHERE e.volunteer_id = volunteer.account_id AND e.holds_capacity), \
         committed_hours = (SELECT COALESCE(SUM(e.weekly_hours), 0) FROM engagement e \
             WHERE e.volunteer_id = volunteer.account_id AND e.holds_capacity) \
         WHERE account_id IN (SELECT volunteer_id FROM engagement WHERE holds_capacity)",
    )
    .await?;
    txn.commit().await?;
    Ok(count)
}
