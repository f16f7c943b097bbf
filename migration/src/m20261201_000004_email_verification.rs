//! Verified addresses: when an account's owner proved the address is theirs, and
//! the single-use links (stored hashed) that prove it. Accounts made before mail
//! existed count as verified from their creation.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    EmailVerifiedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EmailVerification {
    Table,
    Id,
    AccountId,
    Email,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .add_column(timestamp_with_time_zone_null(Account::EmailVerifiedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Account::Table)
                    .value(Account::EmailVerifiedAt, Expr::col(Account::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailVerification::Table)
                    .col(big_pk_auto(EmailVerification::Id))
                    .col(big_integer(EmailVerification::AccountId))
                    .col(string_len(EmailVerification::Email, 320))
                    .col(string_len_uniq(EmailVerification::TokenHash, 64))
                    .col(timestamp_with_time_zone(EmailVerification::CreatedAt))
                    .col(timestamp_with_time_zone(EmailVerification::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EmailVerification::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailVerification::Table, EmailVerification::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailVerification::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .drop_column(Account::EmailVerifiedAt)
                    .to_owned(),
            )
            .await
    }
}
