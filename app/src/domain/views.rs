//! What pages show: organisations, needs and volunteers as read models.

use crate::{
    domain::{
        codes::{
            Factor, Gate, MailKind, MailMode, MailState, MailTopic, NotificationKind, OrganisationKind,
            OrganisationSize, Proposer, RunStage, RunStatus, SkillWeight, Urgency, VettingStatus,
        },
        engagement::EngagementStatus,
        need::NeedStatus,
    },
    model::Role,
};
use serde::{Deserialize, Serialize};

/// An organisation as its members and coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrganisationKind,
    /// Country code.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// City.
    pub city: String,
    /// Size band.
    pub size: OrganisationSize,
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
    /// Vetting status.
    pub status: VettingStatus,
    /// The coordinator's note.
    pub vetting_note: String,
    /// World Bank income group code.
    pub income_group: String,
    /// Registered (UTC).
    pub created: String,
}

/// What only coordinators see of an organisation: how the matcher ranks it.
/// A type of its own, so no member's answer can carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationTriage {
    /// Effective emerging-economy priority (0–3).
    pub priority: u8,
    /// A coordinator's override, if any.
    pub priority_override: Option<u8>,
    /// Why.
    pub priority_override_reason: Option<String>,
}

/// An organisation as coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriagedOrganisation {
    /// What everyone entitled to see the organisation sees.
    pub organisation: OrganisationView,
    /// What only coordinators see.
    pub triage: OrganisationTriage,
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
    /// Whether the member confirmed their address.
    pub email_verified: bool,
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
    /// Urgency.
    pub urgency: Urgency,
    /// Status.
    pub status: NeedStatus,
    /// Effort in hours.
    pub effort_hours: i32,
    /// On site.
    pub onsite: bool,
    /// Languages.
    pub languages: Vec<String>,
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
    /// How much it matters.
    pub weight: SkillWeight,
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
    /// What only those who follow the need (its organisation's members and
    /// coordinators) see; `None` for volunteers, so their answers cannot carry it.
    pub following: Option<NeedFollowing>,
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

/// What the organisation's members and coordinators see of a need, and no one
/// else: a type of its own, so a volunteer's answer has no such fields at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedFollowing {
    /// The confidential part.
    pub confidential: ConfidentialPart,
    /// The coordinators' triage note (why it was returned, say).
    pub triage_note: String,
    /// Seconds from opening to the first acceptance of a proposal, once there is one.
    pub first_acceptance_secs: Option<i64>,
    /// What happened to it, oldest first.
    pub history: Vec<NeedEvent>,
}

/// What happened to a need, as its history tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NeedEventKind {
    /// Sent for triage.
    Submitted,
    /// Opened for matching.
    Opened,
    /// A volunteer was proposed.
    Proposed,
    /// A volunteer was proposed at once by the critical fast path.
    ProposedAtOnce,
    /// A volunteer offered to help.
    Offered,
    /// The volunteer accepted a proposal.
    Accepted,
    /// The organisation confirmed: the work is on.
    Confirmed,
    /// One side declined.
    Declined,
    /// Not answered in time.
    Expired,
    /// A fast-path proposal was withdrawn: another volunteer accepted first.
    Withdrawn,
    /// Called off (the need was taken or withdrawn, a side lost its standing).
    Cancelled,
    /// The work was completed.
    Completed,
}

/// One entry of a need's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedEvent {
    /// When (UTC, `YYYY-MM-DD HH:MM UTC`).
    pub at: String,
    /// What.
    pub kind: NeedEventKind,
    /// The volunteer concerned, if one is.
    pub volunteer: String,
    /// (Acceptances) seconds since the need opened.
    pub after_opening_secs: Option<i64>,
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
    /// Whether the volunteer confirmed their address (vetting waits for it).
    pub email_verified: bool,
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
    /// Vetting status.
    pub status: VettingStatus,
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
    /// Status.
    pub status: EngagementStatus,
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
    pub proposer_kind: Proposer,
    /// Why.
    pub reason: String,
    /// Weekly hours asked.
    pub weekly_hours: i16,
    /// When the waiting side must answer (UTC), if waiting.
    pub expires: String,
    /// `volunteer` or `organisation`.
    pub declined_by: String,
    /// Why it was declined; an organisation's reasons reach only coordinators and
    /// the organisation (`None` for the volunteer, so the answer has no such field).
    pub decline: Option<DeclineReason>,
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

