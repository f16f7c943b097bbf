//! `/coordinator`: the coordinators' starting page.

use crate::{
    api::auth::require_coordinator,
    components::guard::page_error,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The coordinators' home.
#[component]
pub fn CoordinatorHome() -> impl IntoView {
    let i18n = use_i18n();
    let access = Resource::new(|| (), |()| require_coordinator());
    view! {
        <Title text=t_string!(i18n, coordinator.title).to_string() />
        <Suspense>
            {move || Suspend::new(async move {
                if let Err(e) = access.await {
                    return page_error(e);
                }
                view! {
                    <h1>{t!(i18n, coordinator.title)}</h1>
                    <ul class="cards">
                        <li>
                            <A href="/coordinator/accounts">{t!(i18n, coordinator.accounts)}</A>
                            <p>{t!(i18n, coordinator.accounts_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/organisations">{t!(i18n, vetting.organisations)}</A>
                            <p>{t!(i18n, coordinator.organisations_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/volunteers">{t!(i18n, vetting.volunteers)}</A>
                            <p>{t!(i18n, coordinator.volunteers_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/triage">{t!(i18n, matching.triage)}</A>
                            <p>{t!(i18n, matching.triage_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/batch">{t!(i18n, batch.title)}</A>
                            <p>{t!(i18n, batch.lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/needs">{t!(i18n, needs.title)}</A>
                            <p>{t!(i18n, coordinator.needs_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/catalogue">{t!(i18n, catalogue.title)}</A>
                            <p>{t!(i18n, catalogue.lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/advisories">{t!(i18n, advisories.title)}</A>
                            <p>{t!(i18n, coordinator.advisories_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/insight">{t!(i18n, insight.title)}</A>
                            <p>{t!(i18n, coordinator.insight_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/mail">{t!(i18n, coordinator.mail)}</A>
                            <p>{t!(i18n, coordinator.mail_lead)}</p>
                        </li>
                        <li>
                            <A href="/coordinator/audit">{t!(i18n, coordinator.audit)}</A>
                            <p>{t!(i18n, coordinator.audit_lead)}</p>
                        </li>
                    </ul>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
