//! Volunteer profiles: what the profile form accepts, and the code of conduct.

use crate::{
    domain::{
        need::number,
        organisation::{country_code, language_set, optional_text},
    },
    validate::{FieldError, Message},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The code of conduct's current version. Raising it asks every volunteer to
/// accept it again before they continue.
pub const CODE_OF_CONDUCT_VERSION: i32 = 1;
/// Most skills on one profile.
pub const MAX_SKILLS: usize = 25;
/// How far a volunteer will travel for on-site work.
pub const ONSITE_SCOPES: [&str; 4] = ["remote_only", "own_country", "sub_region", "region"];

/// The profile form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    /// ECSF role id (optional).
    #[serde(default)]
    pub role: String,
    /// Country of residence, ISO alpha-2.
    pub country: String,
    /// Offset from UTC in minutes.
    pub utc_offset: String,
    /// Hours a week.
    pub hours_per_week: String,
    /// Engagements at once.
    pub max_concurrent: String,
    /// One of [`ONSITE_SCOPES`].
    pub onsite_scope: String,
    /// Checked languages: code → "on".
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
    /// Skill id → level ("0": none).
    #[serde(default)]
    pub skill_level: BTreeMap<String, String>,
    /// Certifications, free text.
    #[serde(default)]
    pub certifications: String,
    /// Employer (for conflicts of interest).
    #[serde(default)]
    pub employer: String,
    /// A few words about oneself.
    #[serde(default)]
    pub bio: String,
    /// "on" when the code of conduct is accepted.
    #[serde(default)]
    pub accept_code_of_conduct: Option<String>,
}

/// A validated profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProfile {
    /// ECSF role id.
    pub role_id: Option<i64>,
    /// Country.
    pub country: String,
    /// UTC offset, minutes.
    pub utc_offset_minutes: i16,
    /// Hours a week.
    pub hours_per_week: i16,
    /// Concurrent engagements.
    pub max_concurrent: i16,
    /// On-site scope.
    pub onsite_scope: String,
    /// Languages.
    pub languages: Vec<String>,
    /// (skill id, level 1–4).
    pub skills: Vec<(i64, u8)>,
    /// Certifications.
    pub certifications: String,
    /// Employer.
    pub employer: String,
    /// Bio.
    pub bio: String,
    /// Accepted the current code of conduct now.
    pub accepts_code_of_conduct: bool,
}

/// Whether `minutes` is a real time-zone offset (quarter hours, −12:00 to +14:00).
#[must_use]
pub fn is_utc_offset(minutes: i64) -> bool {
    (-720..=840).contains(&minutes) && minutes % 15 == 0
}

impl ProfileInput {
    /// Validates every field, reporting all errors at once. `coc_needed` says the
    /// volunteer has not yet accepted the current code of conduct.
    ///
    /// # Errors
    /// One [`FieldError`] per bad field.
    pub fn validate(&self, coc_needed: bool) -> Result<ValidProfile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut push = |field: &str, m: Message| errors.push(FieldError::new(field, m));
        let role_id = if self.role.trim().is_empty() {
            None
        } else {
            number(&self.role, 1..=i64::MAX).map_err(|m| push("role", m)).ok()
        };
        let country = country_code(&self.country)
            .map_err(|m| push("country", m))
            .unwrap_or_default();
        let utc_offset_minutes = number(&self.utc_offset, -720..=840)
            .ok()
            .filter(|m| is_utc_offset(*m))
            .and_then(|m| i16::try_from(m).ok());
        if utc_offset_minutes.is_none() {
            push("utc_offset", Message::InvalidChoice);
        }
        let hours = number(&self.hours_per_week, 1..=60)
            .map_err(|m| push("hours_per_week", m))
            .unwrap_or(1);
        let concurrent = number(&self.max_concurrent, 1..=10)
            .map_err(|m| push("max_concurrent", m))
            .unwrap_or(1);
        if !ONSITE_SCOPES.contains(&self.onsite_scope.as_str()) {
            push("onsite_scope", Message::InvalidChoice);
        }
        let languages = language_set(&self.languages)
            .map_err(|m| push("languages", m))
            .unwrap_or_default();
        let mut skills = Vec::new();
        for (id, level) in &self.skill_level {
            match (crate::validate::choice_id(id), level.trim().parse::<u8>()) {
                (Ok(_), Ok(0)) => {}
                (Ok(id), Ok(level @ 1..=4)) => skills.push((id, level)),
                _ => push("skills", Message::InvalidChoice),
            }
        }
        if skills.is_empty() {
            push("skills", Message::Required);
        } else if skills.len() > MAX_SKILLS {
            push("skills", Message::TooMany);
        }
        let certifications = optional_text(&self.certifications, 1000, true)
            .map_err(|m| push("certifications", m))
            .unwrap_or_default();
        let employer = optional_text(&self.employer, 200, false)
            .map_err(|m| push("employer", m))
            .unwrap_or_default();
        let bio = optional_text(&self.bio, 2000, true)
            .map_err(|m| push("bio", m))
            .unwrap_or_default();
        let accepts = self.accept_code_of_conduct.is_some();
        if coc_needed && !accepts {
            push("accept_code_of_conduct", Message::MustAccept);
        }
        match (errors.is_empty(), utc_offset_minutes) {
            (true, Some(utc_offset_minutes)) => Ok(ValidProfile {
                role_id,
                country,
                utc_offset_minutes,
                hours_per_week: i16::try_from(hours).unwrap_or(1),
                max_concurrent: i16::try_from(concurrent).unwrap_or(1),
                onsite_scope: self.onsite_scope.clone(),
                languages,
                skills,
                certifications,
                employer,
                bio,
                accepts_code_of_conduct: accepts,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_quarter_hours_within_the_world() {
        assert!(is_utc_offset(330) && is_utc_offset(-720) && is_utc_offset(840) && is_utc_offset(345));
        assert!(!is_utc_offset(850) && !is_utc_offset(10));
    }

    #[test]
    fn the_code_of_conduct_must_be_accepted_once() {
        let mut languages = BTreeMap::new();
        languages.insert("en".to_owned(), "on".to_owned());
        let mut skill_level = BTreeMap::new();
        skill_level.insert("3".to_owned(), "2".to_owned());
        let input = ProfileInput {
            country: "KE".into(),
            utc_offset: "180".into(),
            hours_per_week: "4".into(),
            max_concurrent: "1".into(),
            onsite_scope: "own_country".into(),
            languages,
            skill_level,
            ..ProfileInput::default()
        };
        let errors = input.validate(true).err().unwrap_or_default();
        assert_eq!(
            errors,
            vec![FieldError::new("accept_code_of_conduct", Message::MustAccept)]
        );
        assert!(input.validate(false).is_ok(), "already accepted");
    }
}