/// Why one side declined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclineReason {
    /// The reason code.
    pub reason: String,
    /// The note.
    pub note: String,
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
    pub kind: NotificationKind,
    /// The engagement, if any.
    pub engagement_id: Option<i64>,
    /// The need, if any.
    pub need_id: Option<i64>,
    /// The advisory, if any.
    pub advisory_id: Option<i64>,
    /// The need's (or advisory's) title.
    pub subject: String,
    /// When (UTC).
    pub at: String,
    /// Read already.
    pub read: bool,
}

/// One factor of a fit: its value in [0, 1], its weight, and value × weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorView {
    /// The factor.
    pub name: Factor,
    /// Value in [0, 1].
    pub value: f64,
    /// Normalised weight.
    pub weight: f64,
    /// value × weight.
    pub contribution: f64,
}

/// Why a volunteer cannot take a need: the gate and its facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateView {
    /// The gate.
    pub gate: Gate,
    /// The missing skill's name (must_skills); `slots` when capacity failed
    /// for want of a free engagement slot.
    pub skill: String,
    /// Level held / required (must_skills); free / needed hours (capacity), or
    /// engagements active / allowed (capacity, `slots`).
    pub have: i64,
    /// See `have`.
    pub need: i64,
}

/// A ranked candidate for a need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateView {
    /// Rank, from 1.
    pub rank: usize,
    /// The volunteer.
    pub volunteer_id: i64,
    /// Name.
    pub name: String,
    /// ECSF role.
    pub role: String,
    /// Country code.
    pub country: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Fit in [0, 1].
    pub fit: f64,
    /// The factors.
    pub factors: Vec<FactorView>,
    /// Below 1 when earlier declines lowered this pair.
    pub lowered: f64,
    /// Already proposed for or working on this need.
    pub engaged: bool,
    /// A one-line explanation, used as the proposal's reason.
    pub reason: String,
}

/// A volunteer a gate excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedView {
    /// The volunteer.
    pub volunteer_id: i64,
    /// Name.
    pub name: String,
    /// The first gate they failed.
    pub gate: GateView,
}

/// The matching console for one need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleView {
    /// The need.
    pub need: NeedSummary,
    /// Open for matching (else nothing can be proposed).
    pub open: bool,
    /// Volunteers in the index (approved).
    pub volunteers: u32,
    /// Volunteers passing every gate.
    pub eligible: u32,
    /// How many each gate excluded: (gate, count).
    pub excluded_by_gate: Vec<(Gate, u32)>,
    /// The best candidates.
    pub candidates: Vec<CandidateView>,
    /// Volunteers holding the need's skills whom a gate stopped.
    pub near_misses: Vec<ExcludedView>,
    /// The answer to "why not this volunteer?", when asked.
    pub asked: Option<AskedView>,
}

/// One volunteer looked up in the console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskedView {
    /// Who was asked about (as typed).
    pub query: String,
    /// Their candidacy, when they pass every gate.
    pub candidate: Option<CandidateView>,
    /// The gate that stopped them.
    pub excluded: Option<ExcludedView>,
}

/// One row of the triage board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageRow {
    /// The need.
    pub need: NeedSummary,
    /// Emerging-economy priority (0–3), a coordinators' figure.
    pub priority: u8,
    /// UN M49 region of the organisation.
    pub region: String,
    /// Income group code of its country.
    pub income_group: String,
    /// Days since it opened.
    pub waiting_days: i64,
    /// Live engagements on it (proposals waiting, work on).
    pub live_engagements: u32,
}

