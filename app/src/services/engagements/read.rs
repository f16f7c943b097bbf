//! Reading engagements: one in detail, a viewer's list, a volunteer's history.

use crate::domain::codes::AuditObject;
use crate::infra::db::begin_write;
use crate::services::{
    ServiceError,
    audit::{self, Action, Actor},
    needs,
    notifications::{self},
    organisations::membership,
    standing::{self, Right},
};
use crate::session::CurrentUser;
use crate::{
    domain::{
        engagement::{EngagementAction, EngagementStatus, Party, transition},
        views::{
            ConfidentialPart, DeclineReason, EngagementActions, EngagementPage, EngagementView, History,
            NeedSummary,
        },
    },
    model::utc,
    services::deps::Deps,
};
use entity::{account::Role, ecsf_role, engagement, need, volunteer};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
    QueryTrait as _,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

use super::{lifecycle::*, thread::*};

/// How an engagement is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// In detail, by a side in good standing (see [`side`]).
    Detail,
    /// In a list: never with the confidential part (no audited reads from a
    /// list), and with actions only when the viewer's side stands (`true`).
    List(bool),
}

/// What the views of some engagements show besides the engagements and their
/// needs, read for all of them at once: a list of 200 engagements is seven
/// statements, not seven per engagement.
#[derive(Default)]
struct Around {
    /// Volunteers' display names, by account.
    names: HashMap<i64, String>,
    /// Volunteers' ECSF role names and languages, by account.
    profiles: HashMap<i64, (Option<String>, String)>,
    /// The needs' summaries, by need.
    needs: HashMap<i64, NeedSummary>,
    /// Minutes logged, by engagement.
    minutes: HashMap<i64, i64>,
}

