//! `/account`: who you are, and what to do next.

use crate::{
    api::auth::{ResendVerification, email_verified, whoami},
    components::{
        form::{FormAlert, Submit, action_error},
        guard::page_error,
    },
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
    let just_verified = move || query.read().get("verified").is_some();
    let link_sent = move || query.read().get("sent").is_some();
    let resend = ServerAction::<ResendVerification>::new();
    let resend_error = action_error(resend);
    let verified = Resource::new(move || resend.version().get(), |_| email_verified());
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
                    <Show when=just_verified>
                        <p class="alert alert--ok" role="status" data-verified="">{t!(i18n, verify.done)}</p>
                    </Show>
                    <Suspense>
                        {move || Suspend::new(async move {
                            let unverified = matches!(verified.await, Ok(false));
                            view! {
                                <Show when=move || unverified>
                                    <div class="alert alert--warn" role="note" data-unverified="">
                                        <p>{t!(i18n, verify.pending)}</p>
                                        <Show when=link_sent>
                                            <p>{t!(i18n, verify.sent)}</p>
                                        </Show>
                                        <ActionForm action=resend attr:class="inline-form">
                                            <FormAlert error=resend_error />
                                            <Submit label=t_string!(i18n, verify.resend).to_string() secondary=true />
                                        </ActionForm>
                                    </div>
                                </Show>
                            }
                        })}
                    </Suspense>
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
                        <dd><bdi>{viewer.email.clone()}</bdi></dd>
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
                        <li><A href="/account/mail">{t!(i18n, account.mail)}</A></li>
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
