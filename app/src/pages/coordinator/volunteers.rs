//! `/coordinator/volunteers`: the vetting queue for volunteers.

use crate::dates::When;
use crate::names::Country;
use crate::{
    api::vetting::volunteers_list,
    components::guard::page_error,
    i18n::{t, t_string, use_i18n},
    pages::coordinator::{
        accounts::Pager,
        organisations::{VettingSelect, vetting_filter, vetting_name},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The volunteers queue.
#[component]
pub fn VolunteersQueue() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).filter(|v| !v.is_empty());
    let status = vetting_filter();
    let list = Resource::new(
        move || (status.get(), q("page").and_then(|p| p.parse::<u64>().ok())),
        |(status, page)| volunteers_list(status, page),
    );
    view! {
        <Title text=t_string!(i18n, vetting.volunteers).to_string() />
        <h1>{t!(i18n, vetting.volunteers)}</h1>
        <form method="get" action="/coordinator/volunteers" class="filters" role="search">
            <VettingSelect status />
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
                                    <th scope="col">{t!(i18n, fields.display_name)}</th>
                                    <th scope="col">{t!(i18n, volunteer.role)}</th>
                                    <th scope="col">{t!(i18n, volunteer.country)}</th>
                                    <th scope="col">{t!(i18n, volunteer.skills_count)}</th>
                                    <th scope="col">{t!(i18n, needs.status)}</th>
                                    <th scope="col">{t!(i18n, vetting.registered)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {page.rows.into_iter().map(|v| view! {
                                    <tr data-volunteer=v.account_id.to_string()>
                                        <td><A href=format!("/coordinator/volunteers/{}", v.account_id)>{v.display_name.clone()}</A></td>
                                        <td>{v.role.clone()}</td>
                                        <td><Country code=v.country.clone() /></td>
                                        <td>{v.skills.len()}</td>
                                        <td>{vetting_name(v.status)}</td>
                                        <td><When at=v.created.clone() /></td>
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
