//! A need: the cybersecurity help one organisation asks for.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The life of a need (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Being written by the organisation.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// Sent to the coordinators for triage.
    #[sea_orm(string_value = "submitted")]
    Submitted,
    /// Triaged and open for matching.
    #[sea_orm(string_value = "open")]
    Open,
    /// A volunteer's proposal was accepted.
    #[sea_orm(string_value = "matched")]
    Matched,
    /// The engagement is active.
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    /// The organisation says the need is met.
    #[sea_orm(string_value = "resolved")]
    Resolved,
    /// Closed without resolution.
    #[sea_orm(string_value = "closed")]
    Closed,
    /// Withdrawn by the organisation.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// How urgent (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Urgency {
    /// Active incident, patient care affected.
    #[sea_orm(string_value = "critical")]
    Critical,
    /// Incident contained, or exposure known.
    #[sea_orm(string_value = "high")]
    High,
    /// Ordinary.
    #[sea_orm(string_value = "normal")]
    Normal,
    /// Planning.
    #[sea_orm(string_value = "low")]
    Low,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub title: String,
    pub category_id: i64,
    pub urgency: Urgency,
    pub effort_hours: i32,
    pub deadline: Option<TimeDate>,
    /// Language codes, comma-separated.
    pub languages: String,
    /// On site (true) or remote (false).
    pub onsite: bool,
    pub public_summary: String,
    /// Readable only by coordinators, the organisation's members and the engaged volunteer.
    pub confidential_details: String,
    pub status: Status,
    pub authorisation_name: String,
    pub authorisation_role: String,
    pub authorisation_scope: String,
    pub authorisation_date: Option<TimeDate>,
    pub triage_note: String,
    pub created_by: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub submitted_at: Option<TimeDateTimeWithTimeZone>,
    pub opened_at: Option<TimeDateTimeWithTimeZone>,
    /// When it was resolved, closed or cancelled.
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
