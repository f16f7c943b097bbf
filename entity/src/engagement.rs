//! An engagement: one volunteer working on one need.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The life of an engagement (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Proposed to the volunteer; waiting for their answer.
    #[sea_orm(string_value = "proposed")]
    Proposed,
    /// The volunteer agreed; waiting for the organisation.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// Both agreed: the work is on.
    #[sea_orm(string_value = "active")]
    Active,
    /// Done.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// Turned down by one side.
    #[sea_orm(string_value = "declined")]
    Declined,
    /// Not answered in time.
    #[sea_orm(string_value = "expired")]
    Expired,
    /// Called off.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// Who proposed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProposerKind {
    /// A coordinator chose the volunteer.
    #[sea_orm(string_value = "coordinator")]
    Coordinator,
    /// The volunteer offered to help.
    #[sea_orm(string_value = "volunteer")]
    Volunteer,
    /// The matcher's batch run.
    #[sea_orm(string_value = "matcher")]
    Matcher,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "engagement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub need_id: i64,
    pub volunteer_id: i64,
    pub status: Status,
    pub proposed_by: Option<i64>,
    pub proposer_kind: ProposerKind,
    /// Why the proposal was made.
    pub reason: String,
    pub weekly_hours: i16,
    /// Whether this engagement currently holds a slot and hours of the volunteer.
    pub holds_capacity: bool,
    /// Proposed by the matcher at once when a critical need opened (the fast
    /// path): the first of these to be accepted withdraws the others.
    pub fast_path: bool,
    /// When the waiting side must have answered.
    pub expires_at: Option<TimeDateTimeWithTimeZone>,
    /// `volunteer` or `organisation`.
    pub declined_by: Option<String>,
    pub decline_reason: Option<String>,
    /// An organisation's decline note is for coordinators and the matcher only.
    pub decline_note: Option<String>,
    pub organisation_rating: Option<i16>,
    pub organisation_comment: Option<String>,
    pub volunteer_rating: Option<i16>,
    pub volunteer_comment: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub accepted_at: Option<TimeDateTimeWithTimeZone>,
    pub confirmed_at: Option<TimeDateTimeWithTimeZone>,
    pub finished_at: Option<TimeDateTimeWithTimeZone>,
    /// When the volunteer was reminded that the proposal expires soon.
    pub reminded_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