/// Triage rows per page.
pub const TRIAGE_PAGE: u64 = 50;

/// The triage board: open needs by priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageBoard {
    /// This page's rows.
    pub rows: Vec<TriageRow>,
    /// Rows matching the filters.
    pub total: u64,
    /// Zero-based page.
    pub page: u64,
    /// Regions to filter by.
    pub regions: Vec<String>,
}

/// A need that fits a volunteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitView {
    /// The need.
    pub need: NeedSummary,
    /// Fit in [0, 1].
    pub fit: f64,
    /// The factors.
    pub factors: Vec<FactorView>,
    /// Weekly hours it asks.
    pub weekly_hours: u16,
}

/// "Needs that fit you".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitsView {
    /// The best needs, most urgent tier first.
    pub needs: Vec<FitView>,
    /// Open needs considered.
    pub open_needs: u32,
    /// Weekly hours still free / engagement slots still free.
    pub free_hours: u16,
    /// See `free_hours`.
    pub free_slots: u8,
    /// Approved (else nothing is matched).
    pub approved: bool,
}

/// Batch pairs per preview page.
pub const PAIRS_PAGE: u64 = 50;

/// A runner-up of a batch pair and why they lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerUpView {
    /// The volunteer.
    pub volunteer_id: i64,
    /// Name.
    pub name: String,
    /// Fit.
    pub fit: f64,
    /// `capacity`, `more_urgent`, `lower_utility`, `gate`.
    pub reason: String,
    /// The need that took them (capacity, more_urgent).
    pub taken_by: String,
    /// The gate (gate).
    pub gate: Option<GateView>,
}

/// A proposed pair in a batch preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairView {
    /// The need.
    pub need_id: i64,
    /// Title.
    pub need_title: String,
    /// Organisation (country).
    pub organisation: String,
    /// Urgency.
    pub urgency: Urgency,
    /// Emerging-economy priority 0–3.
    pub priority: u8,
    /// The volunteer.
    pub volunteer_id: i64,
    /// Name.
    pub volunteer_name: String,
    /// Fit.
    pub fit: f64,
    /// The factors.
    pub factors: Vec<FactorView>,
    /// Who else, and why not.
    pub runners_up: Vec<RunnerUpView>,
}

/// A need a batch run could not serve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnservedView {
    /// The need.
    pub need_id: i64,
    /// Title.
    pub need_title: String,
    /// Urgency.
    pub urgency: Urgency,
    /// `no_eligible` or `taken`.
    pub reason: String,
    /// Who could have, and why they did not.
    pub runners_up: Vec<RunnerUpView>,
}

/// Counts of a batch run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Open needs without a live proposal, matched over.
    pub needs: u32,
    /// Approved volunteers.
    pub volunteers: u32,
    /// Pairs proposed, per tier (critical, high, normal, low).
    pub assigned_per_tier: [u32; 4],
    /// Needs left unserved.
    pub unserved: u32,
    /// Candidate arcs solved over.
    pub candidate_arcs: u64,
    /// Arcs re-added by the dual-price check.
    pub readded_arcs: u64,
    /// Seconds spent computing.
    pub seconds: f64,
}

/// What applying a batch created and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOutcome {
    /// Proposals created.
    pub created: u32,
    /// Skipped: the need is no longer open or already has a live engagement.
    pub stale_need: u32,
    /// Skipped: the volunteer is no longer approved or has no capacity left.
    pub stale_volunteer: u32,
}

