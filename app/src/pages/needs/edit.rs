//! `/needs/:id/edit`: editing a draft.

use crate::{
    api::{
        needs::{UpdateNeed, need_form},
        reference::fetch_catalogue,
    },
    components::params::use_id_param,
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

/// The edit page.
#[component]
pub fn EditNeedPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let update = ServerAction::<UpdateNeed>::new();
    let error = action_error(update);
    let current = Resource::new(id, need_form);
    let catalogue = Resource::new(|| (), |()| fetch_catalogue());
    let kept = use_form_memory::<UpdateNeed>();
    view! {
        <Title text=t_string!(i18n, needs.edit).to_string() />
        <h1>{t!(i18n, needs.edit)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let (current, catalogue) = match (current.await, catalogue.await) {
                    (Ok(current), Ok(catalogue)) => (current, catalogue),
                    (Err(e), _) | (_, Err(e)) => return page_error(e),
                };
                let input: NeedInput = kept_input(&kept.await).unwrap_or(current);
                view! {
                    <ActionForm action=update attr:class="form" attr:novalidate="">
                        <input type="hidden" name="id" value=id().to_string() />
                        <NeedFields catalogue input error submit=t_string!(i18n, needs.save).to_string() />
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
