//! Password hashing (Argon2id) and strength checks.

use super::error::ServiceError;
use crate::validate::{self, Message};
use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{Output, ParamsString, SaltString},
};
use secrecy::{ExposeSecret as _, SecretString};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Semaphore;

/// Argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's minimum, ASVS appendix C).
fn argon2() -> Result<Argon2<'static>, ServiceError> {
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params()?))
}

/// Argon2's working memory (19 MiB a hash), kept and reused rather than
/// allocated per hash: glibc keeps the pages of freed 19 MiB blocks (a burst of
/// 30 sign-ins left ~350 MB behind), so memory after a burst is what the burst
/// needed at its peak. With the semaphore, at most `max_concurrent` buffers exist.
#[derive(Clone, Debug, Default)]
struct Memory(Arc<Mutex<Vec<Vec<Block>>>>);

impl Memory {
    /// Runs `f` with `blocks` blocks of working memory.
    fn with<T>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let spare = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut buffer = spare.unwrap_or_default();
        if buffer.len() < blocks {
            buffer.resize(blocks, Block::new());
        }
        let out = f(buffer.get_mut(..blocks).unwrap_or_default());
        // Keep buffers of our own size; a larger one (an old hash with a higher
        // memory cost) is rare and goes back to the allocator.
        if buffer.len() == argon2_params().map_or(0, |p| p.block_count()) {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).push(buffer);
        }
        out
    }

    /// Buffers kept.
    #[cfg(test)]
    fn kept(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

fn argon2_params() -> Result<Params, ServiceError> {
    Params::new(19_456, 2, 1, None).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Hashes and verifies passwords off the async runtime, at most `n` at a time.
#[derive(Clone, Debug)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    memory: Memory,
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
        let memory = Memory::default();
        let dummy = hash_blocking(&memory, random.as_bytes())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            memory,
            dummy: dummy.into(),
        })
    }

    /// Hashes a password into a PHC string.
    ///
    /// # Errors
    /// When the hashing task fails.
    pub async fn hash(&self, password: SecretString) -> Result<String, ServiceError> {
        let _permit = self.permit().await?;
        let memory = self.memory.clone();
        tokio::task::spawn_blocking(move || hash_blocking(&memory, password.expose_secret().as_bytes()))
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
        let memory = self.memory.clone();
        let matches = tokio::task::spawn_blocking(move || {
            verify_blocking(&memory, password.expose_secret().as_bytes(), &phc)
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

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), as
/// `PasswordHasher::hash_password` makes it, computed in `memory`.
fn hash_blocking(memory: &Memory, password: &[u8]) -> Result<String, ServiceError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(internal)?;
    let argon = argon2()?;
    let mut raw_salt = [0u8; 64];
    let raw_salt = salt.as_salt().decode_b64(&mut raw_salt).map_err(internal)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    memory
        .with(argon.params().block_count(), |blocks| {
            argon.hash_password_into_with_memory(password, raw_salt, &mut out, blocks)
        })
        .map_err(internal)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params()).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(internal)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc` (whatever Argon2 variant,
/// version and costs it was made with), computed in `memory`; the comparison
/// is constant-time (`Output`'s equality).
fn verify_blocking(memory: &Memory, password: &[u8], phc: &str) -> Result<bool, ServiceError> {
    let parsed = PasswordHash::new(phc).map_err(internal)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(internal)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(internal)?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(internal)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Ok(false);
    };
    let mut raw_salt = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut raw_salt).map_err(internal)?;
    let argon = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = memory.with(argon.params().block_count(), |blocks| {
        argon.hash_password_into_with_memory(password, raw_salt, &mut out, blocks)
    });
    if hashed.is_err() {
        return Ok(false);
    }
    Ok(Output::new(&out).map_err(internal)? == expected)
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
    fn hashes_in_reused_memory_match_the_standard_argon2id() {
        use argon2::{PasswordHasher as _, PasswordVerifier as _};
        let memory = Memory::default();
        let ours = hash_blocking(&memory, b"correct horse battery staple").unwrap_or_default();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).unwrap_or_else(|e| panic!("{e}"));
        let standard = argon2().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            standard
                .verify_password(b"correct horse battery staple", &parsed)
                .is_ok(),
            "the standard verifier accepts ours"
        );
        assert!(standard.verify_password(b"wrong", &parsed).is_err());
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap_or_else(|e| panic!("{e}"));
        let theirs = standard
            .hash_password(b"pass phrase", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert_eq!(
            verify_blocking(&memory, b"pass phrase", &theirs).ok(),
            Some(true),
            "ours accepts the standard's"
        );
        assert_eq!(
            verify_blocking(&memory, b"pass phrasf", &theirs).ok(),
            Some(false)
        );
        // Other costs (an older hash) still verify.
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 3, 1, None).unwrap_or_else(|e| panic!("{e}")),
        );
        let old = cheap
            .hash_password(b"old one", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert_eq!(verify_blocking(&memory, b"old one", &old).ok(), Some(true));
        assert_eq!(memory.kept(), 1, "one buffer, reused");
        assert!(verify_blocking(&memory, b"x", "not a phc string").is_err());
    }

    /// Resident memory after bursts of concurrent hashes: reused buffers versus
    /// an allocation per hash (the argon2 crate's own `hash_password`), side by
    /// side in one process. `cargo test -p app --features ssr --lib
    /// passwords::tests::bench -- --ignored --nocapture`.
    #[test]
    #[ignore = "a benchmark: prints figures"]
    fn bench_resident_memory_after_a_burst_of_hashes() {
        use argon2::PasswordHasher as _;
        fn rss_mb() -> f64 {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1024.0
        }
        // 30 sign-ins, each on its own thread (as tokio's blocking pool runs
        // them), two hashing at a time (as the server's semaphore allows).
        let gate = (Mutex::new(0_usize), std::sync::Condvar::new());
        let burst = |f: &(dyn Fn() + Sync)| {
            std::thread::scope(|s| {
                for _ in 0..30 {
                    s.spawn(|| {
                        let (busy, freed) = &gate;
                        let mut n = freed
                            .wait_while(busy.lock().unwrap_or_else(PoisonError::into_inner), |n| *n >= 2)
                            .unwrap_or_else(PoisonError::into_inner);
                        *n += 1;
                        drop(n);
                        f();
                        *busy.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
                        freed.notify_one();
                    });
                }
            });
        };
        let start = rss_mb();
        let memory = Memory::default();
        burst(&|| {
            let _ = hash_blocking(&memory, b"a password of some length");
        });
        let reused = rss_mb();
        burst(&|| {
            let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).unwrap_or_else(|e| panic!("{e}"));
            let _ = argon2().map(|a| {
                a.hash_password(b"a password of some length", &salt)
                    .map(|h| h.to_string())
            });
        });
        let allocated = rss_mb();
        println!(
            "bench=argon2_memory burst=30 threads start_mb={start:.0} after_reused_mb={reused:.0} (+{:.0}) \
             after_allocating_mb={allocated:.0} (+{:.0}) buffers_kept={}",
            reused - start,
            allocated - reused,
            memory.kept()
        );
    }

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
