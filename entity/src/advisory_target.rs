//! An organisation an advisory was sent to (recorded when it was published),
//! and how the organisation acknowledged it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "advisory_target")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub advisory_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: i64,
    /// `read` or `acted`, once acknowledged.
    pub acknowledgement: Option<String>,
    pub note: String,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<TimeDateTimeWithTimeZone>,
    pub reminded_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
