//! `/account/two-factor`: enrolling TOTP (QR code, manual key, confirmation),
//! the recovery codes shown once, and removing the second factor.

use crate::{
    api::account::{ConfirmMfa, DisableMfa, TwoFactorState, mfa_state},
    components::{
        form::{Check, Field, FormAlert, Kind, Submit, action_error, use_form_memory},
        guard::page_error,
    },
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// The two-factor page.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmMfa>::new();
    let disable = ServerAction::<DisableMfa>::new();
    let confirm_error = action_error(confirm);
    let disable_error = action_error(disable);
    let state = Resource::new(
        move || (confirm.version().get(), disable.version().get()),
        |_| mfa_state(),
    );
    // Recovery codes: in the action's answer (JavaScript) or kept for one read (plain form).
    let kept = use_form_memory::<ConfirmMfa>();
    let query = use_query_map();
    let required = move || query.read().get("required").is_some();
    view! {
        <Title text=t_string!(i18n, two_factor.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, two_factor.title)}</h1>
            <Show when=required>
                <p class="alert alert--warn" role="alert">{t!(i18n, two_factor.required)}</p>
            </Show>
            <Suspense>
                {move || Suspend::new(async move {
                    let kept = kept.await;
                    let state = match state.await {
                        Ok(state) => state,
                        Err(e) => return page_error(e),
                    };
                    let fresh_codes = confirm
                        .value()
                        .get()
                        .and_then(Result::ok)
                        .or_else(|| kept.get("codes").map(|c| c.split(' ').map(ToOwned::to_owned).collect()));
                    match state {
                        TwoFactorState::Enabled { recovery_codes_left } => view! {
                            {fresh_codes.map(|codes| view! { <RecoveryCodes codes /> })}
                            <p class="alert alert--ok" role="status">{t!(i18n, two_factor.enabled)}</p>
                            <p>{t!(i18n, two_factor.codes_left, count = crate::count(recovery_codes_left))}</p>
                            <p><A href="/account">{t!(i18n, two_factor.back)}</A></p>
                            <h2>{t!(i18n, two_factor.disable_title)}</h2>
                            <p>{t!(i18n, two_factor.disable_lead)}</p>
                            <ActionForm action=disable attr:class="form" attr:novalidate="">
                                <FormAlert error=disable_error />
                                <Field name="password" kind=Kind::Password label=t_string!(i18n, fields.current_password).to_string()
                                    autocomplete="current-password" required=true server_error=disable_error />
                                <Field name="code" kind=Kind::Code label=t_string!(i18n, fields.totp_or_recovery).to_string()
                                    autocomplete="one-time-code" required=true maxlength=20 server_error=disable_error />
                                <Submit label=t_string!(i18n, two_factor.disable).to_string() secondary=true />
                            </ActionForm>
                        }
                            .into_any(),
                        TwoFactorState::Enrolling { manual_key, qr_svg } => view! {
                            <p>{t!(i18n, two_factor.lead)}</p>
                            <ol class="steps">
                                <li>{t!(i18n, two_factor.step_app)}</li>
                                <li>
                                    {t!(i18n, two_factor.step_scan)}
                                    // The SVG is drawn by the server from the secret it generated:
                                    // no user-supplied text goes into it.
                                    <div class="qr" inner_html=qr_svg></div>
                                    <p>{t!(i18n, two_factor.manual)} " " <code class="secret" data-secret="">{manual_key}</code></p>
                                </li>
                                <li>{t!(i18n, two_factor.step_confirm)}</li>
                            </ol>
                            <ActionForm action=confirm attr:class="form" attr:novalidate="">
                                <FormAlert error=confirm_error />
                                <Field name="code" kind=Kind::Code label=t_string!(i18n, fields.totp_code).to_string()
                                    autocomplete="one-time-code" required=true maxlength=7 server_error=confirm_error
                                    validate=Check::TotpCode />
                                <Submit label=t_string!(i18n, two_factor.confirm).to_string() />
                            </ActionForm>
                        }
                            .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The recovery codes, shown once after enrolment.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert--warn" role="alert">
            <h2>{t!(i18n, two_factor.codes_title)}</h2>
            <p>{t!(i18n, two_factor.codes_lead)}</p>
            <ul class="codes" data-recovery-codes="">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
        </div>
    }
}
