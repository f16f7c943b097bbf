//! An in-app notification. The record is independent of the channel: email
//! delivery can come later and read the same rows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// What happened (`engagement.proposed`, `message.posted`…).
    pub kind: String,
    pub engagement_id: Option<i64>,
    pub need_id: Option<i64>,
    /// The need's title, for the list (never confidential text).
    pub subject: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub read_at: Option<TimeDateTimeWithTimeZone>,
    /// The advisory it tells of, if any.
    pub advisory_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
