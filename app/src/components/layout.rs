//! The frame around every page: header with navigation, main content, footer.

use crate::{
    api::{
        auth::{Logout, whoami},
        language::SetLanguage,
    },
    i18n::{Locale, t, t_string, use_i18n},
    model::{Role, Viewer},
};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::{components::A, hooks::use_location};

/// Header, navigation and footer around the page content.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = Resource::new(|| (), |()| whoami());
    view! {
        <a class="skip-link" href="#content">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true"></span>
                    {t!(i18n, site_name)}
                </A>
                <Suspense fallback=|| view! { <SiteNav viewer=None /> }>
                    {move || Suspend::new(async move {
                        let viewer = viewer.await.ok().flatten();
                        view! { <SiteNav viewer /> }
                    })}
                </Suspense>
            </div>
        </header>
        <main id="content" class="content" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t!(i18n, footer.about)} <A href="/impact">{t!(i18n, footer.impact)}</A></p>
            <p>{t!(i18n, footer.source)}</p>
            <LanguageForm />
        </footer>
    }
}

/// The language switcher: a plain form (it works without JavaScript) that
/// remembers the choice in a cookie and comes back to this page.
#[component]
fn LanguageForm() -> impl IntoView {
    let i18n = use_i18n();
    let choose = ServerAction::<SetLanguage>::new();
    let current = i18n.get_locale_untracked();
    let location = use_location();
    let next = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    )
    .trim_end_matches('?')
    .to_owned();
    let options = Locale::get_all()
        .iter()
        .map(|&locale| {
            view! {
                <option value=locale.as_str() lang=locale.as_str() selected=locale == current>
                    {endonym(locale)}
                </option>
            }
        })
        .collect_view();
    view! {
        <ActionForm action=choose attr:class="language-form">
            <input type="hidden" name="next" value=next />
            <label for="language">{t!(i18n, footer.language)}</label>
            <select id="language" name="locale">{options}</select>
            <button type="submit" class="button button--secondary">{t!(i18n, footer.change_language)}</button>
        </ActionForm>
    }
}

/// A language's name in that language, as the switcher lists it.
fn endonym(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "English",
        Locale::fr => "Français",
        Locale::es => "Español",
        Locale::pt => "Português",
        Locale::ar => "العربية",
    }
}

/// The main navigation: plain links, wrapping on narrow screens (no script).
#[component]
fn SiteNav(viewer: Option<Viewer>) -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    let signed_in = viewer.is_some();
    let role = viewer.as_ref().map(|v| v.role);
    let coordinator = role == Some(Role::Coordinator);
    let unread = viewer.as_ref().map_or(0, |v| v.unread);
    let name = viewer.map(|v| v.display_name).unwrap_or_default();
    view! {
        <nav class="site-nav" aria-label=move || t_string!(i18n, nav.label)>
            <ul class="site-nav__links">
                <li><A href="/">{t!(i18n, nav.home)}</A></li>
                <li><A href="/about">{t!(i18n, nav.about)}</A></li>
                <li><A href="/guidance">{t!(i18n, nav.guidance)}</A></li>
                {if signed_in {
                    view! {
                        {coordinator.then(|| view! { <li><A href="/coordinator">{t!(i18n, nav.coordinator)}</A></li> })}
                        {(role == Some(Role::OrganisationMember)).then(|| view! {
                            <li><A href="/organisation">{t!(i18n, nav.organisation)}</A></li>
                            <li><A href="/needs">{t!(i18n, nav.needs)}</A></li>
                            <li><A href="/advisories">{t!(i18n, nav.advisories)}</A></li>
                        })}
                        {(role == Some(Role::Volunteer)).then(|| view! {
                            <li><A href="/volunteer">{t!(i18n, nav.profile)}</A></li>
                            <li><A href="/volunteer/matches">{t!(i18n, nav.fits)}</A></li>
                            <li><A href="/needs">{t!(i18n, nav.needs)}</A></li>
                        })}
                        <li><A href="/engagements">{t!(i18n, nav.engagements)}</A></li>
                        <li>
                            <A href="/notifications" attr:data-unread=unread.to_string()>
                                {t!(i18n, nav.notifications)}
                                {(unread > 0).then(|| view! {
                                    " " <span class="badge" aria-label=format!("{unread} {}", t_string!(i18n, nav.unread))>{unread}</span>
                                })}
                            </A>
                        </li>
                        <li><A href="/account" attr:data-viewer=name.clone()>{t!(i18n, nav.account)}</A></li>
                        <li>
                            <ActionForm action=logout attr:class="inline-form">
                                <button type="submit" class="link-button">{t!(i18n, nav.logout)}</button>
                            </ActionForm>
                        </li>
                    }
                        .into_any()
                } else {
                    view! {
                        <li><A href="/login">{t!(i18n, nav.login)}</A></li>
                        <li><A href="/register">{t!(i18n, nav.register)}</A></li>
                    }
                        .into_any()
                }}
            </ul>
        </nav>
    }
}
