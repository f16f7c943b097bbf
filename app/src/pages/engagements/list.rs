//! `/engagements`: the engagements the viewer takes part in (coordinators: all),
//! the live ones first.

use crate::{
    api::engagements::list_engagements,
    components::guard::page_error,
    i18n::{t, t_string, use_i18n},
    pages::engagements::EngagementsTable,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The engagements page.
#[component]
pub fn EngagementsPage() -> impl IntoView {
    let i18n = use_i18n();
    let engagements = Resource::new(|| (), |()| list_engagements(None));
    view! {
        <Title text=t_string!(i18n, engagements.title).to_string() />
        <h1>{t!(i18n, engagements.title)}</h1>
        <p class="muted">{t!(i18n, engagements.intro)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let all = match engagements.await {
                    Ok(all) => all,
                    Err(e) => return page_error(e),
                };
                let (live, finished): (Vec<_>, Vec<_>) = all.into_iter().partition(|e| {
                    e.status.is_live()
                });
                view! {
                    <section aria-labelledby="live-title">
                        <h2 id="live-title">{t!(i18n, engagements.live)}</h2>
                        <EngagementsTable engagements=live />
                    </section>
                    <section aria-labelledby="finished-title">
                        <h2 id="finished-title">{t!(i18n, engagements.finished)}</h2>
                        <EngagementsTable engagements=finished />
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
