//! What the console and the fits show of the matcher's reasons.

use crate::{
    domain::views::{CandidateView, FactorView, GateView},
    matcher::{Candidate, GateFailure},
};
use std::collections::HashMap;

use super::pools::*;

pub(super) fn factor_views(c: &Candidate) -> Vec<FactorView> {
    c.factors
        .iter()
        .map(|f| FactorView {
            name: f.kind.into(),
            value: f.value,
            weight: f.weight,
            contribution: f.contribution,
        })
        .collect()
}

pub(super) fn gate_view(failure: &GateFailure, skills: &HashMap<u32, String>) -> GateView {
    let mut view = GateView {
        gate: failure.kind().into(),
        skill: String::new(),
        have: 0,
        need: 0,
    };
    match failure {
        // The slot first: with none free, the hours do not matter.
        GateFailure::NoCapacity {
            active,
            max_concurrent,
            ..
        } if active >= max_concurrent => {
            view.skill = "slots".into();
            view.have = i64::from(*active);
            view.need = i64::from(*max_concurrent);
        }
        GateFailure::NoCapacity {
            free_hours,
            needed_hours,
            ..
        } => {
            view.have = i64::from(*free_hours);
            view.need = i64::from(*needed_hours);
        }
        GateFailure::MissingMustSkill {
            skill,
            min_level,
            held,
        } => {
            view.skill = skills.get(skill).cloned().unwrap_or_default();
            view.have = i64::from(*held);
            view.need = i64::from(*min_level);
        }
        GateFailure::RemoteOnly => view.skill = "remote_only".into(),
        _ => {}
    }
    view
}

/// One line saying why: the fit and its three largest factors.
pub(super) fn reason_line(c: &Candidate) -> String {
    let mut factors: Vec<_> = c.factors.iter().collect();
    factors.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    let top: Vec<String> = factors
        .iter()
        .take(3)
        .map(|f| format!("{} {:.0}%", f.kind.name().replace('_', " "), f.value * 100.0))
        .collect();
    format!("Matcher: fit {:.0}% ({})", c.fit * 100.0, top.join(", "))
}

/// A candidate as the console shows them: the name and role the pool keeps,
/// the country and languages of the index's profile.
pub(super) fn candidate_view(
    rank: usize,
    c: &Candidate,
    pool: &VolunteerPool,
    engaged: &[i64],
) -> CandidateView {
    let person = pool.people.get(&c.volunteer_id);
    let profile = pool
        .index
        .position(c.volunteer_id)
        .and_then(|i| pool.index.volunteers().get(i));
    CandidateView {
        rank,
        volunteer_id: c.volunteer_id,
        name: pool.name(c.volunteer_id),
        role: person.map(|p| p.role.to_string()).unwrap_or_default(),
        country: profile
            .map(|p| String::from_utf8_lossy(&p.country).into_owned())
            .unwrap_or_default(),
        languages: profile.map(|p| p.languages.clone()).unwrap_or_default(),
        fit: c.fit,
        factors: factor_views(c),
        lowered: c.lowered_factor,
        engaged: engaged.contains(&c.volunteer_id),
        reason: reason_line(c),
    }
}

pub(super) fn top_factors(factors: &[FactorView]) -> String {
    let mut sorted: Vec<&FactorView> = factors.iter().collect();
    sorted.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    sorted
        .iter()
        .take(3)
        .map(|f| format!("{} {:.0}%", f.name.code().replace('_', " "), f.value * 100.0))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capacity(free_hours: u16, needed_hours: u16, active: u8, max_concurrent: u8) -> GateView {
        let failure = GateFailure::NoCapacity {
            free_hours,
            needed_hours,
            active,
            max_concurrent,
        };
        gate_view(&failure, &HashMap::new())
    }

    #[test]
    fn capacity_names_the_slot_when_no_slot_is_free() {
        // 38 h free, 2 h needed, but both engagements in use: the slot is the cause.
        let view = capacity(38, 2, 2, 2);
        assert_eq!((view.skill.as_str(), view.have, view.need), ("slots", 2, 2));
        // A slot free but too few hours: the hours are the cause.
        let view = capacity(2, 38, 1, 2);
        assert_eq!((view.skill.as_str(), view.have, view.need), ("", 2, 38));
    }
}
