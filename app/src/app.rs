//! The application shell and its routes.

use crate::{
    components::layout::Layout,
    i18n::I18nContextProvider,
    pages::{
        about::AboutPage,
        account::{
            mail::MailSettingsPage, overview::AccountPage, password::PasswordPage, sessions::SessionsPage,
            two_factor::TwoFactorPage,
        },
        advisories::{AdvisoriesPage, AdvisoryEditPage, AdvisoryPage, CoordinatorAdvisoriesPage},
        auth::{
            login::LoginPage, register::RegisterPage, reset::ResetPage, reset_request::ResetRequestPage,
            second_factor::SecondFactorPage, unsubscribe::UnsubscribePage, verify::VerifyPage,
        },
        coordinator::{
            accounts::AccountsPage, audit::AuditPage, catalogue::CataloguePage, home::CoordinatorHome,
            insight::InsightPage, mail::MailPage, needs::NeedsOverview, organisation::OrganisationReview,
            organisations::OrganisationsQueue, volunteer::VolunteerReview, volunteers::VolunteersQueue,
        },
        engagements::{detail::EngagementDetail, list::EngagementsPage, notifications::NotificationsPage},
        guidance::{ArticleEditPage, ArticlePage, GuidancePage},
        home::HomePage,
        impact::ImpactPage,
        matching::{
            batch::{BatchPage, BatchesPage},
            console::ConsolePage,
            fits::FitsPage,
            triage::TriagePage,
        },
        needs::{detail::NeedPage, edit::EditNeedPage, list::NeedsPage, new::NewNeedPage},
        not_found::NotFound,
        organisation::{edit::EditOrganisationPage, invite::InvitePage, overview::OrganisationPage},
        volunteer::{history::HistoryPage, profile::VolunteerPage},
    },
};
use leptos::{nonce::use_nonce, prelude::*};
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document around the application, rendered on the server only.
///
/// The `lang` and `dir` attributes of `<html>` are set by the i18n provider from the
/// locale it chose for the request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_request_nonce();
    let links = SiteLinks::of(&options);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href=links.stylesheet />
                <link rel="icon" href=links.icon type="image/svg+xml" />
                <script type="module" nonce=use_nonce()>{links.islands}</script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// What the document's head links to, each URL carrying its file's version.
struct SiteLinks {
    stylesheet: String,
    icon: String,
    /// The script that hydrates the page's islands (and fetches no wasm on a
    /// page without one).
    islands: String,
}

impl SiteLinks {
    #[cfg(feature = "ssr")]
    fn of(options: &LeptosOptions) -> Self {
        // Islands: only an island's own markup carries hydration keys, as
        // Leptos's `HydrationScripts` sets up.
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
        let assets = use_context::<crate::state::AppState>()
            .map(|state| state.assets.clone())
            .unwrap_or_default();
        Self {
            stylesheet: assets.url(&format!("/{}/{}.css", options.site_pkg_dir, options.output_name)),
            icon: assets.url("/favicon.svg"),
            islands: assets.island_script(&options.site_pkg_dir, &options.output_name),
        }
    }

    #[cfg(not(feature = "ssr"))]
    fn of(_: &LeptosOptions) -> Self {
        Self {
            stylesheet: String::new(),
            icon: String::new(),
            islands: String::new(),
        }
    }
}

/// Makes the request's CSP nonce (set by the server's security-headers layer)
/// available to Leptos, which puts it on the scripts it renders.
#[cfg(feature = "ssr")]
fn provide_request_nonce() {
    use leptos::nonce::Nonce;
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::state::CspNonce>().cloned())
    {
        provide_context(Nonce::from_value(nonce.0));
    }
}

/// The document title for a page title. On the server it is escaped: Leptos
/// writes `<title>` content as raw text, and titles often hold user text (a
/// need's title). In the browser it is set as `document.title`, which is text.
fn title_text(page: String) -> String {
    let title = if page.is_empty() {
        "Frontline".to_owned()
    } else {
        format!("{page} · Frontline")
    };
    #[cfg(feature = "ssr")]
    let title = crate::html::escape(&title);
    title
}

/// The application: i18n, the router and the layout around every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Title formatter=title_text />
            <Router>
                <Layout>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/about") view=AboutPage ssr=SsrMode::Async />
                        <Route path=path!("/impact") view=ImpactPage ssr=SsrMode::Async />
                        <Route path=path!("/guidance") view=GuidancePage ssr=SsrMode::Async />
                        <Route path=path!("/guidance/:slug") view=ArticlePage ssr=SsrMode::Async />
                        <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/login/second-factor") view=SecondFactorPage ssr=SsrMode::Async />
                        <Route path=path!("/reset") view=ResetRequestPage ssr=SsrMode::Async />
                        <Route path=path!("/reset/:token") view=ResetPage ssr=SsrMode::Async />
                        <Route path=path!("/verify/:token") view=VerifyPage ssr=SsrMode::Async />
                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                        <Route path=path!("/account/password") view=PasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/account/two-factor") view=TwoFactorPage ssr=SsrMode::Async />
                        <Route path=path!("/account/sessions") view=SessionsPage ssr=SsrMode::Async />
                        <Route path=path!("/account/mail") view=MailSettingsPage ssr=SsrMode::Async />
                        <Route path=path!("/unsubscribe/:token") view=UnsubscribePage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator") view=CoordinatorHome ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/accounts") view=AccountsPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/audit") view=AuditPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/insight") view=InsightPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/mail") view=MailPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/guidance/new") view=ArticleEditPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/advisories") view=CoordinatorAdvisoriesPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/advisories/new") view=AdvisoryEditPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/advisories/:id") view=AdvisoryEditPage ssr=SsrMode::Async />
                        <Route path=path!("/advisories") view=AdvisoriesPage ssr=SsrMode::Async />
                        <Route path=path!("/advisories/:id") view=AdvisoryPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/guidance/:slug") view=ArticleEditPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/organisations") view=OrganisationsQueue ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/organisations/:id") view=OrganisationReview ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/volunteers") view=VolunteersQueue ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/volunteers/:id") view=VolunteerReview ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/needs") view=NeedsOverview ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/catalogue") view=CataloguePage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/triage") view=TriagePage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/match/:id") view=ConsolePage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/batch") view=BatchesPage ssr=SsrMode::Async />
                        <Route path=path!("/coordinator/batch/:id") view=BatchPage ssr=SsrMode::Async />
                        <Route path=path!("/organisation") view=OrganisationPage ssr=SsrMode::Async />
                        <Route path=path!("/organisation/edit") view=EditOrganisationPage ssr=SsrMode::Async />
                        <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async />
                        <Route path=path!("/needs") view=NeedsPage ssr=SsrMode::Async />
                        <Route path=path!("/needs/new") view=NewNeedPage ssr=SsrMode::Async />
                        <Route path=path!("/needs/:id") view=NeedPage ssr=SsrMode::Async />
                        <Route path=path!("/needs/:id/edit") view=EditNeedPage ssr=SsrMode::Async />
                        <Route path=path!("/volunteer") view=VolunteerPage ssr=SsrMode::Async />
                        <Route path=path!("/volunteer/history") view=HistoryPage ssr=SsrMode::Async />
                        <Route path=path!("/volunteer/matches") view=FitsPage ssr=SsrMode::Async />
                        <Route path=path!("/engagements") view=EngagementsPage ssr=SsrMode::Async />
                        <Route path=path!("/engagements/:id") view=EngagementDetail ssr=SsrMode::Async />
                        <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}
