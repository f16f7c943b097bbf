//! Fit: how well a volunteer suits a need, in `[0, 1]`, from six normalised factors, each
//! reported as `(name, value, weight, contribution = value × weight / Σ weights)`.
//!
//! - **skill**: `Σ w·min(1, level / required) / Σ w` over every required skill (must /
//!   should / nice weights from the configuration, a missing skill counting as level 0; a
//!   need with no skills fits everyone fully). Non-decreasing in every level, so raising a
//!   volunteer's level never lowers their fit.
//! - **language**: 1 when the volunteer speaks the need's first language (or the need lists
//!   none), 0.5 when they share another one.
//! - **time zone**: the share of an 09:00–17:00 working day the two sides have in common;
//!   its weight is multiplied by the critical multiplier for critical needs.
//! - **region**: same country 1, same UN sub-region 0.6, same region 0.3, otherwise 0 (code
//!   0 means unknown and matches nothing).
//! - **load**: `1 − active / max_concurrent`, which spreads work.
//! - **track record**: the mean rating with a Bayesian prior, `(Σ + k·m) / (n + k)`, mapped
//!   from 1–5 to 0–1, so newcomers start at the prior instead of at 0 or 1.
//!
//! The weighted sum is then multiplied by the pair's lowered factor (earlier declines).
//! Priority (urgency tier, emerging-economy bonus, waiting time) is kept out of fit; see
//! [`Priority`].
//!
//! One [`NeedScorer`] per need does the arithmetic for both the profile path and the index
//! path, in the same order, so both give bit-identical fits.

use serde::{Deserialize, Serialize};

use super::config::{FitWeights, MatchConfig};
use super::profile::{CountryCode, NeedProfile, SkillWeight, Urgency, VolunteerProfile, primary_language};

/// Minutes in a working day (09:00–17:00).
const WORKDAY_MINUTES: i32 = 8 * 60;
/// Minutes in a day.
const DAY_MINUTES: i32 = 24 * 60;

/// The fit factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FactorKind {
    /// Skill fit.
    Skill,
    /// Language.
    Language,
    /// Time-zone overlap.
    Timezone,
    /// Region affinity.
    Region,
    /// Current load.
    Load,
    /// Track record.
    TrackRecord,
}

impl FactorKind {
    /// All factors, in reporting order.
    pub const ALL: [Self; 6] = [
        Self::Skill,
        Self::Language,
        Self::Timezone,
        Self::Region,
        Self::Load,
        Self::TrackRecord,
    ];

    /// A stable name for display and export.
    pub fn name(self) -> &'static str {
        match self {
            Self::Skill => "skill",
            Self::Language => "language",
            Self::Timezone => "timezone",
            Self::Region => "region",
            Self::Load => "load",
            Self::TrackRecord => "track_record",
        }
    }
}

/// One factor of a fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Which factor.
    pub kind: FactorKind,
    /// Its value in `[0, 1]`.
    pub value: f64,
    /// Its weight as configured (the time-zone weight already multiplied for critical needs).
    pub weight: f64,
    /// `value × weight / Σ weights`; the contributions add up to the fit before lowering.
    pub contribution: f64,
}

/// A need's priority, kept apart from fit: tiers are strict, the emerging bonus orders needs
/// within a tier, waiting time breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    /// Urgency tier.
    pub urgency: Urgency,
    /// Emerging-economy bonus (bounded by the configuration).
    pub emerging_bonus: f64,
    /// Waiting since (unix seconds).
    pub waiting_since: i64,
}

impl Priority {
    /// The need's priority under `config`.
    pub fn of(config: &MatchConfig, need: &NeedProfile) -> Self {
        Self {
            urgency: need.urgency,
            emerging_bonus: config.emerging_bonus_for(need.emerging_priority),
            waiting_since: need.waiting_since,
        }
    }
}

