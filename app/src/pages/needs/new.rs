//! `/needs/new`: drafting a need.

use crate::{
    api::{advisories::fetch_advisory_need_draft, needs::CreateNeed, reference::fetch_catalogue},
    components::{
        form::{action_error, kept_input, use_form_memory},
        guard::page_error,
    },
    domain::need::NeedInput,
    i18n::{t, t_string, use_i18n},
    pages::needs::form::NeedFields,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The new-need page.
#[component]
pub fn NewNeedPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateNeed>::new();
    let error = action_error(create);
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    let kept = use_form_memory::<CreateNeed>();
    // "We need help with this" on an advisory: the form starts from it.
    let query = use_query_map();
    let advisory = Resource::new(
        move || query.read().get("advisory").and_then(|a| a.parse::<i64>().ok()),
        |id| async move {
            match id {
                Some(id) => fetch_advisory_need_draft(id).await.ok(),
                None => None,
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, needs.new).to_string() />
        <h1>{t!(i18n, needs.new)}</h1>
        <p class="lead">{t!(i18n, needs.new_lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let catalogue = match catalogue.await {
                    Ok(c) => c,
                    Err(e) => return page_error(e),
                };
                let from_advisory = advisory.await;
                let input: NeedInput = kept_input(&kept.await).or(from_advisory).unwrap_or_else(|| NeedInput {
                    urgency: "normal".into(),
                    mode: "remote".into(),
                    ..NeedInput::default()
                });
                view! {
                    <ActionForm action=create attr:class="form" attr:novalidate="">
                        <NeedFields catalogue input error submit=t_string!(i18n, needs.save_draft).to_string() />
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
