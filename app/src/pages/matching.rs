//! The matcher's pages: the triage board, the console, batch runs and "needs
//! that fit you"; and how factors and gates are shown.

pub mod batch;
pub mod console;
pub mod fits;
pub mod triage;

use crate::domain::codes::{Factor, Gate};
use crate::{
    domain::views::{FactorView, GateView},
    i18n::{t_string, use_i18n},
};
use leptos::prelude::*;

/// The translated name of a fit factor.
pub fn factor_name(factor: Factor) -> String {
    let i18n = use_i18n();
    match factor {
        Factor::Skill => t_string!(i18n, factors.skill),
        Factor::Language => t_string!(i18n, factors.language),
        Factor::Timezone => t_string!(i18n, factors.timezone),
        Factor::Region => t_string!(i18n, factors.region),
        Factor::Load => t_string!(i18n, factors.load),
        Factor::TrackRecord => t_string!(i18n, factors.track_record),
    }
    .to_string()
}

/// A share as a whole percentage, in the page's language.
#[must_use]
pub fn percent(share: f64) -> String {
    crate::numbers::percent(crate::numbers::page_locale(), share)
}

/// The factors of a fit, each as a bar (value) with value × weight beside it.
#[component]
pub fn FactorBars(factors: Vec<FactorView>) -> impl IntoView {
    view! {
        <dl class="factors">
            {factors
                .into_iter()
                .map(|f| {
                    let label = factor_name(f.name);
                    view! {
                        <div class="factor" data-factor=f.name.code()>
                            <dt>{label.clone()}</dt>
                            <dd>
                                <meter min="0" max="1" value=f.value aria-label=label></meter>
                                " " <span>{percent(f.value)}</span>
                                <span class="muted">" × " {crate::numbers::fixed(crate::numbers::page_locale(), f.weight, 2)} " = " {crate::numbers::fixed(crate::numbers::page_locale(), f.contribution, 3)}</span>
                            </dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// What a gate means for one volunteer, in words.
pub fn gate_text(g: &GateView) -> String {
    let i18n = use_i18n();
    match g.gate {
        Gate::Approved => t_string!(i18n, gates.approved).to_string(),
        Gate::Capacity if g.skill == "slots" => {
            t_string!(i18n, gates.no_slot, active = g.have, max = g.need).to_string()
        }
        Gate::Capacity => t_string!(i18n, gates.no_hours, free = g.have, needed = g.need).to_string(),
        Gate::Language => t_string!(i18n, gates.language).to_string(),
        Gate::MustSkills => format!(
            "{}: {} ({} / {})",
            t_string!(i18n, gates.must_skills),
            g.skill,
            g.have,
            g.need
        ),
        Gate::ConflictOfInterest => t_string!(i18n, gates.conflict_of_interest).to_string(),
        Gate::OnsiteRange if g.skill == "remote_only" => t_string!(i18n, gates.remote_only).to_string(),
        Gate::OnsiteRange => t_string!(i18n, gates.onsite_range).to_string(),
    }
}

/// The name of a gate (for counts).
pub fn gate_name(gate: Gate) -> String {
    let i18n = use_i18n();
    match gate {
        Gate::Approved => t_string!(i18n, gates.approved),
        Gate::Capacity => t_string!(i18n, gates.capacity),
        Gate::Language => t_string!(i18n, gates.language),
        Gate::MustSkills => t_string!(i18n, gates.must_skills),
        Gate::ConflictOfInterest => t_string!(i18n, gates.conflict_of_interest),
        Gate::OnsiteRange => t_string!(i18n, gates.onsite_range),
    }
    .to_string()
}
