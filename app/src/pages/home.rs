//! The home page: what Frontline is, for whom, and live figures.

use crate::{
    api::home_figures,
    components::error_view::first_error,
    domain::views::Figures,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let figures = Resource::new(|| (), |()| home_figures());
    view! {
        <Title text=t_string!(i18n, home.title).to_string() />
        <section class="hero">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="lead">{t!(i18n, home.lead)}</p>
        </section>
        <section class="audiences">
            <article>
                <h2>{t!(i18n, home.for_orgs_title)}</h2>
                <p>{t!(i18n, home.for_orgs)}</p>
            </article>
            <article>
                <h2>{t!(i18n, home.for_volunteers_title)}</h2>
                <p>{t!(i18n, home.for_volunteers)}</p>
            </article>
            <article>
                <h2>{t!(i18n, home.for_coordinators_title)}</h2>
                <p>{t!(i18n, home.for_coordinators)}</p>
            </article>
        </section>
        <section class="figures" aria-labelledby="figures-title">
            <h2 id="figures-title">{t!(i18n, home.figures_title)}</h2>
            <Suspense>
                <ErrorBoundary fallback=first_error>
                    {move || Suspend::new(async move {
                        figures.await.map(|f| view! { <FigureList figures=f /> })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[component]
fn FigureList(figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="figures__list">
            <div data-figure="organisations">
                <dt>{t!(i18n, home.figures_organisations)}</dt>
                <dd>{figures.organisations}</dd>
            </div>
            <div data-figure="volunteers">
                <dt>{t!(i18n, home.figures_volunteers)}</dt>
                <dd>{figures.volunteers}</dd>
            </div>
            <div data-figure="open-needs">
                <dt>{t!(i18n, home.figures_open_needs)}</dt>
                <dd>{figures.open_needs}</dd>
            </div>
        </dl>
    }
}
