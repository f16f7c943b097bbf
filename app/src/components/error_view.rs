//! What the user sees when a page cannot be shown.

use crate::{
    components::form::error_message,
    error::AppError,
    i18n::{t, t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// A generic error panel: never any internal detail.
///
/// On the server it also sets the response status from the error, so a page that
/// failed because the database is down answers 503, not 200.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
    }
    let i18n = use_i18n();
    let title = match error {
        AppError::Unavailable => t_string!(i18n, error.unavailable_title).to_string(),
        AppError::NotFound => t_string!(i18n, not_found.title).to_string(),
        AppError::Forbidden => t_string!(i18n, error.forbidden_title).to_string(),
        _ => t_string!(i18n, error.title).to_string(),
    };
    view! {
        // A page that failed still has a title: the first thing a screen
        // reader announces, and what the tab shows.
        <Title text=title.clone() />
        <section class="error-panel" role="alert">
            <h1>{title}</h1>
            <p>{error_message(&error)}</p>
            <p><a href="/">{t!(i18n, error.home_link)}</a></p>
        </section>
    }
}

/// Renders the first error an error boundary caught.
pub fn first_error(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        let error = errors
            .read()
            .iter()
            .next()
            .and_then(|(_, e)| e.downcast_ref::<AppError>().cloned())
            .unwrap_or(AppError::Internal);
        view! { <ErrorView error /> }
    }
}
