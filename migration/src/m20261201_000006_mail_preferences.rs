//! Mail people choose: per topic of non-essential mail, immediately, in a daily
//! digest or never; when each account's last digest went; which proposals were
//! reminded of; the `List-Unsubscribe` link a queued mail carries; address
//! changes waiting for the new address to be confirmed; and the site's own
//! signing keys (unsubscribe links are signed, so they cannot be forged).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    DigestSentAt,
}

#[derive(DeriveIden)]
enum Engagement {
    Table,
    RemindedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    UnsubscribeUrl,
}

#[derive(DeriveIden)]
enum EmailVerification {
    Table,
    ChangesAddress,
}

#[derive(DeriveIden)]
enum MailPreference {
    Table,
    AccountId,
    Topic,
    Mode,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SiteKey {
    Table,
    Name,
    Value,
    CreatedAt,
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
                    .add_column(timestamp_with_time_zone_null(Account::DigestSentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Engagement::Table)
                    .add_column(timestamp_with_time_zone_null(Engagement::RemindedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(string_len_null(MailOutbox::UnsubscribeUrl, 1000))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(EmailVerification::Table)
                    .add_column(boolean(EmailVerification::ChangesAddress).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailPreference::Table)
                    .col(big_integer(MailPreference::AccountId))
                    .col(string_len(MailPreference::Topic, 32))
                    .col(string_len(MailPreference::Mode, 16))
                    .col(timestamp_with_time_zone(MailPreference::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(MailPreference::AccountId)
                            .col(MailPreference::Topic),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailPreference::Table, MailPreference::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SiteKey::Table)
                    .col(string_len(SiteKey::Name, 64).primary_key())
                    .col(string_len(SiteKey::Value, 128))
                    .col(timestamp_with_time_zone(SiteKey::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SiteKey::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MailPreference::Table).to_owned())
            .await?;
        for (table, column) in [
            (
                EmailVerification::Table.into_iden(),
                EmailVerification::ChangesAddress.into_iden(),
            ),
            (
                MailOutbox::Table.into_iden(),
                MailOutbox::UnsubscribeUrl.into_iden(),
            ),
            (Engagement::Table.into_iden(), Engagement::RemindedAt.into_iden()),
            (Account::Table.into_iden(), Account::DigestSentAt.into_iden()),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
