//! Hard gates: the conditions a volunteer must meet to be considered for a need at all.
//!
//! Gates are checked in a fixed order and a volunteer is reported against the first one
//! it fails: approved → capacity (free weekly hours ≥ the need's hours and a free
//! engagement slot) → a shared language (a need with no languages accepts any) → every
//! *must* skill at its minimum level → no conflict of interest with the organisation → for
//! an on-site need, not remote-only and the need's country among the volunteer's on-site
//! countries (or their own). The index in `index` evaluates the same gates as bitset
//! operations; tests check that both agree.

use serde::{Deserialize, Serialize};

use super::profile::{CountryCode, NeedProfile, SkillWeight, VolunteerProfile, primary_language};

/// The gates, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum GateKind {
    /// Volunteer approved by a coordinator.
    Approved,
    /// Free weekly hours and a free engagement slot.
    Capacity,
    /// A language in common.
    Language,
    /// Every must skill at its minimum level.
    MustSkills,
    /// No conflict of interest with the organisation.
    ConflictOfInterest,
    /// On-site range, for on-site needs.
    OnsiteRange,
}

impl GateKind {
    /// All gates in checking order.
    pub const ALL: [Self; 6] = [
        Self::Approved,
        Self::Capacity,
        Self::Language,
        Self::MustSkills,
        Self::ConflictOfInterest,
        Self::OnsiteRange,
    ];
}

/// Why a volunteer was excluded, with the facts a coordinator needs to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GateFailure {
    /// Not (yet) approved.
    NotApproved,
    /// Not enough free hours or no free engagement slot.
    NoCapacity {
        /// Weekly hours still free.
        free_hours: u16,
        /// Weekly hours the need asks for.
        needed_hours: u16,
        /// Active engagements.
        active: u8,
        /// Maximum concurrent engagements.
        max_concurrent: u8,
    },
    /// No language in common with the need.
    NoSharedLanguage,
    /// A must skill missing or below its minimum level.
    MissingMustSkill {
        /// The skill.
        skill: u32,
        /// Its minimum level.
        min_level: u8,
        /// The level held (0 = none).
        held: u8,
    },
    /// The volunteer is conflicted with the need's organisation.
    ConflictOfInterest {
        /// The organisation.
        org_id: i64,
    },
    /// The need is on site and the volunteer helps remotely only.
    RemoteOnly,
    /// The need is on site in a country the volunteer does not cover.
    OutsideOnsiteRange {
        /// The need's country.
        country: CountryCode,
    },
}

impl GateFailure {
    /// The gate that failed.
    pub fn kind(&self) -> GateKind {
        match self {
            Self::NotApproved => GateKind::Approved,
            Self::NoCapacity { .. } => GateKind::Capacity,
            Self::NoSharedLanguage => GateKind::Language,
            Self::MissingMustSkill { .. } => GateKind::MustSkills,
            Self::ConflictOfInterest { .. } => GateKind::ConflictOfInterest,
            Self::RemoteOnly | Self::OutsideOnsiteRange { .. } => GateKind::OnsiteRange,
        }
    }
}

/// How many volunteers each gate excluded (each counted at the first gate it failed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateCounts {
    /// Not approved.
    pub approved: u32,
    /// No capacity.
    pub capacity: u32,
    /// No shared language.
    pub language: u32,
    /// A must skill missing.
    pub must_skills: u32,
    /// Conflict of interest.
    pub conflict_of_interest: u32,
    /// Outside on-site range (or remote-only).
    pub onsite_range: u32,
}

impl GateCounts {
    /// The count for one gate.
    pub fn get(&self, kind: GateKind) -> u32 {
        match kind {
            GateKind::Approved => self.approved,
            GateKind::Capacity => self.capacity,
            GateKind::Language => self.language,
            GateKind::MustSkills => self.must_skills,
            GateKind::ConflictOfInterest => self.conflict_of_interest,
            GateKind::OnsiteRange => self.onsite_range,
        }
    }

    /// Adds `n` to one gate's count (saturating).
    pub fn add(&mut self, kind: GateKind, n: u32) {
        let slot = match kind {
            GateKind::Approved => &mut self.approved,
            GateKind::Capacity => &mut self.capacity,
            GateKind::Language => &mut self.language,
            GateKind::MustSkills => &mut self.must_skills,
            GateKind::ConflictOfInterest => &mut self.conflict_of_interest,
            GateKind::OnsiteRange => &mut self.onsite_range,
        };
        *slot = slot.saturating_add(n);
    }

    /// Volunteers excluded in total.
    pub fn total(&self) -> u64 {
        GateKind::ALL.iter().map(|&k| u64::from(self.get(k))).sum()
    }
}

/// Whether the volunteer speaks one of the need's languages (any, if the need lists none).
pub fn shares_language(volunteer: &VolunteerProfile, need: &NeedProfile) -> bool {
    if need.languages.is_empty() {
        return true;
    }
    let theirs: Vec<String> = volunteer.languages.iter().map(|l| primary_language(l)).collect();
    need.languages
        .iter()
        .any(|l| theirs.contains(&primary_language(l)))
}

