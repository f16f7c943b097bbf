//! A healthcare organisation: hospital, clinic, laboratory or health NGO.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Kind {
    /// Hospital.
    #[sea_orm(string_value = "hospital")]
    Hospital,
    /// Clinic or health centre.
    #[sea_orm(string_value = "clinic")]
    Clinic,
    /// Medical laboratory.
    #[sea_orm(string_value = "laboratory")]
    Laboratory,
    /// Health NGO.
    #[sea_orm(string_value = "health_ngo")]
    HealthNgo,
    /// Anything else in healthcare.
    #[sea_orm(string_value = "other")]
    Other,
}

/// Staff headcount band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Size {
    /// Fewer than 50 staff.
    #[sea_orm(string_value = "under_50")]
    Under50,
    /// 50 to 249.
    #[sea_orm(string_value = "from_50")]
    From50,
    /// 250 to 999.
    #[sea_orm(string_value = "from_250")]
    From250,
    /// 1000 or more.
    #[sea_orm(string_value = "from_1000")]
    From1000,
}

pub use crate::vetting::VettingStatus as Status;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub kind: Kind,
    pub country_iso2: String,
    pub city: String,
    pub size: Size,
    /// Language codes, comma-separated.
    pub languages: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub status: Status,
    pub vetting_note: String,
    /// A coordinator's override of the emerging-economy priority (0–3).
    pub priority_override: Option<i16>,
    pub priority_override_reason: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub approved_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
