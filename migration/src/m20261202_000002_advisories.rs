//! Threat advisories: what coordinators write, the indicators and guidance each
//! carries, and the organisations each was sent to (recorded when published, so
//! "who was told" never changes), with their acknowledgements. Notifications
//! and outbox mail gain the advisory they tell of.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum GuidanceArticle {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    AdvisoryId,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    AdvisoryId,
}

#[derive(DeriveIden)]
enum Advisory {
    Table,
    Id,
    Title,
    Severity,
    Summary,
    Body,
    Actions,
    Status,
    Targets,
    Supersedes,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
    PublishedBy,
    EndedAt,
}

#[derive(DeriveIden)]
enum AdvisoryIndicator {
    Table,
    Id,
    AdvisoryId,
    Kind,
    Value,
}

#[derive(DeriveIden)]
enum AdvisoryGuidance {
    Table,
    AdvisoryId,
    ArticleId,
}

#[derive(DeriveIden)]
enum AdvisoryTarget {
    Table,
    AdvisoryId,
    OrganisationId,
    Acknowledgement,
    Note,
    AcknowledgedBy,
    AcknowledgedAt,
    RemindedAt,
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
                    .table(Advisory::Table)
                    .col(big_pk_auto(Advisory::Id))
                    .col(string_len(Advisory::Title, 200))
                    .col(string_len(Advisory::Severity, 16))
                    .col(string_len(Advisory::Summary, 600))
                    .col(text(Advisory::Body))
                    .col(text(Advisory::Actions))
                    .col(string_len(Advisory::Status, 16))
                    .col(text(Advisory::Targets))
                    .col(big_integer_null(Advisory::Supersedes))
                    .col(big_integer_null(Advisory::CreatedBy))
                    .col(timestamp_with_time_zone(Advisory::CreatedAt))
                    .col(timestamp_with_time_zone(Advisory::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Advisory::PublishedAt))
                    .col(big_integer_null(Advisory::PublishedBy))
                    .col(timestamp_with_time_zone_null(Advisory::EndedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Advisory::Table, Advisory::Supersedes)
                            .to(Advisory::Table, Advisory::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Advisory::Table, Advisory::CreatedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Advisory::Table, Advisory::PublishedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("advisory_status_idx")
                    .table(Advisory::Table)
                    .col(Advisory::Status)
                    .col(Advisory::PublishedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AdvisoryIndicator::Table)
                    .col(big_pk_auto(AdvisoryIndicator::Id))
                    .col(big_integer(AdvisoryIndicator::AdvisoryId))
                    .col(string_len(AdvisoryIndicator::Kind, 16))
                    .col(string_len(AdvisoryIndicator::Value, 2048))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdvisoryIndicator::Table, AdvisoryIndicator::AdvisoryId)
                            .to(Advisory::Table, Advisory::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("advisory_indicator_advisory_idx")
                    .table(AdvisoryIndicator::Table)
                    .col(AdvisoryIndicator::AdvisoryId)
                    .col(AdvisoryIndicator::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AdvisoryGuidance::Table)
                    .col(big_integer(AdvisoryGuidance::AdvisoryId))
                    .col(big_integer(AdvisoryGuidance::ArticleId))
                    .primary_key(
                        Index::create()
                            .col(AdvisoryGuidance::AdvisoryId)
                            .col(AdvisoryGuidance::ArticleId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdvisoryGuidance::Table, AdvisoryGuidance::AdvisoryId)
                            .to(Advisory::Table, Advisory::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdvisoryGuidance::Table, AdvisoryGuidance::ArticleId)
                            .to(GuidanceArticle::Table, GuidanceArticle::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AdvisoryTarget::Table)
                    .col(big_integer(AdvisoryTarget::AdvisoryId))
                    .col(big_integer(AdvisoryTarget::OrganisationId))
                    .col(string_len_null(AdvisoryTarget::Acknowledgement, 16))
                    .col(text(AdvisoryTarget::Note))
                    .col(big_integer_null(AdvisoryTarget::AcknowledgedBy))
                    .col(timestamp_with_time_zone_null(AdvisoryTarget::AcknowledgedAt))
                    .col(timestamp_with_time_zone_null(AdvisoryTarget::RemindedAt))
                    .primary_key(
                        Index::create()
                            .col(AdvisoryTarget::AdvisoryId)
                            .col(AdvisoryTarget::OrganisationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdvisoryTarget::Table, AdvisoryTarget::AdvisoryId)
                            .to(Advisory::Table, Advisory::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdvisoryTarget::Table, AdvisoryTarget::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdvisoryTarget::Table, AdvisoryTarget::AcknowledgedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("advisory_target_organisation_idx")
                    .table(AdvisoryTarget::Table)
                    .col(AdvisoryTarget::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notification::Table)
                    .add_column(big_integer_null(Notification::AdvisoryId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(big_integer_null(MailOutbox::AdvisoryId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_advisory_idx")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::AdvisoryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("mail_outbox_advisory_idx")
                    .table(MailOutbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(MailOutbox::AdvisoryId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notification::Table)
                    .drop_column(Notification::AdvisoryId)
                    .to_owned(),
            )
            .await?;
        for table in [
            AdvisoryTarget::Table.into_iden(),
            AdvisoryGuidance::Table.into_iden(),
            AdvisoryIndicator::Table.into_iden(),
            Advisory::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
