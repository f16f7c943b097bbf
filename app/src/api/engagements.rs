//! Engagements: proposals and offers, answers, the work, messages, hours,
//! completion and ratings; and the viewer's notifications.
//!
//! Who may do what is decided by the lifecycle in the service (the viewer's side
//! of the engagement), not here: these functions only make sure someone is
//! signed in (coordinators with a verified second factor).

use crate::{
    domain::views::{EngagementPage, EngagementView, History, MessageView, NotificationView},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::context::{Access, guard},
    crate::model::Role,
    crate::services::{engagements, notifications},
    leptos::server_fn::ServerFn as _,
};

/// A coordinator proposes a volunteer (account id or email) for an open need.
///
/// # Errors
/// [`AppError::Validation`] (`volunteer`, `reason`), [`AppError::Conflict`].
#[server(endpoint = "engagements/propose")]
pub async fn propose_volunteer(need: i64, volunteer: String, reason: String) -> Result<(), AppError> {
    let (ctx, _) = guard(Access::Coordinator).await?;
    match engagements::propose_by_reference(&ctx.state, &ctx.actor, need, &volunteer, &reason).await {
        Ok(id) => {
            leptos_axum::redirect(&format!("/engagements/{id}"));
            Ok(())
        }
        Err(e) => {
            ctx.fail(
                ProposeVolunteer::PATH,
                &[("volunteer", &volunteer), ("reason", &reason)],
                e,
            )
            .await
        }
    }
}

/// An approved volunteer offers to help on an open need.
///
/// # Errors
/// [`AppError::Validation`] (no capacity, already proposed), [`AppError::Conflict`].
#[server(endpoint = "engagements/offer")]
pub async fn offer_help(need: i64, note: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Role(Role::Volunteer)).await?;
    match engagements::offer(&ctx.state, &ctx.actor, &user, need, &note).await {
        Ok(id) => {
            leptos_axum::redirect(&format!("/engagements/{id}"));
            Ok(())
        }
        Err(e) => ctx.fail(OfferHelp::PATH, &[("note", &note)], e).await,
    }
}

/// The volunteer accepts a proposal.
///
/// # Errors
/// [`AppError::Validation`] (no capacity), [`AppError::Conflict`], [`AppError::NotFound`].
#[server(endpoint = "engagements/accept")]
pub async fn accept_engagement(id: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(engagements::accept(&ctx.state, &ctx.actor, &user, id).await?)
}

/// Either side declines, with a reason from the list and a note.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Conflict`], [`AppError::NotFound`].
#[server(endpoint = "engagements/decline")]
pub async fn decline_engagement(id: i64, reason: String, note: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    match engagements::decline(&ctx.state, &ctx.actor, &user, id, &reason, &note).await {
        Ok(()) => Ok(()),
        Err(e) => {
            ctx.fail(
                DeclineEngagement::PATH,
                &[("reason", &reason), ("note", &note)],
                e,
            )
            .await
        }
    }
}

/// The organisation confirms: the work starts.
///
/// # Errors
/// [`AppError::Conflict`], [`AppError::NotFound`], [`AppError::Forbidden`].
#[server(endpoint = "engagements/confirm")]
pub async fn confirm_engagement(id: i64) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(engagements::confirm(&ctx.state, &ctx.actor, &user, id).await?)
}

/// The volunteer logs time.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Conflict`], [`AppError::NotFound`].
#[server(endpoint = "engagements/hours")]
pub async fn log_hours(id: i64, on: String, hours: String, hours_note: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    let actor = ctx.actor.clone();
    match engagements::log_hours(&ctx.state, &actor, &user, id, &on, &hours, &hours_note).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let kept = [
                ("on", on.as_str()),
                ("hours", hours.as_str()),
                ("hours_note", hours_note.as_str()),
            ];
            ctx.fail(LogHours::PATH, &kept, e).await
        }
    }
}

