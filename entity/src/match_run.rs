//! A batch run of the matcher over all open needs: its progress, its preview
//! (JSON) and, once applied, what it created (JSON).

use sea_orm::entity::prelude::*;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    /// Computing.
    #[sea_orm(string_value = "running")]
    Running,
    /// The preview is ready to apply.
    #[sea_orm(string_value = "ready")]
    Ready,
    /// Its proposals were created.
    #[sea_orm(string_value = "applied")]
    Applied,
    /// It failed or was interrupted.
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "match_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub status: Status,
    /// The step under way (`loading`, `indexing`, `solving`, `explaining`, `done`).
    pub stage: String,
    /// 0–100.
    pub progress: i16,
    pub started_by: i64,
    pub started_at: TimeDateTimeWithTimeZone,
    /// Last sign of life of the computing task: a run whose heartbeat stopped was interrupted.
    pub heartbeat_at: TimeDateTimeWithTimeZone,
    pub finished_at: Option<TimeDateTimeWithTimeZone>,
    /// Counts (JSON).
    pub summary: String,
    /// The proposed pairs with their explanations (JSON).
    pub preview: String,
    pub error: String,
    pub applied_by: Option<i64>,
    pub applied_at: Option<TimeDateTimeWithTimeZone>,
    /// What applying created and skipped (JSON).
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
