//! The critical needs' fast path: a proposal the matcher made at once, when a
//! critical need opened, to one of its best few volunteers. The first of them to
//! accept takes the need and the others are withdrawn, so they must be told apart
//! from other proposals.

use sea_orm_migration::{prelude::*, schema::boolean};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Engagement {
    Table,
    FastPath,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Engagement::Table)
                    .add_column(boolean(Engagement::FastPath).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Engagement::Table)
                    .drop_column(Engagement::FastPath)
                    .to_owned(),
            )
            .await
    }
}
