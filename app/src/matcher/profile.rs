//! The matcher's inputs: a volunteer's and a need's profile, as plain data a service fills
//! from the database (or a test builds by hand).
//!
//! Out-of-range values are read leniently and documented field by field (a skill level is
//! clamped to 1–4, a lowered factor to `[0, 1]`, an emerging priority to 0–3), so that a bad
//! row can lower a score but never break a ranking.

use serde::{Deserialize, Serialize};

/// ISO 3166-1 alpha-2 country code, as two ASCII bytes (`*b"KE"`).
pub type CountryCode = [u8; 2];

/// A vetted (or not yet vetted) volunteer as the matcher sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerProfile {
    /// The volunteer's id.
    pub id: i64,
    /// Approved by a coordinator; only approved volunteers are matched.
    pub approved: bool,
    /// `(skill id, level)` with level 1 aware, 2 practitioner, 3 expert, 4 leader (clamped to
    /// 1–4; 0 means "not held"). A skill listed twice counts at its higher level.
    pub skills: Vec<(u32, u8)>,
    /// Languages spoken, BCP-47-ish codes (`"en"`, `"fr-CA"`); compared by primary subtag,
    /// case-insensitively.
    pub languages: Vec<String>,
    /// Country of residence.
    pub country: CountryCode,
    /// UN M49 sub-region code (e.g. 14 Eastern Africa).
    pub sub_region: u16,
    /// UN M49 region code (e.g. 2 Africa).
    pub region: u16,
    /// Offset of the volunteer's time zone from UTC, in minutes.
    pub utc_offset_minutes: i16,
    /// Hours per week offered.
    pub hours_per_week: u16,
    /// Hours per week already committed to active engagements.
    pub committed_hours: u16,
    /// Maximum number of concurrent engagements.
    pub max_concurrent: u8,
    /// Engagements currently active (or proposed and not yet answered).
    pub active_engagements: u8,
    /// Helps remotely only.
    pub remote_only: bool,
    /// Countries where the volunteer can help on site (their own country always counts).
    pub onsite_countries: Vec<CountryCode>,
    /// Organisations the volunteer must not be matched with (employer, declarations).
    pub conflicted_orgs: Vec<i64>,
    /// Engagements completed.
    pub completed_engagements: u32,
    /// Sum of the ratings received, each 1–5.
    pub rating_sum: u32,
    /// Number of ratings received.
    pub rating_count: u32,
}

impl VolunteerProfile {
    /// Weekly hours not yet committed.
    pub fn free_hours(&self) -> u16 {
        self.hours_per_week.saturating_sub(self.committed_hours)
    }

    /// Engagements the volunteer can still take.
    pub fn free_slots(&self) -> u8 {
        self.max_concurrent.saturating_sub(self.active_engagements)
    }

    /// The level held in `skill` (0 when not held), clamped to 0–4.
    pub fn level(&self, skill: u32) -> u8 {
        self.skills
            .iter()
            .filter(|s| s.0 == skill)
            .map(|s| s.1.min(4))
            .max()
            .unwrap_or(0)
    }
}

/// How much a required skill matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SkillWeight {
    /// A gate: volunteers without it at the minimum level are excluded.
    Must,
    /// Counts strongly in the skill fit.
    Should,
    /// Counts a little in the skill fit.
    Nice,
}

/// A skill a need asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredSkill {
    /// Skill id from the catalogue.
    pub skill: u32,
    /// Minimum level 1–4 (clamped).
    pub min_level: u8,
    /// Must, should or nice.
    pub weight: SkillWeight,
}

impl RequiredSkill {
    /// The minimum level clamped to 1–4.
    pub fn required_level(&self) -> u8 {
        self.min_level.clamp(1, 4)
    }
}

/// Urgency tiers, strictly ordered: every critical need comes before every high one, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Urgency {
    /// Active incident, patient care affected.
    Critical,
    /// Incident contained, or exposure known.
    High,
    /// Ordinary need.
    Normal,
    /// Planning.
    Low,
}

impl Urgency {
    /// All tiers, most urgent first.
    pub const ALL: [Self; 4] = [Self::Critical, Self::High, Self::Normal, Self::Low];

    /// 0 for critical … 3 for low.
    pub fn rank(self) -> usize {
        match self {
            Self::Critical => 0,
            Self::High => 1,
            Self::Normal => 2,
            Self::Low => 3,
        }
    }
}

/// An open need as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedProfile {
    /// The need's id.
    pub id: i64,
    /// The organisation that posted it (for conflicts of interest).
    pub org_id: i64,
    /// Skills asked for.
    pub skills: Vec<RequiredSkill>,
    /// Languages the organisation works in, preferred first; empty means any.
    pub languages: Vec<String>,
    /// Urgency tier.
    pub urgency: Urgency,
    /// Hours per week the need asks of a volunteer.
    pub weekly_hours: u16,
    /// `true` for remote help, `false` for on-site.
    pub remote: bool,
    /// The organisation's country.
    pub country: CountryCode,
    /// UN M49 sub-region of the organisation.
    pub sub_region: u16,
    /// UN M49 region of the organisation.
    pub region: u16,
    /// Offset of the organisation's time zone from UTC, in minutes.
    pub utc_offset_minutes: i16,
    /// Emerging-economy priority 0–3 (3 low-income … 0 high-income, after any coordinator
    /// override); clamped to 3.
    pub emerging_priority: u8,
    /// When the need started waiting (unix seconds); earlier waits longer.
    pub waiting_since: i64,
    /// `(volunteer id, factor in (0, 1])`: earlier declines lower that pair's fit. Factors
    /// are clamped to `[0, 1]` (not finite: ignored); several entries multiply.
    pub lowered_pairs: Vec<(i64, f64)>,
}

impl NeedProfile {
    /// The product of the lowered factors recorded for `volunteer_id` (1 when none).
    pub fn lowered_factor(&self, volunteer_id: i64) -> f64 {
        self.lowered_pairs
            .iter()
            .filter(|p| p.0 == volunteer_id && p.1.is_finite())
            .fold(1.0, |acc, p| acc * p.1.clamp(0.0, 1.0))
    }
}

/// The primary subtag of a language code, lower-cased: `"fr-CA"` → `"fr"`.
pub fn primary_language(code: &str) -> String {
    let primary = code.trim().split(['-', '_']).next().unwrap_or("");
    primary.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_compare_by_primary_subtag() {
        assert_eq!(primary_language("fr-CA"), "fr");
        assert_eq!(primary_language(" EN_gb "), "en");
        assert_eq!(primary_language(""), "");
    }

    #[test]
    fn urgency_orders_most_urgent_first() {
        assert!(Urgency::Critical < Urgency::High && Urgency::High < Urgency::Normal);
        assert!(Urgency::Normal < Urgency::Low);
        assert_eq!(Urgency::ALL.map(Urgency::rank), [0, 1, 2, 3]);
    }
}
