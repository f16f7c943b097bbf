//! What every engagement transition shares: the lifecycle move itself, the
//! volunteer's capacity, the people concerned and what they are told — and
//! calling off a need's live proposals. Nothing here moves a need.

use crate::domain::codes::{AuditObject, NotificationKind};
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    notifications::{self, About, Announcement, Context},
    organisations::membership,
    standing,
};
use crate::session::CurrentUser;
use crate::{
    domain::engagement::{EngagementAction, EngagementStatus, Party, transition},
    services::deps::Deps,
    validate::Message,
};
use entity::{
    account::Role,
    engagement,
    engagement::{ProposerKind, Status},
    need, organisation, organisation_member,
    vetting::VettingStatus,
    volunteer,
};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DatabaseTransaction, EntityTrait as _, QueryFilter as _,
    QuerySelect as _,
    sea_query::{Expr, ExprTrait as _},
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

/// Takes one slot and `hours` weekly hours of an approved volunteer, or fails
/// when they have none left.
///
/// # Errors
/// [`ServiceError::Validation`] (`capacity`: no capacity left); database errors.
#[tracing::instrument(skip_all, fields(volunteer_id = volunteer_id))]
pub async fn take_capacity<C: ConnectionTrait>(
    db: &C,
    volunteer_id: i64,
    hours: i16,
) -> Result<(), ServiceError> {
    let taken = volunteer::Entity::update_many()
        .col_expr(
            volunteer::Column::ActiveEngagements,
            Expr::col(volunteer::Column::ActiveEngagements).add(1),
        )
        .col_expr(
            volunteer::Column::CommittedHours,
            Expr::col(volunteer::Column::CommittedHours).add(hours),
        )
        .filter(volunteer::Column::AccountId.eq(volunteer_id))
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .filter(
            Expr::col(volunteer::Column::ActiveEngagements).lt(Expr::col(volunteer::Column::MaxConcurrent)),
        )
        .filter(
            Expr::col(volunteer::Column::CommittedHours)
                .add(hours)
                .lte(Expr::col(volunteer::Column::HoursPerWeek)),
        )
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        Ok(())
    } else {
        Err(ServiceError::field("capacity", Message::NoCapacity))
    }
}

/// Gives back what [`take_capacity`] took.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(volunteer_id = volunteer_id))]
pub async fn release_capacity<C: ConnectionTrait>(
    db: &C,
    volunteer_id: i64,
    hours: i16,
) -> Result<(), ServiceError> {
    volunteer::Entity::update_many()
        .col_expr(
            volunteer::Column::ActiveEngagements,
            Expr::col(volunteer::Column::ActiveEngagements).sub(1),
        )
        .col_expr(
            volunteer::Column::CommittedHours,
            Expr::col(volunteer::Column::CommittedHours).sub(hours),
        )
        .filter(volunteer::Column::AccountId.eq(volunteer_id))
        .filter(volunteer::Column::ActiveEngagements.gte(1))
        .filter(volunteer::Column::CommittedHours.gte(hours))
        .exec(db)
        .await?;
    Ok(())
}

/// Everyone an engagement concerns: the volunteer, the organisation's members
/// and the coordinator who proposed it.
pub(super) async fn participants<C: ConnectionTrait>(
    db: &C,
    e: &engagement::Model,
    organisation_id: i64,
) -> Result<Vec<i64>, ServiceError> {
    let members = members_of(db, &[organisation_id]).await?;
    Ok(concerned(e, members.get(&organisation_id)))
}

/// The accounts of each organisation's members.
async fn members_of<C: ConnectionTrait>(
    db: &C,
    organisations: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, ServiceError> {
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in organisations.chunks(1000) {
        for m in organisation_member::Entity::find()
            .filter(organisation_member::Column::OrganisationId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            members.entry(m.organisation_id).or_default().push(m.account_id);
        }
    }
    Ok(members)
}

/// Everyone `e` concerns, given its organisation's `members`.
fn concerned(e: &engagement::Model, members: Option<&Vec<i64>>) -> Vec<i64> {
    let mut ids = members.cloned().unwrap_or_default();
    ids.push(e.volunteer_id);
    if e.proposer_kind == ProposerKind::Coordinator
        && let Some(p) = e.proposed_by
    {
        ids.push(p);
    }
    ids
}

/// The viewer's side of an engagement, or not found when they have none. It
/// says nothing of the side's standing: [`side`] does.
pub(super) async fn party_of<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    e: &engagement::Model,
    need: &need::Model,
) -> Result<Party, ServiceError> {
    if user.role == Role::Coordinator {
        return Ok(Party::Coordinator);
    }
    if user.role == Role::Volunteer && user.id == e.volunteer_id {
        return Ok(Party::Volunteer);
    }
    if membership(db, user.id)
        .await?
        .is_some_and(|m| m.organisation_id == need.organisation_id)
    {
        return Ok(Party::Organisation);
    }
    Err(ServiceError::NotFound)
}