/// A scored, explained volunteer–need pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The volunteer.
    pub volunteer_id: i64,
    /// The need.
    pub need_id: i64,
    /// Fit in `[0, 1]`, after the lowered factor.
    pub fit: f64,
    /// The six factors.
    pub factors: Vec<Factor>,
    /// The pair's lowered factor from earlier declines (1 when none).
    pub lowered_factor: f64,
    /// The need's priority.
    pub priority: Priority,
    /// `fit + emerging bonus`: what the global assignment maximises within a tier.
    pub utility: f64,
}

/// The share of a working day two UTC offsets have in common, in `[0, 1]`.
pub fn timezone_overlap(a_minutes: i16, b_minutes: i16) -> f64 {
    let delta = (i32::from(a_minutes) - i32::from(b_minutes)).rem_euclid(DAY_MINUTES);
    let distance = delta.min(DAY_MINUTES - delta);
    f64::from((WORKDAY_MINUTES - distance).max(0)) / f64::from(WORKDAY_MINUTES)
}

/// Where a volunteer lives, for region affinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Country.
    pub country: CountryCode,
    /// UN M49 sub-region (0 unknown).
    pub sub_region: u16,
    /// UN M49 region (0 unknown).
    pub region: u16,
}

/// Region affinity of two places: 1 same country, 0.6 same sub-region, 0.3 same region, else 0.
pub fn region_affinity(a: Place, b: Place) -> f64 {
    if a.country == b.country && a.country != [0, 0] {
        1.0
    } else if a.sub_region == b.sub_region && a.sub_region != 0 {
        0.6
    } else if a.region == b.region && a.region != 0 {
        0.3
    } else {
        0.0
    }
}

/// `1 − active / max`, 0 when `max` is 0.
pub fn load_value(active: u8, max_concurrent: u8) -> f64 {
    if max_concurrent == 0 {
        return 0.0;
    }
    (1.0 - f64::from(active) / f64::from(max_concurrent)).clamp(0.0, 1.0)
}

/// The track record in `[0, 1]`: the Bayesian mean rating `(sum + k·m) / (count + k)` mapped
/// from the 1–5 scale.
pub fn track_record(config: &MatchConfig, rating_sum: u32, rating_count: u32) -> f64 {
    let k = config.track_record_prior_strength;
    let m = config.track_record_prior_mean;
    let denominator = f64::from(rating_count) + k;
    let mean = if denominator > 0.0 {
        (f64::from(rating_sum) + k * m) / denominator
    } else {
        m
    };
    ((mean - 1.0) / 4.0).clamp(0.0, 1.0)
}

/// The per-volunteer inputs of the fit other than skills.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traits {
    /// Language value (see the module doc).
    pub language: f64,
    /// UTC offset in minutes.
    pub utc_offset_minutes: i16,
    /// Where they live.
    pub place: Place,
    /// Load value.
    pub load: f64,
    /// Track-record value.
    pub track_record: f64,
}

impl Traits {
    /// The traits of a volunteer for a need.
    pub fn of(config: &MatchConfig, volunteer: &VolunteerProfile, need: &NeedProfile) -> Self {
        Self {
            language: language_value(volunteer, need),
            utc_offset_minutes: volunteer.utc_offset_minutes,
            place: Place {
                country: volunteer.country,
                sub_region: volunteer.sub_region,
                region: volunteer.region,
            },
            load: load_value(volunteer.active_engagements, volunteer.max_concurrent),
            track_record: track_record(config, volunteer.rating_sum, volunteer.rating_count),
        }
    }
}

/// Language value: 1 for the need's first language (or a need with none), 0.5 for another
/// shared language, 0 for none.
pub fn language_value(volunteer: &VolunteerProfile, need: &NeedProfile) -> f64 {
    let Some(first) = need.languages.first() else {
        return 1.0;
    };
    let theirs: Vec<String> = volunteer.languages.iter().map(|l| primary_language(l)).collect();
    if theirs.contains(&primary_language(first)) {
        1.0
    } else if need
        .languages
        .iter()
        .any(|l| theirs.contains(&primary_language(l)))
    {
        0.5
    } else {
        0.0
    }
}

