//! The site's signing keys: made once at random, stored in the database so that
//! every instance on it signs and checks alike, and loaded at start-up (never
//! inside a request's transaction, which could roll the new key back).
//!
//! Unsubscribe links are signed with HMAC-SHA-256 over the account and the
//! topic: whoever holds one may stop that topic's mail for that account, and no
//! one can make one for another account.

use super::error::ServiceError;
use entity::site_key;
use hmac::{Hmac, Mac as _};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait as _};
use sha2::Sha256;
use time::OffsetDateTime;

/// Name of the unsubscribe key's row.
const UNSUBSCRIBE: &str = "unsubscribe";

/// Bytes of a signature kept in a link (128 bits).
const SIGNATURE_BYTES: usize = 16;

/// The keys the site signs with.
#[derive(Clone)]
pub struct SiteKeys {
    unsubscribe: [u8; 32],
}

impl std::fmt::Debug for SiteKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SiteKeys(..)")
    }
}

impl SiteKeys {
    /// Loads the keys, making any that do not exist yet (the first instance to
    /// start makes them; the others read the same).
    ///
    /// # Errors
    /// Database errors; a stored key that is not 32 hex-encoded bytes.
    pub async fn load(db: &DatabaseConnection, now: OffsetDateTime) -> Result<Self, ServiceError> {
        let fresh: String = rand::random::<[u8; 32]>()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        site_key::Entity::insert(site_key::ActiveModel {
            name: Set(UNSUBSCRIBE.to_owned()),
            value: Set(fresh),
            created_at: Set(now),
        })
        .on_conflict_do_nothing_on([site_key::Column::Name])
        .exec(db)
        .await?;
        let stored = site_key::Entity::find_by_id(UNSUBSCRIBE.to_owned())
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let unsubscribe = decode(&stored.value).ok_or_else(|| {
            ServiceError::Internal(format!("the stored `{UNSUBSCRIBE}` key is not 32 hex bytes"))
        })?;
        Ok(Self { unsubscribe })
    }

    /// Keys for tests and tools that never check a link against the database.
    #[must_use]
    pub fn fixed(byte: u8) -> Self {
        Self {
            unsubscribe: [byte; 32],
        }
    }

    /// The signature (hex) that makes `message` an unsubscribe link.
    #[must_use]
    pub fn sign_unsubscribe(&self, message: &str) -> String {
        self.mac(message)
            .finalize()
            .into_bytes()
            .iter()
            .take(SIGNATURE_BYTES)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Whether `signature` (hex) is this site's for `message`, in constant time.
    #[must_use]
    pub fn verify_unsubscribe(&self, message: &str, signature: &str) -> bool {
        let Some(bytes) = decode_any(signature) else {
            return false;
        };
        bytes.len() == SIGNATURE_BYTES && self.mac(message).verify_truncated_left(&bytes).is_ok()
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        #[expect(clippy::expect_used, reason = "HMAC takes a key of any length")]
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.unsubscribe).expect("any key length");
        mac.update(message.as_bytes());
        mac
    }
}

fn decode(hex: &str) -> Option<[u8; 32]> {
    decode_any(hex)?.try_into().ok()
}

fn decode_any(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || hex.len() > 128 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_for_its_message_and_key() {
        let keys = SiteKeys::fixed(7);
        let sig = keys.sign_unsubscribe("1:messages");
        assert_eq!(sig.len(), SIGNATURE_BYTES * 2);
        assert!(keys.verify_unsubscribe("1:messages", &sig));
        assert!(!keys.verify_unsubscribe("2:messages", &sig));
        assert!(!keys.verify_unsubscribe("1:vetting", &sig));
        assert!(!SiteKeys::fixed(8).verify_unsubscribe("1:messages", &sig));
        assert!(!keys.verify_unsubscribe("1:messages", &sig[..30]));
        assert!(!keys.verify_unsubscribe("1:messages", "zz"));
        assert!(!keys.verify_unsubscribe("1:messages", ""));
        let mut flipped = sig.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        assert!(!keys.verify_unsubscribe("1:messages", &String::from_utf8(flipped).unwrap_or_default()));
    }
}
