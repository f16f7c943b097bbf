//! Knowing whether the page has hydrated.

use leptos::prelude::*;

/// A signal that is `false` while the page is server-rendered HTML and becomes
/// `true` once the wasm bundle has hydrated it.
///
/// Elements that only work with JavaScript render hidden until then, so the page
/// without JavaScript never shows a control that does nothing.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