/// The need-independent part of the weighted sum: `load × w_load + track × w_track`. The
/// index precomputes it per volunteer; the profile path computes it the same way.
#[inline]
pub fn static_part(weights: &FitWeights, load: f64, track_record: f64) -> f64 {
    load * weights.load + track_record * weights.track_record
}

/// Per-need precomputation of the fit.
#[derive(Debug, Clone)]
pub struct NeedScorer {
    /// Effective weights, in [`FactorKind::ALL`] order.
    weights: [f64; 6],
    /// Σ weights.
    weight_sum: f64,
    /// 1 / Σ weights.
    inverse_sum: f64,
    /// `(skill, share × min(1, level / required) for level 0..=4)`, with `share` the skill's
    /// importance over the need's total importance.
    skills: Vec<(u32, [f64; 5])>,
    utc_offset_minutes: i16,
    place: Place,
}

impl NeedScorer {
    /// Prepares the fit of `need` under a validated `config`.
    pub fn new(config: &MatchConfig, need: &NeedProfile) -> Self {
        let w = config.weights;
        let timezone = if need.urgency == Urgency::Critical {
            w.timezone * config.critical_timezone_multiplier
        } else {
            w.timezone
        };
        let weights = [w.skill, w.language, timezone, w.region, w.load, w.track_record];
        let weight_sum: f64 = weights.iter().sum();
        let importance = |s: SkillWeight| match s {
            SkillWeight::Must => config.skill_importance.must,
            SkillWeight::Should => config.skill_importance.should,
            SkillWeight::Nice => config.skill_importance.nice,
        };
        let total: f64 = need.skills.iter().map(|s| importance(s.weight)).sum();
        let skills = need
            .skills
            .iter()
            .map(|s| {
                let share = if total > 0.0 {
                    importance(s.weight) / total
                } else {
                    0.0
                };
                let required = f64::from(s.required_level());
                let table = std::array::from_fn(|level| share * (level as f64 / required).min(1.0));
                (s.skill, table)
            })
            .collect();
        Self {
            weights,
            weight_sum,
            inverse_sum: 1.0 / weight_sum,
            skills,
            utc_offset_minutes: need.utc_offset_minutes,
            place: Place {
                country: need.country,
                sub_region: need.sub_region,
                region: need.region,
            },
        }
    }

    /// Skill fit given a volunteer's level (0 when not held) for the need's `i`-th required
    /// skill, `level(i, skill)`. Each term is non-decreasing in the level.
    #[inline]
    pub fn skill_fit(&self, mut level: impl FnMut(usize, u32) -> u8) -> f64 {
        if self.skills.is_empty() {
            return 1.0;
        }
        let mut sum = 0.0;
        for (i, (skill, table)) in self.skills.iter().enumerate() {
            sum += table[usize::from(level(i, *skill).min(4))];
        }
        sum.clamp(0.0, 1.0)
    }

    /// Time-zone value of a volunteer at `utc_offset_minutes` for this need.
    #[inline]
    pub fn timezone_value(&self, utc_offset_minutes: i16) -> f64 {
        timezone_overlap(utc_offset_minutes, self.utc_offset_minutes)
    }

    /// Region value of a volunteer living at `place` for this need.
    #[inline]
    pub fn region_value(&self, place: Place) -> f64 {
        region_affinity(place, self.place)
    }

    /// Factor values in [`FactorKind::ALL`] order.
    pub fn values(&self, skill_fit: f64, traits: &Traits) -> [f64; 6] {
        [
            skill_fit,
            traits.language,
            self.timezone_value(traits.utc_offset_minutes),
            self.region_value(traits.place),
            traits.load,
            traits.track_record,
        ]
    }

