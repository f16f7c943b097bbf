//! The guidance library: articles in Markdown (public), the need categories each
//! serves, and every version a coordinator saved. The shipped articles are
//! added by the application at start (by slug, so an edited one is never
//! overwritten), not here: a migration keeps its meaning when they change.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum NeedCategory {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum GuidanceArticle {
    Table,
    Id,
    Slug,
    Title,
    Topic,
    Summary,
    Body,
    Sources,
    ReviewedOn,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum GuidanceCategory {
    Table,
    ArticleId,
    CategoryId,
}

#[derive(DeriveIden)]
enum GuidanceRevision {
    Table,
    Id,
    ArticleId,
    Snapshot,
    EditedBy,
    EditedAt,
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
                    .table(GuidanceArticle::Table)
                    .col(big_pk_auto(GuidanceArticle::Id))
                    .col(string_len_uniq(GuidanceArticle::Slug, 80))
                    .col(string_len(GuidanceArticle::Title, 200))
                    .col(string_len(GuidanceArticle::Topic, 32))
                    .col(string_len(GuidanceArticle::Summary, 400))
                    .col(text(GuidanceArticle::Body))
                    .col(text(GuidanceArticle::Sources))
                    .col(date(GuidanceArticle::ReviewedOn))
                    .col(timestamp_with_time_zone(GuidanceArticle::UpdatedAt))
                    .col(big_integer_null(GuidanceArticle::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuidanceArticle::Table, GuidanceArticle::UpdatedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("guidance_article_topic_idx")
                    .table(GuidanceArticle::Table)
                    .col(GuidanceArticle::Topic)
                    .col(GuidanceArticle::Title)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GuidanceCategory::Table)
                    .col(big_integer(GuidanceCategory::ArticleId))
                    .col(big_integer(GuidanceCategory::CategoryId))
                    .primary_key(
                        Index::create()
                            .col(GuidanceCategory::ArticleId)
                            .col(GuidanceCategory::CategoryId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuidanceCategory::Table, GuidanceCategory::ArticleId)
                            .to(GuidanceArticle::Table, GuidanceArticle::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuidanceCategory::Table, GuidanceCategory::CategoryId)
                            .to(NeedCategory::Table, NeedCategory::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("guidance_category_category_idx")
                    .table(GuidanceCategory::Table)
                    .col(GuidanceCategory::CategoryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GuidanceRevision::Table)
                    .col(big_pk_auto(GuidanceRevision::Id))
                    .col(big_integer(GuidanceRevision::ArticleId))
                    .col(text(GuidanceRevision::Snapshot))
                    .col(big_integer_null(GuidanceRevision::EditedBy))
                    .col(timestamp_with_time_zone(GuidanceRevision::EditedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuidanceRevision::Table, GuidanceRevision::ArticleId)
                            .to(GuidanceArticle::Table, GuidanceArticle::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuidanceRevision::Table, GuidanceRevision::EditedBy)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("guidance_revision_article_idx")
                    .table(GuidanceRevision::Table)
                    .col(GuidanceRevision::ArticleId)
                    .col(GuidanceRevision::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            GuidanceRevision::Table.into_iden(),
            GuidanceCategory::Table.into_iden(),
            GuidanceArticle::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
