//! An article of the guidance library: Markdown, public, for a small hospital
//! or clinic without security staff.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guidance_article")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The article's address (`/guidance/SLUG`): lower-case letters, digits, hyphens.
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    /// A `GuidanceTopic` code.
    pub topic: String,
    pub summary: String,
    /// Markdown; rendered and sanitised on the way out.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// JSON: `[{"name": …, "url": …}]`, the public guidance it draws on.
    #[sea_orm(column_type = "Text")]
    pub sources: String,
    pub reviewed_on: TimeDate,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The coordinator who saved it last; `None` for the shipped text.
    pub updated_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
