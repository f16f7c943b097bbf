//! Route parameters as the pages use them.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The route's `:id` as a number; 0 when it is missing or not a number (no
/// object has id 0, so the page answers "not found").
pub fn use_id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or_default()
    }
}
