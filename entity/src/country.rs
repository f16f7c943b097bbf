//! A country or territory: ISO 3166 codes, UN M49 region, World Bank income group.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub iso2: String,
    pub iso3: String,
    pub numeric: String,
    pub name: String,
    pub region: String,
    pub sub_region: String,
    pub intermediate_region: String,
    /// `low`, `lower_middle`, `upper_middle`, `high`, or empty when unclassified.
    pub income_group: String,
    pub ldc: bool,
    pub lldc: bool,
    pub sids: bool,
    /// BCP 47 tags, comma-separated, most used first.
    pub languages: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
