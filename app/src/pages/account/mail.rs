//! `/account/mail`: which mail the user gets, per topic (at once, daily digest,
//! never), and moving the account to a new address.

use crate::{
    api::mail::{ChangeEmail, SaveMailSettings, fetch_mail_settings},
    components::{
        form::{Field, FormAlert, Kind, Submit, action_error},
        guard::page_error,
    },
    domain::codes::{MailMode, MailTopic},
    i18n::{t, t_string, use_i18n},
    validate,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// A mail topic's name, as the mail page and the unsubscribe page say it.
pub fn topic_label(topic: MailTopic) -> String {
    let i18n = use_i18n();
    match topic {
        MailTopic::Proposals => t_string!(i18n, mail_settings.topics.proposals),
        MailTopic::Engagements => t_string!(i18n, mail_settings.topics.engagements),
        MailTopic::Messages => t_string!(i18n, mail_settings.topics.messages),
        MailTopic::Vetting => t_string!(i18n, mail_settings.topics.vetting),
        MailTopic::Advisories => t_string!(i18n, mail_settings.topics.advisories),
    }
    .to_string()
}

fn mode_label(mode: MailMode) -> String {
    let i18n = use_i18n();
    match mode {
        MailMode::Immediately => t_string!(i18n, mail_settings.modes.immediately),
        MailMode::Daily => t_string!(i18n, mail_settings.modes.daily),
        MailMode::Never => t_string!(i18n, mail_settings.modes.never),
    }
    .to_string()
}

/// The mail settings page.
#[component]
pub fn MailSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let saved = move || query.read().get("saved").is_some();
    let sent = move || query.read().get("sent").is_some();
    let save = ServerAction::<SaveMailSettings>::new();
    let save_error = action_error(save);
    let change = ServerAction::<ChangeEmail>::new();
    let change_error = action_error(change);
    let settings = Resource::new(
        move || (save.version().get(), change.version().get()),
        |_| fetch_mail_settings(),
    );
    view! {
        <Title text=t_string!(i18n, mail_settings.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, mail_settings.title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let settings = match settings.await {
                        Ok(settings) => settings,
                        Err(e) => return page_error(e),
                    };
                    view! {
                        <Show when=saved>
                            <p class="alert alert--ok" role="status" data-saved="">{t!(i18n, mail_settings.saved)}</p>
                        </Show>
                        <Show when=sent>
                            <p class="alert alert--ok" role="status" data-change-sent="">{t!(i18n, mail_settings.change_sent)}</p>
                        </Show>
                        {(!settings.verified).then(|| view! {
                            <p class="alert alert--warn" role="note">{t!(i18n, mail_settings.unverified)}</p>
                        })}
                        <p>{t!(i18n, mail_settings.lead)}</p>
                        <h2>{t!(i18n, mail_settings.topics_title)}</h2>
                        <ActionForm action=save attr:class="form">
                            <FormAlert error=save_error />
                            {settings.topics.iter().map(|(topic, chosen)| {
                                let topic = *topic;
                                let chosen = *chosen;
                                view! {
                                    <fieldset class="choice" data-topic=topic.code()>
                                        <legend>{topic_label(topic)}</legend>
                                        {MailMode::ALL.iter().map(|mode| {
                                            view! {
                                                <label class="choice__option">
                                                    <input type="radio" name=topic.code() value=mode.code()
                                                        checked=*mode == chosen />
                                                    " " {mode_label(*mode)}
                                                </label>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                }
                            }).collect_view()}
                            <Submit label=t_string!(i18n, mail_settings.save).to_string() />
                        </ActionForm>
                        <h2>{t!(i18n, mail_settings.address_title)}</h2>
                        <dl class="facts">
                            <dt>{t!(i18n, mail_settings.current)}</dt>
                            <dd data-current-email=""><bdi>{settings.email.clone()}</bdi></dd>
                        </dl>
                        {settings.pending_email.clone().map(|email| view! {
                            <p class="alert alert--warn" role="status" data-pending-email="">{t!(i18n, mail_settings.pending, email = move || view! { <bdi>{email.clone()}</bdi> })}</p>
                        })}
                        <p>{t!(i18n, mail_settings.change_lead)}</p>
                        <ActionForm action=change attr:class="form" attr:novalidate="">
                            <FormAlert error=change_error />
                            <Field name="email" kind=Kind::Email label=t_string!(i18n, mail_settings.new_email).to_string()
                                autocomplete="email" required=true maxlength=validate::EMAIL_MAX server_error=change_error />
                            <Field name="password" kind=Kind::Password label=t_string!(i18n, fields.current_password).to_string()
                                autocomplete="current-password" required=true maxlength=validate::PASSWORD_MAX server_error=change_error />
                            <Submit label=t_string!(i18n, mail_settings.change).to_string() secondary=true />
                        </ActionForm>
                    }
                        .into_any()
                })}
            </Suspense>
        </section>
    }
}
