//! Accounts: who a person is to the portal and what role they hold.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

use crate::email::Email;
use crate::language::{Language, Localized};
use crate::password::PasswordHashString;
use crate::random::{self, SecureRandom};

/// A random 128-bit id in lowercase hex; random so that ids in URLs reveal nothing and
/// cannot be guessed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(String);

impl UserId {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(hex_id(rng))
    }

    /// Accepts only the shape we generate, so arbitrary text never reaches a query.
    pub fn parse(input: &str) -> Option<Self> {
        (input.len() == 32 && input.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| Self(input.to_owned()))
    }

    /// For storage adapters reading their own rows.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn hex_id(rng: &dyn SecureRandom) -> String {
    hex::encode(random::bytes::<16>(rng))
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Policyholder,
    Adjuster,
    Support,
    Admin,
}

impl Role {
    /// The role as pages name it, in `language` ("Support agent", "Agente de soporte").
    pub fn label_in(self, language: crate::language::Language) -> String {
        language.text(match self {
            Role::Policyholder => "account-role-policyholder",
            Role::Adjuster => "account-role-adjuster",
            Role::Support => "account-role-support",
            Role::Admin => "account-role-admin",
        })
    }

    pub const ALL: [Role; 4] = [Role::Policyholder, Role::Adjuster, Role::Support, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Policyholder => "policyholder",
            Role::Adjuster => "adjuster",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    /// Staff must pass MFA at every login, with no grace period.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Policyholder)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Policyholder => "Policyholder",
            Role::Adjuster => "Adjuster",
            Role::Support => "Support agent",
            Role::Admin => "Administrator",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: use policyholder, adjuster, support or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Display names: required, trimmed, at most 100 characters, no control characters.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("enter a name")]
    Empty,
    #[error("a name has at most 100 characters")]
    TooLong,
    #[error("a name cannot contain control characters")]
    ControlCharacters,
}

impl Localized for DisplayNameError {
    fn message_in(&self, language: Language) -> String {
        match self {
            DisplayNameError::Empty => language.text("name-error-empty"),
            DisplayNameError::TooLong => language.text("name-error-too-long"),
            DisplayNameError::ControlCharacters => language.text("name-error-control-characters"),
        }
    }
}

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, DisplayNameError> {
        let t = input.trim();
        if t.is_empty() {
            Err(DisplayNameError::Empty)
        } else if t.chars().count() > 100 {
            Err(DisplayNameError::TooLong)
        } else if t.chars().any(char::is_control) {
            Err(DisplayNameError::ControlCharacters)
        } else {
            Ok(Self(t.to_owned()))
        }
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: DisplayName,
    pub role: Role,
    pub password_hash: PasswordHashString,
    pub created_at: OffsetDateTime,
    /// A setup deadline set by support (extension, or the window after a reset).
    pub mfa_deadline: Option<time::Date>,
    /// The method the user verified with last, pre-selected next time.
    pub mfa_preferred: Option<crate::mfa::Method>,
    /// Created for a local trial (`serve` on an empty database), not for a real person: tagged
    /// "Demo" in the console and removed by `inventory-portal user remove-demo`.
    pub demo: bool,
    /// The language the user chose (the footer's picker or the API); `None` until they choose or
    /// first sign in, when the language they were reading in is kept. Emails sent without a
    /// request (reminders) use it.
    pub language: Option<crate::language::Language>,
}

/// One demo account that was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedAccount {
    pub id: UserId,
    pub email: String,
}

/// What [`crate::store::Store::remove_demo_accounts`] (demo accounts are
/// [`User::demo`]) deleted.
#[derive(Debug, Clone, Default)]
pub struct DemoRemoval {
    pub accounts: Vec<RemovedAccount>,
    /// Claims a demo account took part in (as policyholder or adjuster).
    pub claims: u64,
    /// The attachment rows that went with those claims; their files are deleted after commit.
    pub attachments: Vec<crate::inventory::Attachment>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    #[test]
    fn ids_are_128_bit_hex_and_parse_back() {
        let id = UserId::generate(&OsRandom);
        assert_eq!(id.as_str().len(), 32);
        assert_eq!(UserId::parse(id.as_str()), Some(id));
        assert_eq!(UserId::parse("1"), None);
        assert_eq!(UserId::parse("' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaa"), None);
    }

    #[test]
    fn roles_round_trip_and_unknown_roles_are_named() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert_eq!(
            "root".parse::<Role>().unwrap_err().to_string(),
            "unknown role \"root\": use policyholder, adjuster, support or admin"
        );
        assert!(!Role::Policyholder.is_staff());
        assert!(Role::Adjuster.is_staff());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ann Lee ").unwrap().as_str(), "Ann Lee");
        assert_eq!(DisplayName::parse(" ").unwrap_err(), DisplayNameError::Empty);
        assert_eq!(DisplayName::parse(&"a".repeat(101)).unwrap_err(), DisplayNameError::TooLong);
        assert_eq!(DisplayName::parse("Ann\u{7}").unwrap_err(), DisplayNameError::ControlCharacters);
    }

    #[test]
    fn name_errors_read_as_sentences_in_each_language() {
        for e in [DisplayNameError::Empty, DisplayNameError::TooLong, DisplayNameError::ControlCharacters] {
            assert_eq!(e.message_in(Language::English).to_lowercase(), e.to_string());
        }
        assert_eq!(DisplayNameError::Empty.message_in(Language::English), "Enter a name");
        assert_eq!(
            DisplayNameError::TooLong.message_in(Language::Spanish),
            "Un nombre puede tener como máximo 100 caracteres"
        );
    }
}
