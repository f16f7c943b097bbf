//! `/login`: email and password.

use crate::{
    api::auth::Login,
    components::form::{Field, FormAlert, Kind, Submit, action_error, use_form_memory},
    i18n::{t, t_string, use_i18n},
    validate,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let memory = use_form_memory::<Login>();
    let query = use_query_map();
    let next = move || {
        query
            .read()
            .get("next")
            .filter(|n| validate::local_path(n).is_some())
            .unwrap_or_default()
    };
    let reset_done = move || query.read().get("reset").as_deref() == Some("done");
    let registered = move || query.read().get("registered").is_some();
    let verified = move || query.read().get("verified").is_some();
    view! {
        <Title text=t_string!(i18n, login.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <Show when=reset_done>
                <p class="alert alert--ok" role="status">{t!(i18n, login.reset_done)}</p>
            </Show>
            <Show when=verified>
                <p class="alert alert--ok" role="status" data-verified="">{t!(i18n, login.verified)}</p>
            </Show>
            <Show when=registered>
                <p class="alert alert--ok" role="status" data-registered="">{t!(i18n, login.registered)}</p>
            </Show>
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = memory.await;
                    let email = kept.get("email").cloned();
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <input type="hidden" name="next" value=next />
                            <Field name="email" kind=Kind::Email label=t_string!(i18n, fields.email).to_string()
                                value=email autocomplete="username" required=true maxlength=validate::EMAIL_MAX
                                server_error=error />
                            <Field name="password" kind=Kind::Password label=t_string!(i18n, fields.password).to_string()
                                autocomplete="current-password" required=true maxlength=validate::PASSWORD_MAX
                                server_error=error />
                            <Submit label=t_string!(i18n, login.submit).to_string() />
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p>{t!(i18n, login.no_account)} " " <A href="/register">{t!(i18n, nav.register)}</A></p>
            <p class="muted">{t!(i18n, login.forgot)} " " <A href="/reset">{t!(i18n, login.forgot_link)}</A></p>
        </section>
    }
}
