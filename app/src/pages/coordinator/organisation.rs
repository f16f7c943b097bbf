//! `/coordinator/organisations/:id`: one organisation — vetting it, overriding
//! its priority, its members and needs.

use crate::{
    api::vetting::{OverridePriority, VetOrganisation, fetch_organisation},
    components::params::use_id_param,
    components::{
        form::{FormAlert, GroupError, SelectField, TextArea, action_error},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
    pages::{
        coordinator::{accounts::Pager, organisations::vetting_name},
        needs::table::NeedsTable,
        organisation::overview::OrganisationFacts,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The organisation page for coordinators.
#[component]
pub fn OrganisationReview() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let decide = ServerAction::<VetOrganisation>::new();
    let priority = ServerAction::<OverridePriority>::new();
    let decide_error = action_error(decide);
    let priority_error = action_error(priority);
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok());
    let detail = Resource::new(
        move || (id(), page(), decide.version().get(), priority.version().get()),
        |(id, page, ..)| fetch_organisation(id, page),
    );
    view! {
        <p><A href="/coordinator/organisations">{t!(i18n, vetting.organisations)}</A></p>
        <Suspense>
            {move || Suspend::new(async move {
                let d = match detail.await {
                    Ok(d) => d,
                    Err(e) => return page_error(e),
                };
                let org = d.organisation.clone();
                let id = org.id;
                let priorities: Vec<(String, String)> = vec![
                    (String::new(), t_string!(i18n, vetting.priority_auto).to_string()),
                    ("3".into(), "3".into()),
                    ("2".into(), "2".into()),
                    ("1".into(), "1".into()),
                    ("0".into(), "0".into()),
                ];
                view! {
                    <Title text=org.name.clone() />
                    <h1>{org.name.clone()}</h1>
                    <p data-vetting-status=org.status.code()>{t!(i18n, needs.status)} ": " <strong>{vetting_name(org.status)}</strong></p>
                    {(!org.vetting_note.is_empty()).then(|| view! { <p class="prose">{org.vetting_note.clone()}</p> })}
                    <OrganisationFacts org=org.clone() />
                    <h2>{t!(i18n, vetting.decide)}</h2>
                    <ActionForm action=decide attr:class="form">
                        <FormAlert error=decide_error />
                        <GroupError name="decision" server_error=decide_error />
                        <input type="hidden" name="id" value=id.to_string() />
                        <TextArea name="note" label=t_string!(i18n, vetting.note).to_string() rows=3 maxlength=2000 server_error=decide_error />
                        <div class="actions">
                            <button type="submit" name="decision" value="approve" class="button">{t!(i18n, vetting.approve)}</button>
                            <button type="submit" name="decision" value="reject" class="button button--secondary">{t!(i18n, vetting.reject)}</button>
                            <button type="submit" name="decision" value="suspend" class="button button--secondary">{t!(i18n, vetting.suspend)}</button>
                        </div>
                    </ActionForm>
                    <h2>{t!(i18n, vetting.priority_title)}</h2>
                    <p>
                        {t!(i18n, vetting.priority_now, priority = d.triage.priority, group = crate::pages::coordinator::needs::income_name(&org.income_group))}
                        {d.triage.priority_override_reason.clone().map(|r| view! { " — " <em>{r}</em> })}
                    </p>
                    <ActionForm action=priority attr:class="form">
                        <FormAlert error=priority_error />
                        <input type="hidden" name="id" value=id.to_string() />
                        <SelectField name="priority" label=t_string!(i18n, vetting.priority).to_string() options=priorities
                            value=d.triage.priority_override.map(|p| p.to_string()) server_error=priority_error />
                        <TextArea name="reason" label=t_string!(i18n, vetting.priority_reason).to_string() rows=2 maxlength=1000
                            server_error=priority_error />
                        <button type="submit" class="button button--secondary">{t!(i18n, vetting.priority_save)}</button>
                    </ActionForm>
                    <h2>{t!(i18n, org.members)}</h2>
                    <ul class="members">
                        {d.members.iter().map(|m| view! {
                            <li>
                                {m.display_name.clone()} " · " <bdi>{m.email.clone()}</bdi>
                                {(!m.email_verified).then(|| view! { " " <span class="badge badge--warn" data-unverified="">{t!(i18n, vetting.unverified)}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                    <h2>{t!(i18n, needs.title)}</h2>
                    <NeedsTable needs=d.needs.rows link_base="/needs/" />
                    <Pager total=d.needs.total page=d.needs.page page_size=d.needs.page_size />
                }
                    .into_any()
            })}
        </Suspense>
    }
}
