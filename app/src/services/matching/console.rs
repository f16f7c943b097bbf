//! The matching console for one need: candidates, near misses, and "why not
//! this volunteer".

use crate::domain::codes::Gate;
use crate::services::{ServiceError, needs};
use crate::{
    domain::views::{AskedView, ConsoleView, ExcludedView, GateView},
    matcher::{GateKind, NeedProfile, explain_volunteer, gate, rank_volunteers},
    services::deps::Deps,
};
use entity::need;
use sea_orm::EntityTrait as _;
use std::collections::HashMap;

use super::{explain::*, pools::*, refresh::*};

/// Candidates shown in the console.
pub const CONSOLE_CANDIDATES: usize = 20;

/// Excluded volunteers shown in the console.
pub const CONSOLE_NEAR_MISSES: usize = 15;

/// The matching console for one need: the best candidates with their factors,
/// how many each gate excluded, volunteers holding the skills whom a gate
/// stopped, and, when `ask` names a volunteer (id or email), their case.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown need; database errors.
#[tracing::instrument(skip_all, fields(need_id = need_id))]
pub async fn console(state: &Deps, need_id: i64, ask: Option<&str>) -> Result<ConsoleView, ServiceError> {
    let need_row = need::Entity::find_by_id(need_id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let summary = needs::summary(&state.db, &need_row).await?;
    let needs_pool = open_needs(state).await?;
    let Some(profile) = needs_pool.profile(need_id).cloned() else {
        return Ok(ConsoleView {
            need: summary,
            open: false,
            volunteers: 0,
            eligible: 0,
            excluded_by_gate: Vec::new(),
            candidates: Vec::new(),
            near_misses: Vec::new(),
            asked: None,
        });
    };
    let pool = volunteers(state).await?;
    let engaged = needs_pool.engaged.get(&need_id).cloned().unwrap_or_default();
    let ranking = rank_volunteers(&pool.index, &profile, CONSOLE_CANDIDATES);
    let candidates = ranking
        .top
        .iter()
        .enumerate()
        .map(|(i, c)| candidate_view(i + 1, c, &pool, &engaged))
        .collect();
    let excluded_by_gate = GateKind::ALL
        .iter()
        .map(|k| ((*k).into(), ranking.excluded_by_gate.get(*k)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let near_misses = near_misses(&pool, &profile, &needs_pool.skill_names);
    let asked = match ask.map(str::trim).filter(|a| !a.is_empty()) {
        Some(query) => Some(ask_about(state, &pool, &needs_pool, &profile, query, &engaged).await?),
        None => None,
    };
    Ok(ConsoleView {
        need: summary,
        open: true,
        volunteers: u32::try_from(pool.index.len()).unwrap_or(u32::MAX),
        eligible: ranking.eligible,
        excluded_by_gate,
        candidates,
        near_misses,
        asked,
    })
}

/// Volunteers holding the most of the need's skills whom a gate stopped.
pub(super) fn near_misses(
    pool: &VolunteerPool,
    need: &NeedProfile,
    skills: &HashMap<u32, String>,
) -> Vec<ExcludedView> {
    let wanted: Vec<u32> = need.skills.iter().map(|s| s.skill).collect();
    // Only the holders of a wanted skill (the index's skill sets) whom a gate
    // stopped (not among the gates' survivors), not every volunteer; the
    // gate that stopped them is asked for the few shown only.
    let volunteers = pool.index.volunteers();
    let survivors = pool.index.survivors(need).set;
    let mut misses: Vec<(usize, i64, usize)> = pool
        .index
        .holding_any(&wanted)
        .into_iter()
        .filter(|&i| !survivors.contains(i))
        .map(|i| {
            let v = &volunteers[i];
            (wanted.iter().filter(|s| v.level(**s) > 0).count(), v.id, i)
        })
        .collect();
    let order = |a: &(usize, i64, usize), b: &(usize, i64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if misses.len() > CONSOLE_NEAR_MISSES {
        misses.select_nth_unstable_by(CONSOLE_NEAR_MISSES, order);
        misses.truncate(CONSOLE_NEAR_MISSES);
    }
    misses.sort_unstable_by(order);
    misses
        .into_iter()
        .filter_map(|(_, id, i)| {
            let g = gate::check(&volunteers[i], need).err()?;
            Some(ExcludedView {
                volunteer_id: id,
                name: pool.name(id),
                gate: gate_view(&g, skills),
            })
        })
        .collect()
}

pub(super) async fn ask_about(
    state: &Deps,
    pool: &VolunteerPool,
    needs_pool: &NeedPool,
    need: &NeedProfile,
    query: &str,
    engaged: &[i64],
) -> Result<AskedView, ServiceError> {
    let id = match crate::services::volunteers::by_reference(&state.db, query).await {
        Ok(id) => id,
        Err(_) => {
            return Ok(AskedView {
                query: query.to_owned(),
                candidate: None,
                excluded: None,
            });
        }
    };
    let name = pool.name(id);
    Ok(match explain_volunteer(&pool.index, need, id) {
        Ok(c) => AskedView {
            query: query.to_owned(),
            candidate: Some(candidate_view(0, &c, pool, engaged)),
            excluded: None,
        },
        Err(crate::matcher::Exclusion::Gate(g)) => AskedView {
            query: query.to_owned(),
            candidate: None,
            excluded: Some(ExcludedView {
                volunteer_id: id,
                name,
                gate: gate_view(&g, &needs_pool.skill_names),
            }),
        },
        // Not in the index: not approved.
        Err(crate::matcher::Exclusion::UnknownVolunteer { .. }) => AskedView {
            query: query.to_owned(),
            candidate: None,
            excluded: Some(ExcludedView {
                volunteer_id: id,
                name,
                gate: GateView {
                    gate: Gate::Approved,
                    skill: String::new(),
                    have: 0,
                    need: 0,
                },
            }),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::{
        MatchConfig, VolunteerIndex,
        index::tests::{need_strategy, population},
    };
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn near_misses_are_the_holders_a_gate_stopped_most_skilled_first(
            vs in population(60),
            need in need_strategy(1),
        ) {
            let Ok(index) = VolunteerIndex::build(MatchConfig::default(), vs.clone()) else {
                return Err(TestCaseError::fail("build"));
            };
            let pool = VolunteerPool { index, people: People::default(), employers: std::sync::Arc::default() };
            let shown: Vec<i64> = near_misses(&pool, &need, &HashMap::new())
                .iter()
                .map(|m| m.volunteer_id)
                .collect();
            // Every volunteer checked one by one.
            let wanted: Vec<u32> = need.skills.iter().map(|s| s.skill).collect();
            let mut expected: Vec<(usize, i64)> = vs
                .iter()
                .map(|v| (wanted.iter().filter(|s| v.level(**s) > 0).count(), v))
                .filter(|(held, v)| *held > 0 && gate::check(v, &need).is_err())
                .map(|(held, v)| (held, v.id))
                .collect();
            expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            expected.truncate(CONSOLE_NEAR_MISSES);
            prop_assert_eq!(shown, expected.into_iter().map(|e| e.1).collect::<Vec<_>>());
        }
    }
}
