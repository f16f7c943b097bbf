//! Engagements: the list, one engagement with its thread, and the labels of
//! their statuses, proposers and decline reasons.

pub mod detail;
pub mod list;
pub mod notifications;
pub mod thread;

use crate::names::Country;
use crate::{
    domain::{codes::Proposer, engagement::EngagementStatus, views::EngagementView},
    i18n::{t, t_string, use_i18n},
    pages::needs::table::urgency_name,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// The translated name of an engagement status.
pub fn engagement_status_name(status: EngagementStatus) -> String {
    let i18n = use_i18n();
    match status {
        EngagementStatus::Proposed => t_string!(i18n, engagement_status.proposed),
        EngagementStatus::Accepted => t_string!(i18n, engagement_status.accepted),
        EngagementStatus::Active => t_string!(i18n, engagement_status.active),
        EngagementStatus::Completed => t_string!(i18n, engagement_status.completed),
        EngagementStatus::Declined => t_string!(i18n, engagement_status.declined),
        EngagementStatus::Expired => t_string!(i18n, engagement_status.expired),
        EngagementStatus::Cancelled => t_string!(i18n, engagement_status.cancelled),
    }
    .to_string()
}

/// Who proposed, translated.
pub fn proposer_name(proposer: Proposer) -> String {
    let i18n = use_i18n();
    match proposer {
        Proposer::Coordinator => t_string!(i18n, engagements.by_coordinator),
        Proposer::Volunteer => t_string!(i18n, engagements.by_volunteer),
        Proposer::Matcher => t_string!(i18n, engagements.by_matcher),
    }
    .to_string()
}

/// A decline reason, translated.
pub fn decline_reason_name(code: &str) -> String {
    let i18n = use_i18n();
    match code {
        "no_time" => t_string!(i18n, decline_reasons.no_time),
        "skills_mismatch" => t_string!(i18n, decline_reasons.skills_mismatch),
        "conflict_of_interest" => t_string!(i18n, decline_reasons.conflict_of_interest),
        "language" => t_string!(i18n, decline_reasons.language),
        "availability" => t_string!(i18n, decline_reasons.availability),
        "prefer_other" => t_string!(i18n, decline_reasons.prefer_other),
        _ => t_string!(i18n, decline_reasons.other),
    }
    .to_string()
}

/// Minutes as hours, one decimal, in the page's language.
pub fn hours_text(minutes: i64) -> String {
    crate::numbers::hours(crate::numbers::page_locale(), minutes)
}

/// Engagements as a table.
#[component]
pub fn EngagementsTable(
    /// The rows.
    engagements: Vec<EngagementView>,
    /// Show the need column.
    #[prop(default = true)]
    show_need: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if engagements.is_empty() {
        return view! { <p class="muted">{t!(i18n, engagements.none)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        {show_need.then(|| view! { <th scope="col">{t!(i18n, engagements.need)}</th> })}
                        <th scope="col">{t!(i18n, engagements.volunteer)}</th>
                        <th scope="col">{t!(i18n, engagements.status)}</th>
                        <th scope="col">{t!(i18n, engagements.proposed_by)}</th>
                        <th scope="col">{t!(i18n, engagements.logged)}</th>
                    </tr>
                </thead>
                <tbody>
                    {engagements
                        .into_iter()
                        .map(|e| {
                            let urgency = e.need.urgency;
                            view! {
                                <tr data-engagement=e.id.to_string() data-engagement-status=e.status.code()>
                                    {show_need.then(|| view! {
                                        <td>
                                            <A href=format!("/engagements/{}", e.id)>{e.need.title.clone()}</A>
                                            " " <span class=format!("urgency urgency--{urgency}")>{urgency_name(e.need.urgency)}</span>
                                            <br /><span class="muted">{e.need.organisation.clone()} " (" <Country code=e.need.country.clone() /> ")"</span>
                                        </td>
                                    })}
                                    <td>
                                        {if show_need {
                                            e.volunteer_name.clone().into_any()
                                        } else {
                                            view! { <A href=format!("/engagements/{}", e.id)>{e.volunteer_name.clone()}</A> }.into_any()
                                        }}
                                    </td>
                                    <td>{engagement_status_name(e.status)}</td>
                                    <td>{proposer_name(e.proposer_kind)}</td>
                                    <td>{hours_text(e.minutes_logged)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
