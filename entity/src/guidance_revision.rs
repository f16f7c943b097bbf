//! One saved version of a guidance article, whole (JSON), with who saved it and when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guidance_revision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    /// JSON of the article as saved: title, topic, summary, body, sources,
    /// reviewed date and category codes.
    #[sea_orm(column_type = "Text")]
    pub snapshot: String,
    /// `None` for the shipped text.
    pub edited_by: Option<i64>,
    pub edited_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
