//! Sessions: a 256-bit random token lives only in the browser's cookie; the
//! database keeps its SHA-256, so a leaked database cannot be replayed as cookies.
//! A session is first password-verified, then fully authenticated; each step gets a new id.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use time::{Duration, OffsetDateTime};

use crate::random::{self, SecureRandom};
use crate::user::UserId;

/// How long after a rotation (a second-factor check, step-up) a sign-out sent with the previous
/// cookie still ends the session: long enough for requests that were in flight together, short
/// enough that an old cookie cannot sign its successor out for the session's whole life.
pub const OLD_ID_SIGNS_OUT_FOR: Duration = Duration::minutes(5);

/// The secret half: goes into the cookie and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(URL_SAFE_NO_PAD.encode(random::bytes::<32>(rng)))
    }

    /// Accepts only the shape we issue (43 base64url characters).
    pub fn from_cookie(value: &str) -> Option<Self> {
        (value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .then(|| Self(value.to_owned()))
    }

    pub fn hash(&self) -> SessionIdHash {
        SessionIdHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// What the database stores and looks sessions up by.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionIdHash(String);

impl SessionIdHash {
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How the session is named to its owner (the security page, `GET /api/v1/sessions`): a
    /// hash of the stored hash, so the name the browser sees is never the database's key.
    pub fn public_id(&self) -> String {
        hex::encode(&Sha256::digest(format!("session-name:{}", self.0).as_bytes())[..12])
    }
}

impl fmt::Debug for SessionIdHash {
    // Even the hash is shortened in logs: enough to correlate, not to look up.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionIdHash({}…)", &self.0.get(..8).unwrap_or(""))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthLevel {
    /// The password was right; only the MFA pages, MFA API and sign-out are reachable.
    PasswordVerified,
    /// Password and (where required) second factor done.
    Full,
}

impl AuthLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthLevel::PasswordVerified => "password_verified",
            AuthLevel::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "password_verified" => Some(AuthLevel::PasswordVerified),
            "full" => Some(AuthLevel::Full),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionIdHash,
    pub user_id: UserId,
    pub auth_level: AuthLevel,
    /// Per-session token for HTML forms (synchronizer-token CSRF defence).
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// When a second factor was last verified in this session (step-up checks).
    pub mfa_verified_at: Option<OffsetDateTime>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Session {
    /// A new session for `user_id`, returning the token to put in the cookie.
    pub fn start(
        user_id: UserId,
        auth_level: AuthLevel,
        now: OffsetDateTime,
        ctx: &crate::RequestContext,
        rng: &dyn SecureRandom,
    ) -> (SessionToken, Session) {
        let token = SessionToken::generate(rng);
        let session = Session {
            id: token.hash(),
            user_id,
            auth_level,
            csrf_token: URL_SAFE_NO_PAD.encode(random::bytes::<32>(rng)),
            created_at: now,
            last_seen_at: now,
            mfa_verified_at: None,
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
        };
        (token, session)
    }
}

/// Idle and absolute lifetimes (30 minutes idle, 12 hours absolute).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// `last_seen_at` is written at most this often, so a busy page does not turn every
    /// request into a database write.
    pub touch_interval: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            touch_interval: Duration::seconds(60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active { needs_touch: bool },
    IdleExpired,
    AbsoluteExpired,
}

impl SessionPolicy {
    pub fn state(&self, session: &Session, now: OffsetDateTime) -> SessionState {
        if now >= session.created_at + self.absolute_timeout {
            SessionState::AbsoluteExpired
        } else if now >= session.last_seen_at + self.idle_timeout {
            SessionState::IdleExpired
        } else {
            SessionState::Active { needs_touch: now - session.last_seen_at >= self.touch_interval }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RequestContext;
    use crate::random::OsRandom;
    use time::macros::datetime;

    fn session_at(now: OffsetDateTime) -> Session {
        Session::start(UserId::generate(&OsRandom), AuthLevel::Full, now, &RequestContext::default(), &OsRandom).1
    }

    #[test]
    fn tokens_are_256_bit_and_only_their_hash_is_kept() {
        let (token, session) = Session::start(
            UserId::generate(&OsRandom),
            AuthLevel::Full,
            datetime!(2026-01-01 0:00 UTC),
            &RequestContext::default(),
            &OsRandom,
        );
        assert_eq!(token.expose().len(), 43);
        assert_ne!(session.id.as_str(), token.expose());
        assert_eq!(SessionToken::from_cookie(token.expose()).unwrap().hash(), session.id);
        assert!(SessionToken::from_cookie("short").is_none());
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    #[test]
    fn idle_sessions_expire_after_30_minutes() {
        let start = datetime!(2026-01-01 9:00 UTC);
        let s = session_at(start);
        let p = SessionPolicy::default();
        assert!(matches!(p.state(&s, start + Duration::minutes(29)), SessionState::Active { .. }));
        assert_eq!(p.state(&s, start + Duration::minutes(30)), SessionState::IdleExpired);
    }

    #[test]
    fn busy_sessions_still_end_after_12_hours() {
        let start = datetime!(2026-01-01 9:00 UTC);
        let mut s = session_at(start);
        s.last_seen_at = start + Duration::hours(11) + Duration::minutes(59);
        let p = SessionPolicy::default();
        assert!(matches!(
            p.state(&s, start + Duration::hours(11) + Duration::minutes(59)),
            SessionState::Active { needs_touch: false }
        ));
        assert_eq!(p.state(&s, start + Duration::hours(12)), SessionState::AbsoluteExpired);
    }

    #[test]
    fn last_seen_is_written_at_most_once_a_minute() {
        let start = datetime!(2026-01-01 9:00 UTC);
        let s = session_at(start);
        let p = SessionPolicy::default();
        assert_eq!(p.state(&s, start + Duration::seconds(59)), SessionState::Active { needs_touch: false });
        assert_eq!(p.state(&s, start + Duration::seconds(60)), SessionState::Active { needs_touch: true });
    }
}
