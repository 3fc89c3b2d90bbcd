//! Passwords: length rules (NIST SP 800-63B: 12–256 characters, no composition rules) and
//! argon2id hashing on a bounded blocking pool so a login flood cannot take every core.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;
use std::sync::Arc;
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
fn argon2id() -> Result<Argon2<'static>, HashingError> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| HashingError::Argon2(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes synchronously; for CLI tools and seeding. Servers use [`PasswordHasher`].
pub fn hash_blocking(password: &Password, rng: &dyn SecureRandom) -> Result<PasswordHashString, HashingError> {
    let salt = SaltString::encode_b64(&random::bytes::<16>(rng)).map_err(|e| HashingError::Argon2(e.to_string()))?;
    let hash = argon2id()?
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| HashingError::Argon2(e.to_string()))?;
    Ok(PasswordHashString(hash.to_string()))
}

/// Verifies synchronously in constant time (argon2's own comparison).
pub fn verify_blocking(password: &Password, hash: &PasswordHashString) -> bool {
    let Ok(parsed) = PasswordHash::new(&hash.0) else {
        return false;
    };
    let Ok(argon) = argon2id() else { return false };
    argon.verify_password(password.expose().as_bytes(), &parsed).is_ok()
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
        tokio::task::spawn_blocking(move || hash_blocking(&password, rng.as_ref()))
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
