//! Password hashing (Argon2id) and strength checks.

use super::error::ServiceError;
use crate::validate::{self, Message};
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    password_hash::SaltString,
};
use secrecy::{ExposeSecret as _, SecretString};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's minimum, ASVS appendix C).
fn argon2() -> Result<Argon2<'static>, ServiceError> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes and verifies passwords off the async runtime, at most `n` at a time.
#[derive(Clone, Debug)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when the account does not
    /// exist, so the answer takes as long as for a real account.
    dummy: Arc<str>,
}

impl Passwords {
    /// Prepares the hasher; computes the dummy hash once.
    ///
    /// # Errors
    /// When hashing fails (it does not, with valid parameters).
    pub fn new(max_concurrent: usize) -> Result<Self, ServiceError> {
        let random = super::tokens::random_token();
        let dummy = hash_blocking(random.as_bytes())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy: dummy.into(),
        })
    }

    /// Hashes a password into a PHC string.
    ///
    /// # Errors
    /// When the hashing task fails.
    pub async fn hash(&self, password: SecretString) -> Result<String, ServiceError> {
        let _permit = self.permit().await?;
        tokio::task::spawn_blocking(move || hash_blocking(password.expose_secret().as_bytes()))
            .await
            .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))?
    }

    /// Verifies a password against a stored PHC string; with `None` (no such
    /// account) verifies against the dummy hash and answers `false`.
    ///
    /// # Errors
    /// When the hashing task fails.
    pub async fn verify(&self, password: SecretString, phc: Option<String>) -> Result<bool, ServiceError> {
        let _permit = self.permit().await?;
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy.to_string());
        let matches = tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(|e| ServiceError::Internal(e.to_string()))?;
            Ok::<_, ServiceError>(
                argon2()?
                    .verify_password(password.expose_secret().as_bytes(), &parsed)
                    .is_ok(),
            )
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))??;
        Ok(known && matches)
    }

    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ServiceError> {
        self.permits
            .acquire()
            .await
            .map_err(|e| ServiceError::Internal(format!("hash semaphore: {e}")))
    }
}

fn hash_blocking(password: &[u8]) -> Result<String, ServiceError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    argon2()?
        .hash_password(password, &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Checks a new password: length (shared with the browser) and strength against
/// common passwords and the user's own details.
///
/// `context` holds words an attacker would try first: the user's name, the parts
/// of their email address, "frontline".
///
/// # Errors
/// The [`Message`] to show next to the password field.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), Message> {
    validate::new_password(password)?;
    let mut words: Vec<String> = vec!["frontline".into(), "cyber4healthcare".into(), "cyberpeace".into()];
    for phrase in context {
        let lower = phrase.to_lowercase();
        // "Ada Lovelace" → "adalovelace", "ada", "lovelace"; an email's local part whole.
        words.push(lower.chars().filter(|c| c.is_alphanumeric()).collect());
        if let Some((local, _)) = lower.split_once('@') {
            words.push(local.chars().filter(|c| c.is_alphanumeric()).collect());
        }
        words.extend(
            lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() >= 3)
                .map(ToOwned::to_owned),
        );
    }
    words.retain(|w| w.len() >= 3);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    // zxcvbn's cost grows with length; its verdict on the first 100 characters is
    // the verdict on the password.
    let head: String = password.chars().take(100).collect();
    let estimate = zxcvbn::zxcvbn(&head, &words);
    if (estimate.score() as u8) < 3 {
        return Err(Message::PasswordWeak);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_weak() {
        assert_eq!(
            check_new_password("password1234", &[]),
            Err(Message::PasswordWeak)
        );
        assert_eq!(
            check_new_password("frontline2026", &[]),
            Err(Message::PasswordWeak)
        );
        assert_eq!(
            check_new_password("adalovelace2026", &["Ada Lovelace", "ada@example.org"]),
            Err(Message::PasswordWeak)
        );
        assert_eq!(check_new_password("short", &[]), Err(Message::PasswordTooShort));
        assert_eq!(
            check_new_password("correct horse battery staple on mars", &[]),
            Ok(())
        );
    }

    #[tokio::test]
    async fn hashes_verify_exactly_as_typed() {
        let passwords = Passwords::new(2).unwrap();
        let phc = passwords
            .hash(" Tr0ub4dor &3 horse ".to_owned().into())
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let ok = passwords
            .verify(" Tr0ub4dor &3 horse ".to_owned().into(), Some(phc.clone()))
            .await;
        assert!(matches!(ok, Ok(true)));
        let trimmed = passwords
            .verify("Tr0ub4dor &3 horse".to_owned().into(), Some(phc))
            .await;
        assert!(matches!(trimmed, Ok(false)), "no trimming");
        let unknown = passwords.verify("anything at all".to_owned().into(), None).await;
        assert!(matches!(unknown, Ok(false)));
    }
}