    /// The fit before lowering, `Σ value × weight / Σ weight` in `[0, 1]`, from the four
    /// need-dependent values and the volunteer's [`static_part`].
    #[inline]
    pub fn combine(&self, skill: f64, language: f64, timezone: f64, region: f64, static_part: f64) -> f64 {
        let w = &self.weights;
        let sum = skill * w[0] + language * w[1] + timezone * w[2] + region * w[3] + static_part;
        (sum * self.inverse_sum).clamp(0.0, 1.0)
    }

    /// The factors of a pair, for display.
    pub fn factors(&self, values: &[f64; 6]) -> Vec<Factor> {
        FactorKind::ALL
            .iter()
            .zip(values.iter().zip(&self.weights))
            .map(|(&kind, (&value, &weight))| Factor {
                kind,
                value,
                weight,
                contribution: value * weight / self.weight_sum,
            })
            .collect()
    }
}

/// Scores one pair from the profiles (no gate check; see `gate::check`).
pub fn score(config: &MatchConfig, volunteer: &VolunteerProfile, need: &NeedProfile) -> Candidate {
    let scorer = NeedScorer::new(config, need);
    let skill = scorer.skill_fit(|_, s| volunteer.level(s));
    let traits = Traits::of(config, volunteer, need);
    let values = scorer.values(skill, &traits);
    let lowered_factor = need.lowered_factor(volunteer.id);
    let tail = static_part(&config.weights, traits.load, traits.track_record);
    let fit = scorer.combine(values[0], values[1], values[2], values[3], tail) * lowered_factor;
    let priority = Priority::of(config, need);
    Candidate {
        volunteer_id: volunteer.id,
        need_id: need.id,
        fit,
        factors: scorer.factors(&values),
        lowered_factor,
        utility: fit + priority.emerging_bonus,
        priority,
    }
}

#[cfg(test)]
mod tests {
    use super::super::gate::tests::{need, volunteer};
    use super::super::profile::RequiredSkill;
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn skill_fit_weights_levels_against_requirements() {
        let config = MatchConfig::default();
        let mut n = need();
        n.skills = vec![
            RequiredSkill {
                skill: 1,
                min_level: 4,
                weight: SkillWeight::Must,
            },
            RequiredSkill {
                skill: 2,
                min_level: 2,
                weight: SkillWeight::Should,
            },
            RequiredSkill {
                skill: 3,
                min_level: 1,
                weight: SkillWeight::Nice,
            },
        ];
        let scorer = NeedScorer::new(&config, &n);
        // must 3/6 · 2/4 + should 2/6 · 1 + nice 1/6 · 0
        let fit = scorer.skill_fit(|_, s| match s {
            1 => 2,
            2 => 3,
            _ => 0,
        });
        assert!(close(fit, 0.5 * 0.5 + 2.0 / 6.0));
        assert!(close(scorer.skill_fit(|_, _| 4), 1.0));
        n.skills.clear();
        assert!(close(NeedScorer::new(&config, &n).skill_fit(|_, _| 0), 1.0));
    }

    #[test]
    fn language_prefers_the_first_language() {
        let mut n = need();
        n.languages = vec!["fr".into(), "en".into()];
        let mut v = volunteer();
        v.languages = vec!["fr-BE".into()];
        assert!(close(language_value(&v, &n), 1.0));
        v.languages = vec!["EN".into()];
        assert!(close(language_value(&v, &n), 0.5));
        v.languages = vec!["sw".into()];
        assert!(close(language_value(&v, &n), 0.0));
        n.languages.clear();
        assert!(close(language_value(&v, &n), 1.0));
    }

    #[test]
    fn timezone_overlap_is_circular() {
        assert!(close(timezone_overlap(0, 0), 1.0));
        assert!(close(timezone_overlap(0, 240), 0.5));
        assert!(close(timezone_overlap(0, 480), 0.0));
        assert!(close(timezone_overlap(720, -660), timezone_overlap(0, 60)));
        assert!(close(
            timezone_overlap(-600, 780),
            timezone_overlap(0, 1380 - 1440)
        ));
    }

