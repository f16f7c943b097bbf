//! Needs: what the need form accepts, and the lifecycle every transition obeys.

use crate::domain::codes::{SkillWeight, Urgency};
use crate::{
    domain::organisation::{language_set, optional_text, text},
    validate::{FieldError, Message},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Urgency tiers, most urgent first (form values).
/// Skill weights (form values).
/// Most skills one need may ask for.
pub const MAX_SKILLS: usize = 12;

/// Where a need stands (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    /// Being written.
    Draft,
    /// Waiting for triage.
    Submitted,
    /// Open for matching.
    Open,
    /// A proposal was accepted.
    Matched,
    /// Work under way.
    InProgress,
    /// Done.
    Resolved,
    /// Closed without resolution.
    Closed,
    /// Withdrawn.
    Cancelled,
}

impl NeedStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 8] = [
        Self::Draft,
        Self::Submitted,
        Self::Open,
        Self::Matched,
        Self::InProgress,
        Self::Resolved,
        Self::Closed,
        Self::Cancelled,
    ];

    /// The stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Open => "open",
            Self::Matched => "matched",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status of a code, if it is one.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw)
    }
}

impl std::fmt::Display for NeedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// What someone does to a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NeedAction {
    /// The organisation sends it for triage (organisation approved).
    Submit,
    /// The organisation withdraws it.
    Withdraw,
    /// A coordinator opens it for matching.
    Open,
    /// A coordinator sends it back to the organisation.
    Return,
    /// An engagement was accepted by both sides.
    Match,
    /// The engagement started.
    Start,
    /// The organisation says it is resolved.
    Resolve,
    /// A coordinator closes it without resolution.
    Close,
    /// The engagement fell through: back to matching.
    Reopen,
}

/// The lifecycle: the status after `action`, or `None` when not allowed from `from`.
#[must_use]
pub fn transition(from: NeedStatus, action: NeedAction) -> Option<NeedStatus> {
    use NeedAction as A;
    use NeedStatus as S;
    match (from, action) {
        (S::Draft, A::Submit) => Some(S::Submitted),
        (S::Draft | S::Submitted | S::Open, A::Withdraw) => Some(S::Cancelled),
        (S::Submitted, A::Open) => Some(S::Open),
        (S::Submitted, A::Return) => Some(S::Draft),
        (S::Open, A::Match) => Some(S::Matched),
        (S::Matched, A::Start) => Some(S::InProgress),
        (S::Matched | S::InProgress, A::Reopen) => Some(S::Open),
        (S::Matched | S::InProgress, A::Resolve) => Some(S::Resolved),
        (S::Submitted | S::Open | S::Matched | S::InProgress, A::Close) => Some(S::Closed),
        _ => None,
    }
}

/// The need form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedInput {
    /// Title.
    pub title: String,
    /// Category id.
    pub category: String,
    /// An [`Urgency`] code.
    pub urgency: String,
    /// Estimated effort in hours.
    pub effort_hours: String,
    /// Deadline (YYYY-MM-DD), optional.
    #[serde(default)]
    pub deadline: String,
    /// Checked languages: code → "on".
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
    /// "onsite" or "remote".
    #[serde(default)]
    pub mode: String,
    /// What volunteers see.
    pub public_summary: String,
    /// What only coordinators and the engaged volunteer see.
    #[serde(default)]
    pub confidential_details: String,
    /// Skill id → minimum level ("0" or absent: not required).
    #[serde(default)]
    pub skill_level: BTreeMap<String, String>,
    /// Skill id → weight.
    #[serde(default)]
    pub skill_weight: BTreeMap<String, String>,
    /// Who authorised testing (assessment needs).
    #[serde(default)]
    pub authorisation_name: String,
    /// Their role.
    #[serde(default)]
    pub authorisation_role: String,
    /// What may be tested.
    #[serde(default)]
    pub authorisation_scope: String,
    /// When authorised (YYYY-MM-DD).
    #[serde(default)]
    pub authorisation_date: String,
}

/// A required skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredSkill {
    /// Skill id.
    pub skill_id: i64,
    /// 1–4.
    pub min_level: u8,
    /// How much it matters.
    pub weight: SkillWeight,
}

