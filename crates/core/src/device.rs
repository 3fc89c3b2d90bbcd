//! "Don't ask for a code on this device": a remembered device is a random 256-bit token in its
//! own HttpOnly cookie; the database keeps only the token's SHA-256 with the user, the device's
//! user agent and the times. On that device the next sign-ins ask for the password only, until
//! the token expires or is revoked (a password reset, an MFA reset, a removed method, "forget").
//! Never for staff: a stolen staff laptop must still need a code.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::fmt;
use time::{Duration, OffsetDateTime};

use crate::random::{self, SecureRandom};
use crate::user::{Role, UserId, hex_id};

/// The secret in the device's cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(String);

impl DeviceToken {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(URL_SAFE_NO_PAD.encode(random::bytes::<32>(rng)))
    }

    /// Accepts only the shape we issue (43 base64url characters).
    pub fn from_cookie(value: &str) -> Option<Self> {
        (value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .then(|| Self(value.to_owned()))
    }

    /// What the database stores and looks the device up by.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberedDevice {
    pub id: String,
    pub user_id: UserId,
    pub token_hash: String,
    pub user_agent: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_used_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl RememberedDevice {
    /// A new device record and the token for its cookie.
    pub fn start(
        user: &UserId,
        user_agent: Option<String>,
        now: OffsetDateTime,
        lifetime: Duration,
        rng: &dyn SecureRandom,
    ) -> (DeviceToken, Self) {
        let token = DeviceToken::generate(rng);
        let device = Self {
            id: hex_id(rng),
            user_id: user.clone(),
            token_hash: token.hash(),
            user_agent,
            created_at: now,
            last_used_at: now,
            expires_at: now + lifetime,
        };
        (token, device)
    }
}

/// Whether a device may be remembered for this user at all: the operator has not switched it
/// off (0 days) and the user is not staff.
pub fn may_remember(role: Role, remember_days: u16) -> bool {
    remember_days > 0 && role == Role::Policyholder
}

/// Whether `device` lets `user` skip the code now: it is theirs, unexpired, and they may use it.
pub fn lets_skip_code(
    device: &RememberedDevice,
    user: &UserId,
    role: Role,
    remember_days: u16,
    now: OffsetDateTime,
) -> bool {
    may_remember(role, remember_days) && &device.user_id == user && now < device.expires_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;
    use time::macros::datetime;

    #[test]
    fn a_device_skips_the_code_for_its_own_policyholder_until_it_expires() {
        let now = datetime!(2026-12-03 12:00 UTC);
        let user = UserId::generate(&OsRandom);
        let (token, device) = RememberedDevice::start(&user, None, now, Duration::days(30), &OsRandom);
        assert_eq!(device.token_hash, token.hash());
        assert_ne!(device.token_hash, token.expose());
        assert!(lets_skip_code(&device, &user, Role::Policyholder, 30, now + Duration::days(29)));
        assert!(!lets_skip_code(&device, &user, Role::Policyholder, 30, now + Duration::days(30)));
        assert!(!lets_skip_code(&device, &UserId::generate(&OsRandom), Role::Policyholder, 30, now));
        // Switched off by the operator, or staff: never.
        assert!(!lets_skip_code(&device, &user, Role::Policyholder, 0, now));
        for staff in [Role::Adjuster, Role::Support, Role::Admin] {
            assert!(!lets_skip_code(&device, &user, staff, 30, now));
        }
    }

    #[test]
    fn only_tokens_of_the_issued_shape_are_read_from_a_cookie() {
        let token = DeviceToken::generate(&OsRandom);
        assert_eq!(DeviceToken::from_cookie(token.expose()), Some(token.clone()));
        assert!(DeviceToken::from_cookie("short").is_none());
        assert!(DeviceToken::from_cookie(&"a".repeat(42).replace('a', "é")).is_none());
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
