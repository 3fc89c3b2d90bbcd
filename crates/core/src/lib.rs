//! Domain rules and use-cases of Inventory Portal. Plain Rust: no HTTP, no SQL. Time comes from
//! an injected [`clock::Clock`], randomness from [`random::SecureRandom`], storage through the
//! [`store::Store`] port, mail through [`mail::Mailer`].

pub mod account_security;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod console;
pub mod demo;
pub mod device;
pub mod email;
pub mod enrollment_chart;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod inventory;
pub mod language;
pub mod mail;
pub mod mfa;
pub mod notice;
pub mod observe;
pub mod overview;
pub mod password;
pub mod password_policy;
pub mod password_reset;
pub mod portal;
pub mod preferences;
pub mod random;
pub mod reservation;
pub mod secret;
pub mod session;
pub mod session_view;
pub mod sms;
pub mod spreadsheet;
pub mod store;
pub mod throttle;
pub mod user;
pub mod zone;

pub use portal::{Portal, PortalParts, PortalSettings};

/// Where a request came from, for throttles and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub ip: Option<String>,
    /// Truncated to 256 characters.
    pub user_agent: Option<String>,
    /// The language the person is reading in: texts, calls and emails sent during the request
    /// speak it.
    pub language: language::Language,
    /// Whether they chose it in this browser (the picker, a `?lang=` link), rather than the
    /// browser's own preference or the default: a sign-in keeps a choice with the account.
    pub language_chosen: bool,
}

impl RequestContext {
    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(256).collect()),
            language: language::Language::default(),
            language_chosen: false,
        }
    }

    pub fn with_language(self, language: language::Language, chosen: bool) -> Self {
        Self { language, language_chosen: chosen, ..self }
    }

    /// For commands run by an operator on the server itself.
    pub fn cli() -> Self {
        Self {
            ip: None,
            user_agent: Some("inventory-portal cli".to_owned()),
            language: language::Language::default(),
            language_chosen: false,
        }
    }

    /// For work `serve` does on its own schedule (the daily deadline reminders).
    pub fn scheduled() -> Self {
        Self {
            ip: None,
            user_agent: Some("inventory-portal serve (daily)".to_owned()),
            language: language::Language::default(),
            language_chosen: false,
        }
    }
}

/// Failures that are the portal's fault, not the user's; shown as a generic 500.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Hashing(#[from] password::HashingError),
    #[error(transparent)]
    Files(#[from] files::FileError),
    /// webauthn-rs could not build a ceremony (a configuration fault, not the user's).
    #[error("passkey ceremony: {0}")]
    Webauthn(String),
}
