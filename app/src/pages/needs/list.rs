//! `/needs`: an organisation's own needs, or the open needs an approved
//! volunteer can help with.

use crate::domain::need::NeedStatus;
use crate::{
    api::{
        auth::whoami,
        needs::{my_needs, open_needs},
        reference::fetch_catalogue,
    },
    components::{
        filters::{FilterSelect, REGIONS, category_options, plain_options, urgency_options},
        guard::page_error,
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
    model::Role,
    pages::{
        coordinator::accounts::Pager,
        needs::table::{NeedsTable, status_name},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

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
        <Title text=t_string!(i18n, needs.title).to_string() />
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
                view! {
                    {member.then(|| view! { <p><A href="/needs/new" attr:class="button">{t!(i18n, needs.new)}</A></p> })}
                    <form method="get" action="/needs" class="filters" role="search">
                        <label for="q">{t!(i18n, needs.search)}</label>
                        <input id="q" name="q" type="search" value=q("q") maxlength=100 />
                        {member.then(|| view! {
                            <FilterSelect name="status" label=t_string!(i18n, needs.status).to_string() options=NeedStatus::ALL.iter().map(|s| (s.code().to_owned(), status_name(*s))).collect() current=q("status") />
                        })}
                        <FilterSelect name="category" label=t_string!(i18n, needs.category).to_string() options=category_options(&catalogue) current=q("category") />
                        <FilterSelect name="urgency" label=t_string!(i18n, needs.urgency).to_string() options=urgency_options() current=q("urgency") />
                        {(!member).then(|| view! {
                            <FilterSelect name="region" label=t_string!(i18n, needs.region).to_string() options=plain_options(REGIONS) current=q("region") />
                            <FilterSelect name="language" label=t_string!(i18n, needs.languages).to_string() options=crate::names::language_options() current=q("language") />
                        })}
                        <button type="submit" class="button button--secondary">{t!(i18n, accounts.filter)}</button>
                    </form>
                    {match needs {
                        Ok(page) => view! {
                            <p class="muted">{t!(i18n, needs.count, count = crate::count(page.total))}</p>
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
