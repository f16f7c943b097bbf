//! `/coordinator/mail`: the outbox — counts per state, the last 7 days per kind,
//! and dead letters with a retry button (a plain form: works without JavaScript).

use crate::dates::When;
use crate::{
    api::admin::{RetryMail, mail_outbox},
    components::{
        form::{FormAlert, Submit, action_error},
        guard::page_error,
    },
    domain::codes::{MailKind, MailState},
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// A mail state's label.
fn state_label(state: MailState) -> String {
    let i18n = use_i18n();
    match state {
        MailState::Pending => t_string!(i18n, mail.pending),
        MailState::Sending => t_string!(i18n, mail.sending),
        MailState::Sent => t_string!(i18n, mail.sent),
        MailState::Dead => t_string!(i18n, mail.dead),
    }
    .to_string()
}

/// A mail kind's label.
fn kind_label(kind: MailKind) -> String {
    let i18n = use_i18n();
    match kind {
        MailKind::Test => t_string!(i18n, mail.kinds.test),
        MailKind::RegistrationRepeated => t_string!(i18n, mail.kinds.registration_repeated),
        MailKind::PasswordReset => t_string!(i18n, mail.kinds.password_reset),
        MailKind::VerifyAddress => t_string!(i18n, mail.kinds.verify_address),
        MailKind::ChangeAddress => t_string!(i18n, mail.kinds.change_address),
        MailKind::AddressChanging => t_string!(i18n, mail.kinds.address_changing),
        MailKind::Proposal => t_string!(i18n, mail.kinds.proposal),
        MailKind::EngagementUpdate => t_string!(i18n, mail.kinds.engagement_update),
        MailKind::MessageNotice => t_string!(i18n, mail.kinds.message_notice),
        MailKind::Vetting => t_string!(i18n, mail.kinds.vetting),
        MailKind::SignInNotice => t_string!(i18n, mail.kinds.sign_in_notice),
        MailKind::Digest => t_string!(i18n, mail.kinds.digest),
        MailKind::Invitation => t_string!(i18n, mail.kinds.invitation),
        MailKind::CoordinatorInvitation => t_string!(i18n, mail.kinds.coordinator_invitation),
        MailKind::Advisory => t_string!(i18n, mail.kinds.advisory),
    }
    .to_string()
}

/// The coordinators' mail page.
#[component]
pub fn MailPage() -> impl IntoView {
    let i18n = use_i18n();
    let retry = ServerAction::<RetryMail>::new();
    let error = action_error(retry);
    let overview = Resource::new(move || retry.version().get(), |_| mail_outbox());
    view! {
        <Title text=t_string!(i18n, mail.title).to_string() />
        <h1>{t!(i18n, mail.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let overview = match overview.await {
                    Ok(o) => o,
                    Err(e) => return page_error(e),
                };
                view! {
                    <h2>{t!(i18n, mail.states)}</h2>
                    <table class="table table--dense">
                        <thead><tr><th scope="col">{t!(i18n, mail.state)}</th><th scope="col">{t!(i18n, mail.count)}</th></tr></thead>
                        <tbody>
                            {overview.states.iter().map(|(state, n)| view! {
                                <tr data-mail-state=state.code()><td>{state_label(*state)}</td><td>{n.to_string()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h2>{t!(i18n, mail.recent)}</h2>
                    {if overview.recent.is_empty() {
                        view! { <p class="muted">{t!(i18n, mail.none_recent)}</p> }.into_any()
                    } else {
                        view! {
                            <table class="table table--dense">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, mail.kind)}</th>
                                    <th scope="col">{t!(i18n, mail.state)}</th>
                                    <th scope="col">{t!(i18n, mail.count)}</th>
                                </tr></thead>
                                <tbody>
                                    {overview.recent.iter().map(|r| view! {
                                        <tr data-mail-kind=r.kind.code() data-mail-state=r.state.code()>
                                            <td>{kind_label(r.kind)}</td>
                                            <td>{state_label(r.state)}</td>
                                            <td>{r.count.to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <h2 id="dead">{t!(i18n, mail.dead_title)}</h2>
                    <p>{t!(i18n, mail.dead_lead)}</p>
                    <FormAlert error />
                    {if overview.dead.is_empty() {
                        view! { <p class="muted">{t!(i18n, mail.none_dead)}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table class="table table--dense">
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, mail.queued)}</th>
                                        <th scope="col">{t!(i18n, mail.kind)}</th>
                                        <th scope="col">{t!(i18n, mail.recipient)}</th>
                                        <th scope="col">{t!(i18n, mail.attempts)}</th>
                                        <th scope="col">{t!(i18n, mail.error)}</th>
                                        <th scope="col"><span class="visually-hidden">{t!(i18n, mail.retry)}</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {overview.dead.into_iter().map(|d| view! {
                                            <tr data-dead-mail=d.id.to_string()>
                                                <td><When at=d.created /></td>
                                                <td>{kind_label(d.kind)}</td>
                                                <td>{d.recipient}</td>
                                                <td>{d.attempts.to_string()}</td>
                                                <td><code class="details">{d.last_error}</code></td>
                                                <td>
                                                    <ActionForm action=retry attr:class="inline-form">
                                                        <input type="hidden" name="mail" value=d.id.to_string() />
                                                        <Submit label=t_string!(i18n, mail.retry).to_string() secondary=true />
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
