//! The frame around every page: header with navigation, main content, footer.

use crate::{
    components::hydrated::use_hydrated,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_router::components::A;

/// Header, navigation and footer around the page content.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#content">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true"></span>
                    {t!(i18n, site_name)}
                </A>
                <SiteNav />
            </div>
        </header>
        <main id="content" class="content" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t!(i18n, footer.about)}</p>
            <p>{t!(i18n, footer.source)}</p>
        </footer>
    }
}

/// The main navigation.
///
/// On narrow screens, once the page has hydrated, the links fold behind a "Menu"
/// button. Without JavaScript the button stays hidden and the links stay visible,
/// so the page remains usable.
#[component]
fn SiteNav() -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let (open, set_open) = signal(false);
    view! {
        <nav class="site-nav" aria-label=move || t_string!(i18n, nav.label)>
            <button
                type="button"
                class="site-nav__toggle"
                aria-controls="site-nav-links"
                aria-expanded=move || open.get().to_string()
                hidden=move || !hydrated.get()
                on:click=move |_| set_open.update(|o| *o = !*o)
            >
                {t!(i18n, nav.menu)}
            </button>
            <ul
                id="site-nav-links"
                class="site-nav__links"
                class:site-nav__links--folded=move || hydrated.get() && !open.get()
            >
                <li><A href="/">{t!(i18n, nav.home)}</A></li>
                <li><A href="/about">{t!(i18n, nav.about)}</A></li>
            </ul>
        </nav>
    }
}
