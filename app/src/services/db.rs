//! Database helpers shared by the services.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Starts a transaction that will write.
///
/// On SQLite it begins with `BEGIN IMMEDIATE`, taking the write lock up front, so
/// two writers queue on the busy timeout instead of one failing with "database is
/// locked" when it upgrades from a read. Other databases ignore the mode.
///
/// # Errors
/// When the database cannot start a transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
