//! `frontline demo`: a deterministic, realistic demo data set.
//!
//! Organisations across many countries and every income group, their members,
//! needs in every category and urgency, and volunteers with believable skill
//! mixes (common skills common, rare skills rare), sized by flags. The same seed
//! gives the same data. Every demo account shares one password, drawn at random
//! for each load and printed once: the demo has no default credentials.
//!
//! Some needs are under way: proposals waiting for an answer, active
//! engagements with messages and logged hours, completed ones with ratings;
//! volunteers' held capacity matches their live engagements.
//!
//! Rows go in with multi-row inserts in large transactions, so the large set
//! (100 000 volunteers, 20 000 needs) loads in minutes.

mod base;
mod engagements;
mod needs;
mod organisations;
mod rng;
mod texts;
mod volunteers;

use app::infra::passwords::Passwords;
use base::{Ctx, Reference, insert_chunks};
use entity::{account, country, ecsf_role, need_category, organisation, skill, volunteer};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait as _, PaginatorTrait as _, QueryOrder as _,
    TransactionTrait as _,
};
use time::OffsetDateTime;

/// How much demo data to load.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Organisations.
    pub organisations: usize,
    /// Volunteers.
    pub volunteers: usize,
    /// Needs (spread over the organisations).
    pub needs: usize,
    /// The random seed.
    pub seed: u64,
}

/// Whether the database already holds organisations or volunteers.
///
/// # Errors
/// Database errors.
pub async fn has_data(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(organisation::Entity::find().count(db).await? > 0 || volunteer::Entity::find().count(db).await? > 0)
}

/// What was loaded, for the summary line.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Coordinators.
    pub coordinators: usize,
    /// Organisations.
    pub organisations: usize,
    /// Organisation members.
    pub members: usize,
    /// Volunteers.
    pub volunteers: usize,
    /// Needs.
    pub needs: usize,
    /// Engagements.
    pub engagements: usize,
    /// The shared password of the demo accounts.
    pub password: String,
}

/// Loads the demo data set: coordinators, organisations and members, needs,
/// volunteers, engagements — in that order, which is the order of the draws.
///
/// # Errors
/// Database errors; a database that already holds data.
pub async fn load(db: &DatabaseConnection, size: Size) -> anyhow::Result<Loaded> {
    anyhow::ensure!(
        !has_data(db).await?,
        "the database already holds data; demo data goes into an empty database"
    );
    let now = app::clock::to_micros(OffsetDateTime::now_utc());
    let password = format!(
        "demo-{}",
        app::infra::tokens::random_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect::<String>()
    );
    let hash = Passwords::new(1)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .hash(password.clone().into())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let reference = Reference {
        categories: need_category::Entity::find()
            .order_by_asc(need_category::Column::SortOrder)
            .all(db)
            .await?,
        skills: skill::Entity::find()
            .order_by_asc(skill::Column::Id)
            .all(db)
            .await?,
        roles: ecsf_role::Entity::find().all(db).await?,
        countries: country::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.iso2.clone(), c))
            .collect(),
    };
    anyhow::ensure!(
        !reference.categories.is_empty() && !reference.skills.is_empty(),
        "reference data missing: run the migrations first"
    );
    // Explicit ids (sequences are moved past them at the end, on PostgreSQL).
    let next_account = account::Entity::find()
        .order_by_desc(account::Column::Id)
        .one(db)
        .await?
        .map_or(0, |a| a.id)
        + 1;
    let mut ctx = Ctx {
        rng: rng::Rng(size.seed),
        now,
        hash,
        next_account,
    };
    let mut loaded = Loaded {
        password,
        ..Loaded::default()
    };

    let txn = db.begin().await?;
    // Coordinators (they enrol their second factor at first sign-in).
    let coordinators = vec![
        ctx.account_with_new_id(
            "coordinator@demo.frontline.example".into(),
            "Camille Coordinator".into(),
            account::Role::Coordinator,
        ),
        ctx.account_with_new_id(
            "coordinator2@demo.frontline.example".into(),
            "Idris Coordinator".into(),
            account::Role::Coordinator,
        ),
    ];
    loaded.coordinators = coordinators.len();
    insert_chunks(&txn, coordinators, 100).await?;

    let orgs = organisations::organisations(&mut ctx, &txn, size.organisations).await?;
    loaded.organisations = orgs.count;
    loaded.members = orgs.members;
    let needs = needs::needs(&mut ctx, &txn, size.needs, &reference, &orgs).await?;
    loaded.needs = needs.len();
    txn.commit().await?;

    let mut approved = volunteers::volunteers(&mut ctx, db, size.volunteers, &reference).await?;
    loaded.volunteers = size.volunteers;
    loaded.engagements =
        engagements::engagements(db, &mut ctx.rng, now, &needs, &orgs.first_member, &mut approved).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for table in [
            "account",
            "organisation",
            "need",
            "engagement",
            "message",
            "hours_log",
        ] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    Ok(loaded)
}
