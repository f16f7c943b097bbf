//! Asking a signed-in user for their current password again before a sensitive
//! change (a new password, turning off the second factor): one throttled check
//! that both use.

use crate::{
    infra::{
        error::ServiceError,
        throttle::{self, Attempt, Key},
    },
    services::deps::Deps,
    validate::Message,
};
use entity::account;
use sea_orm::EntityTrait as _;
use secrecy::SecretString;

/// Loads the user's account and checks `password` against it, throttled by
/// `keys`: the attempt is counted before the check (so a burst of guesses gets
/// only the allowed number checked), a wrong password keeps it counted, and past
/// the limit the check refuses at once. A wrong password is a validation error
/// on `field`. The caller settles the returned attempt once any further secret
/// of the same request (a second-factor code) has been checked too.
///
/// # Errors
/// [`ServiceError::RateLimited`]; [`ServiceError::Validation`] on `field`;
/// [`ServiceError::Unauthenticated`] when the account is gone; database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn current_password(
    state: &Deps,
    account_id: i64,
    keys: &[Key],
    password: SecretString,
    field: &str,
) -> Result<(account::Model, Attempt), ServiceError> {
    let now = state.clock.now();
    let attempt = throttle::reserve(&state.db, keys, now).await?;
    let account = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if !state
        .passwords
        .verify(password, Some(account.password_hash.clone()))
        .await?
    {
        attempt.failed();
        return Err(ServiceError::field(field, Message::CurrentPasswordWrong));
    }
    Ok((account, attempt))
}
