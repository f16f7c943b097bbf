//! A threat advisory (draft, published, withdrawn or superseded).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "advisory")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub severity: String,
    pub summary: String,
    pub body: String,
    pub actions: String,
    pub status: String,
    /// The targets as JSON (`Targets` of the application's domain).
    pub targets: String,
    pub supersedes: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub published_at: Option<TimeDateTimeWithTimeZone>,
    pub published_by: Option<i64>,
    /// Withdrawn or superseded.
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
