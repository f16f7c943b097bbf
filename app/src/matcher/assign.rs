//! The batch run: the optimal assignment of all open needs to approved volunteers, each
//! need to at most one volunteer, each volunteer to at most its capacity, explained.
//!
//! # Objective (lexicographic, exact)
//! First the number of critical needs assigned, then high, then normal, then low, then the
//! total utility (`fit + emerging bonus`, in millionths), then the total waiting rank (a need
//! that waits longer ranks higher; this breaks ties). It is encoded as one integer utility
//! per pair, `W[tier] + (fit + bonus units) × M + wait rank`, with `M = N²` (more than any
//! total of wait ranks), `W[low] = N·U + 1` (more than any total of pair utilities `U`) and
//! `W[t] = N·(W[t+1] + U) + 1` (more than everything the lower tiers can add up to), so
//! maximising the sum maximises the tuple in order. The weights are computed with checked
//! `i128` arithmetic; the largest arc must stay below `i128::MAX / 4` (the solver's bound),
//! which holds up to roughly 150 000 open needs and is refused with
//! [`MatchError::TooLarge`] beyond.
//!
//! # Solver
//! The exact min-cost-flow solver in `flow` (successive shortest paths with potentials)
//! on the sparse candidate graph: each need keeps its `candidates_per_need` best gated
//! candidates (selected with `select_nth`, never a full sort). Pruning then loses nothing:
//! after the solve, the potentials are a dual certificate for every arc in the graph, and
//! each pruned arc `(n, v)` is checked for a non-negative reduced cost
//! `−u + π(n) − π(v)`. Since `π(v) ≤ 0`, a need whose best pruned utility is at most
//! `π(n)` is cleared without looking at its pruned arcs; the others are enumerated. Any
//! violating arc is added and the problem solved again, until none remains: the result
//! is then optimal over all gated pairs.
//!
//! # Hours (the honest part)
//! Weekly hours are a second capacity, which makes an exact solve NP-hard in general
//! (it is a multiple-knapsack constraint). They are handled as: the pair gate
//! (`need.weekly_hours ≤ free hours`) plus a slot capacity
//! `c_v = min(free slots, ⌊free hours / smallest weekly hours among the needs v passes⌋)`.
//! If the optimum gives a volunteer needs whose hours add up to more than its free hours,
//! that volunteer's capacity is lowered to one below its load, its longest need goes back
//! to pending, and the solver continues from its current state (warm start: the volunteer
//! stays full, so the potentials remain a certificate; see `Solver::shrink_capacity`). The
//! result is optimal for the final capacities and never exceeds anyone's hours, but it is
//! not guaranteed optimal for the two-dimensional problem.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::config::MAX_EMERGING_BONUS;
use super::error::MatchError;
use super::fit::{Candidate, NeedScorer, score};
use super::flow::{Cost, Graph, Solver};
use super::gate::{GateCounts, GateFailure, check};
use super::index::VolunteerIndex;
use super::profile::{NeedProfile, Urgency, VolunteerProfile};
use super::rank::Exclusion;

/// Units per 1.0 of fit or bonus in the integer utility.
const SCALE: f64 = 1_000_000.0;

/// The result of a batch run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Needs given a volunteer, in input order.
    pub assigned: Vec<AssignedNeed>,
    /// Needs left without one, in input order.
    pub unassigned: Vec<UnassignedNeed>,
    /// Needs assigned per tier, indexed by [`Urgency::rank`] (critical first).
    pub assigned_per_tier: [u32; 4],
    /// Σ utility (fit + emerging bonus) of the assigned pairs.
    pub total_utility: f64,
    /// How the solve went.
    pub stats: AssignStats,
    /// Per volunteer with any capacity: its final capacity and the needs it serves.
    volunteers: BTreeMap<i64, VolunteerUse>,
}

/// A volunteer's part in the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VolunteerUse {
    capacity: u32,
    free_slots: u8,
    serves: Vec<(i64, Urgency)>,
}

/// A need and the volunteer it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignedNeed {
    /// The need.
    pub need_id: i64,
    /// The chosen volunteer with the fit explained.
    pub candidate: Candidate,
    /// The next best candidates and why they were not chosen.
    pub runners_up: Vec<RunnerUp>,
}

/// A need left unassigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnassignedNeed {
    /// The need.
    pub need_id: i64,
    /// Why.
    pub reason: UnassignedReason,
    /// Its best candidates and why each went elsewhere.
    pub runners_up: Vec<RunnerUp>,
}

