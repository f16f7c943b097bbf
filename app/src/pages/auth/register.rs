//! `/register`: a healthcare organisation's member or a volunteer expert signs up.

use crate::{
    api::auth::Register,
    components::form::{Check, Field, FormAlert, Kind, Submit, action_error, use_form_memory},
    i18n::{t, t_string, use_i18n},
    validate,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The registration page.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Register>::new();
    let error = action_error(action);
    let memory = use_form_memory::<Register>();
    view! {
        <Title text=t_string!(i18n, register.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, register.title)}</h1>
            <p class="lead">{t!(i18n, register.lead)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = memory.await;
                    let role = kept.get("role").cloned().unwrap_or_default();
                    let value = move |k: &str| kept.get(k).cloned();
                    view! {
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <fieldset class="choice">
                                <legend>{t!(i18n, register.who)}</legend>
                                <label class="choice__option">
                                    <input type="radio" name="role" value="organisation_member" required=true
                                        checked=role != "volunteer" />
                                    <span>{t!(i18n, register.as_organisation)}</span>
                                </label>
                                <label class="choice__option">
                                    <input type="radio" name="role" value="volunteer" checked=role == "volunteer" />
                                    <span>{t!(i18n, register.as_volunteer)}</span>
                                </label>
                            </fieldset>
                            <Field name="display_name" label=t_string!(i18n, fields.display_name).to_string()
                                value=value("display_name") autocomplete="name" required=true maxlength=validate::NAME_MAX
                                server_error=error validate=Check::DisplayName />
                            <Field name="email" kind=Kind::Email label=t_string!(i18n, fields.email).to_string()
                                value=value("email") autocomplete="email" required=true maxlength=validate::EMAIL_MAX
                                server_error=error validate=Check::Email />
                            <Field name="password" kind=Kind::Password label=t_string!(i18n, fields.password).to_string()
                                hint=t_string!(i18n, fields.password_hint).to_string()
                                autocomplete="new-password" required=true maxlength=validate::PASSWORD_MAX
                                server_error=error validate=Check::NewPassword />
                            <Submit label=t_string!(i18n, register.submit).to_string() />
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p>{t!(i18n, register.have_account)} " " <A href="/login">{t!(i18n, nav.login)}</A></p>
        </section>
    }
}
