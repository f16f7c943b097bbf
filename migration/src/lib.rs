//! Frontline's database migrations.
//!
//! Each migration is self-contained: it names its tables and columns with its own
//! identifiers and never imports today's entities, so an old migration keeps its
//! meaning when the entities change. Every migration has a `down`.

#![expect(
    elided_lifetimes_in_paths,
    reason = "`MigrationTrait` (async_trait) rejects `SchemaManager<'_>` in its implementations"
)]

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_reference;
mod m20261128_000002_accounts;
mod m20261128_000003_organisations;
mod m20261128_000004_engagements;
mod m20261128_000005_match_runs;
mod m20261201_000001_readiness;
mod m20261201_000002_sign_in_failures;
mod m20261201_000003_mail_outbox;
mod m20261201_000004_email_verification;
mod m20261201_000005_need_list_index;
mod m20261201_000006_mail_preferences;
mod m20261201_000007_fast_path;
mod m20261202_000001_guidance;
mod m20261202_000002_advisories;
mod m20261202_000003_need_closed_at;
mod m20261202_000004_volunteer_capacity_index;

/// All migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_reference::Migration),
            Box::new(m20261128_000002_accounts::Migration),
            Box::new(m20261128_000003_organisations::Migration),
            Box::new(m20261128_000004_engagements::Migration),
            Box::new(m20261128_000005_match_runs::Migration),
            Box::new(m20261201_000001_readiness::Migration),
            Box::new(m20261201_000002_sign_in_failures::Migration),
            Box::new(m20261201_000003_mail_outbox::Migration),
            Box::new(m20261201_000004_email_verification::Migration),
            Box::new(m20261201_000005_need_list_index::Migration),
            Box::new(m20261201_000006_mail_preferences::Migration),
            Box::new(m20261201_000007_fast_path::Migration),
            Box::new(m20261202_000001_guidance::Migration),
            Box::new(m20261202_000002_advisories::Migration),
            Box::new(m20261202_000003_need_closed_at::Migration),
            Box::new(m20261202_000004_volunteer_capacity_index::Migration),
        ]
    }
}
