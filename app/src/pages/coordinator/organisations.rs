//! `/coordinator/organisations`: the vetting queue for organisations.

use crate::dates::When;
use crate::domain::codes::VettingStatus;
use crate::domain::views::TriagedOrganisation;
use crate::names::Country;
use crate::{
    api::vetting::organisations_list,
    components::guard::page_error,
    i18n::{t, t_string, use_i18n},
    pages::{coordinator::accounts::Pager, organisation::form::kind_name},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The translated name of a vetting status.
pub fn vetting_name(status: VettingStatus) -> String {
    let i18n = use_i18n();
    match status {
        VettingStatus::Pending => t_string!(i18n, vetting.pending),
        VettingStatus::Approved => t_string!(i18n, vetting.approved),
        VettingStatus::Rejected => t_string!(i18n, vetting.rejected),
        VettingStatus::Suspended => t_string!(i18n, vetting.suspended),
    }
    .to_string()
}

/// The vetting status a queue is filtered by, from the query: pending unless
/// another (or `all`) is asked for.
pub fn vetting_filter() -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || {
        let asked = query.read().get("status").filter(|v| !v.is_empty());
        Some(asked.unwrap_or_else(|| VettingStatus::Pending.code().to_owned())).filter(|s| s != "all")
    })
}

/// The status select of a vetting queue's filters.
#[component]
pub fn VettingSelect(status: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="status">{t!(i18n, needs.status)}</label>
        <select id="status" name="status">
            {VettingStatus::ALL.iter().map(|s| view! { <option value=s.code() selected=move || status.read().as_deref() == Some(s.code())>{vetting_name(*s)}</option> }).collect_view()}
            <option value="all" selected=move || status.read().is_none()>{t!(i18n, needs.any)}</option>
        </select>
    }
}

/// The organisations queue.
#[component]
pub fn OrganisationsQueue() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).filter(|v| !v.is_empty());
    let status = vetting_filter();
    let list = Resource::new(
        move || {
            (
                status.get(),
                q("q"),
                q("page").and_then(|p| p.parse::<u64>().ok()),
            )
        },
        |(status, search, page)| organisations_list(status, search, page),
    );
    view! {
        <Title text=t_string!(i18n, vetting.organisations).to_string() />
        <h1>{t!(i18n, vetting.organisations)}</h1>
        <form method="get" action="/coordinator/organisations" class="filters" role="search">
            <VettingSelect status />
            <label for="q">{t!(i18n, needs.search)}</label>
            <input id="q" name="q" type="search" value=move || q("q") maxlength=100 />
            <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
        </form>
        <Suspense>
            {move || Suspend::new(async move {
                let page = match list.await {
                    Ok(page) => page,
                    Err(e) => return page_error(e),
                };
                view! {
                    <p class="muted">{t!(i18n, vetting.count, count = crate::count(page.total))}</p>
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, org.name)}</th>
                                    <th scope="col">{t!(i18n, org.kind)}</th>
                                    <th scope="col">{t!(i18n, org.country)}</th>
                                    <th scope="col">{t!(i18n, vetting.priority)}</th>
                                    <th scope="col">{t!(i18n, needs.status)}</th>
                                    <th scope="col">{t!(i18n, vetting.registered)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {page.rows.into_iter().map(|TriagedOrganisation { organisation: o, triage }| view! {
                                    <tr data-organisation=o.id.to_string()>
                                        <td><A href=format!("/coordinator/organisations/{}", o.id)>{o.name.clone()}</A></td>
                                        <td>{kind_name(o.kind)}</td>
                                        <td><Country code=o.country.clone() /></td>
                                        <td>{triage.priority}</td>
                                        <td>{vetting_name(o.status)}</td>
                                        <td><When at=o.created.clone() /></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager total=page.total page=page.page page_size=page.page_size />
                }
                    .into_any()
            })}
        </Suspense>
    }
}
