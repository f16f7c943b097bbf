//! `/volunteer`: the volunteer's profile (skills, languages, availability), the
//! code of conduct, and where they stand in vetting.

use crate::domain::codes::VettingStatus;
use crate::{
    api::{
        reference::fetch_catalogue,
        volunteer::{SaveProfile, my_profile},
    },
    components::{
        choices::{LanguageChoice, SkillLevels},
        form::{
            Field, FormAlert, GroupError, SelectField, Submit, TextArea, action_error, kept_input,
            use_form_memory,
        },
        guard::page_error,
    },
    domain::volunteer::{CODE_OF_CONDUCT_VERSION, ONSITE_SCOPES, ProfileInput},
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// UTC offsets offered, in minutes.
fn offsets() -> Vec<(String, String)> {
    (-48..=56)
        .map(|q| q * 15)
        .filter(|m: &i32| m % 30 == 0 || [345, 525, 765, -570].contains(m))
        .map(|m| {
            let sign = if m < 0 { '−' } else { '+' };
            (
                m.to_string(),
                format!("UTC{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60),
            )
        })
        .collect()
}

/// The profile page.
#[component]
pub fn VolunteerPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveProfile>::new();
    let error = action_error(save);
    let profile = Resource::new(move || save.version().get(), |_| my_profile());
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    let kept = use_form_memory::<SaveProfile>();
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    view! {
        <Title text=t_string!(i18n, volunteer.title).to_string() />
        <h1>{t!(i18n, volunteer.title)}</h1>
        <p><A href="/volunteer/history">{t!(i18n, history.link)}</A></p>
        <Show when=saved>
            <p class="alert alert--ok" role="status">{t!(i18n, volunteer.saved)}</p>
        </Show>
        <Suspense>
            {move || Suspend::new(async move {
                let (profile, catalogue) = match (profile.await, catalogue.await) {
                    (Ok(p), Ok(c)) => (p, c),
                    (Err(e), _) | (_, Err(e)) => return page_error(e),
                };
                let status = profile.as_ref().map(|p| p.status);
                let coc_current = profile.as_ref().is_some_and(|p| p.code_of_conduct_current);
                let input: ProfileInput = kept_input(&kept.await).unwrap_or_else(|| match &profile {
                    Some(p) => ProfileInput {
                        role: p.role_id.map(|r| r.to_string()).unwrap_or_default(),
                        country: p.country.clone(),
                        utc_offset: p.utc_offset_minutes.to_string(),
                        hours_per_week: p.hours_per_week.to_string(),
                        max_concurrent: p.max_concurrent.to_string(),
                        onsite_scope: p.onsite_scope.clone(),
                        languages: p.languages.iter().map(|l| (l.clone(), "on".to_owned())).collect(),
                        skill_level: p.skills.iter().map(|(id, _, level)| (id.to_string(), level.to_string())).collect(),
                        certifications: p.certifications.clone(),
                        employer: p.employer.clone(),
                        bio: p.bio.clone(),
                        accept_code_of_conduct: None,
                    },
                    None => ProfileInput {
                        utc_offset: "0".into(),
                        hours_per_week: "4".into(),
                        max_concurrent: "1".into(),
                        onsite_scope: "remote_only".into(),
                        ..ProfileInput::default()
                    },
                });
                let countries = crate::names::country_options(catalogue.countries.iter().map(|c| c.iso2.as_str()));
                let roles: Vec<(String, String)> = catalogue.roles.iter().map(|r| (r.id.to_string(), r.name.clone())).collect();
                let scopes: Vec<(String, String)> = ONSITE_SCOPES
                    .iter()
                    .map(|s| {
                        let label = match *s {
                            "remote_only" => t_string!(i18n, volunteer.remote_only),
                            "own_country" => t_string!(i18n, volunteer.own_country),
                            "sub_region" => t_string!(i18n, volunteer.sub_region),
                            _ => t_string!(i18n, volunteer.region),
                        };
                        ((*s).to_owned(), label.to_string())
                    })
                    .collect();
                let checked: Vec<String> = input.languages.keys().cloned().collect();
                view! {
                    {match status {
                        None => view! { <p class="lead">{t!(i18n, volunteer.lead)}</p> }.into_any(),
                        Some(VettingStatus::Approved) => view! {
                            <p class="alert alert--ok" role="status" data-volunteer-status="approved">{t!(i18n, volunteer.approved)}</p>
                            <p><A href="/needs">{t!(i18n, volunteer.browse)}</A></p>
                        }
                            .into_any(),
                        Some(VettingStatus::Pending) => view! {
                            <p class="alert alert--warn" role="status" data-volunteer-status="pending">{t!(i18n, volunteer.pending)}</p>
                        }
                            .into_any(),
                        Some(other @ (VettingStatus::Rejected | VettingStatus::Suspended)) => view! {
                            <div class="alert alert--error" role="status" data-volunteer-status=other.code()>
                                <p>{t!(i18n, volunteer.not_approved)}</p>
                                <p>{profile.as_ref().map(|p| p.vetting_note.clone()).unwrap_or_default()}</p>
                            </div>
                        }
                            .into_any(),
                    }}
                    <ActionForm action=save attr:class="form" attr:novalidate="">
                        <FormAlert error />
                        <SelectField name="role" prefix="input" label=t_string!(i18n, volunteer.role).to_string() options=roles
                            placeholder=t_string!(i18n, volunteer.no_role).to_string() value=Some(input.role.clone()) server_error=error />
                        <SelectField name="country" prefix="input" label=t_string!(i18n, volunteer.country).to_string() options=countries
                            placeholder=t_string!(i18n, fields.choose).to_string() value=Some(input.country.clone()) required=true server_error=error />
                        <SelectField name="utc_offset" prefix="input" label=t_string!(i18n, volunteer.time_zone).to_string()
                            options=offsets() value=Some(input.utc_offset.clone()) required=true server_error=error />
                        <Field name="hours_per_week" prefix="input" label=t_string!(i18n, volunteer.hours).to_string()
                            value=Some(input.hours_per_week.clone()) required=true maxlength=2 server_error=error />
                        <Field name="max_concurrent" prefix="input" label=t_string!(i18n, volunteer.concurrent).to_string()
                            value=Some(input.max_concurrent.clone()) required=true maxlength=2 server_error=error />
                        <SelectField name="onsite_scope" prefix="input" label=t_string!(i18n, volunteer.onsite).to_string()
                            options=scopes value=Some(input.onsite_scope.clone()) required=true server_error=error />
                        <LanguageChoice prefix="input" legend=t_string!(i18n, volunteer.languages).to_string() checked server_error=error />
                        <SkillLevels prefix="input" catalogue=catalogue.clone() levels=input.skill_level.clone() server_error=error />
                        <TextArea name="certifications" prefix="input" label=t_string!(i18n, volunteer.certifications).to_string()
                            value=Some(input.certifications.clone()) maxlength=1000 rows=3 server_error=error />
                        <Field name="employer" prefix="input" label=t_string!(i18n, volunteer.employer).to_string()
                            hint=t_string!(i18n, volunteer.employer_hint).to_string() value=Some(input.employer.clone())
                            maxlength=200 server_error=error />
                        <TextArea name="bio" prefix="input" label=t_string!(i18n, volunteer.bio).to_string()
                            value=Some(input.bio.clone()) maxlength=2000 rows=4 server_error=error />
                        <fieldset class="code-of-conduct" id="field-accept_code_of_conduct">
                            <legend>{t!(i18n, volunteer.coc_title, version = CODE_OF_CONDUCT_VERSION)}</legend>
                            <ol class="prose">
                                <li>{t!(i18n, volunteer.coc_confidential)}</li>
                                <li>{t!(i18n, volunteer.coc_authorised)}</li>
                                <li>{t!(i18n, volunteer.coc_no_harm)}</li>
                                <li>{t!(i18n, volunteer.coc_conflicts)}</li>
                                <li>{t!(i18n, volunteer.coc_free)}</li>
                            </ol>
                            {if coc_current {
                                view! { <p class="muted">{t!(i18n, volunteer.coc_accepted)}</p> }.into_any()
                            } else {
                                view! {
                                    <label class="choices__option">
                                        <input type="checkbox" name="input[accept_code_of_conduct]" value="on" />
                                        <span>{t!(i18n, volunteer.coc_accept)}</span>
                                    </label>
                                    <GroupError name="accept_code_of_conduct" server_error=error />
                                }
                                    .into_any()
                            }}
                        </fieldset>
                        <Submit label=t_string!(i18n, volunteer.save).to_string() />
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