/// A validated need (category and skill ids are checked against the catalogue
/// by the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNeed {
    /// Title.
    pub title: String,
    /// Category id.
    pub category_id: i64,
    /// Urgency.
    pub urgency: Urgency,
    /// Hours.
    pub effort_hours: i32,
    /// Deadline.
    pub deadline: Option<(i32, u8, u8)>,
    /// Language codes.
    pub languages: Vec<String>,
    /// On site.
    pub onsite: bool,
    /// Public summary.
    pub public_summary: String,
    /// Confidential details.
    pub confidential_details: String,
    /// Required skills.
    pub skills: Vec<RequiredSkill>,
    /// Authorisation: name, role, scope, date.
    pub authorisation: Authorisation,
}

/// A written authorisation to scan or test.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authorisation {
    /// Who authorised.
    pub name: String,
    /// Their role.
    pub role: String,
    /// What may be tested.
    pub scope: String,
    /// When (year, month, day).
    pub date: Option<(i32, u8, u8)>,
}

/// Parses `YYYY-MM-DD`.
///
/// # Errors
/// [`Message::DateInvalid`].
pub fn date(raw: &str) -> Result<Option<(i32, u8, u8)>, Message> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let mut parts = raw.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(Message::DateInvalid);
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Err(Message::DateInvalid);
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(Message::DateInvalid),
    };
    if (2000..=2100).contains(&y) && (1..=days).contains(&d) {
        Ok(Some((y, m, d)))
    } else {
        Err(Message::DateInvalid)
    }
}

/// A whole number within `range`.
///
/// # Errors
/// [`Message::Required`], [`Message::NumberInvalid`].
pub fn number(raw: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, Message> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Message::Required);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(Message::NumberInvalid)
}

/// Required skills from the form's `skill_level[id]` / `skill_weight[id]` maps.
///
/// # Errors
/// [`Message::InvalidChoice`] for a malformed id, level or weight;
/// [`Message::TooMany`] beyond [`MAX_SKILLS`].
pub fn required_skills(
    levels: &BTreeMap<String, String>,
    weights: &BTreeMap<String, String>,
) -> Result<Vec<RequiredSkill>, Message> {
    let mut skills = Vec::new();
    for (id, level) in levels {
        let level: u8 = level.trim().parse().map_err(|_| Message::InvalidChoice)?;
        if level == 0 {
            continue;
        }
        if level > 4 {
            return Err(Message::InvalidChoice);
        }
        let skill_id = crate::validate::choice_id(id)?;
        let weight = weights
            .get(id)
            .map_or(Some(SkillWeight::Should), |w| SkillWeight::parse(w));
        let weight = weight.ok_or(Message::InvalidChoice)?;
        skills.push(RequiredSkill {
            skill_id,
            min_level: level,
            weight,
        });
    }
    if skills.len() > MAX_SKILLS {
        return Err(Message::TooMany);
    }
    Ok(skills)
}

