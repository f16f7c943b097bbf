//! `/reset`: asking for a password reset link by mail.

use crate::{
    api::auth::RequestReset,
    components::form::{Field, FormAlert, Kind, Submit, action_error, use_form_memory},
    i18n::{t, t_string, use_i18n},
    validate,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The form that mails a reset link. It answers the same whether or not the
/// address has an account.
#[component]
pub fn ResetRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestReset>::new();
    let error = action_error(action);
    let memory = use_form_memory::<RequestReset>();
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text=t_string!(i18n, reset_request.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, reset_request.title)}</h1>
            <Show when=sent>
                <p class="alert alert--ok" role="status" data-reset-sent="">{t!(i18n, reset_request.sent)}</p>
            </Show>
            <p>{t!(i18n, reset_request.lead)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = memory.await;
                    let email = kept.get("email").cloned();
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <Field name="email" kind=Kind::Email label=t_string!(i18n, fields.email).to_string()
                                value=email autocomplete="username" required=true maxlength=validate::EMAIL_MAX
                                server_error=error />
                            <Submit label=t_string!(i18n, reset_request.submit).to_string() />
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
