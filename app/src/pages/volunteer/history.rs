//! `/volunteer/history`: a volunteer's engagements and the time they gave.

use crate::{
    api::engagements::volunteer_history,
    components::guard::page_error,
    i18n::{t, t_string, use_i18n},
    pages::engagements::{EngagementsTable, hours_text},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The history page.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let history = Resource::new(|| (), |()| volunteer_history());
    view! {
        <Title text=t_string!(i18n, history.title).to_string() />
        <h1>{t!(i18n, history.title)}</h1>
        <Suspense>
            {move || Suspend::new(async move {
                let h = match history.await {
                    Ok(h) => h,
                    Err(e) => return page_error(e),
                };
                view! {
                    <dl class="facts">
                        <dt>{t!(i18n, history.completed)}</dt>
                        <dd data-completed=h.completed.to_string()>{h.completed}</dd>
                        <dt>{t!(i18n, history.hours)}</dt>
                        <dd data-minutes=h.minutes.to_string()>{hours_text(h.minutes)}</dd>
                    </dl>
                    <EngagementsTable engagements=h.engagements />
                }
                    .into_any()
            })}
        </Suspense>
    }
}
