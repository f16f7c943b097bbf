//! `/verify/:token`: confirming an address through its mailed link. Opening the
//! link changes nothing; the button posts the confirmation.

use crate::{
    api::auth::{VerifyEmail, verification_link},
    components::{
        error_view::ErrorView,
        form::{FormAlert, Submit, action_error},
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// The address verification page.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, verification_link);
    let action = ServerAction::<VerifyEmail>::new();
    let error = action_error(action);
    view! {
        <Title text=t_string!(i18n, verify.title).to_string() />
        // The token is in the URL: keep it out of any Referer.
        <Meta name="referrer" content="no-referrer" />
        <section class="narrow">
            <h1>{t!(i18n, verify.title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(email) => view! {
                            <p>{t!(i18n, verify.lead)} " " <strong data-verify-email=""><bdi>{email}</bdi></strong></p>
                            <ActionForm action attr:class="form">
                                <FormAlert error />
                                <input type="hidden" name="token" value=token />
                                <Submit label=t_string!(i18n, verify.submit).to_string() />
                            </ActionForm>
                        }
                            .into_any(),
                        Err(AppError::NotFound) => view! {
                            <ErrorView error=AppError::NotFound />
                            <p>{t!(i18n, verify.dead)}</p>
                        }
                            .into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
