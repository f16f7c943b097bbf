//! The volunteer index: built once over all volunteers, it turns the gates into bitset
//! operations and keeps what the fit needs in flat arrays, so one need against 100 000
//! volunteers costs a few dozen word-wide passes plus the scoring of the survivors.
//!
//! Bitsets kept (one bit per volunteer): approved; a free engagement slot; free weekly
//! hours ≥ t for each distinct free-hours value t; speaks language ℓ (primary subtag);
//! holds skill s at level ≥ l for l = 1..4; remote-only; can be on site in country c.
//! Conflicts of interest are kept as a list of volunteers per organisation. For scoring:
//! one level byte per volunteer per skill, each volunteer's need-independent part of the
//! fit, and its time-zone and place as a class among the distinct values, so a need
//! computes the time-zone and region values once per class, not once per volunteer.

use std::collections::HashMap;

use super::bitset::Bitset;
use super::config::MatchConfig;
use super::error::MatchError;
use super::fit::{NeedScorer, Place, load_value, static_part, track_record};
use super::gate::{GateCounts, GateKind};
use super::profile::{CountryCode, NeedProfile, SkillWeight, VolunteerProfile, primary_language};

/// An index over all volunteers (see the module doc).
#[derive(Debug, Clone)]
pub struct VolunteerIndex {
    config: MatchConfig,
    volunteers: Vec<VolunteerProfile>,
    ids: Vec<i64>,
    by_id: HashMap<i64, u32>,
    approved: Bitset,
    slot_free: Bitset,
    /// Ascending distinct free-hours values `t` with the set of volunteers having ≥ `t`.
    hours: Vec<(u16, Bitset)>,
    languages: HashMap<String, Bitset>,
    skills: HashMap<u32, [Bitset; 4]>,
    /// Level held per skill, one byte per volunteer (0 = none), for scoring.
    levels: HashMap<u32, Vec<u8>>,
    conflicts: HashMap<i64, Vec<u32>>,
    remote_only: Bitset,
    onsite: HashMap<CountryCode, Bitset>,
    /// Distinct UTC offsets, and each volunteer's position among them.
    offsets: Vec<i16>,
    offset_class: Vec<u32>,
    /// Distinct places, and each volunteer's position among them.
    places: Vec<Place>,
    place_class: Vec<u32>,
    /// Each volunteer's [`static_part`] of the fit.
    static_parts: Vec<f64>,
}

/// The gate survivors of one need and what each gate excluded.
#[derive(Debug, Clone)]
pub(crate) struct Survivors {
    pub(crate) set: Bitset,
    pub(crate) excluded: GateCounts,
}

