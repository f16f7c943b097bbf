//! `/needs`: an organisation's own needs, or the open needs an approved
//! volunteer can help with.

use crate::{
    api::{
        auth::whoami,
        needs::{my_needs, open_needs},
        reference::fetch_catalogue,
    },
    components::guard::page_error,
    domain::{languages::LANGUAGES, need::URGENCIES},
    error::AppError,
    i18n::{t, t_string, use_i18n},
    model::Role,
    pages::{
        coordinator::accounts::Pager,
        needs::table::{NeedsTable, status_name, urgency_name},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

const REGIONS: [&str; 5] = ["Africa", "Americas", "Asia", "Europe", "Oceania"];
const STATUSES: [&str; 8] = [
    "draft",
    "submitted",
    "open",
    "matched",
    "in_progress",
    "resolved",
    "closed",
    "cancelled",
];

/// The needs page.
#[component]
pub fn NeedsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).filter(|v| !v.is_empty());
    let viewer = Resource::new(|| (), |()| whoami());
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    let page = move || q("page").and_then(|p| p.parse::<u64>().ok());
    let needs = Resource::new(
        move || {
            (
                q("status"),
                q("category"),
                q("urgency"),
                q("region"),
                q("language"),
                q("q"),
                page(),
            )
        },
        move |(status, category, urgency, region, language, search, page)| async move {
            match whoami().await? {
                Some(v) if v.role == Role::OrganisationMember => {
                    my_needs(status, category, urgency, search, page).await
                }
                Some(v) if v.role == Role::Volunteer => {
                    open_needs(category, urgency, region, language, search, page).await
                }
                Some(_) => Err(AppError::Forbidden),
                None => Err(AppError::Unauthenticated),
            }
        },
    );
    view! {
        <Title text=move || t_string!(i18n, needs.title).to_string() />
        <h1>{t!(i18n, needs.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let viewer = match viewer.await {
                    Ok(Some(v)) => v,
                    Ok(None) => return page_error(AppError::Unauthenticated),
                    Err(e) => return page_error(e),
                };
                if viewer.role == Role::Coordinator {
                    return view! { <p><A href="/coordinator/needs">{t!(i18n, needs.coordinator_link)}</A></p> }.into_any();
                }
                let member = viewer.role == Role::OrganisationMember;
                let catalogue = catalogue.await.unwrap_or_default();
                let needs = needs.await;
                let selected = move |k: &'static str, v: &str| q(k).as_deref() == Some(v);
                view! {
                    {member.then(|| view! { <p><A href="/needs/new" attr:class="button">{t!(i18n, needs.new)}</A></p> })}
                    <form method="get" action="/needs" class="filters" role="search">
                        <label for="q">{t!(i18n, needs.search)}</label>
                        <input id="q" name="q" type="search" value=q("q") maxlength=100 />
                        {member.then(|| view! {
                            <label for="status">{t!(i18n, needs.status)}</label>
                            <select id="status" name="status">
                                <option value="">{t!(i18n, needs.any)}</option>
                                {STATUSES.iter().map(|s| view! { <option value=*s selected=selected("status", s)>{status_name(s)}</option> }).collect_view()}
                            </select>
                        })}
                        <label for="category">{t!(i18n, needs.category)}</label>
                        <select id="category" name="category">
                            <option value="">{t!(i18n, needs.any)}</option>
                            {catalogue.categories.iter().map(|c| {
                                let v = c.id.to_string();
                                let is = selected("category", &v);
                                view! { <option value=v selected=is>{c.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                        <label for="urgency">{t!(i18n, needs.urgency)}</label>
                        <select id="urgency" name="urgency">
                            <option value="">{t!(i18n, needs.any)}</option>
                            {URGENCIES.iter().map(|u| view! { <option value=*u selected=selected("urgency", u)>{urgency_name(u)}</option> }).collect_view()}
                        </select>
                        {(!member).then(|| view! {
                            <label for="region">{t!(i18n, needs.region)}</label>
                            <select id="region" name="region">
                                <option value="">{t!(i18n, needs.any)}</option>
                                {REGIONS.iter().map(|r| view! { <option value=*r selected=selected("region", r)>{*r}</option> }).collect_view()}
                            </select>
                            <label for="language">{t!(i18n, needs.languages)}</label>
                            <select id="language" name="language">
                                <option value="">{t!(i18n, needs.any)}</option>
                                {LANGUAGES.iter().map(|(c, n)| view! { <option value=*c selected=selected("language", c)>{*n}</option> }).collect_view()}
                            </select>
                        })}
                        <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
                    </form>
                    {match needs {
                        Ok(page) => view! {
                            <p class="muted">{t!(i18n, needs.count, count = page.total)}</p>
                            <NeedsTable needs=page.rows show_organisation=!member />
                            <Pager total=page.total page=page.page page_size=page.page_size />
                        }
                            .into_any(),
                        Err(AppError::Forbidden) if !member => view! {
                            <p class="alert alert--warn">{t!(i18n, needs.volunteer_not_approved)}</p>
                            <p><A href="/volunteer">{t!(i18n, volunteer.title)}</A></p>
                        }
                            .into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p class="alert alert--warn">{t!(i18n, needs.no_organisation)}</p>
                            <p><A href="/organisation">{t!(i18n, org.register_title)}</A></p>
                        }
                            .into_any(),
                        Err(e) => page_error(e),
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
