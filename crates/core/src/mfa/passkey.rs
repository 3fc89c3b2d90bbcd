//! Passkeys (WebAuthn): the relying party, names, the stored credential, and the ceremony state
//! a browser carries between "start" and "finish".
//!
//! The cryptography (CBOR, COSE keys, signatures, counters, the user-verification and backup
//! flags) is webauthn-rs's; this module only decides what the portal keeps and how it is bound.
//! A ceremony's state travels sealed (XChaCha20-Poly1305 under the portal key) in a short-lived
//! cookie rather than in a table, so starting a passwordless sign-in writes nothing for an
//! anonymous visitor; its random id is claimed in the database by the transaction that finishes
//! it, so each ceremony finishes once.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Duration, OffsetDateTime};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration, Url, Uuid, Webauthn,
    WebauthnBuilder,
};

use crate::random::SecureRandom;
use crate::secret::SecretKey;
use crate::user::{UserId, hex_id};

/// A started ceremony must be finished within this long (the browser's own timeout is the same).
pub const CEREMONY_LIFETIME: Duration = Duration::minutes(5);
/// Longest name a user may give a passkey.
pub const NAME_MAX_CHARS: usize = 60;
const SEAL_CONTEXT: &[u8] = b"passkey-ceremony";

/// The relying party for `public_url`: its id is the URL's host name, its origin the URL's.
/// `None` when the host is an IP address (browsers refuse those as relying-party ids), so a
/// portal reached by address simply offers no passkeys.
pub fn relying_party(public_url: &str, portal_name: &str) -> Option<Webauthn> {
    let origin = Url::parse(public_url).ok()?;
    let host = origin.domain()?.to_owned();
    WebauthnBuilder::new(&host, &origin).ok()?.rp_name(portal_name).build().ok()
}

/// The WebAuthn user handle of a user: the 16 random bytes of their id (no personal data).
pub fn user_handle(user: &UserId) -> Uuid {
    let mut bytes = [0u8; 16];
    if let Ok(decoded) = hex::decode(user.as_str())
        && decoded.len() == 16
    {
        bytes.copy_from_slice(&decoded);
    }
    Uuid::from_bytes(bytes)
}

/// What a user calls a passkey ("Work laptop"): 1–60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyNameError {
    #[error("give the passkey a name, like \"My phone\"")]
    Empty,
    #[error("a passkey name is at most 60 characters")]
    TooLong,
    #[error("a passkey name cannot contain control characters")]
    ControlCharacter,
}

