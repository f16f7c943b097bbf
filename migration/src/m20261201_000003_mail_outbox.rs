//! The mail outbox: every email is a row written in the transaction of the event
//! that causes it, and a background worker delivers it (leased per row, retried
//! with back-off, dead after too many attempts).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    MessageId,
    State,
    Attempts,
    NextAttemptAt,
    LeaseHolder,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
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
                    .table(MailOutbox::Table)
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::Kind, 32))
                    .col(string_len(MailOutbox::Recipient, 320))
                    .col(string_len(MailOutbox::Subject, 300))
                    .col(text(MailOutbox::BodyText))
                    .col(text(MailOutbox::BodyHtml))
                    .col(string_len_uniq(MailOutbox::MessageId, 200))
                    .col(
                        string_len(MailOutbox::State, 16).check(
                            Expr::col(MailOutbox::State).is_in(["pending", "sending", "sent", "dead"]),
                        ),
                    )
                    .col(
                        integer(MailOutbox::Attempts)
                            .default(0)
                            .check(Expr::col(MailOutbox::Attempts).gte(0)),
                    )
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(string_len_null(MailOutbox::LeaseHolder, 80))
                    .col(timestamp_with_time_zone_null(MailOutbox::LeaseUntil))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        // The worker's query: due rows by state and time.
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::State)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        // The coordinators' page: counts per kind over recent days.
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_created")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailOutbox::Table).to_owned())
            .await
    }
}
