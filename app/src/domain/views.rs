//! What pages show: organisations, needs and volunteers as read models.

use serde::{Deserialize, Serialize};

/// An organisation as its members and coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Country code.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// City.
    pub city: String,
    /// Size band code.
    pub size: String,
    /// Language codes.
    pub languages: Vec<String>,
    /// Website (http(s) only).
    pub website: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Vetting status code.
    pub status: String,
    /// The coordinator's note.
    pub vetting_note: String,
    /// World Bank income group code.
    pub income_group: String,
    /// Effective emerging-economy priority (0–3).
    pub priority: u8,
    /// A coordinator's override, if any.
    pub priority_override: Option<u8>,
    /// Why.
    pub priority_override_reason: Option<String>,
    /// Registered (UTC).
    pub created: String,
}

/// A member of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    /// Account id.
    pub account_id: i64,
    /// Name.
    pub display_name: String,
    /// Email.
    pub email: String,
    /// May edit the profile and invite.
    pub is_admin: bool,
}

/// A need in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedSummary {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Organisation name.
    pub organisation: String,
    /// Organisation country code.
    pub country: String,
    /// Category name.
    pub category: String,
    /// Urgency code.
    pub urgency: String,
    /// Status code.
    pub status: String,
    /// Effort in hours.
    pub effort_hours: i32,
    /// On site.
    pub onsite: bool,
    /// Languages.
    pub languages: Vec<String>,
    /// Emerging-economy priority (0–3).
    pub priority: u8,
    /// Last change (UTC).
    pub updated: String,
}

/// A required skill as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillRequirement {
    /// Skill id.
    pub skill_id: i64,
    /// Skill name.
    pub name: String,
    /// Minimum level 1–4.
    pub min_level: u8,
    /// `must`, `should` or `nice`.
    pub weight: String,
}

/// The parts only some people may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfidentialPart {
    /// Confidential details.
    pub details: String,
    /// Written authorisation: name.
    pub authorisation_name: String,
    /// Role.
    pub authorisation_role: String,
    /// Scope.
    pub authorisation_scope: String,
    /// Date (YYYY-MM-DD) or empty.
    pub authorisation_date: String,
}

/// One need, as much of it as the viewer may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedDetail {
    /// The list facts.
    pub summary: NeedSummary,
    /// Organisation id.
    pub organisation_id: i64,
    /// Category id.
    pub category_id: i64,
    /// Public summary.
    pub public_summary: String,
    /// Deadline (YYYY-MM-DD) or empty.
    pub deadline: String,
    /// Required skills.
    pub skills: Vec<SkillRequirement>,
    /// The confidential part, for those who may read it.
    pub confidential: Option<ConfidentialPart>,
    /// The coordinators' triage note.
    pub triage_note: String,
    /// Whether the viewer may edit it (a member, while draft).
    pub editable: bool,
    /// Whether the viewer may submit it (a member of an approved organisation, while draft).
    pub submittable: bool,
    /// Whether the viewer may withdraw it.
    pub withdrawable: bool,
    /// Whether the viewer may triage it (a coordinator, while submitted).
    pub triageable: bool,
    /// Whether the category needs a written authorisation.
    pub requires_authorisation: bool,
}

/// A volunteer profile as the volunteer and coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerView {
    /// Account id.
    pub account_id: i64,
    /// Name.
    pub display_name: String,
    /// Email (coordinators and the volunteer only).
    pub email: String,
    /// ECSF role id.
    pub role_id: Option<i64>,
    /// ECSF role name.
    pub role: String,
    /// Country code.
    pub country: String,
    /// UTC offset in minutes.
    pub utc_offset_minutes: i16,
    /// Hours a week.
    pub hours_per_week: i16,
    /// Concurrent engagements.
    pub max_concurrent: i16,
    /// On-site scope code.
    pub onsite_scope: String,
    /// Languages.
    pub languages: Vec<String>,
    /// (skill id, name, level).
    pub skills: Vec<(i64, String, u8)>,
    /// Certifications.
    pub certifications: String,
    /// Employer.
    pub employer: String,
    /// Bio.
    pub bio: String,
    /// Vetting status code.
    pub status: String,
    /// The coordinator's note.
    pub vetting_note: String,
    /// Whether the current code of conduct is accepted.
    pub code_of_conduct_current: bool,
    /// Registered (UTC).
    pub created: String,
}

/// A page of some list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// How many match in all.
    pub total: u64,
    /// This page (zero-based).
    pub page: u64,
    /// Rows per page.
    pub page_size: u64,
}
