//! Ranking: the best volunteers for one need (the matching console), why one volunteer was
//! excluded, and the best needs for one volunteer ("needs that fit you").
//!
//! Ranking volunteers runs the gates as bitset operations over the index, scores only the
//! survivors and keeps the top `k` in a bounded heap, so nothing is sorted but the `k`
//! winners.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::config::MatchConfig;
use super::fit::{Candidate, NeedScorer, score};
use super::gate::{GateCounts, GateFailure, check};
use super::index::VolunteerIndex;
use super::profile::{NeedProfile, VolunteerProfile};

/// The ranked candidates of one need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedRanking {
    /// The need.
    pub need_id: i64,
    /// The best candidates, best first (fit descending, then volunteer id ascending).
    pub top: Vec<Candidate>,
    /// How many volunteers passed every gate.
    pub eligible: u32,
    /// How many each gate excluded.
    pub excluded_by_gate: GateCounts,
}

/// Why [`explain_volunteer`] has no candidate to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exclusion {
    /// No volunteer with that id in the index.
    UnknownVolunteer {
        /// The id asked for.
        volunteer_id: i64,
    },
    /// The first gate the volunteer failed.
    Gate(GateFailure),
}

/// A fit with a total order (higher is better), ties to the lower index.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked {
    fit: f64,
    index: u32,
    id: i64,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    /// "Greater" means better: higher fit, then lower volunteer id.
    fn cmp(&self, other: &Self) -> Ordering {
        self.fit
            .total_cmp(&other.fit)
            .then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The top `k` volunteers for `need`, with per-factor breakdowns and per-gate exclusion
/// counts.
pub fn rank_volunteers(index: &VolunteerIndex, need: &NeedProfile, k: usize) -> NeedRanking {
    let config = index.config();
    let scorer = NeedScorer::new(config, need);
    let survivors = index.survivors(need);
    let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k.saturating_add(1).min(1 << 16));
    let mut eligible = 0_u32;
    let volunteers = index.volunteers();
    let ids = index.ids();
    index.score_each(need, &scorer, &survivors.set, |i, fit| {
        eligible = eligible.saturating_add(1);
        if k == 0 {
            return;
        }
        if heap.len() < k {
            heap.push(Reverse(Ranked {
                fit,
                index: i,
                id: ids[i as usize],
            }));
            return;
        }
        // Most survivors lose on fit alone; only fetch the id for a possible entry.
        let Some(worst) = heap.peek().map(|w| w.0) else {
            return;
        };
        if fit < worst.fit {
            return;
        }
        let entry = Ranked {
            fit,
            index: i,
            id: ids[i as usize],
        };
        if entry > worst {
            heap.pop();
            heap.push(Reverse(entry));
        }
    });
    let mut winners: Vec<Ranked> = heap.into_iter().map(|r| r.0).collect();
    winners.sort_unstable_by(|a, b| b.cmp(a));
    let top = winners
        .iter()
        .map(|r| score(config, &volunteers[r.index as usize], need))
        .collect();
    NeedRanking {
        need_id: need.id,
        top,
        eligible,
        excluded_by_gate: survivors.excluded,
    }
}

/// One volunteer's candidacy for `need`: their explained fit, or the gate that stopped them.
///
/// # Errors
/// [`Exclusion::UnknownVolunteer`] if the id is not in the index, [`Exclusion::Gate`] with
/// the first gate failed otherwise.
pub fn explain_volunteer(
    index: &VolunteerIndex,
    need: &NeedProfile,
    volunteer_id: i64,
) -> Result<Candidate, Exclusion> {
    let position = index
        .position(volunteer_id)
        .ok_or(Exclusion::UnknownVolunteer { volunteer_id })?;
    let volunteer = &index.volunteers()[position];
    check(volunteer, need).map_err(Exclusion::Gate)?;
    Ok(score(index.config(), volunteer, need))
}

/// Orders candidates of one volunteer across needs: urgency tier first (strict), then
/// utility (fit + emerging bonus) descending, then longest waiting, then need id.
fn need_order(a: &Candidate, b: &Candidate) -> Ordering {
    a.priority
        .urgency
        .cmp(&b.priority.urgency)
        .then_with(|| b.utility.total_cmp(&a.utility))
        .then_with(|| a.priority.waiting_since.cmp(&b.priority.waiting_since))
        .then_with(|| a.need_id.cmp(&b.need_id))
}

