//! `/coordinator/volunteers/:id`: one volunteer — their profile and vetting.

use crate::names::Country;
use crate::{
    api::vetting::{VetVolunteer, volunteer_detail},
    components::params::use_id_param,
    components::{
        form::{FormAlert, GroupError, TextArea, action_error},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
    pages::{coordinator::organisations::vetting_name, needs::detail::level_name},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The volunteer page for coordinators.
#[component]
pub fn VolunteerReview() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let decide = ServerAction::<VetVolunteer>::new();
    let error = action_error(decide);
    let volunteer = Resource::new(
        move || (id(), decide.version().get()),
        |(id, _)| volunteer_detail(id),
    );
    view! {
        <p><A href="/coordinator/volunteers">{t!(i18n, vetting.volunteers)}</A></p>
        <Suspense>
            {move || Suspend::new(async move {
                let v = match volunteer.await {
                    Ok(v) => v,
                    Err(e) => return page_error(e),
                };
                view! {
                    <Title text=v.display_name.clone() />
                    <h1>{v.display_name.clone()}</h1>
                    <p data-vetting-status=v.status.code()>{t!(i18n, needs.status)} ": " <strong>{vetting_name(v.status)}</strong></p>
                    <dl class="facts">
                        <dt>{t!(i18n, fields.email)}</dt>
                        <dd>
                            <bdi>{v.email.clone()}</bdi>
                            {(!v.email_verified).then(|| view! { " " <span class="badge badge--warn" data-unverified="">{t!(i18n, vetting.unverified)}</span> })}
                        </dd>
                        <dt>{t!(i18n, volunteer.role)}</dt>
                        <dd>{v.role.clone()}</dd>
                        <dt>{t!(i18n, volunteer.country)}</dt>
                        <dd><Country code=v.country.clone() /></dd>
                        <dt>{t!(i18n, volunteer.hours)}</dt>
                        <dd>{v.hours_per_week}</dd>
                        <dt>{t!(i18n, volunteer.languages)}</dt>
                        <dd>{crate::names::language_list(&v.languages)}</dd>
                        <dt>{t!(i18n, volunteer.employer)}</dt>
                        <dd>{v.employer.clone()}</dd>
                        <dt>{t!(i18n, volunteer.certifications)}</dt>
                        <dd class="prose">{v.certifications.clone()}</dd>
                        <dt>{t!(i18n, volunteer.bio)}</dt>
                        <dd class="prose">{v.bio.clone()}</dd>
                        <dt>{t!(i18n, volunteer.coc)}</dt>
                        <dd>{if v.code_of_conduct_current { "✓" } else { "✗" }}</dd>
                    </dl>
                    <h2>{t!(i18n, fields.skills)}</h2>
                    <ul class="skill-list">
                        {v.skills.iter().map(|(_, name, level)| view! { <li>{name.clone()} " — " {level_name(*level)}</li> }).collect_view()}
                    </ul>
                    <h2>{t!(i18n, vetting.decide)}</h2>
                    <ActionForm action=decide attr:class="form">
                        <FormAlert error />
                        <GroupError name="decision" server_error=error />
                        <input type="hidden" name="id" value=v.account_id.to_string() />
                        <TextArea name="note" label=t_string!(i18n, vetting.note).to_string() rows=3 maxlength=2000 server_error=error />
                        <div class="actions">
                            <button type="submit" name="decision" value="approve" class="button">{t!(i18n, vetting.approve)}</button>
                            <button type="submit" name="decision" value="reject" class="button button--secondary">{t!(i18n, vetting.reject)}</button>
                            <button type="submit" name="decision" value="suspend" class="button button--secondary">{t!(i18n, vetting.suspend)}</button>
                        </div>
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
