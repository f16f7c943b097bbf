//! When a need finished (resolved, closed or cancelled): the impact dashboard
//! counts needs resolved per week and the public impact page needs resolved in
//! the last 90 days. Needs that finished before this column existed get the
//! time of their last change, which was their finishing.

use sea_orm_migration::{prelude::*, schema::timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Need {
    Table,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Need::Table)
                    .add_column(timestamp_with_time_zone_null(Need::ClosedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE need SET closed_at = updated_at \
                 WHERE status IN ('resolved', 'closed', 'cancelled')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Need::Table)
                    .drop_column(Need::ClosedAt)
                    .to_owned(),
            )
            .await
    }
}
