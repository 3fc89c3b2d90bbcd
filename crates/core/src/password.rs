//! Passwords: length rules (NIST SP 800-63B: 12–256 characters, no composition rules) and
//! argon2id hashing on a bounded blocking pool so a login flood cannot take every core.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use subtle::ConstantTimeEq as _;
use tokio::sync::Semaphore;

use crate::random::{self, SecureRandom};

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 256;

/// A password as typed. Its `Debug` never shows the text.
#[derive(Clone)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_CHARS} characters")]
    TooShort,
    #[error("a password has at most {MAX_CHARS} characters")]
    TooLong,
}

impl Password {
    /// Checks a *new* password against the length rules.
    pub fn new_checked(text: String) -> Result<Self, PasswordError> {
        let chars = text.chars().count();
        if chars < MIN_CHARS {
            Err(PasswordError::TooShort)
        } else if chars > MAX_CHARS {
            Err(PasswordError::TooLong)
        } else {
            Ok(Self(text))
        }
    }

    /// A password typed at login. Only the upper bound is checked (before any hashing, so an
    /// attacker cannot make us hash megabytes); a too-short password simply fails to match.
    pub fn for_login(text: String) -> Result<Self, PasswordError> {
        if text.chars().count() > MAX_CHARS { Err(PasswordError::TooLong) } else { Ok(Self(text)) }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A PHC-format argon2id hash string.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHashString(pub String);

impl fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHashString(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashingError {
    #[error("password hashing failed: {0}")]
    Argon2(String),
    #[error("the password hashing pool is closed")]
    PoolClosed,
}

/// argon2id with the OWASP-recommended m=19 MiB, t=2, p=1 (DESIGN §3).
fn params() -> Result<Params, HashingError> {
    Params::new(19_456, 2, 1, None).map_err(|e| HashingError::Argon2(e.to_string()))
}

thread_local! {
    /// argon2's working memory (19 MiB at our parameters), kept per thread and reused. Allocating
    /// and zeroing it for every hash cost page faults on each login and let RSS swing by 19 MiB
    /// per concurrent hash; every block is overwritten in the first pass, so reuse is safe.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Where argon2's working memory comes from.
#[derive(Clone, Copy)]
enum Memory {
    /// This thread's kept buffer: for the hashing threads, which hash again and again.
    Reused,
    /// A buffer freed afterwards: for one-off hashes on a thread that must not keep 19 MiB
    /// (the dummy hash at startup runs on the caller's thread, the CLI hashes once).
    Fresh,
}

/// Runs argon2 over `memory`.
fn hash_into(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: Memory,
) -> Result<(), argon2::Error> {
    let needed = argon.params().block_count();
    match memory {
        Memory::Fresh => argon.hash_password_into_with_memory(password, salt, out, vec![Block::new(); needed]),
        Memory::Reused => BLOCKS.with(|cell| {
            let mut blocks = cell.borrow_mut();
            if blocks.len() < needed {
                blocks.resize(needed, Block::new());
            }
            argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
        }),
    }
}

/// Hashes synchronously; for CLI tools and seeding. Servers use [`PasswordHasher`].
pub fn hash_blocking(password: &Password, rng: &dyn SecureRandom) -> Result<PasswordHashString, HashingError> {
    hash_with(password, rng, Memory::Fresh)
}

fn hash_with(password: &Password, rng: &dyn SecureRandom, memory: Memory) -> Result<PasswordHashString, HashingError> {
    let error = |e: &dyn fmt::Display| HashingError::Argon2(e.to_string());
    let salt_bytes = random::bytes::<16>(rng);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| error(&e))?;
    let params = params()?;
    let mut out = [0u8; 32];
    hash_into(
        &Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()),
        password.expose().as_bytes(),
        &salt_bytes,
        &mut out,
        memory,
    )
    .map_err(|e| error(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| error(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| error(&e))?),
    };
    Ok(PasswordHashString(phc.to_string()))
}

/// Verifies synchronously in constant time. The parameters, salt and length come from the stored
/// hash (as `PasswordVerifier` would take them), so older hashes keep verifying. The calling
/// thread keeps argon2's working memory for its next verification: call it from threads that
/// verify repeatedly (the blocking pool), not from a runtime worker.
pub fn verify_blocking(password: &Password, hash: &PasswordHashString) -> bool {
    let Ok(parsed) = PasswordHash::new(&hash.0) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if hash_into(
        &Argon2::new(algorithm, version, params),
        password.expose().as_bytes(),
        salt_bytes,
        &mut out,
        Memory::Reused,
    )
    .is_err()
    {
        return false;
    }
    bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Runs argon2 off the async runtime, at most `permits` at a time.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    rng: random::SharedRandom,
    /// Verified against for unknown emails so both paths cost one argon2id run.
    dummy: PasswordHashString,
}

impl PasswordHasher {
    pub fn new(permits: usize, rng: random::SharedRandom) -> Result<Self, HashingError> {
        let dummy = hash_blocking(&Password(hex::encode(random::bytes::<16>(rng.as_ref()))), rng.as_ref())?;
        Ok(Self { permits: Arc::new(Semaphore::new(permits.max(1))), rng, dummy })
    }

    pub async fn hash(&self, password: Password) -> Result<PasswordHashString, HashingError> {
        let _permit = self.permits.acquire().await.map_err(|_| HashingError::PoolClosed)?;
        let rng = self.rng.clone();
        tokio::task::spawn_blocking(move || hash_with(&password, rng.as_ref(), Memory::Reused))
            .await
            .map_err(|e| HashingError::Argon2(e.to_string()))?
    }

    /// Verifies `password` against `hash`, or against the dummy hash when there is no account,
    /// so an unknown email costs the same time as a wrong password.
    pub async fn verify(&self, password: Password, hash: Option<PasswordHashString>) -> Result<bool, HashingError> {
        let _permit = self.permits.acquire().await.map_err(|_| HashingError::PoolClosed)?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.clone());
        let matched = tokio::task::spawn_blocking(move || verify_blocking(&password, &hash))
            .await
            .map_err(|e| HashingError::Argon2(e.to_string()))?;
        Ok(known && matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    #[test]
    fn length_rules_count_characters_not_bytes() {
        assert_eq!(Password::new_checked("short".into()).unwrap_err(), PasswordError::TooShort);
        assert!(Password::new_checked("ééééééééééé".into()).is_err(), "11 characters");
        assert!(Password::new_checked("éééééééééééé".into()).is_ok(), "12 characters, 24 bytes");
        assert_eq!(Password::new_checked("x".repeat(257)).unwrap_err(), PasswordError::TooLong);
        assert!(Password::for_login("x".repeat(257)).is_err());
        assert!(Password::for_login("short".into()).is_ok());
    }

    #[test]
    fn a_hash_verifies_only_its_password_and_is_argon2id() {
        let pw = Password::new_checked("correct horse battery".into()).unwrap();
        let hash = hash_blocking(&pw, &OsRandom).unwrap();
        assert!(hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", hash.0);
        assert!(verify_blocking(&pw, &hash));
        assert!(!verify_blocking(&Password::for_login("correct horse battery!".into()).unwrap(), &hash));
    }

    #[test]
    fn the_reused_buffer_agrees_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let pw = Password::new_checked("correct horse battery".into()).unwrap();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params().unwrap());
        // A hash stored before this code existed, made by the crate's own allocating path.
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let stored = PasswordHashString(argon.hash_password(pw.expose().as_bytes(), &salt).unwrap().to_string());
        // Twice on one thread: the second run starts from the first run's leftover blocks.
        assert!(verify_blocking(&pw, &stored));
        assert!(verify_blocking(&pw, &stored));
        let ours = hash_blocking(&pw, &OsRandom).unwrap();
        assert!(argon.verify_password(pw.expose().as_bytes(), &PasswordHash::new(&ours.0).unwrap()).is_ok());
        // Other parameters in a stored hash are honoured (and the buffer grows for them).
        let bigger = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(20_000, 1, 1, None).unwrap());
        let other = PasswordHashString(bigger.hash_password(pw.expose().as_bytes(), &salt).unwrap().to_string());
        assert!(verify_blocking(&pw, &other));
        assert!(!verify_blocking(&Password::for_login("wrong horse battery".into()).unwrap(), &other));
    }

    #[test]
    fn debug_output_hides_the_password() {
        let pw = Password::new_checked("correct horse battery".into()).unwrap();
        assert!(!format!("{pw:?}").contains("horse"));
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify_even_with_the_dummy_password() {
        let hasher = PasswordHasher::new(2, std::sync::Arc::new(OsRandom)).unwrap();
        let pw = Password::for_login("anything at all".into()).unwrap();
        assert!(!hasher.verify(pw, None).await.unwrap());
    }
}
