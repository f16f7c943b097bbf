//! Where an organisation or a volunteer stands in vetting.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Vetting status, shared by organisations and volunteers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum VettingStatus {
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
