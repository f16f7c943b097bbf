//! The core tables the home page counts: organisations, volunteers and needs.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    Name,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Volunteer {
    Table,
    Id,
    DisplayName,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Need {
    Table,
    Id,
    OrganisationId,
    Title,
    Status,
    CreatedAt,
}

const VETTING: &str = "'pending', 'approved', 'rejected', 'suspended'";
const NEED_STATUS: &str =
    "'draft', 'submitted', 'open', 'matched', 'in_progress', 'resolved', 'closed', 'cancelled'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(big_pk_auto(Organisation::Id))
                    .col(string_len(Organisation::Name, 200))
                    .col(
                        string_len(Organisation::Status, 16)
                            .check(Expr::cust(format!("status IN ({VETTING})"))),
                    )
                    .col(timestamp_with_time_zone(Organisation::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Volunteer::Table)
                    .col(big_pk_auto(Volunteer::Id))
                    .col(string_len(Volunteer::DisplayName, 200))
                    .col(
                        string_len(Volunteer::Status, 16).check(Expr::cust(format!("status IN ({VETTING})"))),
                    )
                    .col(timestamp_with_time_zone(Volunteer::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Need::Table)
                    .col(big_pk_auto(Need::Id))
                    .col(big_integer(Need::OrganisationId))
                    .col(string_len(Need::Title, 200))
                    .col(string_len(Need::Status, 16).check(Expr::cust(format!("status IN ({NEED_STATUS})"))))
                    .col(timestamp_with_time_zone(Need::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Need::Table, Need::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (table, column, name) in [
            (
                Organisation::Table.into_iden(),
                Organisation::Status.into_iden(),
                "organisation_status_idx",
            ),
            (
                Volunteer::Table.into_iden(),
                Volunteer::Status.into_iden(),
                "volunteer_status_idx",
            ),
            (
                Need::Table.into_iden(),
                Need::Status.into_iden(),
                "need_status_idx",
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(column).to_owned())
                .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Need::Table.into_iden(),
            Volunteer::Table.into_iden(),
            Organisation::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
