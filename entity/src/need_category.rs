//! A category of need (HHS 405(d) HICP and Global Cyber Alliance toolkits).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need_category")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// Needs in this category (scanning, testing) need a written authorisation.
    pub requires_authorisation: bool,
    pub sort_order: i32,
    /// Retired categories stay on old needs but are not offered for new ones.
    pub retired_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