impl NeedInput {
    /// Validates every field, reporting all errors at once.
    ///
    /// # Errors
    /// One [`FieldError`] per bad field.
    pub fn validate(&self) -> Result<ValidNeed, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut push = |field: &str, m: Message| errors.push(FieldError::new(field, m));
        let title = text(&self.title, 200, false)
            .map_err(|m| push("title", m))
            .unwrap_or_default();
        let category_id = number(&self.category, 1..=i64::MAX)
            .map_err(|m| push("category", m))
            .unwrap_or_default();
        let urgency = if let Some(urgency) = Urgency::parse(&self.urgency) {
            urgency
        } else {
            push(
                "urgency",
                if self.urgency.is_empty() {
                    Message::Required
                } else {
                    Message::InvalidChoice
                },
            );
            Urgency::Normal
        };
        let effort_hours = number(&self.effort_hours, 1..=2000)
            .map_err(|m| push("effort_hours", m))
            .ok()
            .and_then(|n| i32::try_from(n).ok())
            .unwrap_or_default();
        let deadline = date(&self.deadline)
            .map_err(|m| push("deadline", m))
            .unwrap_or_default();
        let languages = language_set(&self.languages)
            .map_err(|m| push("languages", m))
            .unwrap_or_default();
        let onsite = match self.mode.as_str() {
            "onsite" => true,
            "remote" | "" => false,
            _ => {
                push("mode", Message::InvalidChoice);
                false
            }
        };
        let public_summary = text(&self.public_summary, 4000, true)
            .map_err(|m| push("public_summary", m))
            .unwrap_or_default();
        let confidential_details = optional_text(&self.confidential_details, 20_000, true)
            .map_err(|m| push("confidential_details", m))
            .unwrap_or_default();
        let skills = required_skills(&self.skill_level, &self.skill_weight)
            .map_err(|m| push("skills", m))
            .unwrap_or_default();
        let authorisation = Authorisation {
            name: optional_text(&self.authorisation_name, 100, false)
                .map_err(|m| push("authorisation_name", m))
                .unwrap_or_default(),
            role: optional_text(&self.authorisation_role, 100, false)
                .map_err(|m| push("authorisation_role", m))
                .unwrap_or_default(),
            scope: optional_text(&self.authorisation_scope, 4000, true)
                .map_err(|m| push("authorisation_scope", m))
                .unwrap_or_default(),
            date: date(&self.authorisation_date)
                .map_err(|m| push("authorisation_date", m))
                .unwrap_or_default(),
        };
        if errors.is_empty() {
            Ok(ValidNeed {
                title,
                category_id,
                urgency,
                effort_hours,
                deadline,
                languages,
                onsite,
                public_summary,
                confidential_details,
                skills,
                authorisation,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL_STATUSES: [NeedStatus; 8] = [
        NeedStatus::Draft,
        NeedStatus::Submitted,
        NeedStatus::Open,
        NeedStatus::Matched,
        NeedStatus::InProgress,
        NeedStatus::Resolved,
        NeedStatus::Closed,
        NeedStatus::Cancelled,
    ];
    const ALL_ACTIONS: [NeedAction; 9] = [
        NeedAction::Submit,
        NeedAction::Withdraw,
        NeedAction::Open,
        NeedAction::Return,
        NeedAction::Match,
        NeedAction::Start,
        NeedAction::Resolve,
        NeedAction::Close,
        NeedAction::Reopen,
    ];

    #[test]
    fn the_lifecycle_follows_the_design() {
        use NeedAction as A;
        use NeedStatus as S;
        let mut status = S::Draft;
        for (action, expected) in [
            (A::Submit, S::Submitted),
            (A::Open, S::Open),
            (A::Match, S::Matched),
            (A::Start, S::InProgress),
            (A::Resolve, S::Resolved),
        ] {
            status = transition(status, action).unwrap_or_else(|| panic!("{action:?} from {status:?}"));
            assert_eq!(status, expected);
        }
        assert_eq!(
            transition(S::Draft, A::Open),
            None,
            "only submitted needs are triaged"
        );
        assert_eq!(transition(S::Submitted, A::Return), Some(S::Draft));
    }

    #[test]
    fn finished_needs_never_move() {
        for from in [NeedStatus::Resolved, NeedStatus::Closed, NeedStatus::Cancelled] {
            for action in ALL_ACTIONS {
                assert_eq!(transition(from, action), None, "{action:?} from {from:?}");
            }
        }
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(date("2026-02-29"), Err(Message::DateInvalid));
        assert_eq!(date("2028-02-29"), Ok(Some((2028, 2, 29))));
        assert_eq!(date(""), Ok(None));
        assert_eq!(date("29/02/2028"), Err(Message::DateInvalid));
    }

    #[test]
    fn skills_parse_from_the_form_maps() {
        let mut levels = BTreeMap::new();
        levels.insert("7".to_owned(), "3".to_owned());
        levels.insert("9".to_owned(), "0".to_owned());
        let mut weights = BTreeMap::new();
        weights.insert("7".to_owned(), "must".to_owned());
        assert_eq!(
            required_skills(&levels, &weights),
            Ok(vec![RequiredSkill {
                skill_id: 7,
                min_level: 3,
                weight: SkillWeight::Must
            }])
        );
        weights.insert("7".to_owned(), "always".to_owned());
        assert_eq!(required_skills(&levels, &weights), Err(Message::InvalidChoice));
    }

    proptest! {
        #[test]
        fn transitions_only_lead_to_real_states(from in 0usize..8, action in 0usize..9) {
            if let Some(to) = transition(ALL_STATUSES[from], ALL_ACTIONS[action]) {
                prop_assert_ne!(to, ALL_STATUSES[from]);
                prop_assert!(!matches!(ALL_STATUSES[from], NeedStatus::Resolved | NeedStatus::Closed | NeedStatus::Cancelled));
            }
        }

        #[test]
        fn numbers_stay_in_range(raw in "-?[0-9]{0,6}") {
            if let Ok(n) = number(&raw, 1..=2000) {
                prop_assert!((1..=2000).contains(&n));
            }
        }
    }
}