/// Why a need was left unassigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnassignedReason {
    /// No volunteer passes its gates.
    NoEligibleVolunteer {
        /// What each gate excluded.
        excluded_by_gate: GateCounts,
    },
    /// Every eligible volunteer's capacity went to needs of higher priority (or the same
    /// tier with more utility).
    CandidatesTaken {
        /// Volunteers passing every gate.
        eligible: u32,
    },
}

/// A candidate that was not chosen, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerUp {
    /// The volunteer.
    pub volunteer_id: i64,
    /// Their fit for this need.
    pub fit: f64,
    /// Their utility for this need.
    pub utility: f64,
    /// Why they were not chosen.
    pub reason: LostReason,
}

/// Why a candidate did not get a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LostReason {
    /// Their capacity is used up; `need_id` is the most urgent need they serve.
    CapacityTakenBy {
        /// That need.
        need_id: i64,
        /// Its tier.
        urgency: Urgency,
        /// Its tier is more urgent than this need's ("taken by a more urgent need").
        more_urgent: bool,
        /// Their capacity was lowered below their free slots by their weekly hours.
        hours_limited: bool,
    },
    /// They had room, but the optimum gave this need a better candidate.
    LowerUtility {
        /// The volunteer chosen instead, if any.
        chosen_volunteer_id: Option<i64>,
    },
    /// They fail a gate for this need.
    Gate(GateFailure),
}

/// The outcome of one volunteer–need pair in a batch run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PairOutcome {
    /// The volunteer was assigned the need.
    Assigned,
    /// The volunteer was not, for this reason.
    Lost(LostReason),
    /// The need was not part of the run.
    NeedNotInRun,
}

/// Counters of one batch run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignStats {
    /// Needs in the run.
    pub needs: u32,
    /// Gated pairs (before pruning).
    pub gated_pairs: u64,
    /// Candidate arcs solved over (after pruning, including re-added ones).
    pub candidate_arcs: u64,
    /// Pruned arcs the dual check re-added.
    pub readded_arcs: u64,
    /// Solves from scratch (1 + dual-check rounds that found violations).
    pub solves: u32,
    /// Capacities lowered because of weekly hours.
    pub hours_adjustments: u32,
}

/// The lexicographic integer encoding of the objective (see the module doc).
#[derive(Debug, Clone)]
pub(crate) struct Encoding {
    m: i128,
    tier_weight: [i128; 4],
    wait_rank: Vec<i128>,
    bonus_units: Vec<i128>,
    tier: Vec<usize>,
}

impl Encoding {
    /// Builds the encoding for `needs` under the emerging bonuses `bonus`.
    pub(crate) fn new(needs: &[NeedProfile], bonus: &[f64]) -> Result<Self, MatchError> {
        let n = i128::try_from(needs.len())
            .map_err(|_| MatchError::TooLarge)?
            .max(1);
        let too_large = || MatchError::TooLarge;
        let m = n.checked_mul(n).ok_or_else(too_large)?;
        // Fit ≤ 1 and bonus ≤ MAX_EMERGING_BONUS, both in SCALE units.
        let base_max = (SCALE * (1.0 + MAX_EMERGING_BONUS)).round() as i128;
        let u_max = base_max
            .checked_mul(m)
            .and_then(|x| x.checked_add(n))
            .ok_or_else(too_large)?;
        let mut tier_weight = [0_i128; 4];
        let mut lower = 0_i128;
        for t in (0..4).rev() {
            let w = lower
                .checked_add(u_max)
                .and_then(|x| x.checked_mul(n))
                .and_then(|x| x.checked_add(1))
                .ok_or_else(too_large)?;
            tier_weight[t] = w;
            lower = w;
        }
        if tier_weight[0]
            .checked_add(u_max)
            .is_none_or(|top| top > i128::LIMIT)
        {
            return Err(MatchError::TooLarge);
        }
        let mut order: Vec<usize> = (0..needs.len()).collect();
        order.sort_by_key(|&i| needs[i].waiting_since);
        let mut wait_rank = vec![0_i128; needs.len()];
        let mut first = 0;
        for (pos, &i) in order.iter().enumerate() {
            if pos > 0 && needs[order[pos - 1]].waiting_since != needs[i].waiting_since {
                first = pos;
            }
            // first < needs.len() ≤ n, so the rank lies in 0..n.
            wait_rank[i] = n - 1 - first as i128;
        }
        let bonus_units = bonus.iter().map(|b| (b * SCALE).round() as i128).collect();
        let tier = needs.iter().map(|need| need.urgency.rank()).collect();
        Ok(Self {
            m,
            tier_weight,
            wait_rank,
            bonus_units,
            tier,
        })
    }

