//! Asking a signed-in user for their current password again before a sensitive
//! change (a new password, turning off the second factor): one throttled check
//! that both use.

use crate::{
    infra::{error::ServiceError, throttle},
    services::deps::Deps,
    validate::Message,
};
use entity::account;
use sea_orm::EntityTrait as _;
use secrecy::SecretString;

/// Loads the user's account and checks `password` against it, throttled by
/// `keys`: each wrong password counts, and past the limit the check refuses
/// at once. A wrong password is a validation error on `field`.
///
/// # Errors
/// [`ServiceError::RateLimited`]; [`ServiceError::Validation`] on `field`;
/// [`ServiceError::Unauthenticated`] when the account is gone; database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn current_password(
    state: &Deps,
    account_id: i64,
    keys: &[String],
    password: SecretString,
    field: &str,
) -> Result<account::Model, ServiceError> {
    let now = state.clock.now();
    throttle::check(&state.db, keys, now).await?;
    let account = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if !state
        .passwords
        .verify(password, Some(account.password_hash.clone()))
        .await?
    {
        throttle::fail(&state.db, keys, now).await?;
        return Err(ServiceError::field(field, Message::CurrentPasswordWrong));
    }
    Ok(account)
}
