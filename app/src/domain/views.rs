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
    /// A coordinator may propose volunteers (open need, approved organisation).
    pub proposable: bool,
    /// The viewer (a volunteer) may offer to help.
    pub offerable: bool,
    /// The viewer's (a volunteer's) latest engagement on this need.
    pub my_engagement: Option<i64>,
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

/// An engagement as a participant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementView {
    /// Id.
    pub id: i64,
    /// Status code.
    pub status: String,
    /// The need.
    pub need: NeedSummary,
    /// The need's public summary.
    pub need_summary: String,
    /// The volunteer.
    pub volunteer_id: i64,
    /// Their name.
    pub volunteer_name: String,
    /// Their role profile.
    pub volunteer_role: String,
    /// Their languages.
    pub volunteer_languages: Vec<String>,
    /// Who proposed (`coordinator`, `volunteer`, `matcher`).
    pub proposer_kind: String,
    /// Why.
    pub reason: String,
    /// Weekly hours asked.
    pub weekly_hours: i16,
    /// When the waiting side must answer (UTC), if waiting.
    pub expires: String,
    /// `volunteer` or `organisation`.
    pub declined_by: String,
    /// The decline reason code (an organisation's only for coordinators and the organisation).
    pub decline_reason: String,
    /// The decline note (likewise).
    pub decline_note: String,
    /// The organisation's rating and comment, once completed.
    pub organisation_rating: Option<i16>,
    /// Comment.
    pub organisation_comment: String,
    /// The volunteer's rating and comment.
    pub volunteer_rating: Option<i16>,
    /// Comment.
    pub volunteer_comment: String,
    /// Minutes logged in all.
    pub minutes_logged: i64,
    /// The confidential part, when the viewer may read it.
    pub confidential: Option<ConfidentialPart>,
    /// Proposed (UTC).
    pub created: String,
    /// What the viewer may do now.
    pub can: EngagementActions,
    /// The viewer's side.
    pub viewer: String,
}

/// The actions open to the viewer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementActions {
    /// Accept the proposal (the volunteer).
    pub accept: bool,
    /// Decline it.
    pub decline: bool,
    /// Confirm (the organisation).
    pub confirm: bool,
    /// Log hours (the volunteer, while active).
    pub log_hours: bool,
    /// Complete and rate (the organisation, while active).
    pub complete: bool,
    /// Rate the experience (the volunteer, once completed).
    pub rate: bool,
    /// Cancel.
    pub cancel: bool,
    /// Post messages.
    pub message: bool,
}

/// One message in a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// Id.
    pub id: i64,
    /// Author's name.
    pub author: String,
    /// Author's side (`volunteer`, `organisation`, `coordinator`).
    pub side: String,
    /// The text.
    pub body: String,
    /// When (UTC).
    pub at: String,
}

/// Logged time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursView {
    /// Date (YYYY-MM-DD).
    pub on: String,
    /// Minutes.
    pub minutes: i32,
    /// Note.
    pub note: String,
}

/// An engagement's page: the engagement, its thread and its logged hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementPage {
    /// The engagement.
    pub engagement: EngagementView,
    /// The thread, oldest first.
    pub messages: Vec<MessageView>,
    /// Hours logged, oldest first.
    pub hours: Vec<HoursView>,
    /// Today (UTC, YYYY-MM-DD): the default day to log hours on.
    pub today: String,
}

/// A volunteer's history: their engagements and the time they gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Engagements, newest first.
    pub engagements: Vec<EngagementView>,
    /// Minutes logged over all of them.
    pub minutes: i64,
    /// Completed engagements.
    pub completed: usize,
}

/// Notifications shown per page.
pub const NOTIFICATIONS_PAGE: u64 = 50;

/// A notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    /// Id.
    pub id: i64,
    /// What happened.
    pub kind: String,
    /// The engagement, if any.
    pub engagement_id: Option<i64>,
    /// The need, if any.
    pub need_id: Option<i64>,
    /// The need's title.
    pub subject: String,
    /// When (UTC).
    pub at: String,
    /// Read already.
    pub read: bool,
}
