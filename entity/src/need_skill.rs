//! A skill a need requires, with a minimum level and a weight.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// How much a required skill counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
pub enum Weight {
    /// A gate: volunteers without it are excluded.
    #[sea_orm(string_value = "must")]
    Must,
    /// Counts strongly.
    #[sea_orm(string_value = "should")]
    Should,
    /// Counts a little.
    #[sea_orm(string_value = "nice")]
    Nice,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need_skill")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: i64,
    /// 1 aware, 2 practitioner, 3 expert, 4 leader.
    pub min_level: i16,
    pub weight: Weight,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
