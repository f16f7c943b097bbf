//! A healthcare organisation: hospital, clinic, laboratory or health NGO.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an organisation stands in vetting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Registered, waiting for a coordinator.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Vetted by a coordinator.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Turned down by a coordinator.
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// Approved once, suspended since.
    #[sea_orm(string_value = "suspended")]
    Suspended,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub status: Status,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
