//! Accounts, sessions, second factors, throttling, password resets and the audit log.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Email,
    DisplayName,
    Role,
    Status,
    PasswordHash,
    PasswordChangedAt,
    TotpSecret,
    TotpEnabledAt,
    TotpLastStep,
    Locale,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    AccountId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    IdHash,
    AccountId,
    Data,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    UserAgent,
    ClientAddress,
}

#[derive(DeriveIden)]
enum Throttle {
    Table,
    Key,
    Failures,
    LastFailureAt,
    BlockedUntil,
}

#[derive(DeriveIden)]
enum ResetToken {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorAccountId,
    ActorAddress,
    Action,
    ObjectType,
    ObjectId,
    Details,
}

const ROLES: &str = "'organisation_member', 'volunteer', 'coordinator'";
const ACCOUNT_STATUS: &str = "'active', 'disabled'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(big_pk_auto(Account::Id))
                    .col(string_len_uniq(Account::Email, 254))
                    .col(string_len(Account::DisplayName, 100))
                    .col(string_len(Account::Role, 32).check(Expr::cust(format!("role IN ({ROLES})"))))
                    .col(
                        string_len(Account::Status, 16)
                            .check(Expr::cust(format!("status IN ({ACCOUNT_STATUS})"))),
                    )
                    .col(text(Account::PasswordHash))
                    .col(timestamp_with_time_zone(Account::PasswordChangedAt))
                    .col(string_len_null(Account::TotpSecret, 64))
                    .col(timestamp_with_time_zone_null(Account::TotpEnabledAt))
                    .col(big_integer_null(Account::TotpLastStep))
                    .col(string_len_null(Account::Locale, 16))
                    .col(timestamp_with_time_zone(Account::CreatedAt))
                    .col(timestamp_with_time_zone(Account::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_role_idx")
                    .table(Account::Table)
                    .col(Account::Role)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RecoveryCode::Table)
                    .col(big_pk_auto(RecoveryCode::Id))
                    .col(big_integer(RecoveryCode::AccountId))
                    .col(string_len(RecoveryCode::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCode::UsedAt))
                    .col(timestamp_with_time_zone(RecoveryCode::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RecoveryCode::Table, RecoveryCode::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("recovery_code_account_idx")
                    .table(RecoveryCode::Table)
                    .col(RecoveryCode::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(string_len(Session::IdHash, 64).primary_key())
                    .col(big_integer_null(Session::AccountId))
                    .col(text(Session::Data))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::LastSeenAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .col(string_len(Session::UserAgent, 200))
                    .col(string_len(Session::ClientAddress, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("session_account_idx", Session::AccountId),
            ("session_expires_idx", Session::ExpiresAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Session::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Throttle::Table)
                    .col(string_len(Throttle::Key, 200).primary_key())
                    .col(integer(Throttle::Failures).check(Expr::cust("failures >= 0")))
                    .col(timestamp_with_time_zone(Throttle::LastFailureAt))
                    .col(timestamp_with_time_zone(Throttle::BlockedUntil))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResetToken::Table)
                    .col(big_pk_auto(ResetToken::Id))
                    .col(big_integer(ResetToken::AccountId))
                    .col(string_len_uniq(ResetToken::TokenHash, 64))
                    .col(big_integer(ResetToken::CreatedBy))
                    .col(timestamp_with_time_zone(ResetToken::CreatedAt))
                    .col(timestamp_with_time_zone(ResetToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ResetToken::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResetToken::Table, ResetToken::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResetToken::Table, ResetToken::CreatedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(big_integer_null(AuditLog::ActorAccountId))
                    .col(string_len_null(AuditLog::ActorAddress, 64))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len_null(AuditLog::ObjectType, 32))
                    .col(big_integer_null(AuditLog::ObjectId))
                    .col(text(AuditLog::Details))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("audit_log_at_idx", vec![AuditLog::At]),
            ("audit_log_action_idx", vec![AuditLog::Action, AuditLog::At]),
            (
                "audit_log_actor_idx",
                vec![AuditLog::ActorAccountId, AuditLog::At],
            ),
            (
                "audit_log_object_idx",
                vec![AuditLog::ObjectType, AuditLog::ObjectId],
            ),
        ] {
            let mut index = Index::create().name(name).table(AuditLog::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }

        // The audit log is append-only: the database itself refuses updates and deletes.
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_log_no_{op} BEFORE {op} ON audit_log \
                         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                    ))
                    .await?;
                }
            }
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log \
                     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
                )
                .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
                .await?;
        }
        for table in [
            AuditLog::Table.into_iden(),
            ResetToken::Table.into_iden(),
            Throttle::Table.into_iden(),
            Session::Table.into_iden(),
            RecoveryCode::Table.into_iden(),
            Account::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
