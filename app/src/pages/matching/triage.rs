//! `/coordinator/triage`: open needs by priority — urgency tier, then
//! emerging-economy priority, then the longest waiting — with filters.

use crate::names::Country;
use crate::{
    api::{matching::fetch_triage, reference::fetch_catalogue},
    components::{
        filters::{FilterSelect, category_options, plain_options, urgency_options},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
    pages::{
        coordinator::{
            accounts::Pager,
            needs::{INCOME_GROUPS, income_name},
        },
        needs::table::urgency_name,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The triage board.
#[component]
pub fn TriagePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).filter(|v| !v.is_empty());
    let board = Resource::new(
        move || {
            (
                q("region"),
                q("income"),
                q("category"),
                q("urgency"),
                q("page").and_then(|p| p.parse::<u64>().ok()),
            )
        },
        |(r, i, c, u, p)| fetch_triage(r, i, c, u, p),
    );
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    view! {
        <Title text=t_string!(i18n, matching.triage).to_string() />
        <h1>{t!(i18n, matching.triage)}</h1>
        <p class="muted">{t!(i18n, matching.triage_lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let board = match board.await {
                    Ok(b) => b,
                    Err(e) => return page_error(e),
                };
                let catalogue = catalogue.await.unwrap_or_default();
                view! {
                    <form method="get" action="/coordinator/triage" class="filters" role="search">
                        <FilterSelect name="region" label=t_string!(i18n, needs.region).to_string() options=plain_options(board.regions.iter().map(String::as_str)) current=q("region") />
                        <FilterSelect name="income" label=t_string!(i18n, needs.income_group).to_string() options=INCOME_GROUPS.iter().map(|g| ((*g).to_owned(), income_name(g))).collect() current=q("income") />
                        <FilterSelect name="category" label=t_string!(i18n, needs.category).to_string() options=category_options(&catalogue) current=q("category") />
                        <FilterSelect name="urgency" label=t_string!(i18n, needs.urgency).to_string() options=urgency_options() current=q("urgency") />
                        <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
                    </form>
                    <p class="muted">{t!(i18n, needs.count, count = crate::count(board.total))}</p>
                    {if board.rows.is_empty() {
                        view! { <p class="muted">{t!(i18n, needs.none)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, needs.urgency)}</th>
                                            <th scope="col">{t!(i18n, needs.title_column)}</th>
                                            <th scope="col">{t!(i18n, needs.organisation)}</th>
                                            <th scope="col">{t!(i18n, matching.priority)}</th>
                                            <th scope="col">{t!(i18n, matching.waiting)}</th>
                                            <th scope="col">{t!(i18n, matching.live)}</th>
                                            <th scope="col"><span class="visually-hidden">{t!(i18n, matching.console)}</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {board.rows.into_iter().map(|r| {
                                            let n = r.need;
                                            view! {
                                                <tr data-triage-need=n.id.to_string()>
                                                    <td><span class=format!("urgency urgency--{}", n.urgency.code())>{urgency_name(n.urgency)}</span></td>
                                                    <td><A href=format!("/needs/{}", n.id)>{n.title.clone()}</A><br /><span class="muted">{n.category.clone()}</span></td>
                                                    <td>{n.organisation.clone()} " (" <Country code=n.country.clone() /> ")"<br /><span class="muted">{r.region.clone()}</span></td>
                                                    <td>{r.priority} " · " {income_name(&r.income_group)}</td>
                                                    <td>{t!(i18n, matching.days, count = crate::count(r.waiting_days))}</td>
                                                    <td>{r.live_engagements}</td>
                                                    <td><A href=format!("/coordinator/match/{}", n.id) attr:class="button button--secondary">{t!(i18n, matching.open_console)}</A></td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <Pager total=board.total page=board.page page_size=crate::domain::views::TRIAGE_PAGE />
                }
                    .into_any()
            })}
        </Suspense>
    }
}
