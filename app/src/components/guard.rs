//! What a page does when its data cannot be loaded for the viewer.

use crate::{components::error_view::ErrorView, error::AppError};
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

/// The view for a failed page load: sign in first, enrol a second factor first
/// (coordinators), or an error page with its status.
pub fn page_error(error: AppError) -> AnyView {
    match error {
        AppError::Unauthenticated => {
            let location = use_location();
            let search = location.search.get_untracked();
            let here = if search.is_empty() {
                location.pathname.get_untracked()
            } else {
                format!(
                    "{}?{}",
                    location.pathname.get_untracked(),
                    search.trim_start_matches('?')
                )
            };
            let next = url_escape(&here);
            view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
        }
        AppError::MfaEnrolmentRequired => {
            view! { <Redirect path="/account/two-factor?required=1" /> }.into_any()
        }
        error => view! { <ErrorView error /> }.into_any(),
    }
}

/// Percent-encodes a path for use as a query value.
fn url_escape(raw: &str) -> String {
    let mut out = String::new();
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
