//! Batch runs of the matcher: progress while it runs, the preview it produced,
//! and what applying it created. Kept in the database so any instance can show
//! a run started on another.
//!
//! Also an index on the audit log by action and id: the matcher's cache asks
//! for the latest entry of each action that changes its inputs.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MatchRun {
    Table,
    Id,
    Status,
    Stage,
    Progress,
    StartedBy,
    StartedAt,
    HeartbeatAt,
    FinishedAt,
    Summary,
    Preview,
    Error,
    AppliedBy,
    AppliedAt,
    Outcome,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MatchRun::Table)
                    .col(big_pk_auto(MatchRun::Id))
                    .col(
                        string_len(MatchRun::Status, 16)
                            .check(Expr::cust("status IN ('running', 'ready', 'applied', 'failed')")),
                    )
                    .col(string_len(MatchRun::Stage, 32))
                    .col(small_integer(MatchRun::Progress).check(Expr::cust("progress BETWEEN 0 AND 100")))
                    .col(big_integer(MatchRun::StartedBy))
                    .col(timestamp_with_time_zone(MatchRun::StartedAt))
                    .col(timestamp_with_time_zone(MatchRun::HeartbeatAt))
                    .col(timestamp_with_time_zone_null(MatchRun::FinishedAt))
                    .col(text(MatchRun::Summary))
                    .col(text(MatchRun::Preview))
                    .col(text(MatchRun::Error))
                    .col(big_integer_null(MatchRun::AppliedBy))
                    .col(timestamp_with_time_zone_null(MatchRun::AppliedAt))
                    .col(text(MatchRun::Outcome))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MatchRun::Table, MatchRun::StartedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX audit_log_action_id_idx ON audit_log (action, id)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX audit_log_action_id_idx")
            .await?;
        manager
            .drop_table(Table::drop().table(MatchRun::Table).to_owned())
            .await
    }
}
