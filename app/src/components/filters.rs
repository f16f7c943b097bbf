//! The filters of list pages: a labelled `<select>` over one query parameter,
//! "any" (the empty value) first, and the options the lists share.

use crate::{
    domain::{codes::Urgency, reference::Catalogue},
    i18n::{t, use_i18n},
    pages::needs::table::urgency_name,
};
use leptos::prelude::*;

/// World regions (UN M49), the values of the `region` filter.
pub use crate::domain::advisory::REGIONS;

/// A labelled `<select name=name>`: "any" first, then `options` as (value, text); the
/// option whose value is `current` is selected.
#[component]
pub fn FilterSelect(
    name: &'static str,
    label: String,
    options: Vec<(String, String)>,
    current: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=name>{label}</label>
        <select id=name name=name>
            <option value="">{t!(i18n, needs.any)}</option>
            {options
                .into_iter()
                .map(|(value, text)| {
                    let is = current.as_deref() == Some(value.as_str());
                    view! { <option value=value selected=is>{text}</option> }
                })
                .collect_view()}
        </select>
    }
}

/// The need categories of `catalogue`, by id.
#[must_use]
pub fn category_options(catalogue: &Catalogue) -> Vec<(String, String)> {
    catalogue
        .categories
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect()
}

/// The urgency tiers, most urgent first.
#[must_use]
pub fn urgency_options() -> Vec<(String, String)> {
    Urgency::ALL
        .iter()
        .map(|u| (u.code().to_owned(), urgency_name(*u)))
        .collect()
}

/// Values shown as they are.
#[must_use]
pub fn plain_options<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    values.into_iter().map(|v| (v.to_owned(), v.to_owned())).collect()
}
