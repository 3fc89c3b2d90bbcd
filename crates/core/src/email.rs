//! `Email`: an address parsed once at the edge, stored and compared in one canonical form.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::language::{Language, Localized, MessageArg};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("an email address has at most 254 characters")]
    TooLong,
    #[error("enter an email address like name@example.com")]
    Malformed,
}

impl Localized for EmailError {
    /// The sentence a form shows next to the field (`Display` keeps the English fragment).
    fn message_in(&self, language: Language) -> String {
        match self {
            EmailError::Empty => language.text("email-error-empty"),
            EmailError::TooLong => language.text_with("email-error-too-long", &[("max", MessageArg::from(254_i64))]),
            EmailError::Malformed => language.text("email-error-malformed"),
        }
    }
}

impl Email {
    /// Trims surrounding spaces and lower-cases the address, so `Ann@Example.com ` and
    /// `ann@example.com` are one account (RFC 5321 allows case-sensitive local parts, but no
    /// mail provider a policyholder uses relies on that, and two accounts differing by case
    /// would only confuse support).
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        // Checked after lower-casing, because that can lengthen an address ('İ' becomes 'i' and a
        // combining dot): the stored form must pass these same checks when it is read back.
        let canonical = input.trim().to_lowercase();
        let trimmed = canonical.as_str();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let valid_local = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let valid_domain = domain.len() >= 3
            && domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && domain.split('.').all(|label| !label.is_empty() && label.len() <= 63)
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let printable = trimmed
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != ',' && c != ';' && c != '<' && c != '>' && c != '"');
        if !(valid_local && valid_domain && printable) {
            return Err(EmailError::Malformed);
        }
        Ok(Self(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with most of the local part hidden, for logs: `a•••@example.com`.
    pub fn masked(&self) -> String {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}•••@{domain}")
            }
            None => "•••".to_owned(),
        }
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ann.Lee@Example.COM ").unwrap().as_str(), "ann.lee@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "   ",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann lee@example.com",
            "ann@exa mple.com",
            "ann@@example.com",
            "a..b@example.com",
            "ann@-example.com",
            "ann@example.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(Email::parse("").unwrap_err(), EmailError::Empty);
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long).unwrap_err(), EmailError::TooLong);
    }

    #[test]
    fn addresses_are_checked_as_stored_after_lower_casing() {
        // 'İ' lower-cases to 'i' plus a combining dot: not a letter a domain may hold, and one
        // more character in the local part. These were accepted, then refused when read back.
        let long_local = format!("{}@example.com", "\u{130}".repeat(32));
        for bad in ["ann@ex\u{130}mple.com", long_local.as_str()] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad:?}");
        }
        let email = Email::parse("\u{130}lke@example.com").unwrap();
        assert_eq!(email.as_str(), "i\u{307}lke@example.com");
        assert_eq!(Email::parse(email.as_str()), Ok(email));
    }

    #[test]
    fn errors_read_as_sentences_in_each_language() {
        for e in [EmailError::Empty, EmailError::TooLong, EmailError::Malformed] {
            let fragment = e.to_string();
            let english = e.message_in(Language::English);
            assert_eq!(english.to_lowercase(), fragment, "the page shows the English it showed before");
            assert!(english.starts_with(char::is_uppercase), "{english}");
        }
        assert_eq!(
            EmailError::Malformed.message_in(Language::Spanish),
            "Ingrese una dirección de correo electrónico como nombre@ejemplo.com"
        );
        assert_eq!(
            EmailError::TooLong.message_in(Language::Spanish),
            "Una dirección de correo electrónico puede tener como máximo 254 caracteres"
        );
    }

    #[test]
    fn masking_hides_the_local_part() {
        assert_eq!(Email::parse("ann@example.com").unwrap().masked(), "a•••@example.com");
    }
}
