//! `/unsubscribe/:token`: the page behind a mail's unsubscribe link. Opening it
//! changes nothing (mail scanners open links); its button posts the same
//! one-click form a mail client sends (RFC 8058), handled outside the server
//! functions, which sends the browser back here to read that it is done.

use crate::{
    api::mail::unsubscribe_info,
    components::error_view::ErrorView,
    i18n::{t, t_string, use_i18n},
    pages::account::mail::topic_label,
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

/// The unsubscribe page.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, unsubscribe_info);
    view! {
        <Title text=t_string!(i18n, unsubscribe.title).to_string() />
        <Meta name="referrer" content="no-referrer" />
        <section class="narrow">
            <h1>{t!(i18n, unsubscribe.title)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let info = match info.await {
                        Ok(info) => info,
                        Err(error) => return view! { <ErrorView error /> }.into_any(),
                    };
                    let topic = info.topic.map(topic_label);
                    if info.done {
                        return view! {
                            <p class="alert alert--ok" role="status" data-unsubscribed="">{t!(i18n, unsubscribe.done)}</p>
                            <p><A href="/account/mail">{t!(i18n, unsubscribe.settings)}</A></p>
                        }
                            .into_any();
                    }
                    view! {
                        {match topic {
                            Some(topic) => view! { <p class="lead">{t!(i18n, unsubscribe.lead_topic, topic = topic)}</p> }.into_any(),
                            None => view! { <p class="lead">{t!(i18n, unsubscribe.lead_digest)}</p> }.into_any(),
                        }}
                        <form method="post" action=format!("/unsubscribe/{}", token()) class="form">
                            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
                            <button type="submit" class="button">{t!(i18n, unsubscribe.confirm)}</button>
                        </form>
                        <p><A href="/account/mail">{t!(i18n, unsubscribe.settings)}</A></p>
                    }
                        .into_any()
                })}
            </Suspense>
        </section>
    }
}