/// The viewer's side of an engagement, in good standing: every action on an
/// engagement, and every read of one in detail (its confidential part, its
/// messages and hours), goes through here. A suspended or rejected volunteer,
/// or a member of a suspended or rejected organisation, is refused.
///
/// # Errors
/// [`ServiceError::NotFound`] for outsiders, [`ServiceError::Forbidden`] for a
/// side not in standing.
pub(super) async fn side<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    e: &engagement::Model,
    need: &need::Model,
) -> Result<Party, ServiceError> {
    let party = party_of(db, user, e, need).await?;
    standing::party(db, party, e.volunteer_id, need.organisation_id).await?;
    Ok(party)
}

/// Fails when the engagement is finished (completed, declined, expired or
/// cancelled): it is read-only then. (A completed engagement still takes its
/// ratings; those check the status themselves.)
///
/// # Errors
/// [`ServiceError::Conflict`].
pub(super) fn still_live(e: &engagement::Model) -> Result<(), ServiceError> {
    if EngagementStatus::from(e.status).is_live() {
        Ok(())
    } else {
        Err(ServiceError::Conflict(
            "the engagement is finished: it is read-only",
        ))
    }
}

pub(super) async fn load<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<(engagement::Model, need::Model), ServiceError> {
    let e = engagement::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let n = need::Entity::find_by_id(e.need_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((e, n))
}

pub(super) fn response_deadline(state: &Deps, now: OffsetDateTime) -> OffsetDateTime {
    now + state.config.response_window
}

/// What changes with a transition besides the status.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) expires_at: Option<Option<OffsetDateTime>>,
    pub(super) holds_capacity: Option<bool>,
    pub(super) accepted_at: Option<OffsetDateTime>,
    pub(super) confirmed_at: Option<OffsetDateTime>,
    pub(super) finished_at: Option<OffsetDateTime>,
    pub(super) decline: Option<(&'static str, String, String)>,
    pub(super) organisation_rating: Option<(i16, String)>,
    /// (Acceptances) seconds since the need opened, for its history.
    pub(super) after_opening: Option<i64>,
}

/// Moves the engagement if the rule allows and it is still as read; audits it.
pub(super) async fn move_engagement(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    e: &engagement::Model,
    action: EngagementAction,
    party: Party,
    changes: Changes,
) -> Result<Status, ServiceError> {
    let to = transition(e.status.into(), action, party)
        .map(Status::from)
        .ok_or(ServiceError::Conflict(
            "this change is not allowed for the engagement's status",
        ))?;
    let mut update = engagement::Entity::update_many()
        .col_expr(
            engagement::Column::Status,
            Expr::value(EngagementStatus::from(to).code()),
        )
        .col_expr(engagement::Column::UpdatedAt, Expr::value(now))
        .filter(engagement::Column::Id.eq(e.id))
        .filter(engagement::Column::Status.eq(e.status));
    if let Some(expires) = changes.expires_at {
        update = update.col_expr(engagement::Column::ExpiresAt, Expr::value(expires));
    }
    if let Some(holds) = changes.holds_capacity {
        update = update.col_expr(engagement::Column::HoldsCapacity, Expr::value(holds));
    }
    if let Some(at) = changes.accepted_at {
        update = update.col_expr(engagement::Column::AcceptedAt, Expr::value(at));
    }
    if let Some(at) = changes.confirmed_at {
        update = update.col_expr(engagement::Column::ConfirmedAt, Expr::value(at));
    }
    if let Some(at) = changes.finished_at {
        update = update.col_expr(engagement::Column::FinishedAt, Expr::value(at));
    }
    if let Some((by, reason, note)) = &changes.decline {
        update = update
            .col_expr(engagement::Column::DeclinedBy, Expr::value(*by))
            .col_expr(engagement::Column::DeclineReason, Expr::value(reason.clone()))
            .col_expr(engagement::Column::DeclineNote, Expr::value(note.clone()));
    }
    if let Some((rating, comment)) = &changes.organisation_rating {
        update = update
            .col_expr(engagement::Column::OrganisationRating, Expr::value(*rating))
            .col_expr(
                engagement::Column::OrganisationComment,
                Expr::value(comment.clone()),
            );
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(ServiceError::Conflict("the engagement changed meanwhile"));
    }
    let mut details = json!({
        "from": EngagementStatus::from(e.status).code(),
        "to": EngagementStatus::from(to).code(),
        "by": format!("{party:?}").to_lowercase(),
    });
    if let Some((by, reason, _)) = &changes.decline {
        details["declined_by"] = json!(by);
        details["reason"] = json!(reason);
    }
    if let Some(seconds) = changes.after_opening {
        details["after_opening_secs"] = json!(seconds);
    }
    audit::record(
        txn,
        now,
        actor,
        Action::EngagementTransition,
        Some((AuditObject::Engagement, e.id)),
        details,
    )
    .await?;
    Ok(to)
}

/// Cancels an engagement on the programme's behalf (another proposal took the
/// need, the need was withdrawn, a side lost its standing) and gives back the
/// capacity it held; the caller tells the people concerned.
pub(super) async fn cancel_for_the_programme(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    e: &engagement::Model,
) -> Result<(), ServiceError> {
    let changes = Changes {
        holds_capacity: Some(false),
        expires_at: Some(None),
        finished_at: Some(now),
        ..Changes::default()
    };
    move_engagement(
        txn,
        now,
        actor,
        e,
        EngagementAction::Cancel,
        Party::Coordinator,
        changes,
    )
    .await?;
    give_back(txn, e).await
}

/// Releases the capacity an engagement holds, if it holds any.
pub(super) async fn give_back(txn: &DatabaseTransaction, e: &engagement::Model) -> Result<(), ServiceError> {
    if e.holds_capacity {
        release_capacity(txn, e.volunteer_id, e.weekly_hours).await?;
    }
    Ok(())
}

/// Tells the people `e` concerns of `kind`, but `except` (who acted).
pub(super) async fn announce(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    e: &engagement::Model,
    n: &need::Model,
    kind: NotificationKind,
    except: Option<i64>,
) -> Result<(), ServiceError> {
    announce_all(txn, state, now, &[(e, n)], kind, except).await
}

/// Tells the people concerned of each engagement (with its need, as read) of
/// `kind` — but `except`, who acted — in a few statements however many there are.
///
/// # Errors
/// Database errors.
pub(super) async fn announce_all(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    events: &[(&engagement::Model, &need::Model)],
    kind: NotificationKind,
    except: Option<i64>,
) -> Result<(), ServiceError> {
    let organisations: Vec<i64> = events
        .iter()
        .map(|(_, n)| n.organisation_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let members = members_of(txn, &organisations).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for chunk in organisations.chunks(1000) {
        names.extend(
            organisation::Entity::find()
                .select_only()
                .column(organisation::Column::Id)
                .column(organisation::Column::Name)
                .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple::<(i64, String)>()
                .all(txn)
                .await?,
        );
    }
    let announcements: Vec<Announcement<'_>> = events
        .iter()
        .map(|&(e, n)| Announcement {
            recipients: concerned(e, members.get(&n.organisation_id)),
            except,
            about: About {
                kind,
                engagement_id: Some(e.id),
                need_id: Some(n.id),
                subject: &n.title,
            },
            context: Context {
                engagement: Some(e),
                need: Some(n),
                organisation: names.get(&n.organisation_id).map(String::as_str),
            },
        })
        .collect();
    notifications::notify_all(txn, state, now, &announcements).await
}

/// Calls off the live proposals for a need (but `except`), giving back the
/// capacity they held and telling the people concerned: the need was taken by
/// another engagement, or withdrawn.
///
/// # Errors
/// Database errors; [`ServiceError::Conflict`] if one changed meanwhile.
#[tracing::instrument(skip_all)]
pub async fn call_off(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    actor: &Actor,
    n: &need::Model,
    except: Option<i64>,
) -> Result<(), ServiceError> {
    let mut live = engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(n.id))
        .filter(engagement::Column::Status.is_in([Status::Proposed, Status::Accepted]));
    if let Some(id) = except {
        live = live.filter(engagement::Column::Id.ne(id));
    }
    for other in live.all(txn).await? {
        cancel_for_the_programme(txn, now, actor, &other).await?;
        announce(txn, state, now, &other, n, NotificationKind::Cancelled, None).await?;
    }
    Ok(())
}

/// Holds an open need for the rest of the transaction, or fails when it is no
/// longer open: a conditional no-op `UPDATE` of its row. On PostgreSQL a second
/// transaction holding the same need waits here until the first commits, then
/// reads what it did (on SQLite write transactions are serial anyway).
///
/// # Errors
/// [`ServiceError::Conflict`] when the need is not open; database errors.
pub(super) async fn hold_open(txn: &DatabaseTransaction, n: &need::Model) -> Result<(), ServiceError> {
    let held = need::Entity::update_many()
        .col_expr(need::Column::Status, Expr::col(need::Column::Status))
        .filter(need::Column::Id.eq(n.id))
        .filter(need::Column::Status.eq(need::Status::Open))
        .exec(txn)
        .await?;
    if held.rows_affected == 1 {
        Ok(())
    } else {
        Err(ServiceError::Conflict("the need is no longer open"))
    }
}

/// The critical fast path's race is won: withdraws the need's other fast-path
/// proposals still waiting for an answer (but `winner`), telling each volunteer
/// that another accepted first. The caller holds the need ([`hold_open`]).
///
/// # Errors
/// Database errors; [`ServiceError::Conflict`] if one changed meanwhile.
#[tracing::instrument(skip_all)]
pub(super) async fn withdraw_rivals(
    txn: &DatabaseTransaction,
    state: &Deps,
    now: OffsetDateTime,
    actor: &Actor,
    n: &need::Model,
    winner: i64,
) -> Result<(), ServiceError> {
    let rivals = engagement::Entity::find()
        .filter(engagement::Column::NeedId.eq(n.id))
        .filter(engagement::Column::FastPath.eq(true))
        .filter(engagement::Column::Status.eq(Status::Proposed))
        .filter(engagement::Column::Id.ne(winner))
        .all(txn)
        .await?;
    for rival in rivals {
        cancel_for_the_programme(txn, now, actor, &rival).await?;
        notifications::notify(
            txn,
            state,
            now,
            vec![rival.volunteer_id],
            None,
            About {
                kind: NotificationKind::TakenByAnother,
                engagement_id: Some(rival.id),
                need_id: Some(n.id),
                subject: &n.title,
            },
        )
        .await?;
    }
    Ok(())
}

pub(super) use crate::model::day as date_text;

/// The room each of `volunteer_ids` has left for one more proposal: free slots
/// and free weekly hours, counting the proposals still waiting for their answer
/// as if accepted (so a batch never piles more proposals on someone than they
/// could accept). Volunteers who are not approved are absent.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn room_left<C: ConnectionTrait>(
    db: &C,
    volunteer_ids: &[i64],
) -> Result<HashMap<i64, (i16, i16)>, ServiceError> {
    let mut capacity: HashMap<i64, (i16, i16)> = HashMap::new();
    for chunk in volunteer_ids.chunks(5000) {
        for v in volunteer::Entity::find()
            .filter(volunteer::Column::AccountId.is_in(chunk.to_vec()))
            .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
            .all(db)
            .await?
        {
            capacity.insert(
                v.account_id,
                (
                    v.max_concurrent - v.active_engagements,
                    v.hours_per_week - v.committed_hours,
                ),
            );
        }
    }
    // Proposals still waiting for an answer count, as they did when the run was computed:
    // one made since (by hand or by another run) can leave no room for this run's pair.
    for chunk in volunteer_ids.chunks(5000) {
        let pending: Vec<(i64, i16)> = engagement::Entity::find()
            .select_only()
            .columns([engagement::Column::VolunteerId, engagement::Column::WeeklyHours])
            .filter(engagement::Column::VolunteerId.is_in(chunk.to_vec()))
            .filter(engagement::Column::Status.eq(Status::Proposed))
            .into_tuple()
            .all(db)
            .await?;
        for (volunteer, hours) in pending {
            if let Some(room) = capacity.get_mut(&volunteer) {
                room.0 -= 1;
                room.1 -= hours;
            }
        }
    }
    Ok(capacity)
}
