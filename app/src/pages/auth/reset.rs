//! `/reset/:token`: setting a new password through a coordinator's link.

use crate::{
    api::auth::{ResetPassword, reset_link},
    components::{
        error_view::ErrorView,
        form::{Check, Field, FormAlert, Kind, Submit, action_error},
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
    validate,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// The password reset page.
#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, reset_link);
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <Title text=t_string!(i18n, reset.title).to_string() />
        // The token is in the URL: keep it out of any Referer.
        <Meta name="referrer" content="no-referrer" />
        <section class="narrow">
            <h1>{t!(i18n, reset.title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(name) => view! {
                            <p>{t!(i18n, reset.lead, name = name.clone())}</p>
                            <ActionForm action attr:class="form" attr:novalidate="">
                                <FormAlert error />
                                <input type="hidden" name="token" value=token />
                                <Field name="new_password" kind=Kind::Password label=t_string!(i18n, fields.new_password).to_string()
                                    hint=t_string!(i18n, fields.password_hint).to_string()
                                    autocomplete="new-password" required=true maxlength=validate::PASSWORD_MAX
                                    server_error=error validate=Check::NewPassword />
                                <Field name="confirm_password" kind=Kind::Password label=t_string!(i18n, fields.confirm_password).to_string()
                                    autocomplete="new-password" required=true maxlength=validate::PASSWORD_MAX server_error=error />
                                <Submit label=t_string!(i18n, reset.submit).to_string() />
                            </ActionForm>
                        }
                            .into_any(),
                        Err(AppError::NotFound) => view! {
                            <ErrorView error=AppError::NotFound />
                            <p>{t!(i18n, reset.dead)}</p>
                        }
                            .into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