/// The first gate the volunteer fails for the need, if any.
///
/// # Errors
/// The [`GateFailure`] of the first gate failed, in the order of [`GateKind::ALL`].
pub fn check(volunteer: &VolunteerProfile, need: &NeedProfile) -> Result<(), GateFailure> {
    if !volunteer.approved {
        return Err(GateFailure::NotApproved);
    }
    if volunteer.free_hours() < need.weekly_hours || volunteer.free_slots() == 0 {
        return Err(GateFailure::NoCapacity {
            free_hours: volunteer.free_hours(),
            needed_hours: need.weekly_hours,
            active: volunteer.active_engagements,
            max_concurrent: volunteer.max_concurrent,
        });
    }
    if !shares_language(volunteer, need) {
        return Err(GateFailure::NoSharedLanguage);
    }
    for required in need.skills.iter().filter(|s| s.weight == SkillWeight::Must) {
        let held = volunteer.level(required.skill);
        if held < required.required_level() {
            return Err(GateFailure::MissingMustSkill {
                skill: required.skill,
                min_level: required.required_level(),
                held,
            });
        }
    }
    if volunteer.conflicted_orgs.contains(&need.org_id) {
        return Err(GateFailure::ConflictOfInterest { org_id: need.org_id });
    }
    if !need.remote {
        if volunteer.remote_only {
            return Err(GateFailure::RemoteOnly);
        }
        if volunteer.country != need.country && !volunteer.onsite_countries.contains(&need.country) {
            return Err(GateFailure::OutsideOnsiteRange {
                country: need.country,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::profile::{RequiredSkill, Urgency};
    use super::*;

    pub(crate) fn volunteer() -> VolunteerProfile {
        VolunteerProfile {
            id: 7,
            approved: true,
            skills: vec![(1, 3), (2, 2)],
            languages: vec!["en".into(), "fr-FR".into()],
            country: *b"KE",
            sub_region: 14,
            region: 2,
            utc_offset_minutes: 180,
            hours_per_week: 10,
            committed_hours: 4,
            max_concurrent: 2,
            active_engagements: 1,
            remote_only: false,
            onsite_countries: vec![*b"UG"],
            conflicted_orgs: vec![99],
            completed_engagements: 2,
            rating_sum: 9,
            rating_count: 2,
        }
    }

    pub(crate) fn need() -> NeedProfile {
        NeedProfile {
            id: 1,
            org_id: 5,
            skills: vec![
                RequiredSkill {
                    skill: 1,
                    min_level: 2,
                    weight: SkillWeight::Must,
                },
                RequiredSkill {
                    skill: 3,
                    min_level: 2,
                    weight: SkillWeight::Nice,
                },
            ],
            languages: vec!["FR".into()],
            urgency: Urgency::High,
            weekly_hours: 5,
            remote: true,
            country: *b"TZ",
            sub_region: 14,
            region: 2,
            utc_offset_minutes: 180,
            emerging_priority: 2,
            waiting_since: 1_700_000_000,
            lowered_pairs: vec![],
        }
    }

    #[test]
    fn a_qualified_volunteer_passes_every_gate() {
        assert_eq!(check(&volunteer(), &need()), Ok(()));
    }

    #[test]
    fn each_gate_reports_its_own_reason() {
        let n = need();
        let mut v = volunteer();
        v.approved = false;
        assert_eq!(check(&v, &n), Err(GateFailure::NotApproved));

        v = volunteer();
        v.committed_hours = 6;
        assert!(matches!(
            check(&v, &n),
            Err(GateFailure::NoCapacity {
                free_hours: 4,
                needed_hours: 5,
                ..
            })
        ));
        v = volunteer();
        v.active_engagements = 2;
        assert_eq!(check(&v, &n).map_err(|e| e.kind()), Err(GateKind::Capacity));

        v = volunteer();
        v.languages = vec!["sw".into()];
        assert_eq!(check(&v, &n), Err(GateFailure::NoSharedLanguage));
        let mut any_language = need();
        any_language.languages.clear();
        assert_eq!(check(&v, &any_language), Ok(()));

        v = volunteer();
        v.skills = vec![(1, 1)];
        assert_eq!(
            check(&v, &n),
            Err(GateFailure::MissingMustSkill {
                skill: 1,
                min_level: 2,
                held: 1
            })
        );

        v = volunteer();
        v.conflicted_orgs = vec![5];
        assert_eq!(check(&v, &n), Err(GateFailure::ConflictOfInterest { org_id: 5 }));
    }

    #[test]
    fn on_site_needs_require_range_and_no_remote_only() {
        let mut n = need();
        n.remote = false;
        let mut v = volunteer();
        assert_eq!(
            check(&v, &n),
            Err(GateFailure::OutsideOnsiteRange { country: *b"TZ" })
        );
        n.country = *b"UG";
        assert_eq!(check(&v, &n), Ok(()));
        n.country = *b"KE";
        assert_eq!(check(&v, &n), Ok(()));
        v.remote_only = true;
        assert_eq!(check(&v, &n), Err(GateFailure::RemoteOnly));
    }

    #[test]
    fn counts_add_up() {
        let mut c = GateCounts::default();
        c.add(GateKind::Language, 3);
        c.add(GateKind::OnsiteRange, 2);
        assert_eq!((c.get(GateKind::Language), c.total()), (3, 5));
    }
}
