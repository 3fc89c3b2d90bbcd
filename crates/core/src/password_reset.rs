//! Forgot-password links: a 256-bit single-use token valid for 30 minutes, stored hashed.
//! A reset never signs anyone in and never touches MFA.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::fmt;
use time::{Duration, OffsetDateTime};

use crate::random::{self, SecureRandom};
use crate::user::UserId;

pub const RESET_LINK_LIFETIME: Duration = Duration::minutes(30);

#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

impl ResetToken {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(URL_SAFE_NO_PAD.encode(random::bytes::<32>(rng)))
    }

    pub fn parse(value: &str) -> Option<Self> {
        (value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .then(|| Self(value.to_owned()))
    }

    pub fn hash(&self) -> ResetTokenHash {
        ResetTokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResetToken(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetTokenHash(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub token_hash: ResetTokenHash,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}
