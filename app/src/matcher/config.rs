//! The matcher's tunable numbers, their defaults and their validation.
//!
//! Fit weights are relative (they are divided by their sum); the defaults make the skill
//! fit dominant. The emerging-economy bonus is bounded by [`MAX_EMERGING_BONUS`] so that it
//! can reorder needs within an urgency tier but never outweigh fit entirely.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Upper bound of [`MatchConfig::emerging_bonus`].
pub const MAX_EMERGING_BONUS: f64 = 0.5;

/// Largest `candidates_per_need` accepted.
pub const MAX_CANDIDATES_PER_NEED: usize = 100_000;

/// Relative weights of the fit factors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FitWeights {
    /// Skill fit.
    pub skill: f64,
    /// Language (first choice of the need, or another shared language).
    pub language: f64,
    /// Overlap of working days across time zones.
    pub timezone: f64,
    /// Same country, sub-region or region.
    pub region: f64,
    /// Current load (spreads work).
    pub load: f64,
    /// Track record from ratings, with a prior for newcomers.
    pub track_record: f64,
}

impl Default for FitWeights {
    fn default() -> Self {
        Self {
            skill: 0.50,
            language: 0.10,
            timezone: 0.15,
            region: 0.08,
            load: 0.10,
            track_record: 0.07,
        }
    }
}

impl FitWeights {
    fn named(&self) -> [(&'static str, f64); 6] {
        [
            ("skill", self.skill),
            ("language", self.language),
            ("timezone", self.timezone),
            ("region", self.region),
            ("load", self.load),
            ("track_record", self.track_record),
        ]
    }
}

/// Weights of must / should / nice skills inside the skill fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SkillImportance {
    /// Weight of a must skill.
    pub must: f64,
    /// Weight of a should skill.
    pub should: f64,
    /// Weight of a nice-to-have skill.
    pub nice: f64,
}

impl Default for SkillImportance {
    fn default() -> Self {
        Self {
            must: 3.0,
            should: 2.0,
            nice: 1.0,
        }
    }
}

/// Everything the matcher can be tuned with. Every field has a default, so a
/// settings file names only what it changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// Fit factor weights.
    pub weights: FitWeights,
    /// Must / should / nice weights in the skill fit.
    pub skill_importance: SkillImportance,
    /// The time-zone weight is multiplied by this for critical needs (≥ 1).
    pub critical_timezone_multiplier: f64,
    /// Bonus added to a need's utility at emerging priority 3 (scaled linearly down to 0 at
    /// priority 0); in `[0, MAX_EMERGING_BONUS]`. It orders needs within a tier only.
    pub emerging_bonus: f64,
    /// Prior mean rating (1–5) of a volunteer with no ratings.
    pub track_record_prior_mean: f64,
    /// Weight of the prior, in ratings (≥ 0).
    pub track_record_prior_strength: f64,
    /// Candidates kept per need before the global assignment (the pruning is then checked
    /// with dual prices, so this trades speed only, never the optimum).
    pub candidates_per_need: usize,
    /// Runners-up explained per need in an assignment.
    pub runners_up: usize,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            weights: FitWeights::default(),
            skill_importance: SkillImportance::default(),
            critical_timezone_multiplier: 2.0,
            emerging_bonus: 0.15,
            track_record_prior_mean: 4.0,
            track_record_prior_strength: 3.0,
            candidates_per_need: 50,
            runners_up: 3,
        }
    }
}

