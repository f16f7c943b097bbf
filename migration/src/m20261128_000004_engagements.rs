//! Engagements (one volunteer on one need), their messages and logged hours,
//! notifications, and the leases that make periodic work run once across
//! instances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Engagement {
    Table,
    Id,
    NeedId,
    VolunteerId,
    Status,
    ProposedBy,
    ProposerKind,
    Reason,
    WeeklyHours,
    HoldsCapacity,
    ExpiresAt,
    DeclinedBy,
    DeclineReason,
    DeclineNote,
    OrganisationRating,
    OrganisationComment,
    VolunteerRating,
    VolunteerComment,
    CreatedAt,
    UpdatedAt,
    AcceptedAt,
    ConfirmedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Message {
    Table,
    Id,
    EngagementId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum HoursLog {
    Table,
    Id,
    EngagementId,
    LoggedOn,
    Minutes,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notification {
    Table,
    Id,
    AccountId,
    Kind,
    EngagementId,
    NeedId,
    Subject,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum JobLease {
    Table,
    Name,
    Holder,
    ExpiresAt,
    LastRunAt,
    Runs,
}

#[derive(DeriveIden)]
enum Need {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Volunteer {
    Table,
    AccountId,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

const STATUS: &str = "'proposed', 'accepted', 'active', 'completed', 'declined', 'expired', 'cancelled'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Engagement::Table)
                    .col(big_pk_auto(Engagement::Id))
                    .col(big_integer(Engagement::NeedId))
                    .col(big_integer(Engagement::VolunteerId))
                    .col(
                        string_len(Engagement::Status, 16).check(Expr::cust(format!("status IN ({STATUS})"))),
                    )
                    .col(big_integer_null(Engagement::ProposedBy))
                    .col(string_len(Engagement::ProposerKind, 16).check(Expr::cust(
                        "proposer_kind IN ('coordinator', 'volunteer', 'matcher')",
                    )))
                    .col(text(Engagement::Reason))
                    .col(
                        small_integer(Engagement::WeeklyHours)
                            .check(Expr::cust("weekly_hours BETWEEN 1 AND 60")),
                    )
                    .col(boolean(Engagement::HoldsCapacity))
                    .col(timestamp_with_time_zone_null(Engagement::ExpiresAt))
                    .col(string_len_null(Engagement::DeclinedBy, 16))
                    .col(string_len_null(Engagement::DeclineReason, 32))
                    .col(text_null(Engagement::DeclineNote))
                    .col(
                        small_integer_null(Engagement::OrganisationRating)
                            .check(Expr::cust("organisation_rating BETWEEN 1 AND 5")),
                    )
                    .col(text_null(Engagement::OrganisationComment))
                    .col(
                        small_integer_null(Engagement::VolunteerRating)
                            .check(Expr::cust("volunteer_rating BETWEEN 1 AND 5")),
                    )
                    .col(text_null(Engagement::VolunteerComment))
                    .col(timestamp_with_time_zone(Engagement::CreatedAt))
                    .col(timestamp_with_time_zone(Engagement::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Engagement::AcceptedAt))
                    .col(timestamp_with_time_zone_null(Engagement::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Engagement::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Engagement::Table, Engagement::NeedId)
                            .to(Need::Table, Need::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Engagement::Table, Engagement::VolunteerId)
                            .to(Volunteer::Table, Volunteer::AccountId)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // One live engagement per volunteer and need (same syntax on both databases).
        db.execute_unprepared(
            "CREATE UNIQUE INDEX engagement_live_pair_idx ON engagement (need_id, volunteer_id) \
             WHERE status IN ('proposed', 'accepted', 'active')",
        )
        .await?;
        for (name, columns) in [
            ("engagement_need_idx", "need_id, status"),
            ("engagement_volunteer_idx", "volunteer_id, status"),
            ("engagement_expiry_idx", "status, expires_at"),
        ] {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON engagement ({columns})"))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Message::Table)
                    .col(big_pk_auto(Message::Id))
                    .col(big_integer(Message::EngagementId))
                    .col(big_integer(Message::AuthorId))
                    .col(text(Message::Body))
                    .col(timestamp_with_time_zone(Message::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Message::Table, Message::EngagementId)
                            .to(Engagement::Table, Engagement::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Message::Table, Message::AuthorId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("CREATE INDEX message_engagement_idx ON message (engagement_id, id)")
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(HoursLog::Table)
                    .col(big_pk_auto(HoursLog::Id))
                    .col(big_integer(HoursLog::EngagementId))
                    .col(date(HoursLog::LoggedOn))
                    .col(integer(HoursLog::Minutes).check(Expr::cust("minutes BETWEEN 1 AND 1440")))
                    .col(text(HoursLog::Note))
                    .col(timestamp_with_time_zone(HoursLog::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(HoursLog::Table, HoursLog::EngagementId)
                            .to(Engagement::Table, Engagement::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("CREATE INDEX hours_log_engagement_idx ON hours_log (engagement_id)")
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notification::Table)
                    .col(big_pk_auto(Notification::Id))
                    .col(big_integer(Notification::AccountId))
                    .col(string_len(Notification::Kind, 40))
                    .col(big_integer_null(Notification::EngagementId))
                    .col(big_integer_null(Notification::NeedId))
                    .col(string_len(Notification::Subject, 200))
                    .col(timestamp_with_time_zone(Notification::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notification::ReadAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notification::Table, Notification::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE INDEX notification_account_idx ON notification (account_id, read_at, id)",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(JobLease::Table)
                    .col(string_len(JobLease::Name, 64).primary_key())
                    .col(string_len(JobLease::Holder, 64))
                    .col(timestamp_with_time_zone(JobLease::ExpiresAt))
                    .col(timestamp_with_time_zone_null(JobLease::LastRunAt))
                    .col(big_integer(JobLease::Runs).default(0))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            JobLease::Table.into_iden(),
            Notification::Table.into_iden(),
            HoursLog::Table.into_iden(),
            Message::Table.into_iden(),
            Engagement::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
