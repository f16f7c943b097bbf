//! What the generator's parts share: the random numbers, the clock, the shared
//! password's hash, account ids, the reference data, and bulk inserts.

use super::rng::Rng;
use anyhow::Context as _;
use entity::{account, country, ecsf_role, need_category, skill};
use sea_orm::{ActiveValue::Set, ConnectionTrait};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The generator's state, passed to each part in turn (the order of the parts
/// is the order of the draws, so one seed gives one data set).
pub(super) struct Ctx {
    /// The random numbers.
    pub(super) rng: Rng,
    /// The time of the load.
    pub(super) now: OffsetDateTime,
    /// The shared password's hash.
    pub(super) hash: String,
    /// The next free account id.
    pub(super) next_account: i64,
}

impl Ctx {
    /// Takes the next account id.
    pub(super) fn take_id(&mut self) -> i64 {
        let id = self.next_account;
        self.next_account += 1;
        id
    }

    /// An active account with the shared password and the next free id.
    pub(super) fn account_with_new_id(
        &mut self,
        email: String,
        name: String,
        role: account::Role,
    ) -> account::ActiveModel {
        let id = self.take_id();
        self.account(id, email, name, role)
    }

    /// An active account with the shared password.
    pub(super) fn account(
        &self,
        id: i64,
        email: String,
        name: String,
        role: account::Role,
    ) -> account::ActiveModel {
        account::ActiveModel {
            id: Set(id),
            email: Set(email),
            display_name: Set(name),
            role: Set(role),
            status: Set(account::Status::Active),
            password_hash: Set(self.hash.clone()),
            password_changed_at: Set(self.now),
            failed_sign_ins: Set(0),
            // Demo addresses are fictitious: counted as verified, so they can be vetted.
            email_verified_at: Set(Some(self.now)),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
    }
}

/// The reference data the demo draws from.
pub(super) struct Reference {
    /// Need categories, in their order.
    pub(super) categories: Vec<need_category::Model>,
    /// Skills, by id.
    pub(super) skills: Vec<skill::Model>,
    /// ECSF roles.
    pub(super) roles: Vec<ecsf_role::Model>,
    /// Countries by ISO code.
    pub(super) countries: HashMap<String, country::Model>,
}

/// Inserts `rows` in multi-row statements of `chunk` rows.
pub(super) async fn insert_chunks<A, C>(db: &C, rows: Vec<A>, chunk: usize) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(chunk).collect();
        <A::Entity as sea_orm::EntityTrait>::insert_many(batch)
            .exec_without_returning(db)
            .await
            .context("bulk insert failed")?;
    }
    Ok(())
}
