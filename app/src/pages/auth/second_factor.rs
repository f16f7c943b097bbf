//! `/login/second-factor`: the TOTP code, or a recovery code.

use crate::{
    api::auth::{LoginSecondFactor, second_factor_pending},
    components::{
        error_view::first_error,
        form::{Check, Field, FormAlert, Kind, Submit, action_error},
    },
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The second-factor page.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<LoginSecondFactor>::new();
    let error = action_error(action);
    let pending = Resource::new(|| (), |()| second_factor_pending());
    view! {
        <Title text=t_string!(i18n, second_factor.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, second_factor.title)}</h1>
            <Suspense>
                <ErrorBoundary fallback=first_error>
                    {move || Suspend::new(async move {
                        let waiting = pending.await?;
                        Ok::<_, crate::error::AppError>(if waiting {
                            view! {
                                <p>{t!(i18n, second_factor.lead)}</p>
                                <ActionForm action attr:class="form" attr:novalidate="">
                                    <FormAlert error />
                                    <Field name="code" kind=Kind::Code label=t_string!(i18n, fields.totp_code).to_string()
                                        autocomplete="one-time-code" maxlength=7 server_error=error
                                        validate=Check::TotpCode />
                                    <Submit label=t_string!(i18n, second_factor.submit).to_string() />
                                </ActionForm>
                                <details class="disclosure">
                                    <summary>{t!(i18n, second_factor.use_recovery)}</summary>
                                    <ActionForm action attr:class="form" attr:novalidate="">
                                        <Field name="recovery_code" label=t_string!(i18n, fields.recovery_code).to_string()
                                            autocomplete="off" maxlength=20 server_error=error
                                            validate=Check::RecoveryCode />
                                        <Submit label=t_string!(i18n, second_factor.submit).to_string() secondary=true />
                                    </ActionForm>
                                </details>
                            }
                                .into_any()
                        } else {
                            view! {
                                <p class="alert alert--error">{t!(i18n, second_factor.expired)}</p>
                                <p><A href="/login">{t!(i18n, nav.login)}</A></p>
                            }
                                .into_any()
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}
