//! `/impact`: what the programme achieved, for anyone, signed in or not.
//! Aggregates only; any figure drawn from fewer than five organisations is
//! shown as "fewer than 5", so no hospital can be identified.

use crate::{
    api::insight::impact_figures,
    components::guard::page_error,
    domain::insight::{ImpactPeriod, Shown},
    i18n::{t, t_string, use_i18n},
    pages::coordinator::needs::income_name,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The public impact page.
#[component]
pub fn ImpactPage() -> impl IntoView {
    let i18n = use_i18n();
    let figures = Resource::new(|| (), |()| impact_figures());
    view! {
        <Title text=t_string!(i18n, impact.title).to_string() />
        <h1>{t!(i18n, impact.title)}</h1>
        <p class="lead">{t!(i18n, impact.lead)}</p>
        <Suspense>
            {move || Suspend::new(async move {
                let f = match figures.await {
                    Ok(f) => f,
                    Err(e) => return page_error(e),
                };
                let names: std::collections::HashMap<i64, String> = f.categories.iter().cloned().collect();
                view! {
                    <div class="impact">
                        <Period id="lifetime" heading=t_string!(i18n, impact.lifetime).to_string() period=f.lifetime names=names.clone() />
                        <Period id="recent" heading=t_string!(i18n, impact.recent).to_string() period=f.recent names=names />
                    </div>
                    <p class="muted">{t!(i18n, impact.suppression)}</p>
                    <p class="muted">{t!(i18n, impact.computed, at = crate::dates::localised(i18n.get_locale_untracked(), &f.computed))}</p>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// A figure, or "fewer than 5".
fn shown(value: Shown<u64>) -> (String, bool) {
    let i18n = use_i18n();
    match value {
        Some(v) => (
            crate::numbers::whole(i18n.get_locale_untracked(), i64::try_from(v).unwrap_or(i64::MAX)),
            true,
        ),
        None => (t_string!(i18n, impact.fewer).to_string(), false),
    }
}

/// One table of (label, figure).
#[component]
fn Figures(id: String, caption: String, heading: String, rows: Vec<(String, Shown<u64>)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="table table--dense" id=id>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{heading}</th>
                        <th scope="col">{t!(i18n, impact.count)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(label, value)| {
                            let machine = value.map(|v| v.to_string());
                            let (text, is) = shown(value);
                            view! {
                                <tr>
                                    <th scope="row">{label}</th>
                                    <td data-value=machine class:muted=!is>{text}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The figures of one period.
#[component]
fn Period(
    id: &'static str,
    heading: String,
    period: ImpactPeriod,
    names: std::collections::HashMap<i64, String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (hours, hours_shown) = shown(period.hours);
    let (helped, helped_shown) = shown(period.organisations_helped);
    let median_shown = period.critical_median_hours.is_some();
    let median = period.critical_median_hours.map_or_else(
        || t_string!(i18n, impact.fewer).to_string(),
        |h| {
            let minutes = (h * 60.0).round();
            // A median of hours, far inside i64.
            crate::numbers::hours(i18n.get_locale_untracked(), minutes as i64)
        },
    );
    let resolved: Vec<(String, Shown<u64>)> = period
        .resolved_by_category
        .into_iter()
        .map(|(c, v)| (names.get(&c).cloned().unwrap_or_else(|| c.to_string()), v))
        .collect();
    let no_resolved = resolved.is_empty();
    view! {
        <section class="impact__period" id=id aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{heading}</h2>
            <dl class="figures__list">
                <div><dt>{t!(i18n, impact.hours)}</dt><dd data-figure="hours" class:suppressed=!hours_shown>{hours}</dd></div>
                <div><dt>{t!(i18n, impact.helped)}</dt><dd data-figure="helped" class:suppressed=!helped_shown>{helped}</dd></div>
                <div><dt>{t!(i18n, impact.critical_median)}</dt><dd data-figure="critical" class:suppressed=!median_shown>{median}</dd></div>
            </dl>
            <Figures
                id=format!("{id}-region")
                caption=t_string!(i18n, impact.by_region).to_string()
                heading=t_string!(i18n, insight.region).to_string()
                rows=period.by_region
            />
            <Figures
                id=format!("{id}-income")
                caption=t_string!(i18n, impact.by_income).to_string()
                heading=t_string!(i18n, insight.income).to_string()
                rows=period.by_income.into_iter().map(|(g, v)| (income_name(&g), v)).collect()
            />
            {if no_resolved {
                view! { <p class="muted">{t!(i18n, impact.none_resolved)}</p> }.into_any()
            } else {
                view! {
                    <Figures
                        id=format!("{id}-resolved")
                        caption=t_string!(i18n, impact.resolved).to_string()
                        heading=t_string!(i18n, insight.category).to_string()
                        rows=resolved
                    />
                }
                .into_any()
            }}
        </section>
    }
}
