//! `/account`: who you are, and what to do next.

use crate::{
    api::auth::whoami,
    components::guard::page_error,
    error::AppError,
    i18n::{t, t_string, use_i18n},
    model::Role,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The account overview.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = Resource::new(|| (), |()| whoami());
    let query = use_query_map();
    let changed = move || query.read().get("changed").as_deref() == Some("password");
    view! {
        <Title text=t_string!(i18n, account.title).to_string() />
        <Suspense>
            {move || Suspend::new(async move {
                let viewer = match viewer.await {
                    Ok(Some(viewer)) => viewer,
                    Ok(None) => return page_error(AppError::Unauthenticated),
                    Err(e) => return page_error(e),
                };
                let role = match viewer.role {
                    Role::OrganisationMember => t_string!(i18n, roles.organisation_member).to_string(),
                    Role::Volunteer => t_string!(i18n, roles.volunteer).to_string(),
                    Role::Coordinator => t_string!(i18n, roles.coordinator).to_string(),
                };
                let is_coordinator = viewer.role == Role::Coordinator;
                let is_member = viewer.role == Role::OrganisationMember;
                let is_volunteer = viewer.role == Role::Volunteer;
                view! {
                    <h1>{t!(i18n, account.title)}</h1>
                    <Show when=changed>
                        <p class="alert alert--ok" role="status">{t!(i18n, account.password_changed)}</p>
                    </Show>
                    <Show when=move || !viewer.mfa_enabled>
                        <div class="alert alert--warn" role="note">
                            <p><strong>{t!(i18n, account.mfa_prompt_title)}</strong></p>
                            <p>{t!(i18n, account.mfa_prompt)}</p>
                            <p><A href="/account/two-factor" attr:class="button">{t!(i18n, account.mfa_prompt_action)}</A></p>
                        </div>
                    </Show>
                    <dl class="facts">
                        <dt>{t!(i18n, fields.display_name)}</dt>
                        <dd>{viewer.display_name.clone()}</dd>
                        <dt>{t!(i18n, fields.email)}</dt>
                        <dd>{viewer.email.clone()}</dd>
                        <dt>{t!(i18n, fields.role)}</dt>
                        <dd>{role}</dd>
                        <dt>{t!(i18n, account.two_factor)}</dt>
                        <dd>
                            {if viewer.mfa_enabled {
                                t_string!(i18n, account.mfa_on).to_string()
                            } else {
                                t_string!(i18n, account.mfa_off).to_string()
                            }}
                        </dd>
                    </dl>
                    <ul class="link-list">
                        <li><A href="/account/password">{t!(i18n, account.change_password)}</A></li>
                        <li><A href="/account/two-factor">{t!(i18n, account.manage_two_factor)}</A></li>
                        <li><A href="/account/sessions">{t!(i18n, account.sessions)}</A></li>
                        <Show when=move || is_coordinator>
                            <li><A href="/coordinator">{t!(i18n, nav.coordinator)}</A></li>
                        </Show>
                        <Show when=move || is_member>
                            <li><A href="/organisation">{t!(i18n, nav.organisation)}</A></li>
                        </Show>
                        <Show when=move || is_volunteer>
                            <li><A href="/volunteer">{t!(i18n, nav.profile)}</A></li>
                        </Show>
                    </ul>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