impl PasskeyName {
    pub fn parse(input: &str) -> Result<Self, PasskeyNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(PasskeyNameError::Empty);
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(PasskeyNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(PasskeyNameError::ControlCharacter);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A registered passkey as stored: webauthn-rs's credential (public key, counter, flags) as
/// JSON, with the columns the portal looks it up and shows it by.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: String,
    pub user_id: UserId,
    /// The credential id, base64url: unique across every account.
    pub cred_id: String,
    pub name: String,
    /// `webauthn_rs::prelude::Passkey` as JSON.
    pub credential: String,
    /// The signature counter last seen (0 for authenticators that keep none, like synced ones).
    pub counter: u32,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

impl fmt::Debug for StoredPasskey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredPasskey").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

impl StoredPasskey {
    pub fn new(
        user: &UserId,
        name: &PasskeyName,
        passkey: &Passkey,
        now: OffsetDateTime,
        rng: &dyn SecureRandom,
    ) -> Self {
        let (counter, backup_eligible, backup_state) = flags(passkey);
        Self {
            id: hex_id(rng),
            user_id: user.clone(),
            cred_id: cred_id_text(passkey.cred_id()),
            name: name.as_str().to_owned(),
            credential: serde_json::to_string(passkey).unwrap_or_default(),
            counter,
            backup_eligible,
            backup_state,
            created_at: now,
            last_used_at: None,
        }
    }

    pub fn passkey(&self) -> Option<Passkey> {
        serde_json::from_str(&self.credential).ok()
    }
}

/// The counter and backup flags of a credential, read from its serialised form (webauthn-rs has
/// no getter for the counter).
pub fn flags(passkey: &Passkey) -> (u32, bool, bool) {
    let v = serde_json::to_value(passkey).unwrap_or_default();
    let cred = &v["cred"];
    (
        cred["counter"].as_u64().and_then(|c| u32::try_from(c).ok()).unwrap_or(0),
        cred["backup_eligible"].as_bool().unwrap_or(false),
        cred["backup_state"].as_bool().unwrap_or(false),
    )
}

/// A credential id as stored and compared: base64url without padding.
pub fn cred_id_text(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Which ceremony, with webauthn-rs's state for its second half.
#[derive(Serialize, Deserialize)]
pub enum CeremonyKind {
    /// Adding a passkey named `name`.
    Register { state: PasskeyRegistration, name: String },
    /// A passkey as the second step of a sign-in (or a step-up).
    Verify { state: PasskeyAuthentication },
    /// "Sign in with a passkey": no password, no user known before the browser answers.
    Login { state: DiscoverableAuthentication },
}

/// A started ceremony: bound to a session (register, verify) or to nobody yet (login).
#[derive(Serialize, Deserialize)]
pub struct Ceremony {
    /// Claimed once, by the transaction that finishes the ceremony.
    pub id: String,
    pub session_id: Option<String>,
    pub expires_at: i64,
    pub kind: CeremonyKind,
}

impl Ceremony {
    pub fn start(session_id: Option<String>, now: OffsetDateTime, kind: CeremonyKind, rng: &dyn SecureRandom) -> Self {
        Self { id: hex_id(rng), session_id, expires_at: (now + CEREMONY_LIFETIME).unix_timestamp(), kind }
    }

    pub fn expires_at(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.expires_at).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The ceremony sealed for its cookie (base64url).
    pub fn seal(&self, key: &SecretKey, rng: &dyn SecureRandom) -> String {
        use base64::Engine as _;
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.encrypt(&json, SEAL_CONTEXT, rng))
    }

    /// The ceremony in a cookie, if it was sealed by this portal and has not expired.
    pub fn open(sealed: &str, key: &SecretKey, now: OffsetDateTime) -> Option<Self> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let json = key.decrypt(&bytes, SEAL_CONTEXT).ok()?;
        let ceremony: Self = serde_json::from_slice(&json).ok()?;
        (now.unix_timestamp() < ceremony.expires_at).then_some(ceremony)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;
    use time::macros::datetime;

    #[test]
    fn a_portal_reached_by_address_offers_no_passkeys_and_one_reached_by_name_does() {
        assert!(relying_party("http://127.0.0.1:8080", "Portal").is_none());
        assert!(relying_party("http://[::1]:8080", "Portal").is_none());
        assert!(relying_party("not a url", "Portal").is_none());
        assert!(relying_party("http://localhost:8080", "Portal").is_some());
        assert!(relying_party("https://portal.example.com", "Portal").is_some());
    }

    #[test]
    fn the_user_handle_is_the_users_random_id_and_differs_between_users() {
        let (a, b) = (UserId::generate(&OsRandom), UserId::generate(&OsRandom));
        assert_eq!(hex::encode(user_handle(&a).as_bytes()), a.as_str());
        assert_ne!(user_handle(&a), user_handle(&b));
    }

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(PasskeyName::parse("  My phone ").unwrap().as_str(), "My phone");
        assert_eq!(PasskeyName::parse(" "), Err(PasskeyNameError::Empty));
        assert_eq!(PasskeyName::parse(&"x".repeat(61)), Err(PasskeyNameError::TooLong));
        assert!(PasskeyName::parse(&"é".repeat(60)).is_ok());
        assert_eq!(PasskeyName::parse("a\u{7}b"), Err(PasskeyNameError::ControlCharacter));
    }

    #[test]
    fn a_sealed_ceremony_opens_only_with_its_key_and_before_it_expires() {
        let key = SecretKey::generate(&OsRandom);
        let now = datetime!(2026-12-03 12:00 UTC);
        let webauthn = relying_party("http://localhost:8080", "Portal").unwrap();
        let (_, state) = webauthn.start_discoverable_authentication().unwrap();
        let ceremony = Ceremony::start(None, now, CeremonyKind::Login { state }, &OsRandom);
        let sealed = ceremony.seal(&key, &OsRandom);
        let opened = Ceremony::open(&sealed, &key, now + Duration::minutes(4)).expect("opens");
        assert_eq!(opened.id, ceremony.id);
        assert!(Ceremony::open(&sealed, &key, now + CEREMONY_LIFETIME).is_none(), "expired");
        assert!(Ceremony::open(&sealed, &SecretKey::generate(&OsRandom), now).is_none(), "another key");
        let mut tampered = sealed.clone().into_bytes();
        tampered[30] = if tampered[30] == b'A' { b'B' } else { b'A' };
        assert!(Ceremony::open(&String::from_utf8(tampered).unwrap(), &key, now).is_none(), "tampered");
        assert!(Ceremony::open("not base64 !", &key, now).is_none());
    }
}
