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

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub title: String,
    pub status: Status,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id",
        on_delete = "Restrict"
    )]
    Organisation,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
