//! Frontline's Leptos application.
//!
//! Pages and components render on the server (`ssr`) and hydrate in the browser
//! (`hydrate`). Server functions in [`api`] are thin: they find the request's state,
//! check who is asking, call a service and map its error. The domain services behind
//! them live in [`services`] and only compile with `ssr`, so nothing that touches the
//! database ever reaches the wasm bundle.

#![recursion_limit = "256"]

/// Translations, generated at compile time from `locales/*.json` by `build.rs`
/// (leptos_i18n's build-script generator, with `interpolate_display` on so that
/// `td_string!` interpolates outside a reactive context, as the mail templates do).
mod locales {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use locales::i18n;

/// A number as `t!` takes it (a closure): the count a plural translation is
/// chosen by — `t!(i18n, needs.count, count = count(total))` picks "1 need" or
/// "2 needs", and each language's own forms — or any number the translation
/// writes with `{{ x, number }}`, in the page's language.
pub fn count<T: Copy>(n: T) -> impl Fn() -> T + Clone {
    move || n
}

pub mod api;
pub mod app;
pub mod components;
pub mod dates;
pub mod domain;
pub mod error;
pub mod html;
pub mod matcher;
pub mod model;
pub mod names;
pub mod numbers;
pub mod pages;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod infra;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod state;

/// Entry point of the wasm bundle: hydrates the islands of the server-rendered
/// page. Everything else is plain HTML that works without JavaScript; only the
/// islands (the menu, the fields' live validation…) ship code to the browser.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