/// A configuration value out of range.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    /// A weight that is negative or not finite.
    BadWeight {
        /// The weight's name.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// All fit weights are zero.
    ZeroWeights,
    /// A skill importance that is not a positive finite number.
    BadSkillImportance {
        /// Which one.
        name: &'static str,
    },
    /// The critical time-zone multiplier is below 1 or not finite.
    BadCriticalMultiplier,
    /// The emerging bonus is outside `[0, MAX_EMERGING_BONUS]`.
    BadEmergingBonus,
    /// The prior mean is outside 1–5 or the strength negative or not finite.
    BadTrackRecordPrior,
    /// `candidates_per_need` is 0 or above [`MAX_CANDIDATES_PER_NEED`].
    BadCandidatesPerNeed,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadWeight { name, value } => {
                write!(f, "fit weight {name} = {value} is not a finite number ≥ 0")
            }
            Self::ZeroWeights => f.write_str("fit weights are all zero"),
            Self::BadSkillImportance { name } => write!(f, "skill importance {name} must be finite and > 0"),
            Self::BadCriticalMultiplier => {
                f.write_str("critical time-zone multiplier must be finite and ≥ 1")
            }
            Self::BadEmergingBonus => write!(f, "emerging bonus must lie in [0, {MAX_EMERGING_BONUS}]"),
            Self::BadTrackRecordPrior => {
                f.write_str("track-record prior: mean in [1, 5], strength finite ≥ 0")
            }
            Self::BadCandidatesPerNeed => {
                write!(f, "candidates per need must lie in 1..={MAX_CANDIDATES_PER_NEED}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl MatchConfig {
    /// Checks every value's range.
    ///
    /// # Errors
    /// The first [`ConfigError`] found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, value) in self.weights.named() {
            if !value.is_finite() || value < 0.0 {
                return Err(ConfigError::BadWeight { name, value });
            }
        }
        if self.weights.named().iter().map(|w| w.1).sum::<f64>() <= 0.0 {
            return Err(ConfigError::ZeroWeights);
        }
        let importance = self.skill_importance;
        for (name, value) in [
            ("must", importance.must),
            ("should", importance.should),
            ("nice", importance.nice),
        ] {
            if !value.is_finite() || value <= 0.0 {
                return Err(ConfigError::BadSkillImportance { name });
            }
        }
        let m = self.critical_timezone_multiplier;
        if !m.is_finite() || m < 1.0 {
            return Err(ConfigError::BadCriticalMultiplier);
        }
        if !(0.0..=MAX_EMERGING_BONUS).contains(&self.emerging_bonus) {
            return Err(ConfigError::BadEmergingBonus);
        }
        let (mean, strength) = (self.track_record_prior_mean, self.track_record_prior_strength);
        if !(1.0..=5.0).contains(&mean) || !strength.is_finite() || strength < 0.0 {
            return Err(ConfigError::BadTrackRecordPrior);
        }
        if self.candidates_per_need == 0 || self.candidates_per_need > MAX_CANDIDATES_PER_NEED {
            return Err(ConfigError::BadCandidatesPerNeed);
        }
        Ok(())
    }

    /// The bonus for an emerging priority 0–3 (clamped): `emerging_bonus × priority / 3`.
    pub fn emerging_bonus_for(&self, priority: u8) -> f64 {
        self.emerging_bonus * f64::from(priority.min(3)) / 3.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_skill_dominates() {
        let config = MatchConfig::default();
        assert_eq!(config.validate(), Ok(()));
        let w = config.weights;
        assert!(
            w.named()
                .iter()
                .all(|&(name, value)| name == "skill" || value < w.skill)
        );
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        let base = MatchConfig::default();
        let mut c = base;
        c.weights.language = -1.0;
        assert!(matches!(
            c.validate(),
            Err(ConfigError::BadWeight { name: "language", .. })
        ));
        c = base;
        c.weights = FitWeights {
            skill: 0.0,
            language: 0.0,
            timezone: 0.0,
            region: 0.0,
            load: 0.0,
            track_record: 0.0,
        };
        assert_eq!(c.validate(), Err(ConfigError::ZeroWeights));
        c = base;
        c.weights.skill = f64::NAN;
        assert!(c.validate().is_err());
        c = base;
        c.emerging_bonus = MAX_EMERGING_BONUS + 0.01;
        assert_eq!(c.validate(), Err(ConfigError::BadEmergingBonus));
        c = base;
        c.emerging_bonus = f64::NAN;
        assert_eq!(c.validate(), Err(ConfigError::BadEmergingBonus));
        c = base;
        c.critical_timezone_multiplier = 0.5;
        assert_eq!(c.validate(), Err(ConfigError::BadCriticalMultiplier));
        c = base;
        c.track_record_prior_mean = 6.0;
        assert_eq!(c.validate(), Err(ConfigError::BadTrackRecordPrior));
        c = base;
        c.skill_importance.nice = 0.0;
        assert_eq!(
            c.validate(),
            Err(ConfigError::BadSkillImportance { name: "nice" })
        );
        c = base;
        c.candidates_per_need = 0;
        assert_eq!(c.validate(), Err(ConfigError::BadCandidatesPerNeed));
    }

    #[test]
    fn emerging_bonus_is_linear_in_priority_and_bounded() {
        let c = MatchConfig::default();
        assert_eq!(c.emerging_bonus_for(0), 0.0);
        assert!((c.emerging_bonus_for(3) - c.emerging_bonus).abs() < 1e-12);
        assert_eq!(c.emerging_bonus_for(9), c.emerging_bonus_for(3));
    }
}
