//! Sessions: the browser's cookie holds a session's key and a 256-bit random secret; the
//! database keeps the key and the secret's SHA-256, so a leaked database cannot be replayed as
//! cookies. A session is first password-verified, then fully authenticated; each step gets a new
//! secret (and so a new id), and a password sign-in a new key as well.
//!
//! Why a key beside the secret: the database finds a session by its key, which a second-factor
//! check keeps, so rotating the session rewrites one row instead of moving it in the index by
//! id. On SQLite a rotation wrote five pages and now writes one (a 100 000-row table), and a
//! verification costs the server a fifth less CPU (docs/performance.md).

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

/// Characters of a session's key (96 random bits in base64url): the first part of a token and of
/// a session id, before the `.`. The stores split ids at this length.
pub const SESSION_KEY_CHARS: usize = 16;
/// Characters of a token's secret (256 random bits in base64url).
const SECRET_CHARS: usize = 43;

/// What the cookie holds, `<key>.<secret>`: goes into the cookie and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// A token with a key of its own.
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self::under_key(&URL_SAFE_NO_PAD.encode(random::bytes::<12>(rng)), rng)
    }

    /// A new secret under the key of the session `replaced`: the session it names takes that
    /// session's place (its row), and the old cookie stops working.
    pub fn succeeding(replaced: &SessionIdHash, rng: &dyn SecureRandom) -> Self {
        Self::under_key(replaced.key(), rng)
    }

    fn under_key(key: &str, rng: &dyn SecureRandom) -> Self {
        Self(format!("{key}.{}", URL_SAFE_NO_PAD.encode(random::bytes::<32>(rng))))
    }

    /// Accepts only the shape we issue: 16 base64url characters, a `.`, 43 more.
    pub fn from_cookie(value: &str) -> Option<Self> {
        let (key, secret) = value.split_once('.')?;
        let base64url = |part: &str| part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (key.len() == SESSION_KEY_CHARS && secret.len() == SECRET_CHARS && base64url(key) && base64url(secret))
            .then(|| Self(value.to_owned()))
    }

    /// The id the database knows the session by: the key as it is, the secret hashed.
    pub fn hash(&self) -> SessionIdHash {
        let (key, secret) = self.0.split_at(SESSION_KEY_CHARS);
        SessionIdHash(format!("{key}.{}", hex::encode(Sha256::digest(&secret.as_bytes()[1..]))))
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

/// What the database stores and looks sessions up by: `<key>.<SHA-256 of the secret, hex>`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionIdHash(String);

impl SessionIdHash {
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key: what stays when the session is rotated in place (`SessionToken::succeeding`).
    pub fn key(&self) -> &str {
        self.0.get(..SESSION_KEY_CHARS).unwrap_or(&self.0)
    }

    /// The hash of the secret: what follows the key and its `.`.
    pub fn secret_hash(&self) -> &str {
        self.0.get(SESSION_KEY_CHARS + 1..).unwrap_or_default()
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
        Self::with_token(SessionToken::generate(rng), user_id, auth_level, now, ctx, rng)
    }

    /// The session that takes `replaced`'s place after a second factor (or "Remind me later"):
    /// the same key and user, a new secret and CSRF token. The store rotates the row in place.
    pub fn succeed(
        replaced: &Session,
        auth_level: AuthLevel,
        now: OffsetDateTime,
        ctx: &crate::RequestContext,
        rng: &dyn SecureRandom,
    ) -> (SessionToken, Session) {
        let token = SessionToken::succeeding(&replaced.id, rng);
        Self::with_token(token, replaced.user_id.clone(), auth_level, now, ctx, rng)
    }

    fn with_token(
        token: SessionToken,
        user_id: UserId,
        auth_level: AuthLevel,
        now: OffsetDateTime,
        ctx: &crate::RequestContext,
        rng: &dyn SecureRandom,
    ) -> (SessionToken, Session) {
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
        assert_eq!(token.expose().len(), 16 + 1 + 43);
        let (key, secret) = token.expose().split_once('.').unwrap();
        assert_eq!(session.id.key(), key);
        assert_eq!(session.id.as_str(), format!("{key}.{}", session.id.secret_hash()));
        assert!(!session.id.as_str().contains(secret), "the database keeps only the secret's hash");
        assert_eq!(SessionToken::from_cookie(token.expose()).unwrap().hash(), session.id);
        assert!(SessionToken::from_cookie("short").is_none());
        assert!(SessionToken::from_cookie(&format!("{key}{secret}.")).is_none(), "the dot in its place");
        assert!(SessionToken::from_cookie(&format!("{key}.{}", &secret[1..])).is_none());
        assert!(SessionToken::from_cookie(&format!("{key}.{}=", &secret[1..])).is_none());
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    #[test]
    fn a_successor_keeps_the_key_and_the_user_and_nothing_secret() {
        let now = datetime!(2026-01-01 0:00 UTC);
        let ctx = RequestContext::default();
        let (old_token, old) =
            Session::start(UserId::generate(&OsRandom), AuthLevel::PasswordVerified, now, &ctx, &OsRandom);
        let (token, new) = Session::succeed(&old, AuthLevel::Full, now, &ctx, &OsRandom);
        assert_eq!(new.id.key(), old.id.key());
        assert_eq!(new.user_id, old.user_id);
        assert_ne!(new.id, old.id);
        assert_ne!(token.expose(), old_token.expose());
        assert_ne!(new.csrf_token, old.csrf_token);
        assert_eq!(new.auth_level, AuthLevel::Full);
        // Another sign-in gets a key of its own.
        let (_, other) = Session::start(old.user_id.clone(), AuthLevel::Full, now, &ctx, &OsRandom);
        assert_ne!(other.id.key(), old.id.key());
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