impl Around {
    async fn read<C: ConnectionTrait>(
        db: &C,
        rows: &[(&engagement::Model, &need::Model)],
    ) -> Result<Self, ServiceError> {
        if rows.is_empty() {
            return Ok(Self::default());
        }
        let volunteers: Vec<i64> = distinct(rows.iter().map(|(e, _)| e.volunteer_id));
        let names = needs::display_names(db, volunteers.clone()).await?;
        let profiles: Vec<(i64, Option<i64>, String)> = volunteer::Entity::find()
            .select_only()
            .columns([
                volunteer::Column::AccountId,
                volunteer::Column::EcsfRoleId,
                volunteer::Column::Languages,
            ])
            .filter(volunteer::Column::AccountId.is_in(volunteers))
            .into_tuple()
            .all(db)
            .await?;
        let role_ids = distinct(profiles.iter().filter_map(|(_, role, _)| *role));
        let roles: HashMap<i64, String> = if role_ids.is_empty() {
            HashMap::new()
        } else {
            ecsf_role::Entity::find()
                .filter(ecsf_role::Column::Id.is_in(role_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect()
        };
        let profiles = profiles
            .into_iter()
            .map(|(id, role, languages)| (id, (role.and_then(|r| roles.get(&r).cloned()), languages)))
            .collect();
        let mut needs: Vec<need::Model> = Vec::new();
        for (_, n) in rows {
            if !needs.iter().any(|m| m.id == n.id) {
                needs.push((*n).clone());
            }
        }
        let needs = needs::summaries(db, &needs)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let minutes = minutes_logged(db, &distinct(rows.iter().map(|(e, _)| e.id))).await?;
        Ok(Self {
            names,
            profiles,
            needs,
            minutes,
        })
    }
}

/// The values, each once, in order.
fn distinct(values: impl Iterator<Item = i64>) -> Vec<i64> {
    values.collect::<BTreeSet<_>>().into_iter().collect()
}

/// Builds the view of an engagement for a viewer on `party`'s side.
fn view_of(
    party: Party,
    e: &engagement::Model,
    n: &need::Model,
    around: &Around,
    reading: Reading,
) -> Option<EngagementView> {
    let in_list = reading != Reading::Detail;
    let stands = matches!(reading, Reading::Detail | Reading::List(true));
    let status = EngagementStatus::from(e.status);
    // The engaged volunteer reads the confidential part while the work is on,
    // and no longer once the engagement is finished.
    let confidential = (!in_list
        && match party {
            Party::Organisation | Party::Coordinator => true,
            Party::Volunteer => status == EngagementStatus::Active,
            Party::System => false,
        })
    .then(|| ConfidentialPart {
        details: n.confidential_details.clone(),
        authorisation_name: n.authorisation_name.clone(),
        authorisation_role: n.authorisation_role.clone(),
        authorisation_scope: n.authorisation_scope.clone(),
        authorisation_date: n.authorisation_date.map(date_text).unwrap_or_default(),
    });
    // An organisation's decline reason is never shown to the volunteer.
    let hide_decline = party == Party::Volunteer && e.declined_by.as_deref() == Some("organisation");
    // Only what the service would accept: nothing for a side not in standing,
    // no messages on a finished engagement.
    let allowed = |action| stands && transition(status, action, party).is_some();
    let can = EngagementActions {
        accept: allowed(EngagementAction::Accept),
        decline: allowed(EngagementAction::Decline),
        confirm: allowed(EngagementAction::Confirm),
        log_hours: stands && party == Party::Volunteer && status == EngagementStatus::Active,
        complete: allowed(EngagementAction::Complete),
        rate: stands
            && party == Party::Volunteer
            && status == EngagementStatus::Completed
            && e.volunteer_rating.is_none(),
        cancel: allowed(EngagementAction::Cancel),
        message: stands && status.is_live(),
    };
    let (role, languages) = around.profiles.get(&e.volunteer_id).cloned().unwrap_or_default();
    Some(EngagementView {
        id: e.id,
        status,
        need: around.needs.get(&n.id)?.clone(),
        need_summary: n.public_summary.clone(),
        volunteer_id: e.volunteer_id,
        volunteer_name: around.names.get(&e.volunteer_id).cloned().unwrap_or_default(),
        volunteer_role: role.unwrap_or_default(),
        volunteer_languages: crate::domain::languages::split(&languages),
        proposer_kind: e.proposer_kind.into(),
        reason: e.reason.clone(),
        weekly_hours: e.weekly_hours,
        expires: e.expires_at.map(utc).unwrap_or_default(),
        declined_by: e.declined_by.clone().unwrap_or_default(),
        decline: (!hide_decline && e.declined_by.is_some()).then(|| DeclineReason {
            reason: e.decline_reason.clone().unwrap_or_default(),
            note: e.decline_note.clone().unwrap_or_default(),
        }),
        organisation_rating: e.organisation_rating,
        organisation_comment: e.organisation_comment.clone().unwrap_or_default(),
        volunteer_rating: e.volunteer_rating,
        volunteer_comment: e.volunteer_comment.clone().unwrap_or_default(),
        minutes_logged: around.minutes.get(&e.id).copied().unwrap_or_default(),
        confidential,
        created: utc(e.created_at),
        can,
        viewer: format!("{party:?}").to_lowercase(),
    })
}

/// Builds the view of one engagement, in detail, for a viewer on `party`'s
/// side; a volunteer's or coordinator's read of the confidential part is
/// audited.
pub(super) async fn view_for(
    state: &Deps,
    actor: &Actor,
    party: Party,
    (e, n): (engagement::Model, need::Model),
) -> Result<EngagementView, ServiceError> {
    let around = Around::read(&state.db, &[(&e, &n)]).await?;
    let view = view_of(party, &e, &n, &around, Reading::Detail).ok_or(ServiceError::NotFound)?;
    if view.confidential.is_some() && matches!(party, Party::Volunteer | Party::Coordinator) {
        let txn = begin_write(&state.db).await?;
        audit::record(
            &txn,
            state.clock.now(),
            actor,
            Action::ConfidentialRead,
            Some((AuditObject::Need, n.id)),
            json!({ "engagement": e.id }),
        )
        .await?;
        txn.commit().await?;
    }
    Ok(view)
}

/// One engagement, as the viewer may see it.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a participant.
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn detail(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<EngagementView, ServiceError> {
    let (e, n) = load(&state.db, id).await?;
    let party = side(&state.db, user, &e, &n).await?;
    view_for(state, actor, party, (e, n)).await
}

/// The engagements the viewer takes part in (coordinators: all, or those of one
/// need), newest first.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn list(
    state: &Deps,
    user: &CurrentUser,
    need_id: Option<i64>,
) -> Result<Vec<EngagementView>, ServiceError> {
    let db = &state.db;
    let mut select = engagement::Entity::find()
        .order_by_desc(engagement::Column::UpdatedAt)
        .order_by_desc(engagement::Column::Id);
    let (party, stands) = match user.role {
        Role::Coordinator => (Party::Coordinator, Ok(())),
        Role::Volunteer => {
            select = select.filter(engagement::Column::VolunteerId.eq(user.id));
            (Party::Volunteer, standing::volunteer(db, user.id).await)
        }
        Role::OrganisationMember => {
            let Some(m) = membership(db, user.id).await? else {
                return Ok(Vec::new());
            };
            let stands = standing::organisation(db, m.organisation_id, Right::Act).await;
            select = select.filter(
                engagement::Column::NeedId.in_subquery(
                    need::Entity::find()
                        .select_only()
                        .column(need::Column::Id)
                        .filter(need::Column::OrganisationId.eq(m.organisation_id))
                        .into_query(),
                ),
            );
            (Party::Organisation, stands)
        }
    };
    // A side not in standing still sees its list, without any action offered.
    let stands = match stands {
        Ok(()) => true,
        Err(ServiceError::Forbidden) => false,
        Err(other) => return Err(other),
    };
    if let Some(need_id) = need_id {
        select = select.filter(engagement::Column::NeedId.eq(need_id));
    }
    let engagements = select.limit(LIST_LIMIT).all(db).await?;
    let needs: HashMap<i64, need::Model> = if engagements.is_empty() {
        HashMap::new()
    } else {
        need::Entity::find()
            .filter(need::Column::Id.is_in(distinct(engagements.iter().map(|e| e.need_id))))
            .all(db)
            .await?
            .into_iter()
            .map(|n| (n.id, n))
            .collect()
    };
    let rows: Vec<_> = engagements
        .iter()
        .filter_map(|e| Some((e, needs.get(&e.need_id)?)))
        .collect();
    let around = Around::read(db, &rows).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, n)| view_of(party, e, n, &around, Reading::List(stands)))
        .collect())
}

/// The most engagements a list shows.
pub(super) const LIST_LIMIT: u64 = 200;

/// A volunteer's engagements and the hours they gave.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a volunteer; database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn history(state: &Deps, user: &CurrentUser) -> Result<History, ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let engagements = list(state, user, None).await?;
    Ok(History {
        minutes: engagements.iter().map(|e| e.minutes_logged).sum(),
        completed: engagements
            .iter()
            .filter(|e| e.status == EngagementStatus::Completed)
            .count(),
        engagements,
    })
}

/// An engagement's page for a participant: the engagement, thread and hours.
///
/// # Errors
/// [`ServiceError::NotFound`] unless a participant.
#[tracing::instrument(skip_all, fields(user = user.id, id = id))]
pub async fn page(
    state: &Deps,
    actor: &Actor,
    user: &CurrentUser,
    id: i64,
) -> Result<EngagementPage, ServiceError> {
    let page = EngagementPage {
        engagement: detail(state, actor, user, id).await?,
        messages: messages(state, user, id, 0).await?,
        hours: hours(state, user, id).await?,
        today: date_text(state.clock.now().date()),
    };
    notifications::mark_engagement_read(&state.db, user.id, id, state.clock.now()).await?;
    Ok(page)
}
