//! `Portal`: the use-cases' shared dependencies, built once by the binary and handed to
//! every front end (HTTP pages, JSON API, CLI).

use std::sync::Arc;

use crate::clock::SharedClock;
use crate::mail::Mailer;
use crate::password::PasswordHasher;
use crate::random::SharedRandom;
use crate::secret::SecretKey;
use crate::session::SessionPolicy;
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
    pub secret_key: SecretKey,
    pub settings: Arc<PortalSettings>,
}
