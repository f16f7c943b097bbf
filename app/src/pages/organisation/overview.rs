//! `/organisation`: the organisation's profile, members and invitations — or the
//! registration form when the member has none yet.

use crate::domain::codes::VettingStatus;
use crate::names::Country;
use crate::{
    api::{
        organisation::{CreateInvitation, CreateOrganisation, fetch_my_organisation},
        reference::fetch_catalogue,
    },
    components::{
        form::{Field, FormAlert, Kind, action_error, kept_input, use_form_memory},
        guard::page_error,
    },
    domain::{organisation::OrganisationInput, views::OrganisationView},
    i18n::{t, t_string, use_i18n},
    pages::organisation::form::{OrganisationFields, kind_name, size_name},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The organisation page.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateOrganisation>::new();
    let invite = ServerAction::<CreateInvitation>::new();
    let mine = Resource::new(
        move || (create.version().get(), invite.version().get()),
        |_| fetch_my_organisation(),
    );
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    let kept_create = use_form_memory::<CreateOrganisation>();
    let kept_invite = use_form_memory::<CreateInvitation>();
    let create_error = action_error(create);
    let invite_error = action_error(invite);
    view! {
        <Title text=t_string!(i18n, org.title).to_string() />
        <Suspense>
            {move || Suspend::new(async move {
                let mine = match mine.await {
                    Ok(mine) => mine,
                    Err(e) => return page_error(e),
                };
                let Some(mine) = mine else {
                    let catalogue = match catalogue.await {
                        Ok(c) => c,
                        Err(e) => return page_error(e),
                    };
                    let input: OrganisationInput = kept_input(&kept_create.await).unwrap_or_default();
                    return view! {
                        <h1>{t!(i18n, org.register_title)}</h1>
                        <p class="lead">{t!(i18n, org.register_lead)}</p>
                        <ActionForm action=create attr:class="form" attr:novalidate="">
                            <OrganisationFields catalogue input error=create_error
                                submit=t_string!(i18n, org.register_submit).to_string() />
                        </ActionForm>
                    }
                        .into_any();
                };
                let kept = kept_invite.await;
                let kept_link = kept.get("link").cloned();
                let mailed_to = kept.get("email").cloned().filter(|e| !e.trim().is_empty() && kept_link.is_some());
                let link = invite.value().get().and_then(Result::ok).or(kept_link);
                let org = mine.organisation.clone();
                view! {
                    <h1>{org.name.clone()}</h1>
                    <StatusNotice org=org.clone() />
                    <crate::pages::advisories::OrganisationAdvisories />
                    <OrganisationFacts org=org.clone() />
                    <ul class="link-list">
                        <li><A href="/needs">{t!(i18n, org.needs_link)}</A></li>
                        <li><A href="/needs/new">{t!(i18n, needs.new)}</A></li>
                        {mine.is_admin.then(|| view! { <li><A href="/organisation/edit">{t!(i18n, org.edit)}</A></li> })}
                    </ul>
                    <h2>{t!(i18n, org.members)}</h2>
                    <ul class="members">
                        {mine
                            .members
                            .iter()
                            .map(|m| view! {
                                <li>
                                    {m.display_name.clone()} " · " <bdi>{m.email.clone()}</bdi>
                                    {m.is_admin.then(|| view! { " " <span class="badge">{t!(i18n, org.admin)}</span> })}
                                </li>
                            })
                            .collect_view()}
                    </ul>
                    {mine.is_admin.then(|| view! {
                        <h2>{t!(i18n, org.invite_title)}</h2>
                        <p>{t!(i18n, org.invite_lead)}</p>
                        {link.clone().map(|link| view! {
                            <p class="alert alert--warn" role="status">
                                {t!(i18n, org.invite_link)} " " <code data-one-time-link="">{link}</code>
                            </p>
                        })}
                        {mailed_to.clone().map(|email| view! {
                            <p class="alert alert--ok" role="status" data-invitation-mailed="">{t!(i18n, org.invite_mailed, email = move || view! { <bdi>{email.clone()}</bdi> })}</p>
                        })}
                        <ActionForm action=invite attr:class="form" attr:novalidate="">
                            <FormAlert error=invite_error />
                            <Field name="email" kind=Kind::Email label=t_string!(i18n, org.invite_email).to_string()
                                hint=t_string!(i18n, org.invite_email_hint).to_string()
                                autocomplete="off" maxlength=crate::validate::EMAIL_MAX server_error=invite_error />
                            <button type="submit" class="button button--secondary">{t!(i18n, org.invite)}</button>
                        </ActionForm>
                    })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// Where the organisation stands in vetting.
#[component]
pub fn StatusNotice(org: OrganisationView) -> impl IntoView {
    let i18n = use_i18n();
    match org.status {
        VettingStatus::Approved => {
            view! { <p class="alert alert--ok" role="status">{t!(i18n, org.approved)}</p> }.into_any()
        }
        VettingStatus::Pending => {
            view! { <p class="alert alert--warn" role="status">{t!(i18n, org.pending)}</p> }.into_any()
        }
        VettingStatus::Rejected | VettingStatus::Suspended => view! {
            <div class="alert alert--error" role="status">
                <p>{t!(i18n, org.not_approved)}</p>
                {(!org.vetting_note.is_empty()).then(|| view! { <p>{org.vetting_note.clone()}</p> })}
            </div>
        }
        .into_any(),
    }
}

/// The organisation's facts.
#[component]
pub fn OrganisationFacts(org: OrganisationView) -> impl IntoView {
    let i18n = use_i18n();
    let website = org.website.clone();
    view! {
        <dl class="facts" data-organisation=org.id.to_string()>
            <dt>{t!(i18n, org.kind)}</dt>
            <dd>{kind_name(org.kind)}</dd>
            <dt>{t!(i18n, org.country)}</dt>
            <dd>{org.city.clone()} ", " <Country code=org.country.clone() /></dd>
            <dt>{t!(i18n, org.size)}</dt>
            <dd>{size_name(org.size)}</dd>
            <dt>{t!(i18n, org.languages)}</dt>
            <dd>{crate::names::language_list(&org.languages)}</dd>
            <dt>{t!(i18n, org.website)}</dt>
            <dd>
                {(!website.is_empty()).then(|| {
                    view! { <a href=website.clone() rel="noopener noreferrer nofollow" target="_blank">{website.clone()}</a> }
                })}
            </dd>
            <dt>{t!(i18n, org.contact)}</dt>
            <dd>{org.contact_name.clone()} " · " <bdi>{org.contact_email.clone()}</bdi> " " <bdi>{org.contact_phone.clone()}</bdi></dd>
        </dl>
    }
}
