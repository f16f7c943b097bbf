//! Random secrets (reset links, recovery codes) and their stored hashes.

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// A URL-safe random token of 256 bits.
#[must_use]
pub fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The SHA-256 of a high-entropy secret, hex-encoded. Random tokens need no slow
/// hash: there is nothing to brute-force.
#[must_use]
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Compares two stored hashes in constant time.
#[must_use]
pub fn hashes_equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A recovery code: ten characters from an alphabet without look-alikes,
/// shown as `xxxxx-xxxxx` (about 50 bits).
#[must_use]
pub fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = rand::random::<[u8; 10]>();
    let code: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{}-{}", &code[..5], &code[5..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43, "256 bits in unpadded base64");
        assert_ne!(a, random_token());
    }

    #[test]
    fn hashes_are_stable_hex() {
        assert_eq!(hash("x"), hash("x"));
        assert_eq!(hash("x").len(), 64);
        assert!(hashes_equal(&hash("x"), &hash("x")));
        assert!(!hashes_equal(&hash("x"), &hash("y")));
    }

    #[test]
    fn recovery_codes_validate() {
        let code = recovery_code();
        assert_eq!(code.len(), 11);
        assert!(crate::validate::recovery_code(&code).is_ok());
    }
}
