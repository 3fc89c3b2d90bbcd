//! `Portal`: the use-cases' shared dependencies, built once by the binary and handed to
//! every front end (HTTP pages, JSON API, CLI).

use std::sync::Arc;

use crate::clock::SharedClock;
use crate::files::FileStore;
use crate::mail::Mailer;
use crate::mfa::MfaPolicy;
use crate::password::PasswordHasher;
use crate::random::SharedRandom;
use crate::secret::SecretKey;
use crate::session::SessionPolicy;
use crate::sms::SmsSender;
use crate::store::Store;
use crate::throttle::PasswordThrottlePolicy;

/// Settings the domain needs; the binary fills them from configuration.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// Shown in page titles, emails and the TOTP issuer.
    pub portal_name: String,
    /// Base URL for links in emails, without a trailing slash (`https://portal.example.com`).
    pub public_url: String,
    pub support_email: String,
    pub support_chat_url: String,
    pub sessions: SessionPolicy,
    pub password_throttle: PasswordThrottlePolicy,
    pub mfa: MfaPolicy,
    /// ISO 3166 alpha-2 codes that may receive texts (toll-fraud defence).
    pub sms_allowed_countries: Vec<String>,
}

impl Default for PortalSettings {
    fn default() -> Self {
        Self {
            portal_name: "Inventory Portal".to_owned(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            support_email: "support@example.com".to_owned(),
            support_chat_url: "https://chat.example.com/support".to_owned(),
            sessions: SessionPolicy::default(),
            password_throttle: PasswordThrottlePolicy::default(),
            // The binary always sets the switch-on date (configured, or the day the database was
            // created); this default only serves code that builds settings by hand.
            mfa: MfaPolicy::new(time::macros::date!(2000 - 01 - 01)),
            sms_allowed_countries: vec!["US".to_owned(), "CA".to_owned()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Portal {
    pub store: Arc<dyn Store>,
    pub clock: SharedClock,
    pub rng: SharedRandom,
    pub hasher: PasswordHasher,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    /// Attachments (photos, receipts) and their thumbnails.
    pub files: Arc<dyn FileStore>,
    pub secret_key: SecretKey,
    pub settings: Arc<PortalSettings>,
}

impl PortalSettings {
    /// The host of the public URL, for the origin-bound line of a text message.
    pub fn public_host(&self) -> &str {
        let rest = self.public_url.split_once("://").map_or(self.public_url.as_str(), |(_, r)| r);
        rest.split(['/', '?', '#']).next().unwrap_or(rest)
    }
}
