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
/// a cookie for a year and, for a signed-in account, in the account (its mail
/// comes in that language, and signing in elsewhere brings it along); then goes
/// back to `next` (a path on this site; the home page otherwise). A plain form
/// post: it works without JavaScript.
///
/// # Errors
/// [`AppError::BadRequest`] for a language Frontline does not ship.
#[server(endpoint = "language")]
pub async fn set_language(locale: String, #[server(default)] next: String) -> Result<(), AppError> {
    use crate::{i18n::Locale, services::accounts};
    let ctx = super::context::anyone()?;
    let locale: Locale = locale.parse().map_err(|_| AppError::BadRequest)?;
    if let Some(user) = crate::services::auth::current_user(&ctx.state, &ctx.session).await? {
        accounts::set_locale(&ctx.state.db, user.id, locale).await?;
    }
    remember(&ctx.state, locale);
    leptos_axum::redirect(crate::validate::local_path(&next).unwrap_or("/"));
    Ok(())
}

/// Sets the language cookie on the response.
#[cfg(feature = "ssr")]
fn remember(state: &crate::state::AppState, locale: crate::i18n::Locale) {
    let secure = if state.config.mode == crate::config::Mode::Production {
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
}

/// After a sign-in: the language the account chose (perhaps on another
/// device) becomes this browser's. Nothing changes when it chose none, and a
/// failure to read it does not stop the sign-in.
#[cfg(feature = "ssr")]
pub(crate) async fn follow_account(ctx: &super::context::Ctx) {
    let user = match crate::services::auth::current_user(&ctx.state, &ctx.session).await {
        Ok(Some(user)) => user,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the account's language");
            return;
        }
    };
    match crate::services::accounts::locale(&ctx.state.db, user.id).await {
        Ok(Some(locale)) => remember(&ctx.state, locale),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the account's language"),
    }
}

/// The language the visitor asked for in the request being served: the
/// language cookie, else the first language of `Accept-Language` that
/// Frontline ships (a regional tag such as `fr-CH` by its language) — as the
/// pages choose it; `None` when neither names one (the pages fall back to
/// English, but nobody chose it).
#[cfg(feature = "ssr")]
pub(crate) fn asked_for() -> Option<crate::i18n::Locale> {
    use_context::<http::request::Parts>().and_then(|parts| choose(&parts.headers))
}

#[cfg(feature = "ssr")]
fn choose(headers: &http::HeaderMap) -> Option<crate::i18n::Locale> {
    use crate::i18n::Locale;
    let shipped = |tag: &str| -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase();
        let language = tag.split(['-', '_']).next().unwrap_or("");
        language.parse().ok()
    };
    let cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find_map(shipped);
    if cookie.is_some() {
        return cookie;
    }
    let mut accepted: Vec<(f32, &str)> = headers
        .get_all(http::header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            Some((q, tag))
        })
        .filter(|(q, _)| *q > 0.0)
        .collect();
    accepted.sort_by(|a, b| b.0.total_cmp(&a.0));
    accepted.into_iter().find_map(|(_, tag)| shipped(tag))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap_or_else(|e| panic!("{e}")),
                http::HeaderValue::from_str(v).unwrap_or_else(|e| panic!("{e}")),
            );
        }
        map
    }

    #[test]
    fn the_cookie_wins_then_accept_language_by_weight() {
        type Headers<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Headers<'_>, Option<Locale>); 7] = [
            (&[], None),
            (
                &[("accept-language", "fr-CH, fr;q=0.9, en;q=0.8")],
                Some(Locale::fr),
            ),
            (
                &[("accept-language", "de, pt-BR;q=0.5, ar;q=0.7")],
                Some(Locale::ar),
            ),
            (&[("accept-language", "es;q=0, pt;q=0.1")], Some(Locale::pt)),
            (&[("accept-language", "de, it")], None),
            (
                &[("accept-language", "fr"), ("cookie", "a=1; i18n_pref_locale=es")],
                Some(Locale::es),
            ),
            // A language not shipped in the cookie is ignored.
            (
                &[("accept-language", "fr"), ("cookie", "i18n_pref_locale=xx")],
                Some(Locale::fr),
            ),
        ];
        for (given, want) in cases {
            assert_eq!(choose(&headers(given)), want, "{given:?}");
        }
    }
}
