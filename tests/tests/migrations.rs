//! Migrations go up, all the way down, and up again, on both databases.

use frontline_tests::{DbKind, TestDatabase, db_tests};
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{ConnectionTrait as _, Database};

db_tests! {
    async fn migrations_go_up_down_and_up_again(db: DbKind) {
        let database = TestDatabase::create(db).await;
        let conn = Database::connect(database.url.as_str()).await.unwrap_or_else(|e| panic!("{e}"));
        let total = Migrator::migrations().len();

        Migrator::up(&conn, None).await.unwrap_or_else(|e| panic!("up: {e}"));
        assert_eq!(Migrator::get_applied_migrations(&conn).await.map(|m| m.len()).ok(), Some(total));
        assert!(conn.execute_unprepared("SELECT COUNT(*) FROM need").await.is_ok());

        Migrator::down(&conn, None).await.unwrap_or_else(|e| panic!("down: {e}"));
        assert_eq!(Migrator::get_applied_migrations(&conn).await.map(|m| m.len()).ok(), Some(0));
        assert!(
            conn.execute_unprepared("SELECT COUNT(*) FROM need").await.is_err(),
            "down removes the tables"
        );

        Migrator::up(&conn, None).await.unwrap_or_else(|e| panic!("up again: {e}"));
        assert_eq!(Migrator::get_pending_migrations(&conn).await.map(|m| m.len()).ok(), Some(0));
    }
}
