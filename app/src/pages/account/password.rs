//! `/account/password`: changing one's password (the current one is required).

use crate::{
    api::{account::ChangePassword, auth::whoami},
    components::{
        form::{Check, Field, FormAlert, Kind, Submit, action_error},
        guard::page_error,
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
    validate,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The change-password page.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = Resource::new(|| (), |()| whoami());
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    view! {
        <Title text=t_string!(i18n, password.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, password.title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(_)) => {}
                        Ok(None) => return page_error(AppError::Unauthenticated),
                        Err(e) => return page_error(e),
                    }
                    view! {
                        <p>{t!(i18n, password.lead)}</p>
                        <ActionForm action attr:class="form" attr:novalidate="">
                            <FormAlert error />
                            <Field name="current_password" kind=Kind::Password label=t_string!(i18n, fields.current_password).to_string()
                                autocomplete="current-password" required=true maxlength=validate::PASSWORD_MAX server_error=error />
                            <Field name="new_password" kind=Kind::Password label=t_string!(i18n, fields.new_password).to_string()
                                hint=t_string!(i18n, fields.password_hint).to_string()
                                autocomplete="new-password" required=true maxlength=validate::PASSWORD_MAX
                                server_error=error validate=Check::NewPassword />
                            <Field name="confirm_password" kind=Kind::Password label=t_string!(i18n, fields.confirm_password).to_string()
                                autocomplete="new-password" required=true maxlength=validate::PASSWORD_MAX server_error=error />
                            <Submit label=t_string!(i18n, password.submit).to_string() />
                        </ActionForm>
                    }
                        .into_any()
                })}
            </Suspense>
        </section>
    }
}