/// The top `k` needs for a volunteer ("needs that fit you"), among the needs whose gates
/// they pass, ordered by urgency tier, then utility, then waiting time.
///
/// # Errors
/// [`ConfigError`](super::config::ConfigError) if `config` is invalid.
pub fn rank_needs(
    config: &MatchConfig,
    volunteer: &VolunteerProfile,
    needs: &[NeedProfile],
    k: usize,
) -> Result<Vec<Candidate>, super::config::ConfigError> {
    config.validate()?;
    let mut all: Vec<Candidate> = needs
        .iter()
        .filter(|n| check(volunteer, n).is_ok())
        .map(|n| score(config, volunteer, n))
        .collect();
    if k < all.len() {
        if k > 0 {
            all.select_nth_unstable_by(k - 1, need_order);
        }
        all.truncate(k);
    }
    all.sort_unstable_by(need_order);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::super::gate::tests::{need, volunteer};
    use super::super::index::tests::{need_strategy, population, volunteer_strategy};
    use super::super::profile::Urgency;
    use super::*;
    use proptest::prelude::*;

    fn build(vs: Vec<VolunteerProfile>) -> Result<VolunteerIndex, TestCaseError> {
        VolunteerIndex::build(MatchConfig::default(), vs).map_err(|e| TestCaseError::fail(e.to_string()))
    }

    proptest! {
        #[test]
        fn ranked_candidates_pass_every_gate_and_are_the_best(
            vs in population(40), need in need_strategy(1), k in 0_usize..6,
        ) {
            let index = build(vs.clone())?;
            let ranking = rank_volunteers(&index, &need, k);
            let mut eligible: Vec<Candidate> = vs
                .iter()
                .filter(|v| check(v, &need).is_ok())
                .map(|v| score(index.config(), v, &need))
                .collect();
            eligible.sort_by(|a, b| b.fit.total_cmp(&a.fit).then(a.volunteer_id.cmp(&b.volunteer_id)));
            prop_assert_eq!(ranking.eligible as usize, eligible.len());
            eligible.truncate(k);
            prop_assert_eq!(&ranking.top, &eligible);
            for c in &ranking.top {
                let v = &vs[c.volunteer_id as usize];
                prop_assert!(check(v, &need).is_ok());
                prop_assert_eq!(explain_volunteer(&index, &need, v.id), Ok(c.clone()));
            }
            prop_assert_eq!(ranking.excluded_by_gate.total() + u64::from(ranking.eligible), vs.len() as u64);
        }

        #[test]
        fn needs_for_a_volunteer_pass_the_gates_in_strict_tier_order(
            v in volunteer_strategy(3),
            needs in proptest::collection::vec(need_strategy(0), 0..12),
            k in 0_usize..8,
        ) {
            let needs: Vec<NeedProfile> =
                needs.into_iter().enumerate().map(|(i, mut n)| { n.id = i as i64; n }).collect();
            let Ok(ranked) = rank_needs(&MatchConfig::default(), &v, &needs, k) else {
                return Err(TestCaseError::fail("config"));
            };
            let eligible = needs.iter().filter(|n| check(&v, n).is_ok()).count();
            prop_assert_eq!(ranked.len(), eligible.min(k));
            for pair in ranked.windows(2) {
                prop_assert!(need_order(&pair[0], &pair[1]) == Ordering::Less);
            }
            for c in &ranked {
                prop_assert!(check(&v, &needs[c.need_id as usize]).is_ok());
            }
        }
    }

    #[test]
    fn explain_names_the_gate_or_the_unknown_volunteer() {
        let mut v = volunteer();
        v.languages = vec!["de".into()];
        let Ok(index) = VolunteerIndex::build(MatchConfig::default(), vec![v]) else {
            panic!("build")
        };
        assert_eq!(
            explain_volunteer(&index, &need(), 7),
            Err(Exclusion::Gate(GateFailure::NoSharedLanguage))
        );
        assert_eq!(
            explain_volunteer(&index, &need(), 8),
            Err(Exclusion::UnknownVolunteer { volunteer_id: 8 })
        );
        let ranking = rank_volunteers(&index, &need(), 5);
        assert!(ranking.top.is_empty());
        assert_eq!(ranking.excluded_by_gate.language, 1);
    }

    #[test]
    fn a_critical_need_outranks_a_better_fitting_normal_one() {
        let v = volunteer();
        let mut critical = need();
        critical.id = 1;
        critical.urgency = Urgency::Critical;
        critical.utc_offset_minutes = -600;
        let mut normal = need();
        normal.id = 2;
        normal.urgency = Urgency::Normal;
        normal.emerging_priority = 3;
        let Ok(ranked) = rank_needs(&MatchConfig::default(), &v, &[normal, critical], 5) else {
            panic!("config")
        };
        assert_eq!(ranked.iter().map(|c| c.need_id).collect::<Vec<_>>(), vec![1, 2]);
        assert!(ranked[0].utility < ranked[1].utility);
    }
}
