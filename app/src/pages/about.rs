//! How Frontline works, in four steps.

use crate::i18n::{t, t_string, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "how it works" page.
#[component]
pub fn AboutPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, about.title).to_string() />
        <h1>{t!(i18n, about.title)}</h1>
        <ol class="steps">
            <li>{t!(i18n, about.step_post)}</li>
            <li>{t!(i18n, about.step_vet)}</li>
            <li>{t!(i18n, about.step_match)}</li>
            <li>{t!(i18n, about.step_engage)}</li>
        </ol>
    }
}