/// A batch run, one page of its preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    /// Id.
    pub id: i64,
    /// Where the run stands (an interrupted run is failed).
    pub status: RunStatus,
    /// The step under way.
    pub stage: RunStage,
    /// 0–100.
    pub progress: i16,
    /// Started (UTC).
    pub started: String,
    /// Who started it.
    pub started_by: String,
    /// Counts, once computed.
    pub summary: Option<RunSummary>,
    /// This page of proposed pairs.
    pub pairs: Vec<PairView>,
    /// Proposed pairs in all.
    pub pairs_total: u64,
    /// Unserved needs (first page only).
    pub unserved: Vec<UnservedView>,
    /// Zero-based page.
    pub page: u64,
    /// What applying did.
    pub outcome: Option<RunOutcome>,
    /// Why it failed.
    pub error: String,
}

/// A batch run in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: RunStatus,
    /// Started (UTC).
    pub started: String,
    /// Pairs proposed.
    pub pairs: u32,
}

/// One organisation with its members and a page of its needs (coordinators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationDetail {
    /// The organisation.
    pub organisation: OrganisationView,
    /// How the matcher ranks it.
    pub triage: OrganisationTriage,
    /// Its members.
    pub members: Vec<MemberView>,
    /// A page of its needs, most recently updated first.
    pub needs: Page<NeedSummary>,
}

/// An account in the coordinators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    /// Id.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Disabled or not.
    pub disabled: bool,
    /// Second factor enrolled.
    pub mfa_enabled: bool,
    /// Created (UTC).
    pub created: String,
}

/// A page of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    /// The rows.
    pub rows: Vec<AccountRow>,
    /// How many match in all.
    pub total: u64,
    /// This page (zero-based).
    pub page: u64,
    /// Rows per page.
    pub page_size: u64,
}

/// One audit entry as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Entry id.
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// Who (account id).
    pub actor: Option<i64>,
    /// From where.
    pub address: Option<String>,
    /// What.
    pub action: String,
    /// On what.
    pub object: Option<String>,
    /// Extra facts (JSON).
    pub details: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries, newest first.
    pub rows: Vec<AuditRow>,
    /// How many match in all.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// Entries per page.
    pub page_size: u64,
    /// Every action name, for the filter.
    pub actions: Vec<String>,
}

/// The user's organisation, with its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrganisation {
    /// The organisation.
    pub organisation: OrganisationView,
    /// Its members.
    pub members: Vec<MemberView>,
    /// Whether the user administers it.
    pub is_admin: bool,
}

/// Live counts shown on the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Organisations a coordinator has approved.
    pub organisations: u64,
    /// Volunteers a coordinator has approved.
    pub volunteers: u64,
    /// Needs open for matching.
    pub open_needs: u64,
}

/// The outbox as coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailOverview {
    /// How many mails are in each state (every state, zeros included).
    pub states: Vec<(MailState, u64)>,
    /// Mails queued in the last 7 days, per kind and state.
    pub recent: Vec<MailKindCount>,
    /// The newest dead letters.
    pub dead: Vec<DeadLetter>,
}

/// Mails of one kind in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailKindCount {
    /// What about.
    pub kind: MailKind,
    /// Where they stand.
    pub state: MailState,
    /// How many.
    pub count: u64,
}

/// A mail given up on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// Outbox row id.
    pub id: i64,
    /// What about.
    pub kind: MailKind,
    /// To whom.
    pub recipient: String,
    /// Attempts made.
    pub attempts: i32,
    /// The mail server's last answer.
    pub last_error: String,
    /// When it was queued (UTC).
    pub created: String,
}

/// Which mail an account gets, for its mail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    /// The account's address.
    pub email: String,
    /// Whether the address is verified (no non-essential mail goes before).
    pub verified: bool,
    /// A new address waiting for its link to be followed, if any.
    pub pending_email: Option<String>,
    /// Each topic with its mode (every topic, in order).
    pub topics: Vec<(MailTopic, MailMode)>,
}

/// What an unsubscribe link stops, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeView {
    /// The topic, or `None` for the daily digest (every topic it gathers).
    pub topic: Option<MailTopic>,
    /// True once that mail is stopped.
    pub done: bool,
}
