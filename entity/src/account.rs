//! A person who can sign in: an organisation member, a volunteer or a coordinator.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Role {
    /// Staff of a healthcare organisation.
    #[sea_orm(string_value = "organisation_member")]
    OrganisationMember,
    /// A volunteer cybersecurity expert.
    #[sea_orm(string_value = "volunteer")]
    Volunteer,
    /// Program staff: vetting, matching, administration.
    #[sea_orm(string_value = "coordinator")]
    Coordinator,
}

/// Whether an account may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// May sign in.
    #[sea_orm(string_value = "active")]
    Active,
    /// Disabled by a coordinator; every session ended.
    #[sea_orm(string_value = "disabled")]
    Disabled,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: Status,
    pub password_hash: String,
    pub password_changed_at: TimeDateTimeWithTimeZone,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<TimeDateTimeWithTimeZone>,
    pub totp_last_step: Option<i64>,
    pub locale: Option<String>,
    /// Sign-ins with a wrong password since the last successful one (the owner is
    /// told at the next sign-in).
    pub failed_sign_ins: i32,
    /// When the last of those was.
    pub last_failed_sign_in_at: Option<TimeDateTimeWithTimeZone>,
    /// When the owner proved, through a mailed link, that they read mail at
    /// `email`; none while unverified (vetting waits for it).
    pub email_verified_at: Option<TimeDateTimeWithTimeZone>,
    /// When the account's last daily digest was queued.
    pub digest_sent_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
