//! `/invite/:token`: joining a colleague's organisation.

use crate::{
    api::{
        auth::whoami,
        organisation::{AcceptInvitation, invitation},
    },
    components::{
        error_view::ErrorView,
        form::{FormAlert, action_error},
    },
    i18n::{t, t_string, use_i18n},
    model::Role,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

/// The invitation page.
#[component]
pub fn InvitePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let organisation = Resource::new(token, invitation);
    let viewer = Resource::new(|| (), |()| whoami());
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = action_error(accept);
    view! {
        <Title text=t_string!(i18n, invite.title).to_string() />
        <Meta name="referrer" content="no-referrer" />
        <section class="narrow">
            <h1>{t!(i18n, invite.title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let name = match organisation.await {
                        Ok(name) => name,
                        Err(error) => return view! { <ErrorView error /> }.into_any(),
                    };
                    let viewer = viewer.await.ok().flatten();
                    let here = format!("/invite/{}", token());
                    view! {
                        <p class="lead">{t!(i18n, invite.lead, organisation = name.clone())}</p>
                        {match viewer {
                            Some(v) if v.role == Role::OrganisationMember => view! {
                                <ActionForm action=accept attr:class="form">
                                    <FormAlert error />
                                    <input type="hidden" name="token" value=token() />
                                    <button type="submit" class="button">{t!(i18n, invite.accept)}</button>
                                </ActionForm>
                            }
                                .into_any(),
                            Some(_) => view! { <p class="alert alert--error">{t!(i18n, invite.wrong_role)}</p> }.into_any(),
                            None => view! {
                                <p>{t!(i18n, invite.sign_in_first)}</p>
                                <ul class="link-list">
                                    <li><A href="/register">{t!(i18n, nav.register)}</A></li>
                                    <li><a href=format!("/login?next={here}")>{t!(i18n, nav.login)}</a></li>
                                </ul>
                            }
                                .into_any(),
                        }}
                    }
                        .into_any()
                })}
            </Suspense>
        </section>
    }
}