/// The organisation completes the engagement, rates the help and says whether
/// the need is resolved.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Conflict`], [`AppError::NotFound`].
#[server(endpoint = "engagements/complete")]
pub async fn complete_engagement(
    id: i64,
    rating: String,
    comment: String,
    resolved: Option<String>,
) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    let actor = ctx.actor.clone();
    let resolved = resolved.is_some_and(|r| r == "on" || r == "true");
    match engagements::complete(&ctx.state, &actor, &user, id, &rating, &comment, resolved).await {
        Ok(()) => Ok(()),
        Err(e) => {
            ctx.fail(
                CompleteEngagement::PATH,
                &[("rating", &rating), ("comment", &comment)],
                e,
            )
            .await
        }
    }
}

/// The volunteer rates the experience.
///
/// # Errors
/// [`AppError::Validation`], [`AppError::Conflict`], [`AppError::NotFound`].
#[server(endpoint = "engagements/rate")]
pub async fn rate_engagement(id: i64, rating: String, comment: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    match engagements::rate(&ctx.state, &ctx.actor, &user, id, &rating, &comment).await {
        Ok(()) => Ok(()),
        Err(e) => {
            ctx.fail(
                RateEngagement::PATH,
                &[("rating", &rating), ("comment", &comment)],
                e,
            )
            .await
        }
    }
}

/// Calls an engagement off.
///
/// # Errors
/// [`AppError::Conflict`], [`AppError::NotFound`].
#[server(endpoint = "engagements/cancel")]
pub async fn cancel_engagement(id: i64, cancel_note: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    match engagements::cancel(&ctx.state, &ctx.actor, &user, id, &cancel_note).await {
        Ok(()) => Ok(()),
        Err(e) => {
            ctx.fail(CancelEngagement::PATH, &[("cancel_note", &cancel_note)], e)
                .await
        }
    }
}

/// Posts a message to the engagement's thread.
///
/// # Errors
/// [`AppError::Validation`] (empty, too long), [`AppError::NotFound`].
#[server(endpoint = "engagements/message")]
pub async fn post_message(id: i64, body: String) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    match engagements::post_message(&ctx.state, &ctx.actor, &user, id, &body).await {
        Ok(()) => Ok(()),
        Err(e) => ctx.fail(PostMessage::PATH, &[("body", &body)], e).await,
    }
}

/// An engagement with its thread and hours.
///
/// # Errors
/// [`AppError::NotFound`] unless a participant.
#[server(endpoint = "engagements/page")]
pub async fn fetch_engagement(id: i64) -> Result<EngagementPage, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(engagements::page(&ctx.state, &ctx.actor, &user, id).await?)
}

/// The messages of a thread after message `after` (for live updates).
///
/// # Errors
/// [`AppError::NotFound`] unless a participant.
#[server(endpoint = "engagements/messages")]
pub async fn thread_after(id: i64, after: i64) -> Result<Vec<MessageView>, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(engagements::messages(&ctx.state, &user, id, after).await?)
}

/// The engagements the viewer takes part in (coordinators: all; or one need's).
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "engagements/list")]
pub async fn list_engagements(need: Option<i64>) -> Result<Vec<EngagementView>, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(engagements::list(&ctx.state, &user, need).await?)
}

/// The volunteer's history.
///
/// # Errors
/// [`AppError::Forbidden`] unless a volunteer.
#[server(endpoint = "engagements/history")]
pub async fn volunteer_history() -> Result<History, AppError> {
    let (ctx, user) = guard(Access::Role(Role::Volunteer)).await?;
    Ok(engagements::history(&ctx.state, &user).await?)
}

/// The viewer's notifications, newest first.
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "notifications/list")]
pub async fn my_notifications(page: Option<u64>) -> Result<Vec<NotificationView>, AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    Ok(notifications::list(&ctx.state.db, user.id, page.unwrap_or(0)).await?)
}

/// Marks one notification, or all of them, read.
///
/// # Errors
/// [`AppError::Unauthenticated`].
#[server(endpoint = "notifications/read")]
pub async fn mark_read(id: Option<i64>) -> Result<(), AppError> {
    let (ctx, user) = guard(Access::Participant).await?;
    notifications::mark_read(&ctx.state.db, user.id, id, ctx.state.clock.now()).await?;
    Ok(())
}
