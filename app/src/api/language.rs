//! The interface language a visitor chose.

use crate::error::AppError;
use leptos::prelude::*;

/// The cookie leptos_i18n reads the chosen language from on every request (its
/// default name); without it, `Accept-Language` decides.
pub const COOKIE: &str = "i18n_pref_locale";

/// How long the choice is remembered: a year.
#[cfg(feature = "ssr")]
const KEEP_SECS: u64 = 365 * 24 * 60 * 60;

/// Chooses the interface language (one of the shipped locales), remembers it in
/// a cookie for a year, and goes back to `next` (a path on this site; the home
/// page otherwise). A plain form post: it works without JavaScript.
///
/// # Errors
/// [`AppError::BadRequest`] for a language Frontline does not ship.
#[server(endpoint = "language")]
pub async fn set_language(locale: String, #[server(default)] next: String) -> Result<(), AppError> {
    use crate::{config::Mode, i18n::Locale};
    use leptos::prelude::use_context;
    let state = super::context::state()?;
    let locale: Locale = locale.parse().map_err(|_| AppError::BadRequest)?;
    let secure = if state.config.mode == Mode::Production {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age={KEEP_SECS}; SameSite=Lax{secure}",
        leptos_i18n::Locale::as_str(locale)
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
    leptos_axum::redirect(crate::validate::local_path(&next).unwrap_or("/"));
    Ok(())
}
