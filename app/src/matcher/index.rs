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

use std::collections::{HashMap, HashSet};

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
    offset_of: HashMap<i16, u32>,
    offset_class: Vec<u32>,
    /// Distinct places, and each volunteer's position among them.
    places: Vec<Place>,
    place_of: HashMap<(CountryCode, u16, u16), u32>,
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
        for (i, v) in volunteers.iter().enumerate() {
            // i < n < u32::MAX (checked above).
            if by_id.insert(v.id, i as u32).is_some() {
                return Err(MatchError::DuplicateVolunteer { id: v.id });
            }
        }
        let mut index = Self {
            config,
            volunteers: Vec::new(),
            ids: volunteers.iter().map(|v| v.id).collect(),
            by_id,
            approved: Bitset::empty(n),
            slot_free: Bitset::empty(n),
            hours: Vec::new(),
            languages: HashMap::new(),
            skills: HashMap::new(),
            levels: HashMap::new(),
            conflicts: HashMap::new(),
            remote_only: Bitset::empty(n),
            onsite: HashMap::new(),
            offsets: Vec::new(),
            offset_of: HashMap::new(),
            offset_class: vec![0; n],
            places: Vec::new(),
            place_of: HashMap::new(),
            place_class: vec![0; n],
            static_parts: vec![0.0; n],
        };
        for (i, v) in volunteers.iter().enumerate() {
            index.place(i, v);
        }
        index.volunteers = volunteers;
        index.hours = hour_sets(&index.volunteers);
        Ok(index)
    }

    /// Brings the index up to date in place: each of the `fresh` profiles
    /// takes the place of the one with its id, or enters at its place in id
    /// order, and the volunteers `gone` leave. Afterwards the index answers as
    /// one built from its profiles would (a change to one volunteer costs that
    /// volunteer's sets; one entering or leaving shifts every set by a bit;
    /// plus one pass over everyone for the free-hours sets).
    pub fn update(&mut self, fresh: Vec<VolunteerProfile>, gone: &HashSet<i64>) {
        let mut changed = false;
        for id in gone {
            if let Some(i) = self.position(*id) {
                self.take_out(i);
                changed = true;
            }
        }
        for v in fresh {
            let Some(i) = self.position(v.id) else {
                self.take_in(v);
                changed = true;
                continue;
            };
            if self.volunteers[i] == v {
                continue;
            }
            let old = std::mem::replace(&mut self.volunteers[i], v.clone());
            self.unplace(i, &old);
            self.place(i, &v);
            changed = true;
        }
        if changed {
            self.hours = hour_sets(&self.volunteers);
        }
    }

    /// Every bitset of the index (the free-hours sets aside: they are built
    /// again after any change).
    fn bitsets(&mut self) -> impl Iterator<Item = &mut Bitset> {
        [&mut self.approved, &mut self.slot_free, &mut self.remote_only]
            .into_iter()
            .chain(self.languages.values_mut())
            .chain(self.skills.values_mut().flat_map(|sets| sets.iter_mut()))
            .chain(self.onsite.values_mut())
    }

    /// Adds `v`, whose id the index does not hold, before the first volunteer
    /// with a greater id: everyone from there moves up by one.
    fn take_in(&mut self, v: VolunteerProfile) {
        let i = self.ids.partition_point(|&id| id < v.id);
        // Positions stay below u32::MAX: an index that large cannot be built.
        let at = i as u32;
        self.ids.insert(i, v.id);
        for position in self.by_id.values_mut() {
            if *position >= at {
                *position += 1;
            }
        }
        self.by_id.insert(v.id, at);
        for set in self.bitsets() {
            set.open_at(i);
        }
        for levels in self.levels.values_mut() {
            levels.insert(i, 0);
        }
        for list in self.conflicts.values_mut() {
            for position in list.iter_mut().filter(|p| **p >= at) {
                *position += 1;
            }
        }
        self.offset_class.insert(i, 0);
        self.place_class.insert(i, 0);
        self.static_parts.insert(i, 0.0);
        self.place(i, &v);
        self.volunteers.insert(i, v);
    }

    /// Takes volunteer `i` out: everyone after them moves down by one.
    fn take_out(&mut self, i: usize) {
        let old = self.volunteers.remove(i);
        self.unplace(i, &old);
        let at = i as u32;
        self.ids.remove(i);
        self.by_id.remove(&old.id);
        for position in self.by_id.values_mut() {
            if *position > at {
                *position -= 1;
            }
        }
        for set in self.bitsets() {
            set.close_at(i);
        }
        for levels in self.levels.values_mut() {
            levels.remove(i);
        }
        for list in self.conflicts.values_mut() {
            for position in list.iter_mut().filter(|p| **p > at) {
                *position -= 1;
            }
        }
        self.offset_class.remove(i);
        self.place_class.remove(i);
        self.static_parts.remove(i);
    }

    /// Sets volunteer `i`'s bits, level bytes, classes, conflicts and static
    /// part from `v` (the sets start without `i`).
    fn place(&mut self, i: usize, v: &VolunteerProfile) {
        let n = self.ids.len();
        // i < n < u32::MAX (checked in build).
        let index = i as u32;
        if v.approved {
            self.approved.insert(i);
        }
        if v.free_slots() > 0 {
            self.slot_free.insert(i);
        }
        if v.remote_only {
            self.remote_only.insert(i);
        }
        for l in &v.languages {
            self.languages
                .entry(primary_language(l))
                .or_insert_with(|| Bitset::empty(n))
                .insert(i);
        }
        for &(skill, _) in &v.skills {
            let level = v.level(skill);
            let sets = self
                .skills
                .entry(skill)
                .or_insert_with(|| std::array::from_fn(|_| Bitset::empty(n)));
            for set in sets.iter_mut().take(usize::from(level)) {
                set.insert(i);
            }
            self.levels.entry(skill).or_insert_with(|| vec![0; n])[i] = level;
        }
        for &org in &v.conflicted_orgs {
            let list = self.conflicts.entry(org).or_default();
            if let Err(at) = list.binary_search(&index) {
                list.insert(at, index);
            }
        }
        for &country in v.onsite_countries.iter().chain(std::iter::once(&v.country)) {
            self.onsite
                .entry(country)
                .or_insert_with(|| Bitset::empty(n))
                .insert(i);
        }
        // Fewer distinct offsets and places than volunteers, so below u32::MAX.
        let offsets = &mut self.offsets;
        self.offset_class[i] = *self.offset_of.entry(v.utc_offset_minutes).or_insert_with(|| {
            offsets.push(v.utc_offset_minutes);
            (offsets.len() - 1) as u32
        });
        let places = &mut self.places;
        self.place_class[i] = *self
            .place_of
            .entry((v.country, v.sub_region, v.region))
            .or_insert_with(|| {
                places.push(Place {
                    country: v.country,
                    sub_region: v.sub_region,
                    region: v.region,
                });
                (places.len() - 1) as u32
            });
        let load = load_value(v.active_engagements, v.max_concurrent);
        let track = track_record(&self.config, v.rating_sum, v.rating_count);
        self.static_parts[i] = static_part(&self.config.weights, load, track);
    }

    /// Takes volunteer `i`, whose profile was `old`, out of every set and
    /// conflict list `old` put them in (classes and the static part are
    /// overwritten by the next [`Self::place`]).
    fn unplace(&mut self, i: usize, old: &VolunteerProfile) {
        let index = i as u32;
        self.approved.remove(i);
        self.slot_free.remove(i);
        self.remote_only.remove(i);
        for l in &old.languages {
            if let Some(set) = self.languages.get_mut(&primary_language(l)) {
                set.remove(i);
            }
        }
        for &(skill, _) in &old.skills {
            if let Some(sets) = self.skills.get_mut(&skill) {
                for set in sets {
                    set.remove(i);
                }
            }
            if let Some(levels) = self.levels.get_mut(&skill) {
                levels[i] = 0;
            }
        }
        for org in &old.conflicted_orgs {
            if let Some(list) = self.conflicts.get_mut(org)
                && let Ok(at) = list.binary_search(&index)
            {
                list.remove(at);
            }
        }
        for country in old.onsite_countries.iter().chain(std::iter::once(&old.country)) {
            if let Some(set) = self.onsite.get_mut(country) {
                set.remove(i);
            }
        }
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

/// Ascending distinct free-hours values `t`, each with the set of volunteers
/// having at least `t` free hours a week.
fn hour_sets(volunteers: &[VolunteerProfile]) -> Vec<(u16, Bitset)> {
    let n = volunteers.len();
    let mut by_hours: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, v) in volunteers.iter().enumerate() {
        by_hours.entry(v.free_hours()).or_default().push(i);
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
    hours
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

    proptest! {
        #[test]
        fn an_index_updated_in_place_answers_as_one_built_anew(
            vs in population(40),
            changes in proptest::collection::vec((0_usize..40, volunteer_strategy(0)), 0..8),
            entering in proptest::collection::vec((0_i64..60, volunteer_strategy(0)), 0..4),
            leaving in proptest::collection::vec(0_i64..60, 0..4),
            needs in proptest::collection::vec(need_strategy(1), 1..6),
        ) {
            let config = MatchConfig::default();
            // Every other id, so that volunteers can enter between them.
            let vs: Vec<VolunteerProfile> = vs
                .into_iter()
                .map(|mut v| {
                    v.id *= 2;
                    v
                })
                .collect();
            let Ok(mut kept) = VolunteerIndex::build(config, vs.clone()) else {
                return Err(TestCaseError::fail("build"));
            };
            // Each change gives a volunteer of the population a new profile
            // (a later change to the same volunteer wins); volunteers enter
            // with new ids (the odd ones) and leave (any id, held or not).
            let mut fresh: Vec<VolunteerProfile> = Vec::new();
            let mut expected: std::collections::BTreeMap<i64, VolunteerProfile> =
                vs.iter().map(|v| (v.id, v.clone())).collect();
            for (at, mut profile) in changes {
                if vs.is_empty() {
                    break;
                }
                profile.id = vs[at % vs.len()].id;
                expected.insert(profile.id, profile.clone());
                fresh.push(profile);
            }
            for (id, mut profile) in entering {
                profile.id = id * 2 + 1;
                expected.insert(profile.id, profile.clone());
                fresh.push(profile);
            }
            let gone: HashSet<i64> = leaving.into_iter().collect();
            fresh.retain(|v| !gone.contains(&v.id));
            expected.retain(|id, _| !gone.contains(id));
            kept.update(fresh, &gone);
            let expected: Vec<VolunteerProfile> = expected.into_values().collect();
            prop_assert_eq!(kept.volunteers(), &expected[..]);
            prop_assert_eq!(kept.ids(), &expected.iter().map(|v| v.id).collect::<Vec<_>>()[..]);
            for (i, v) in expected.iter().enumerate() {
                prop_assert_eq!(kept.position(v.id), Some(i));
            }
            let Ok(built) = VolunteerIndex::build(config, expected) else {
                return Err(TestCaseError::fail("build"));
            };
            for need in &needs {
                let (a, b) = (kept.survivors(need), built.survivors(need));
                prop_assert_eq!(&a.set, &b.set);
                prop_assert_eq!(a.excluded, b.excluded);
                let wanted: Vec<u32> = need.skills.iter().map(|s| s.skill).collect();
                prop_assert_eq!(kept.holding_any(&wanted), built.holding_any(&wanted));
                let scorer = NeedScorer::new(&config, need);
                let everyone = Bitset::full(kept.len());
                let bits = |scores: Vec<(u32, f64)>| -> Vec<(u32, u64)> {
                    scores.into_iter().map(|(i, f)| (i, f.to_bits())).collect()
                };
                prop_assert_eq!(
                    bits(kept.score_set(need, &scorer, &everyone)),
                    bits(built.score_set(need, &scorer, &everyone))
                );
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