    /// The integer utility of giving need `n` a volunteer of fit `fit` (monotone in `fit`).
    /// No overflow: every term is bounded as checked in [`Encoding::new`].
    pub(crate) fn utility(&self, n: usize, fit: f64) -> i128 {
        let fit_units = (fit.clamp(0.0, 1.0) * SCALE).round() as i128;
        self.tier_weight[self.tier[n]] + (fit_units + self.bonus_units[n]) * self.m + self.wait_rank[n]
    }
}

/// One need's candidates.
#[derive(Debug, Clone, Default)]
struct NeedCandidates {
    /// `(volunteer index, fit)` kept for the solve, best first (re-added arcs appended).
    kept: Vec<(u32, f64)>,
    /// Best fit among the pruned candidates.
    best_pruned: Option<f64>,
    eligible: u32,
    excluded: GateCounts,
}

/// Better candidate first: higher fit, then lower volunteer index.
fn better(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// The optimal assignment of `needs` to the indexed volunteers (see the module doc).
///
/// The steps: check the needs; gather each need's best candidates; derive the
/// volunteers' slot capacities; then solve, keep every volunteer within their
/// hours, and re-add any pruned arc that could improve the optimum, until none
/// can; finally explain the result.
///
/// # Errors
/// [`MatchError::DuplicateNeed`] when two needs share an id, [`MatchError::TooLarge`] for
/// more needs than the exact tier encoding holds.
pub fn assign(index: &VolunteerIndex, needs: &[NeedProfile]) -> Result<Assignment, MatchError> {
    check_needs(needs)?;
    let config = index.config();
    let bonus: Vec<f64> = needs
        .iter()
        .map(|n| config.emerging_bonus_for(n.emerging_priority))
        .collect();
    let encoding = Encoding::new(needs, &bonus)?;
    let mut stats = AssignStats {
        needs: needs.len() as u32,
        ..AssignStats::default()
    };
    let (mut candidates, smallest_hours) = gather_candidates(index, needs, &mut stats);
    let initial_capacity = slot_capacities(index.volunteers(), &smallest_hours);
    let mut capacity = initial_capacity.clone();
    let solver = loop {
        let arcs = arcs(&candidates, &encoding);
        stats.candidate_arcs = arcs.len() as u64;
        let graph = Graph::build(needs.len(), &capacity, &arcs).map_err(|_| MatchError::TooLarge)?;
        let mut solver = Solver::new(graph);
        stats.solves += 1;
        keep_within_hours(&mut solver, index, needs, &mut capacity, &mut stats);
        let added = readd_improving_arcs(index, needs, &mut candidates, &solver, &encoding, &capacity);
        if added == 0 {
            break solver;
        }
        stats.readded_arcs += added;
    };
    for cands in &mut candidates {
        cands.kept.sort_unstable_by(better);
    }
    Ok(explain(
        index,
        needs,
        &candidates,
        &solver,
        &initial_capacity,
        stats,
    ))
}

/// Refuses two needs with one id, and more needs than arc indices hold.
fn check_needs(needs: &[NeedProfile]) -> Result<(), MatchError> {
    let mut seen = HashSet::with_capacity(needs.len());
    for need in needs {
        if !seen.insert(need.id) {
            return Err(MatchError::DuplicateNeed { id: need.id });
        }
    }
    if u32::try_from(needs.len()).is_err() {
        return Err(MatchError::TooLarge);
    }
    Ok(())
}

/// Each need's candidates: gates as bitsets, scores for the survivors, the
/// `candidates_per_need` best kept (and the best pruned fit remembered for the
/// dual check). Also returns, per volunteer, the fewest weekly hours any need
/// they are eligible for asks.
fn gather_candidates(
    index: &VolunteerIndex,
    needs: &[NeedProfile],
    stats: &mut AssignStats,
) -> (Vec<NeedCandidates>, Vec<u16>) {
    let config = index.config();
    let k = config.candidates_per_need;
    let mut smallest_hours = vec![u16::MAX; index.volunteers().len()];
    let mut candidates: Vec<NeedCandidates> = Vec::with_capacity(needs.len());
    for need in needs {
        let survivors = index.survivors(need);
        let scorer = NeedScorer::new(config, need);
        let mut all = index.score_set(need, &scorer, &survivors.set);
        for &(i, _) in &all {
            let h = &mut smallest_hours[i as usize];
            *h = (*h).min(need.weekly_hours);
        }
        stats.gated_pairs += all.len() as u64;
        let eligible = u32::try_from(all.len()).unwrap_or(u32::MAX);
        let mut best_pruned = None;
        if all.len() > k {
            all.select_nth_unstable_by(k - 1, better);
            best_pruned = all[k..].iter().map(|c| c.1).max_by(f64::total_cmp);
            all.truncate(k);
        }
        all.sort_unstable_by(better);
        candidates.push(NeedCandidates {
            kept: all,
            best_pruned,
            eligible,
            excluded: survivors.excluded,
        });
    }
    (candidates, smallest_hours)
}

/// Slot capacities (see "Hours" in the module doc): free slots, but no more than
/// the volunteer's free hours hold of the smallest need they could serve.
fn slot_capacities(volunteers: &[VolunteerProfile], smallest_hours: &[u16]) -> Vec<u32> {
    volunteers
        .iter()
        .zip(smallest_hours)
        .map(|(v, &h)| match h {
            u16::MAX => 0,
            0 => u32::from(v.free_slots()),
            h => u32::from(v.free_slots()).min(u32::from(v.free_hours() / h)),
        })
        .collect()
}

/// The flow graph's arcs: `(need, volunteer, utility)` for every kept candidate.
fn arcs(candidates: &[NeedCandidates], encoding: &Encoding) -> Vec<(u32, u32, i128)> {
    candidates
        .iter()
        .enumerate()
        .flat_map(|(n, c)| c.kept.iter().map(move |&(v, fit)| (n as u32, v, fit)))
        .map(|(n, v, fit)| (n, v, encoding.utility(n as usize, fit)))
        .collect()
}

/// Solves, then, while a volunteer serving several needs would exceed their free
/// hours, takes away the slot of the need asking the most hours (the least
/// useful of equals) and solves again.
fn keep_within_hours(
    solver: &mut Solver<i128>,
    index: &VolunteerIndex,
    needs: &[NeedProfile],
    capacity: &mut [u32],
    stats: &mut AssignStats,
) {
    loop {
        solver.solve();
        let mut changed = false;
        for (v, volunteer) in index.volunteers().iter().enumerate() {
            if solver.load(v) < 2 {
                continue;
            }
            let served: Vec<u32> = solver.served_by(v).collect();
            let hours: u32 = served
                .iter()
                .map(|&n| u32::from(needs[n as usize].weekly_hours))
                .sum();
            if hours <= u32::from(volunteer.free_hours()) {
                continue;
            }
            let drop = served.iter().copied().max_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                needs[a]
                    .weekly_hours
                    .cmp(&needs[b].weekly_hours)
                    .then(solver.assigned_utility(b).cmp(&solver.assigned_utility(a)))
            });
            if let Some(drop) = drop
                && solver.shrink_capacity(v, drop)
            {
                capacity[v] = solver.capacity(v);
                stats.hours_adjustments += 1;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// The dual check of the pruned arcs: adds to each need's candidates every
/// pruned volunteer (with room) whose arc has a positive reduced cost, so could
/// improve the optimum; returns how many were added (none: the solve is optimal
/// over all arcs).
fn readd_improving_arcs(
    index: &VolunteerIndex,
    needs: &[NeedProfile],
    candidates: &mut [NeedCandidates],
    solver: &Solver<i128>,
    encoding: &Encoding,
    capacity: &[u32],
) -> u64 {
    let config = index.config();
    let mut added = 0_u64;
    for (n, (need, cands)) in needs.iter().zip(candidates.iter_mut()).enumerate() {
        let Some(best) = cands.best_pruned else { continue };
        let pn = solver.potential_need(n);
        if encoding.utility(n, best) <= pn {
            continue;
        }
        let kept: HashSet<u32> = cands.kept.iter().map(|c| c.0).collect();
        let survivors = index.survivors(need);
        let scorer = NeedScorer::new(config, need);
        let mut violating = Vec::new();
        index.score_each(need, &scorer, &survivors.set, |v, fit| {
            if kept.contains(&v) || capacity[v as usize] == 0 {
                return;
            }
            let u = encoding.utility(n, fit);
            if pn - u - solver.potential_volunteer(v as usize) < 0 {
                violating.push((v, fit));
            }
        });
        added += violating.len() as u64;
        cands.kept.extend(violating);
    }
    added
}

/// Builds the explained result from the final solver state.
fn explain(
    index: &VolunteerIndex,
    needs: &[NeedProfile],
    candidates: &[NeedCandidates],
    solver: &Solver<i128>,
    initial_capacity: &[u32],
    stats: AssignStats,
) -> Assignment {
    let config = index.config();
    let volunteers = index.volunteers();
    let mut used: BTreeMap<i64, VolunteerUse> = BTreeMap::new();
    for (v, volunteer) in volunteers.iter().enumerate() {
        if initial_capacity[v] == 0 && solver.load(v) == 0 {
            continue;
        }
        let mut serves: Vec<(i64, Urgency)> = solver
            .served_by(v)
            .map(|n| (needs[n as usize].id, needs[n as usize].urgency))
            .collect();
        serves.sort_by_key(|s| (s.1, s.0));
        used.insert(
            volunteer.id,
            VolunteerUse {
                capacity: solver.capacity(v),
                free_slots: volunteer.free_slots(),
                serves,
            },
        );
    }
    let mut assigned = Vec::new();
    let mut unassigned = Vec::new();
    let mut per_tier = [0_u32; 4];
    let mut total = 0.0;
    for (n, (need, cands)) in needs.iter().zip(candidates).enumerate() {
        let chosen = solver.assigned(n).map(|v| volunteers[v as usize].id);
        let runners_up: Vec<RunnerUp> = cands
            .kept
            .iter()
            .filter(|c| Some(volunteers[c.0 as usize].id) != chosen)
            .take(config.runners_up)
            .map(|&(v, fit)| {
                let volunteer = &volunteers[v as usize];
                RunnerUp {
                    volunteer_id: volunteer.id,
                    fit,
                    utility: fit + config.emerging_bonus_for(need.emerging_priority),
                    reason: lost_reason(used.get(&volunteer.id), need, chosen),
                }
            })
            .collect();
        match solver.assigned(n) {
            Some(v) => {
                let candidate = score(config, &volunteers[v as usize], need);
                per_tier[need.urgency.rank()] += 1;
                total += candidate.utility;
                assigned.push(AssignedNeed {
                    need_id: need.id,
                    candidate,
                    runners_up,
                });
            }
            None => {
                let reason = if cands.eligible == 0 {
                    UnassignedReason::NoEligibleVolunteer {
                        excluded_by_gate: cands.excluded,
                    }
                } else {
                    UnassignedReason::CandidatesTaken {
                        eligible: cands.eligible,
                    }
                };
                unassigned.push(UnassignedNeed {
                    need_id: need.id,
                    reason,
                    runners_up,
                });
            }
        }
    }
    Assignment {
        assigned,
        unassigned,
        assigned_per_tier: per_tier,
        total_utility: total,
        stats,
        volunteers: used,
    }
}

/// Why a volunteer (passing the gates) did not get `need`.
fn lost_reason(usage: Option<&VolunteerUse>, need: &NeedProfile, chosen: Option<i64>) -> LostReason {
    match usage {
        Some(u) if u.serves.len() as u64 >= u64::from(u.capacity) => match u.serves.first() {
            Some(&(need_id, urgency)) => LostReason::CapacityTakenBy {
                need_id,
                urgency,
                more_urgent: urgency < need.urgency,
                hours_limited: u.capacity < u32::from(u.free_slots),
            },
            None => LostReason::LowerUtility {
                chosen_volunteer_id: chosen,
            },
        },
        _ => LostReason::LowerUtility {
            chosen_volunteer_id: chosen,
        },
    }
}

impl Assignment {
    /// Why `volunteer_id` did or did not get `need` in this run (for the console).
    ///
    /// # Errors
    /// [`Exclusion::UnknownVolunteer`] if the volunteer is not in the index.
    pub fn why_not(
        &self,
        index: &VolunteerIndex,
        need: &NeedProfile,
        volunteer_id: i64,
    ) -> Result<PairOutcome, Exclusion> {
        let position = index
            .position(volunteer_id)
            .ok_or(Exclusion::UnknownVolunteer { volunteer_id })?;
        let chosen = match self.assigned.iter().find(|a| a.need_id == need.id) {
            Some(a) => Some(a.candidate.volunteer_id),
            None if self.unassigned.iter().any(|u| u.need_id == need.id) => None,
            None => return Ok(PairOutcome::NeedNotInRun),
        };
        if chosen == Some(volunteer_id) {
            return Ok(PairOutcome::Assigned);
        }
        if let Err(gate) = check(&index.volunteers()[position], need) {
            return Ok(PairOutcome::Lost(LostReason::Gate(gate)));
        }
        Ok(PairOutcome::Lost(lost_reason(
            self.volunteers.get(&volunteer_id),
            need,
            chosen,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::MatchConfig;
    use super::super::index::tests::{need_strategy, population};
    use super::*;
    use proptest::prelude::*;

    /// Needs that most volunteers of [`volunteers_strategy`] pass, so that they compete.
    fn needs_strategy(max: usize) -> impl Strategy<Value = Vec<NeedProfile>> {
        proptest::collection::vec(need_strategy(0), 0..max).prop_map(|ns| {
            ns.into_iter()
                .enumerate()
                .map(|(i, mut n)| {
                    n.id = 100 + i as i64;
                    if i % 4 != 0 {
                        n.languages = vec!["en".into()];
                    }
                    for s in &mut n.skills {
                        s.min_level = 1 + s.min_level % 2;
                    }
                    n.remote = n.remote || i % 3 != 0;
                    n.weekly_hours %= 5;
                    n
                })
                .collect()
        })
    }

    /// Mostly approved English speakers with room for one to three needs.
    fn volunteers_strategy(max: usize) -> impl Strategy<Value = Vec<VolunteerProfile>> {
        population(max).prop_map(|vs| {
            vs.into_iter()
                .map(|mut v| {
                    v.approved = v.id % 5 != 4;
                    if v.id % 3 != 2 {
                        v.languages.push("en".into());
                    }
                    v.max_concurrent = 1 + v.max_concurrent % 3;
                    v.active_engagements %= v.max_concurrent;
                    v.hours_per_week += 4;
                    v.committed_hours %= 4;
                    v.skills = v.skills.iter().map(|&(s, l)| (s, l.max(1))).collect();
                    v
                })
                .collect()
        })
    }

    fn run(
        vs: &[VolunteerProfile],
        needs: &[NeedProfile],
        k: usize,
    ) -> Result<(VolunteerIndex, Assignment), TestCaseError> {
        let config = MatchConfig {
            candidates_per_need: k,
            ..MatchConfig::default()
        };
        let index =
            VolunteerIndex::build(config, vs.to_vec()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let result = assign(&index, needs).map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok((index, result))
    }

    use super::super::profile::VolunteerProfile;
    use std::collections::HashMap;

    /// Σ encoded utility of a result.
    fn objective(
        config: &MatchConfig,
        needs: &[NeedProfile],
        result: &Assignment,
    ) -> Result<i128, TestCaseError> {
        let bonus: Vec<f64> = needs
            .iter()
            .map(|n| config.emerging_bonus_for(n.emerging_priority))
            .collect();
        let enc = Encoding::new(needs, &bonus).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut total = 0;
        for a in &result.assigned {
            let n = needs
                .iter()
                .position(|n| n.id == a.need_id)
                .ok_or_else(|| TestCaseError::fail("need"))?;
            total += enc.utility(n, a.candidate.fit);
        }
        Ok(total)
    }

    /// The best Σ encoded utility over every assignment respecting the gates and the slot
    /// capacities (hours do not bind in the instances this is used on).
    fn brute_force(
        config: &MatchConfig,
        vs: &[VolunteerProfile],
        needs: &[NeedProfile],
    ) -> Result<i128, TestCaseError> {
        let bonus: Vec<f64> = needs
            .iter()
            .map(|n| config.emerging_bonus_for(n.emerging_priority))
            .collect();
        let enc = Encoding::new(needs, &bonus).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let options: Vec<Vec<(usize, i128)>> = needs
            .iter()
            .enumerate()
            .map(|(n, need)| {
                vs.iter()
                    .enumerate()
                    .filter(|(_, v)| check(v, need).is_ok())
                    .map(|(i, v)| (i, enc.utility(n, score(config, v, need).fit)))
                    .collect()
            })
            .collect();
        fn go(n: usize, options: &[Vec<(usize, i128)>], left: &mut [u32]) -> i128 {
            if n == options.len() {
                return 0;
            }
            let mut best = go(n + 1, options, left);
            for &(v, u) in &options[n] {
                if left[v] > 0 {
                    left[v] -= 1;
                    best = best.max(u + go(n + 1, options, left));
                    left[v] += 1;
                }
            }
            best
        }
        let mut left: Vec<u32> = vs.iter().map(|v| u32::from(v.free_slots())).collect();
        Ok(go(0, &options, &mut left))
    }

    /// Checks gates and both capacities of every assigned pair.
    fn feasible(
        vs: &[VolunteerProfile],
        needs: &[NeedProfile],
        result: &Assignment,
    ) -> Result<(), TestCaseError> {
        let mut load: HashMap<i64, (u32, u32)> = HashMap::new();
        for a in &result.assigned {
            let v = vs
                .iter()
                .find(|v| v.id == a.candidate.volunteer_id)
                .ok_or_else(|| TestCaseError::fail("v"))?;
            let n = needs
                .iter()
                .find(|n| n.id == a.need_id)
                .ok_or_else(|| TestCaseError::fail("n"))?;
            prop_assert_eq!(check(v, n), Ok(()));
            let entry = load.entry(v.id).or_default();
            entry.0 += 1;
            entry.1 += u32::from(n.weekly_hours);
            prop_assert!(entry.0 <= u32::from(v.free_slots()), "slots of {}", v.id);
            prop_assert!(entry.1 <= u32::from(v.free_hours()), "hours of {}", v.id);
        }
        prop_assert_eq!(result.assigned.len() + result.unassigned.len(), needs.len());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn the_assignment_is_optimal_and_pruning_loses_nothing(
            vs in volunteers_strategy(6), needs in needs_strategy(6), k in 1_usize..3,
        ) {
            let needs: Vec<NeedProfile> = needs.into_iter().map(|mut n| { n.weekly_hours = 0; n }).collect();
            let (index, pruned) = run(&vs, &needs, k)?;
            let (_, full) = run(&vs, &needs, 1000)?;
            feasible(&vs, &needs, &pruned)?;
            feasible(&vs, &needs, &full)?;
            let config = index.config();
            let best = brute_force(config, &vs, &needs)?;
            prop_assert_eq!(objective(config, &needs, &full)?, best);
            prop_assert_eq!(objective(config, &needs, &pruned)?, best);
            prop_assert_eq!(pruned.assigned_per_tier, full.assigned_per_tier);
        }

        #[test]
        fn hours_and_slots_are_never_exceeded_and_tiers_are_strict(
            vs in volunteers_strategy(8), needs in needs_strategy(10), k in 1_usize..4,
        ) {
            let (index, result) = run(&vs, &needs, k)?;
            feasible(&vs, &needs, &result)?;
            // A need left unassigned never sees a volunteer it could have had serving a
            // less urgent need (swapping them keeps slots and hours).
            let holder: HashMap<i64, (i64, i64)> =
                result.assigned.iter().map(|a| (a.need_id, (a.candidate.volunteer_id, 0))).collect();
            for u in &result.unassigned {
                let n = needs.iter().find(|n| n.id == u.need_id).ok_or_else(|| TestCaseError::fail("n"))?;
                for v in vs.iter().filter(|v| check(v, n).is_ok()) {
                    let held: Vec<&NeedProfile> = needs
                        .iter()
                        .filter(|m| holder.get(&m.id).map(|h| h.0) == Some(v.id))
                        .collect();
                    let hours: u32 = held.iter().map(|m| u32::from(m.weekly_hours)).sum();
                    for m in held.iter().filter(|m| m.urgency > n.urgency) {
                        let swapped = hours - u32::from(m.weekly_hours) + u32::from(n.weekly_hours);
                        prop_assert!(
                            swapped > u32::from(v.free_hours()),
                            "need {} ({:?}) unassigned while {} ({:?}) holds volunteer {}",
                            n.id, n.urgency, m.id, m.urgency, v.id
                        );
                    }
                }
                prop_assert_eq!(&u.runners_up.iter().filter(|r| matches!(r.reason, LostReason::LowerUtility { .. })).count(), &0);
            }
            for a in &result.assigned {
                let n = needs.iter().find(|n| n.id == a.need_id).ok_or_else(|| TestCaseError::fail("n"))?;
                for r in &a.runners_up {
                    prop_assert!(check(&vs[r.volunteer_id as usize], n).is_ok());
                    let why = result.why_not(&index, n, r.volunteer_id);
                    prop_assert_eq!(why, Ok(PairOutcome::Lost(r.reason.clone())));
                }
                prop_assert_eq!(result.why_not(&index, n, a.candidate.volunteer_id), Ok(PairOutcome::Assigned));
            }
        }
    }

    fn volunteer(id: i64) -> VolunteerProfile {
        let mut v = super::super::gate::tests::volunteer();
        v.id = id;
        v.conflicted_orgs.clear();
        v
    }

    fn need(id: i64, urgency: Urgency) -> NeedProfile {
        let mut n = super::super::gate::tests::need();
        n.id = id;
        n.urgency = urgency;
        n
    }

    #[test]
    fn a_critical_need_takes_the_only_volunteer_from_a_better_fitting_low_one() {
        let mut v = volunteer(1);
        v.max_concurrent = 1;
        v.active_engagements = 0;
        let mut low = need(10, Urgency::Low);
        low.emerging_priority = 3;
        let mut critical = need(11, Urgency::Critical);
        critical.utc_offset_minutes = -600;
        critical.emerging_priority = 0;
        let Ok(index) = VolunteerIndex::build(MatchConfig::default(), vec![v]) else {
            panic!("build")
        };
        let Ok(result) = assign(&index, &[low.clone(), critical]) else {
            panic!("assign")
        };
        assert_eq!(
            result.assigned.iter().map(|a| a.need_id).collect::<Vec<_>>(),
            vec![11]
        );
        assert_eq!(result.assigned_per_tier, [1, 0, 0, 0]);
        let unassigned = &result.unassigned[0];
        assert_eq!(
            unassigned.reason,
            UnassignedReason::CandidatesTaken { eligible: 1 }
        );
        assert_eq!(
            unassigned.runners_up[0].reason,
            LostReason::CapacityTakenBy {
                need_id: 11,
                urgency: Urgency::Critical,
                more_urgent: true,
                hours_limited: false
            }
        );
        let mut gated = low;
        gated.languages = vec!["de".into()];
        assert_eq!(
            result.why_not(&index, &gated, 1),
            Ok(PairOutcome::Lost(LostReason::Gate(GateFailure::NoSharedLanguage)))
        );
    }

    #[test]
    fn waiting_time_breaks_ties_and_gates_explain_empty_needs() {
        let mut v = volunteer(1);
        v.max_concurrent = 1;
        v.active_engagements = 0;
        let mut newer = need(10, Urgency::High);
        newer.waiting_since = 2_000;
        let mut older = need(11, Urgency::High);
        older.waiting_since = 1_000;
        let mut nobody = need(12, Urgency::Critical);
        nobody.skills[0].skill = 42;
        let Ok(index) = VolunteerIndex::build(MatchConfig::default(), vec![v]) else {
            panic!("build")
        };
        let Ok(result) = assign(&index, &[newer, older, nobody]) else {
            panic!("assign")
        };
        assert_eq!(
            result.assigned.iter().map(|a| a.need_id).collect::<Vec<_>>(),
            vec![11]
        );
        let reasons: Vec<&UnassignedReason> = result.unassigned.iter().map(|u| &u.reason).collect();
        assert_eq!(reasons[0], &UnassignedReason::CandidatesTaken { eligible: 1 });
        assert!(
            matches!(reasons[1], UnassignedReason::NoEligibleVolunteer { excluded_by_gate } if excluded_by_gate.must_skills == 1)
        );
    }

    #[test]
    fn hours_lower_a_capacity_and_the_result_stays_feasible() {
        let mut v = volunteer(1);
        v.max_concurrent = 3;
        v.active_engagements = 0;
        v.hours_per_week = 10;
        v.committed_hours = 0;
        let mut short = need(10, Urgency::Normal);
        short.weekly_hours = 2;
        let mut long = need(11, Urgency::Normal);
        long.weekly_hours = 6;
        let mut long2 = need(12, Urgency::Normal);
        long2.weekly_hours = 6;
        let Ok(index) = VolunteerIndex::build(MatchConfig::default(), vec![v]) else {
            panic!("build")
        };
        // Slots allow 3 (10 h / 2 h), but 2 + 6 + 6 > 10: the capacity drops to 2.
        let Ok(result) = assign(&index, &[short, long, long2]) else {
            panic!("assign")
        };
        let hours: u32 = result
            .assigned
            .iter()
            .map(|a| if a.need_id == 10 { 2 } else { 6 })
            .sum();
        assert_eq!((result.assigned.len(), hours), (2, 8));
        assert_eq!(result.stats.hours_adjustments, 1);
        let lost = &result.unassigned[0].runners_up[0].reason;
        assert!(matches!(
            lost,
            LostReason::CapacityTakenBy {
                hours_limited: true,
                more_urgent: false,
                ..
            }
        ));
    }

    #[test]
    fn duplicate_needs_are_rejected() {
        let Ok(index) = VolunteerIndex::build(MatchConfig::default(), vec![]) else {
            panic!("build")
        };
        let n = need(1, Urgency::Low);
        assert_eq!(
            assign(&index, &[n.clone(), n]).err(),
            Some(MatchError::DuplicateNeed { id: 1 })
        );
        let Ok(empty) = assign(&index, &[]) else {
            panic!("empty")
        };
        assert!(empty.assigned.is_empty() && empty.unassigned.is_empty());
    }

    #[test]
    fn the_tier_encoding_is_lexicographic_and_bounded() {
        let needs: Vec<NeedProfile> = (0..1000)
            .map(|i| need(i, Urgency::ALL[(i % 4) as usize]))
            .collect();
        let bonus = vec![MAX_EMERGING_BONUS; needs.len()];
        let Ok(enc) = Encoding::new(&needs, &bonus) else {
            panic!("encoding")
        };
        // One low need outweighs every lower-level term of every need together.
        let all_but_tier: i128 = (0..needs.len())
            .map(|n| enc.utility(n, 1.0) - enc.tier_weight[enc.tier[n]])
            .sum();
        assert!(enc.tier_weight[3] > all_but_tier);
        let all_low: i128 = enc.tier_weight[3] * 1000 + all_but_tier;
        assert!(enc.tier_weight[2] > all_low);
        assert!(enc.utility(0, 1.0) <= i128::LIMIT);
        let huge: Vec<NeedProfile> = (0..300_000).map(|i| need(i, Urgency::Low)).collect();
        assert!(matches!(
            Encoding::new(&huge, &vec![0.0; huge.len()]),
            Err(MatchError::TooLarge)
        ));
    }
}
