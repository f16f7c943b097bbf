//! A table of needs, and the labels of their statuses and urgencies.

use crate::domain::{codes::Urgency, need::NeedStatus};
use crate::names::Country;
use crate::{
    domain::views::NeedSummary,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_router::components::A;

/// The translated name of a need status.
pub fn status_name(status: NeedStatus) -> String {
    let i18n = use_i18n();
    match status {
        NeedStatus::Draft => t_string!(i18n, need_status.draft),
        NeedStatus::Submitted => t_string!(i18n, need_status.submitted),
        NeedStatus::Open => t_string!(i18n, need_status.open),
        NeedStatus::Matched => t_string!(i18n, need_status.matched),
        NeedStatus::InProgress => t_string!(i18n, need_status.in_progress),
        NeedStatus::Resolved => t_string!(i18n, need_status.resolved),
        NeedStatus::Closed => t_string!(i18n, need_status.closed),
        NeedStatus::Cancelled => t_string!(i18n, need_status.cancelled),
    }
    .to_string()
}

/// The translated name of an urgency.
pub fn urgency_name(urgency: Urgency) -> String {
    let i18n = use_i18n();
    match urgency {
        Urgency::Critical => t_string!(i18n, urgency.critical),
        Urgency::High => t_string!(i18n, urgency.high),
        Urgency::Normal => t_string!(i18n, urgency.normal),
        Urgency::Low => t_string!(i18n, urgency.low),
    }
    .to_string()
}

/// Needs as a table, each title linking to `link_base` + id.
#[component]
pub fn NeedsTable(
    /// The rows.
    needs: Vec<NeedSummary>,
    /// Where a need's page is (`/needs/`).
    #[prop(default = "/needs/")]
    link_base: &'static str,
    /// Show the organisation column.
    #[prop(optional)]
    show_organisation: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if needs.is_empty() {
        return view! { <p class="muted">{t!(i18n, needs.none)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, needs.title_column)}</th>
                        {show_organisation.then(|| view! { <th scope="col">{t!(i18n, needs.organisation)}</th> })}
                        <th scope="col">{t!(i18n, needs.category)}</th>
                        <th scope="col">{t!(i18n, needs.urgency)}</th>
                        <th scope="col">{t!(i18n, needs.status)}</th>
                        <th scope="col">{t!(i18n, needs.effort)}</th>
                    </tr>
                </thead>
                <tbody>
                    {needs
                        .into_iter()
                        .map(|n| {
                            let urgency = n.urgency;
                            view! {
                                <tr data-need=n.id.to_string()>
                                    <td><A href=format!("{link_base}{}", n.id)>{n.title.clone()}</A></td>
                                    {show_organisation.then(|| view! { <td>{n.organisation.clone()} " (" <Country code=n.country.clone() /> ")"</td> })}
                                    <td>{n.category.clone()}</td>
                                    <td><span class=format!("urgency urgency--{urgency}")>{urgency_name(n.urgency)}</span></td>
                                    <td>{status_name(n.status)}</td>
                                    <td>{n.effort_hours} " h"</td>
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