impl VolunteerIndex {
    /// Builds the index.
    ///
    /// # Errors
    /// [`MatchError::Config`] for an invalid configuration, [`MatchError::DuplicateVolunteer`]
    /// when two profiles share an id, [`MatchError::TooLarge`] beyond 2³² − 1 volunteers.
    pub fn build(config: MatchConfig, volunteers: Vec<VolunteerProfile>) -> Result<Self, MatchError> {
        config.validate()?;
        let n = volunteers.len();
        if u32::try_from(n).is_err() || n == u32::MAX as usize {
            return Err(MatchError::TooLarge);
        }
        let mut by_id = HashMap::with_capacity(n);
        let mut approved = Bitset::empty(n);
        let mut slot_free = Bitset::empty(n);
        let mut remote_only = Bitset::empty(n);
        let mut languages: HashMap<String, Bitset> = HashMap::new();
        let mut skills: HashMap<u32, [Bitset; 4]> = HashMap::new();
        let mut levels: HashMap<u32, Vec<u8>> = HashMap::new();
        let mut conflicts: HashMap<i64, Vec<u32>> = HashMap::new();
        let mut onsite: HashMap<CountryCode, Bitset> = HashMap::new();
        let mut by_hours: HashMap<u16, Vec<usize>> = HashMap::new();
        let mut offsets: Vec<i16> = Vec::new();
        let mut offset_of: HashMap<i16, u32> = HashMap::new();
        let mut offset_class = Vec::with_capacity(n);
        let mut places: Vec<Place> = Vec::new();
        let mut place_of: HashMap<(CountryCode, u16, u16), u32> = HashMap::new();
        let mut place_class = Vec::with_capacity(n);
        let mut static_parts = Vec::with_capacity(n);
        for (i, v) in volunteers.iter().enumerate() {
            // i < n < u32::MAX (checked above).
            let index = i as u32;
            if by_id.insert(v.id, index).is_some() {
                return Err(MatchError::DuplicateVolunteer { id: v.id });
            }
            if v.approved {
                approved.insert(i);
            }
            if v.free_slots() > 0 {
                slot_free.insert(i);
            }
            if v.remote_only {
                remote_only.insert(i);
            }
            by_hours.entry(v.free_hours()).or_default().push(i);
            for l in &v.languages {
                languages
                    .entry(primary_language(l))
                    .or_insert_with(|| Bitset::empty(n))
                    .insert(i);
            }
            for &(skill, _) in &v.skills {
                let level = v.level(skill);
                let sets = skills
                    .entry(skill)
                    .or_insert_with(|| std::array::from_fn(|_| Bitset::empty(n)));
                for set in sets.iter_mut().take(usize::from(level)) {
                    set.insert(i);
                }
                levels.entry(skill).or_insert_with(|| vec![0; n])[i] = level;
            }
            for &org in &v.conflicted_orgs {
                let list = conflicts.entry(org).or_default();
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
            for &country in v.onsite_countries.iter().chain(std::iter::once(&v.country)) {
                onsite
                    .entry(country)
                    .or_insert_with(|| Bitset::empty(n))
                    .insert(i);
            }
            // Fewer distinct offsets and places than volunteers, so below u32::MAX.
            offset_class.push(*offset_of.entry(v.utc_offset_minutes).or_insert_with(|| {
                offsets.push(v.utc_offset_minutes);
                (offsets.len() - 1) as u32
            }));
            place_class.push(
                *place_of
                    .entry((v.country, v.sub_region, v.region))
                    .or_insert_with(|| {
                        places.push(Place {
                            country: v.country,
                            sub_region: v.sub_region,
                            region: v.region,
                        });
                        (places.len() - 1) as u32
                    }),
            );
            let load = load_value(v.active_engagements, v.max_concurrent);
            let track = track_record(&config, v.rating_sum, v.rating_count);
            static_parts.push(static_part(&config.weights, load, track));
        }
        let mut thresholds: Vec<u16> = by_hours.keys().copied().collect();
        thresholds.sort_unstable();
        let mut hours: Vec<(u16, Bitset)> = Vec::with_capacity(thresholds.len());
        let mut acc = Bitset::empty(n);
        for &t in thresholds.iter().rev() {
            for &i in by_hours.get(&t).map_or(&[][..], Vec::as_slice) {
                acc.insert(i);
            }
            hours.push((t, acc.clone()));
        }
        hours.reverse();
        let ids = volunteers.iter().map(|v| v.id).collect();
        Ok(Self {
            config,
            volunteers,
            ids,
            by_id,
            approved,
            slot_free,
            hours,
            languages,
            skills,
            levels,
            conflicts,
            remote_only,
            onsite,
            offsets,
            offset_class,
            places,
            place_class,
            static_parts,
        })
    }

    /// The configuration the index was built with.
    pub fn config(&self) -> &MatchConfig {
        &self.config
    }

    /// The volunteers, in index order.
    pub fn volunteers(&self) -> &[VolunteerProfile] {
        &self.volunteers
    }

    /// The volunteers' ids, in index order.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// Number of volunteers.
    pub fn len(&self) -> usize {
        self.volunteers.len()
    }

    /// Whether the index holds no volunteer.
    pub fn is_empty(&self) -> bool {
        self.volunteers.is_empty()
    }

    /// The positions of the volunteers holding any of `skills`, at any
    /// level, in index order.
    pub fn holding_any(&self, skills: &[u32]) -> Vec<usize> {
        let mut set = Bitset::empty(self.len());
        for skill in skills {
            if let Some(sets) = self.skills.get(skill) {
                set.or_with(&sets[0]);
            }
        }
        set.iter().collect()
    }

    /// A volunteer's position in the index.
    pub fn position(&self, volunteer_id: i64) -> Option<usize> {
        self.by_id.get(&volunteer_id).map(|&i| i as usize)
    }

    /// Intersects `set` (holding `before` members) with one gate's set, counting the losses.
    fn narrow(
        set: &mut Bitset,
        before: &mut usize,
        with: Option<&Bitset>,
        kind: GateKind,
        counts: &mut GateCounts,
    ) {
        let after = match with {
            Some(other) => set.and_with(other),
            None => {
                set.clear();
                0
            }
        };
        counts.add(kind, u32::try_from(*before - after).unwrap_or(u32::MAX));
        *before = after;
    }

    /// The volunteers passing every gate for `need`, and the per-gate exclusion counts
    /// (each volunteer counted at the first gate it fails, as `gate::check` would report).
    pub(crate) fn survivors(&self, need: &NeedProfile) -> Survivors {
        let n = self.len();
        let mut set = Bitset::full(n);
        let mut counts = GateCounts::default();
        let mut live = n;
        Self::narrow(
            &mut set,
            &mut live,
            Some(&self.approved),
            GateKind::Approved,
            &mut counts,
        );

        // Capacity: a free slot and enough free hours.
        let mut capacity = self.slot_free.clone();
        if need.weekly_hours > 0 {
            match self.hours.iter().find(|(t, _)| *t >= need.weekly_hours) {
                Some((_, enough)) => {
                    capacity.and_with(enough);
                }
                None => capacity.clear(),
            }
        }
        Self::narrow(
            &mut set,
            &mut live,
            Some(&capacity),
            GateKind::Capacity,
            &mut counts,
        );

        if !need.languages.is_empty() {
            let mut speaks = Bitset::empty(n);
            for l in &need.languages {
                if let Some(s) = self.languages.get(&primary_language(l)) {
                    speaks.or_with(s);
                }
            }
            Self::narrow(
                &mut set,
                &mut live,
                Some(&speaks),
                GateKind::Language,
                &mut counts,
            );
        }

        let mut must_lost = 0;
        for required in need.skills.iter().filter(|s| s.weight == SkillWeight::Must) {
            let level = usize::from(required.required_level()) - 1;
            let before = live;
            let mut lost = GateCounts::default();
            let sets = self.skills.get(&required.skill).map(|s| &s[level]);
            Self::narrow(&mut set, &mut live, sets, GateKind::MustSkills, &mut lost);
            must_lost += before - live;
        }
        counts.add(GateKind::MustSkills, u32::try_from(must_lost).unwrap_or(u32::MAX));

        if let Some(list) = self.conflicts.get(&need.org_id) {
            let mut lost = 0_u32;
            for &i in list {
                if set.remove(i as usize) {
                    lost = lost.saturating_add(1);
                }
            }
            live -= lost as usize;
            counts.add(GateKind::ConflictOfInterest, lost);
        }

        if !need.remote {
            let before = live;
            live = set.and_not_with(&self.remote_only);
            let mut lost = GateCounts::default();
            Self::narrow(
                &mut set,
                &mut live,
                self.onsite.get(&need.country),
                GateKind::OnsiteRange,
                &mut lost,
            );
            counts.add(
                GateKind::OnsiteRange,
                u32::try_from(before - live).unwrap_or(u32::MAX),
            );
        }
        Survivors {
            set,
            excluded: counts,
        }
    }

    /// Scores every member of `set` for `need`: `(index, fit)` in index order.
    pub(crate) fn score_set(&self, need: &NeedProfile, scorer: &NeedScorer, set: &Bitset) -> Vec<(u32, f64)> {
        let mut out = Vec::with_capacity(set.count());
        self.score_each(need, scorer, set, |i, fit| out.push((i, fit)));
        out
    }

    /// Calls `emit(index, fit)` for every member of `set`, in index order.
    pub(crate) fn score_each(
        &self,
        need: &NeedProfile,
        scorer: &NeedScorer,
        set: &Bitset,
        mut emit: impl FnMut(u32, f64),
    ) {
        let level_arrays: Vec<Option<&[u8]>> = need
            .skills
            .iter()
            .map(|s| self.levels.get(&s.skill).map(Vec::as_slice))
            .collect();
        let first_language = need
            .languages
            .first()
            .map(|l| self.languages.get(&primary_language(l)));
        let mut lowered: Vec<(u32, f64)> = need
            .lowered_pairs
            .iter()
            .filter_map(|&(id, _)| self.by_id.get(&id).map(|&i| (i, need.lowered_factor(id))))
            .collect();
        lowered.sort_unstable_by_key(|p| p.0);
        let timezone: Vec<f64> = self.offsets.iter().map(|&o| scorer.timezone_value(o)).collect();
        let region: Vec<f64> = self.places.iter().map(|&p| scorer.region_value(p)).collect();
        for i in set.iter() {
            let skill = scorer.skill_fit(|k, _| level_arrays[k].map_or(0, |a| a[i]));
            let language = match first_language {
                None => 1.0,
                Some(Some(first)) if first.contains(i) => 1.0,
                Some(_) => 0.5,
            };
            let fit = scorer.combine(
                skill,
                language,
                timezone[self.offset_class[i] as usize],
                region[self.place_class[i] as usize],
                self.static_parts[i],
            );
            // i < len < u32::MAX (checked in build).
            let index = i as u32;
            if lowered.is_empty() {
                emit(index, fit);
            } else {
                let factor = lowered
                    .binary_search_by_key(&index, |p| p.0)
                    .map_or(1.0, |k| lowered[k].1);
                emit(index, fit * factor);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::fit::score;
    use super::super::gate::check;
    use super::super::profile::{RequiredSkill, Urgency};
    use super::*;
    use proptest::prelude::*;

    /// Random small populations over few skills, languages and countries, so that every
    /// gate both passes and fails often.
    pub(crate) fn volunteer_strategy(id: i64) -> impl Strategy<Value = VolunteerProfile> {
        (
            (
                any::<bool>(),
                proptest::collection::vec((0_u32..5, 0_u8..6), 0..5),
            ),
            proptest::collection::vec(prop::sample::select(vec!["en", "fr", "es-AR", "SW"]), 0..3),
            (
                prop::sample::select(vec![*b"KE", *b"TZ", *b"FR"]),
                0_u16..3,
                -720_i16..840,
            ),
            (0_u16..12, 0_u16..12, 0_u8..3, 0_u8..3),
            (
                any::<bool>(),
                proptest::collection::vec(prop::sample::select(vec![*b"KE", *b"TZ", *b"FR"]), 0..2),
            ),
            (proptest::collection::vec(0_i64..4, 0..2), 0_u32..5, 0_u32..20),
        )
            .prop_map(
                move |(
                    (approved, skills),
                    languages,
                    (country, sub, tz),
                    (hours, committed, max, active),
                    (remote_only, onsite),
                    (conflicted_orgs, count, sum),
                )| {
                    VolunteerProfile {
                        id,
                        approved,
                        skills,
                        languages: languages.into_iter().map(String::from).collect(),
                        country,
                        sub_region: sub,
                        region: sub / 2,
                        utc_offset_minutes: tz,
                        hours_per_week: hours,
                        committed_hours: committed,
                        max_concurrent: max,
                        active_engagements: active,
                        remote_only,
                        onsite_countries: onsite,
                        conflicted_orgs,
                        completed_engagements: count,
                        rating_sum: sum.min(5 * count),
                        rating_count: count,
                    }
                },
            )
    }

    pub(crate) fn need_strategy(id: i64) -> impl Strategy<Value = NeedProfile> {
        (
            proptest::collection::vec((0_u32..5, 0_u8..6, 0_u8..3), 0..4),
            proptest::collection::vec(prop::sample::select(vec!["en", "FR", "es", "sw"]), 0..3),
            (
                0_usize..4,
                0_u16..8,
                any::<bool>(),
                prop::sample::select(vec![*b"KE", *b"TZ", *b"FR"]),
            ),
            (0_i64..4, 0_u16..3, -720_i16..840, 0_u8..5, 0_i64..1000),
            proptest::collection::vec((0_i64..6, 0.0_f64..1.0), 0..2),
        )
            .prop_map(
                move |(
                    skills,
                    languages,
                    (urgency, weekly_hours, remote, country),
                    (org_id, sub, tz, emerging, wait),
                    lowered,
                )| {
                    NeedProfile {
                        id,
                        org_id,
                        skills: skills
                            .into_iter()
                            .map(|(skill, min_level, w)| RequiredSkill {
                                skill,
                                min_level,
                                weight: [SkillWeight::Must, SkillWeight::Should, SkillWeight::Nice]
                                    [usize::from(w)],
                            })
                            .collect(),
                        languages: languages.into_iter().map(String::from).collect(),
                        urgency: Urgency::ALL[urgency],
                        weekly_hours,
                        remote,
                        country,
                        sub_region: sub,
                        region: sub / 2,
                        utc_offset_minutes: tz,
                        emerging_priority: emerging,
                        waiting_since: wait,
                        lowered_pairs: lowered,
                    }
                },
            )
    }

    pub(crate) fn population(max: usize) -> impl Strategy<Value = Vec<VolunteerProfile>> {
        proptest::collection::vec(volunteer_strategy(0), 0..max).prop_map(|mut vs| {
            for (i, v) in vs.iter_mut().enumerate() {
                v.id = i as i64;
            }
            vs
        })
    }

    proptest! {
        #[test]
        fn bitset_gates_agree_with_the_profile_gates(vs in population(40), need in need_strategy(1)) {
            let config = MatchConfig::default();
            let Ok(index) = VolunteerIndex::build(config, vs.clone()) else {
                return Err(TestCaseError::fail("build"));
            };
            let survivors = index.survivors(&need);
            let mut expected = GateCounts::default();
            for (i, v) in vs.iter().enumerate() {
                let verdict = check(v, &need);
                prop_assert_eq!(survivors.set.contains(i), verdict.is_ok(), "volunteer {}: {:?}", i, verdict);
                if let Err(e) = verdict {
                    expected.add(e.kind(), 1);
                }
            }
            prop_assert_eq!(survivors.excluded, expected);
            let wanted: Vec<u32> = need.skills.iter().map(|s| s.skill).collect();
            let holders: Vec<usize> = (0..vs.len())
                .filter(|&i| wanted.iter().any(|s| vs[i].level(*s) > 0))
                .collect();
            prop_assert_eq!(index.holding_any(&wanted), holders);
            let scorer = NeedScorer::new(&config, &need);
            for (i, fit) in index.score_set(&need, &scorer, &survivors.set) {
                let reference = score(&config, &vs[i as usize], &need);
                prop_assert_eq!(fit.to_bits(), reference.fit.to_bits());
            }
        }
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let v = super::super::gate::tests::volunteer();
        let result = VolunteerIndex::build(MatchConfig::default(), vec![v.clone(), v]);
        assert_eq!(result.err(), Some(MatchError::DuplicateVolunteer { id: 7 }));
        let bad = MatchConfig {
            emerging_bonus: 2.0,
            ..MatchConfig::default()
        };
        assert!(matches!(
            VolunteerIndex::build(bad, vec![]),
            Err(MatchError::Config(_))
        ));
    }
}
