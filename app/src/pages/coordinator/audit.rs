//! `/coordinator/audit`: reading and filtering the audit log.

use crate::dates::When;
use crate::{
    api::admin::audit_log,
    components::{form::FormAlert, guard::page_error},
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::coordinator::accounts::Pager,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The audit page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &'static str| move || query.read().get(k).filter(|v| !v.is_empty());
    let entries = Resource::new(
        move || {
            (
                get("action")(),
                get("actor")(),
                get("object")(),
                get("since")(),
                get("until")(),
                get("page")().and_then(|p| p.parse::<u64>().ok()),
            )
        },
        |(action, actor, object, since, until, page)| audit_log(action, actor, object, since, until, page),
    );
    view! {
        <Title text=t_string!(i18n, audit.title).to_string() />
        <h1>{t!(i18n, audit.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let page = match entries.await {
                    Ok(page) => page,
                    Err(AppError::Validation(errors)) => {
                        return view! { <FormAlert error=Signal::stored(Some(AppError::Validation(errors.clone()))) />
                            <p class="alert alert--error">{t!(i18n, audit.bad_filter)}</p> }.into_any();
                    }
                    Err(e) => return page_error(e),
                };
                let selected = get("action")();
                view! {
                    <form method="get" action="/coordinator/audit" class="filters" role="search">
                        <label for="action">{t!(i18n, audit.action)}</label>
                        <select id="action" name="action">
                            <option value="">{t!(i18n, audit.any_action)}</option>
                            {page
                                .actions
                                .iter()
                                .map(|a| view! { <option value=a.clone() selected=selected.as_deref() == Some(a.as_str())>{a.clone()}</option> })
                                .collect_view()}
                        </select>
                        <label for="actor">{t!(i18n, audit.actor)}</label>
                        <input id="actor" name="actor" inputmode="numeric" value=get("actor") size=6 />
                        <label for="object">{t!(i18n, audit.object)}</label>
                        <input id="object" name="object" inputmode="numeric" value=get("object") size=6 />
                        <label for="since">{t!(i18n, audit.since)}</label>
                        <input id="since" name="since" type="date" value=get("since") />
                        <label for="until">{t!(i18n, audit.until)}</label>
                        <input id="until" name="until" type="date" value=get("until") />
                        <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
                    </form>
                    <p class="muted">{t!(i18n, audit.count, count = crate::count(page.total))}</p>
                    <div class="table-wrap">
                        <table class="table table--dense">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, audit.at)}</th>
                                    <th scope="col">{t!(i18n, audit.action)}</th>
                                    <th scope="col">{t!(i18n, audit.actor)}</th>
                                    <th scope="col">{t!(i18n, audit.address)}</th>
                                    <th scope="col">{t!(i18n, audit.object)}</th>
                                    <th scope="col">{t!(i18n, audit.details)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {page
                                    .rows
                                    .into_iter()
                                    .map(|r| {
                                        let action = r.action.clone();
                                        view! {
                                        <tr data-audit-action=action>
                                            <td><When at=r.at /></td>
                                            <td><code>{r.action}</code></td>
                                            <td>{r.actor.map(|a| a.to_string())}</td>
                                            <td>{r.address}</td>
                                            <td>{r.object}</td>
                                            <td><code class="details">{r.details}</code></td>
                                        </tr>
                                    }})
                                    .collect_view()}
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
