//! A volunteer expert's profile (one per volunteer account).

use sea_orm::entity::prelude::*;

pub use crate::vetting::VettingStatus as Status;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    pub ecsf_role_id: Option<i64>,
    pub country_iso2: String,
    pub utc_offset_minutes: i16,
    pub hours_per_week: i16,
    pub max_concurrent: i16,
    /// How far they travel for on-site work: `remote_only`, `own_country`,
    /// `sub_region` or `region` (UN M49, of their country).
    pub onsite_scope: String,
    /// Language codes, comma-separated.
    pub languages: String,
    pub certifications: String,
    /// For conflicts of interest.
    pub employer: String,
    pub bio: String,
    pub status: Status,
    pub vetting_note: String,
    /// The code of conduct version accepted (0: none).
    pub coc_version: i32,
    pub coc_accepted_at: Option<TimeDateTimeWithTimeZone>,
    /// Engagements accepted and not finished (at most `max_concurrent`).
    pub active_engagements: i16,
    /// Weekly hours those engagements take (at most `hours_per_week`).
    pub committed_hours: i16,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub approved_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