    #[test]
    fn region_affinity_steps_down_with_distance() {
        let place = |c: &[u8; 2], s, r| Place {
            country: *c,
            sub_region: s,
            region: r,
        };
        assert!(close(
            region_affinity(place(b"KE", 14, 2), place(b"KE", 14, 2)),
            1.0
        ));
        assert!(close(
            region_affinity(place(b"KE", 14, 2), place(b"TZ", 14, 2)),
            0.6
        ));
        assert!(close(
            region_affinity(place(b"KE", 14, 2), place(b"NG", 11, 2)),
            0.3
        ));
        assert!(close(
            region_affinity(place(b"KE", 14, 2), place(b"FR", 155, 150)),
            0.0
        ));
        assert!(close(
            region_affinity(place(b"KE", 0, 0), place(b"FR", 0, 0)),
            0.0
        ));
    }

    #[test]
    fn load_spreads_work() {
        assert!(close(load_value(0, 3), 1.0));
        assert!(close(load_value(1, 4), 0.75));
        assert!(close(load_value(3, 3), 0.0));
        assert!(close(load_value(0, 0), 0.0));
    }

    #[test]
    fn track_record_starts_newcomers_at_the_prior() {
        let config = MatchConfig::default();
        assert!(close(track_record(&config, 0, 0), 0.75));
        assert!(track_record(&config, 50, 10) > track_record(&config, 5, 1));
        assert!(track_record(&config, 10, 10) < 0.75);
        let mut no_prior = config;
        no_prior.track_record_prior_strength = 0.0;
        assert!(close(track_record(&no_prior, 0, 0), 0.75));
        assert!(close(track_record(&no_prior, 10, 2), 1.0));
    }

    #[test]
    fn critical_needs_weigh_time_zones_more_and_factors_add_up() {
        let config = MatchConfig::default();
        let mut n = need();
        n.urgency = Urgency::Critical;
        let critical = score(&config, &volunteer(), &n);
        n.urgency = Urgency::Normal;
        let normal = score(&config, &volunteer(), &n);
        let weight = |c: &Candidate| c.factors[2].weight;
        assert!(close(weight(&critical), 2.0 * weight(&normal)));
        for c in [&critical, &normal] {
            let sum: f64 = c.factors.iter().map(|f| f.contribution).sum();
            assert!(close(sum * c.lowered_factor, c.fit));
        }
    }

    #[test]
    fn declines_lower_the_pair_and_priority_stays_out_of_fit() {
        let config = MatchConfig::default();
        let mut n = need();
        let before = score(&config, &volunteer(), &n);
        n.lowered_pairs = vec![(volunteer().id, 0.5), (999, 0.1)];
        n.emerging_priority = 3;
        let after = score(&config, &volunteer(), &n);
        assert!(close(after.fit, before.fit * 0.5));
        assert!(close(after.utility, after.fit + config.emerging_bonus));
    }

    proptest! {
        #[test]
        fn raising_a_level_never_lowers_fit(
            levels in proptest::collection::vec((0_u32..6, 0_u8..5), 0..8),
            reqs in proptest::collection::vec((0_u32..6, 1_u8..5, 0_u8..3), 0..5),
            skill in 0_u32..6, raise in 1_u8..4,
        ) {
            let config = MatchConfig::default();
            let mut n = need();
            n.skills = reqs.iter().map(|&(skill, min_level, w)| RequiredSkill {
                skill, min_level, weight: [SkillWeight::Must, SkillWeight::Should, SkillWeight::Nice][w as usize],
            }).collect();
            let mut v = volunteer();
            v.skills = levels;
            let before = score(&config, &v, &n);
            let old = v.level(skill);
            v.skills.push((skill, old.saturating_add(raise).min(4)));
            let after = score(&config, &v, &n);
            prop_assert!(after.fit >= before.fit, "{} < {}", after.fit, before.fit);
            prop_assert!((0.0..=1.0).contains(&after.fit));
        }
    }
}
