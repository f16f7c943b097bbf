//! `/coordinator/needs`: every need, filtered; submitted ones wait for triage.

use crate::domain::need::NeedStatus;
use crate::{
    api::{reference::fetch_catalogue, vetting::all_needs},
    components::{
        filters::{FilterSelect, REGIONS, category_options, plain_options, urgency_options},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
    pages::{
        coordinator::accounts::Pager,
        needs::table::{NeedsTable, status_name},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The statuses in the filter, the ones a coordinator acts on first.
const STATUSES: [NeedStatus; 8] = [
    NeedStatus::Submitted,
    NeedStatus::Open,
    NeedStatus::Draft,
    NeedStatus::Matched,
    NeedStatus::InProgress,
    NeedStatus::Resolved,
    NeedStatus::Closed,
    NeedStatus::Cancelled,
];
pub use crate::domain::advisory::INCOME_GROUPS;

/// The coordinators' needs page.
#[component]
pub fn NeedsOverview() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).filter(|v| !v.is_empty());
    let status = move || Some(q("status").unwrap_or_else(|| "submitted".into())).filter(|s| s != "all");
    let needs = Resource::new(
        move || {
            (
                status(),
                q("category"),
                q("urgency"),
                q("region"),
                q("income"),
                q("q"),
                q("page").and_then(|p| p.parse::<u64>().ok()),
            )
        },
        |(s, c, u, r, i, search, page)| all_needs(s, c, u, r, i, search, page),
    );
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    view! {
        <Title text=t_string!(i18n, needs.title).to_string() />
        <h1>{t!(i18n, needs.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let catalogue = catalogue.await.unwrap_or_default();
                let page = match needs.await {
                    Ok(page) => page,
                    Err(e) => return page_error(e),
                };
                view! {
                    <form method="get" action="/coordinator/needs" class="filters" role="search">
                        <label for="status">{t!(i18n, needs.status)}</label>
                        <select id="status" name="status">
                            {STATUSES.iter().map(|s| view! { <option value=s.code() selected=status().as_deref() == Some(s.code())>{status_name(*s)}</option> }).collect_view()}
                            <option value="all" selected=status().is_none()>{t!(i18n, needs.any)}</option>
                        </select>
                        <FilterSelect name="category" label=t_string!(i18n, needs.category).to_string() options=category_options(&catalogue) current=q("category") />
                        <FilterSelect name="urgency" label=t_string!(i18n, needs.urgency).to_string() options=urgency_options() current=q("urgency") />
                        <FilterSelect name="region" label=t_string!(i18n, needs.region).to_string() options=plain_options(REGIONS) current=q("region") />
                        <FilterSelect name="income" label=t_string!(i18n, needs.income_group).to_string() options=INCOME_GROUPS.iter().map(|g| ((*g).to_owned(), income_name(g))).collect() current=q("income") />
                        <label for="q">{t!(i18n, needs.search)}</label>
                        <input id="q" name="q" type="search" value=q("q") maxlength=100 />
                        <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
                    </form>
                    <p class="muted">{t!(i18n, needs.count, count = crate::count(page.total))}</p>
                    <NeedsTable needs=page.rows show_organisation=true />
                    <Pager total=page.total page=page.page page_size=page.page_size />
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The translated name of an income group.
pub fn income_name(code: &str) -> String {
    let i18n = use_i18n();
    match code {
        "low" => t_string!(i18n, income.low),
        "lower_middle" => t_string!(i18n, income.lower_middle),
        "upper_middle" => t_string!(i18n, income.upper_middle),
        "high" => t_string!(i18n, income.high),
        _ => t_string!(i18n, income.unclassified),
    }
    .to_string()
}
