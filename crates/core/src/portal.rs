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

/// The portal: its ports and settings, with every use-case as a method (in the modules that own
/// them). The fields are private so that front ends go through those use-cases, where the rules
/// are, instead of reaching the store; they read the settings and the time through accessors.
#[derive(Debug, Clone)]
pub struct Portal {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: SharedClock,
    pub(crate) rng: SharedRandom,
    pub(crate) hasher: PasswordHasher,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) sms: Arc<dyn SmsSender>,
    /// Attachments (photos, receipts) and their thumbnails.
    pub(crate) files: Arc<dyn FileStore>,
    pub(crate) secret_key: SecretKey,
    pub(crate) settings: Arc<PortalSettings>,
    /// The passkey relying party, from the public URL; `None` where the URL's host is an IP
    /// address, which browsers refuse as a relying-party id.
    pub(crate) webauthn: Option<Arc<webauthn_rs::prelude::Webauthn>>,
    /// Told how sign-ins and code checks end (metrics); nothing by default.
    pub(crate) observer: Arc<dyn crate::observe::Observer>,
}

/// What a portal is built from: the binary, the test kit and the benchmark each assemble one.
pub struct PortalParts {
    pub store: Arc<dyn Store>,
    pub clock: SharedClock,
    pub rng: SharedRandom,
    pub hasher: PasswordHasher,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    pub files: Arc<dyn FileStore>,
    pub secret_key: SecretKey,
    pub settings: PortalSettings,
}

impl Portal {
    pub fn new(parts: PortalParts) -> Self {
        let PortalParts { store, clock, rng, hasher, mailer, sms, files, secret_key, settings } = parts;
        let webauthn = crate::mfa::passkey::relying_party(&settings.public_url, &settings.portal_name).map(Arc::new);
        let observer: Arc<dyn crate::observe::Observer> = Arc::new(crate::observe::Unobserved);
        Self {
            store,
            clock,
            rng,
            hasher,
            mailer,
            sms,
            files,
            secret_key,
            settings: Arc::new(settings),
            webauthn,
            observer,
        }
    }

    /// The same portal, reporting to `observer` how sign-ins, code checks and message sends end.
    pub fn observed_by(self, observer: Arc<dyn crate::observe::Observer>) -> Self {
        use crate::observe::Observed;
        let sms = Arc::new(Observed { inner: self.sms.clone(), observer: observer.clone() });
        let mailer = Arc::new(Observed { inner: self.mailer.clone(), observer: observer.clone() });
        Self { observer, sms, mailer, ..self }
    }

    pub fn settings(&self) -> &PortalSettings {
        &self.settings
    }

    /// The injected clock's time.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Today's date in the portal's time zone.
    pub fn today(&self) -> time::Date {
        self.settings.mfa.today(self.clock.now())
    }

    /// How a moment reads on a clock in the portal's time zone (`2027-03-14 01:59 EST`).
    pub fn wall_time(&self, at: time::OffsetDateTime) -> crate::zone::WallTime {
        self.settings.mfa.zone.wall_time(at)
    }

    /// The portal's source of randomness (for tokens a front end mints, such as the CSRF cookie).
    pub fn rng(&self) -> &dyn crate::random::SecureRandom {
        self.rng.as_ref()
    }

    /// Which database this portal runs on ("sqlite" or "postgres").
    /// Argon2id runs under way and callers waiting for one (metrics).
    pub fn password_hashing_load(&self) -> (usize, usize) {
        self.hasher.load()
    }

    /// The database's connections in use and idle, and hot writes waiting (metrics).
    pub fn store_load(&self) -> crate::store::StoreLoad {
        self.store.load()
    }

    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Whether the database answers (for the readiness probe).
    pub async fn ping_store(&self) -> Result<(), crate::InternalError> {
        Ok(self.store.ping().await?)
    }

    /// Removes expired sessions, codes, pending setups, reset links, send logs and throttle
    /// windows; returns how many rows went. Everything is also checked when used: this keeps the
    /// tables small and drops expired personal data.
    pub async fn purge_expired(&self) -> Result<u64, crate::InternalError> {
        let now = self.clock.now();
        let policy = self.settings.sessions;
        Ok(self.store.purge_expired(now, now - policy.idle_timeout, now - policy.absolute_timeout).await?)
    }

    /// How many accounts exist (the first start creates demo accounts only into an empty one).
    pub async fn count_users(&self) -> Result<u64, crate::InternalError> {
        Ok(self.store.count_users().await?)
    }

    /// The store itself, for tests that check what was written (the `testing` feature, which
    /// only the test kit turns on).
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The same portal on another connection to the database, as a second instance would be.
    #[cfg(feature = "testing")]
    pub fn with_store(&self, store: Arc<dyn Store>) -> Portal {
        Portal { store, ..self.clone() }
    }
}

impl PortalSettings {
    /// The host of the public URL, for the origin-bound line of a text message.
    pub fn public_host(&self) -> &str {
        let rest = self.public_url.split_once("://").map_or(self.public_url.as_str(), |(_, r)| r);
        rest.split(['/', '?', '#']).next().unwrap_or(rest)
    }
}
