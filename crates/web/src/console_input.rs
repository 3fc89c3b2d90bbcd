//! What the console pages and the admin API read the same way: the audit-log filter and a new
//! staff account's fields. Each front end words the refusal its own way: the API in English
//! (`field: what to do`, the field also its `field`), the pages in the reader's language.

use portal_core::audit::{AuditFilter, Outcome};
use portal_core::console::ConsoleError;
use portal_core::email::{Email, EmailError};
use portal_core::language::{Language, Localized};
use portal_core::user::{DisplayName, DisplayNameError, Role, UnknownRole, User, UserId};
use serde::Deserialize;

use crate::state::AppState;

/// The audit-log filter as typed (the console's form, the API's query).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub user: String,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    pub from: String,
    pub until: String,
}

/// A filter value the audit log cannot use. `Display` is the API's English sentence, which
/// starts with the field's name.
#[derive(Debug, thiserror::Error)]
pub enum AuditFilterError {
    /// `from` or `until` is not a date.
    #[error("{0}: use a date like 2026-03-01")]
    BadDate(&'static str),
    #[error("user: give an email address or a user id")]
    BadUser,
    #[error("user: no account with email {0}")]
    NoSuchUser(Email),
    #[error("outcome: use success, failure or refused")]
    BadOutcome,
    #[error(transparent)]
    Console(#[from] ConsoleError),
}

impl Localized for AuditFilterError {
    fn message_in(&self, language: Language) -> String {
        match self {
            AuditFilterError::BadDate(field) => {
                language.text_with("console-audit-bad-date", &[("field", (*field).into())])
            }
            AuditFilterError::BadUser => language.text("console-audit-bad-user"),
            AuditFilterError::NoSuchUser(email) => {
                language.text_with("console-audit-no-such-user", &[("email", email.as_str().into())])
            }
            AuditFilterError::BadOutcome => language.text("console-audit-bad-outcome"),
            AuditFilterError::Console(e) => e.message_in(language),
        }
    }
}

/// Turns the filter form into a store filter; a bad value is named (in English, for the API).
pub async fn audit_filter(state: &AppState, actor: &User, q: &AuditQuery, limit: u32) -> Result<AuditFilter, String> {
    audit_filter_checked(state, actor, q, limit).await.map_err(|e| e.to_string())
}

/// Turns the filter form into a store filter, or says which value it cannot use.
pub async fn audit_filter_checked(
    state: &AppState,
    actor: &User,
    q: &AuditQuery,
    limit: u32,
) -> Result<AuditFilter, AuditFilterError> {
    // Days as the console shows them: in the portal's time zone.
    let zone = &state.portal.settings().mfa.zone;
    let date = |name: &'static str, text: &str| -> Result<Option<time::Date>, AuditFilterError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        time::Date::parse(text.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| AuditFilterError::BadDate(name))
    };
    let subject_id = match q.user.trim() {
        "" => None,
        text => match UserId::parse(text) {
            Some(id) => Some(id),
            None => {
                let email = Email::parse(text).map_err(|_| AuditFilterError::BadUser)?;
                match state.portal.console_find(actor, &email).await? {
                    Some(u) => Some(u.id),
                    None => return Err(AuditFilterError::NoSuchUser(email)),
                }
            }
        },
    };
    let outcome = match q.outcome.as_str() {
        "" => None,
        "success" => Some(Outcome::Success),
        "failure" => Some(Outcome::Failure),
        "refused" => Some(Outcome::Refused),
        _ => return Err(AuditFilterError::BadOutcome),
    };
    Ok(AuditFilter {
        subject_id,
        actor: Some(q.actor.trim().to_owned()).filter(|a| !a.is_empty()),
        action: Some(q.action.trim().to_owned()).filter(|a| !a.is_empty()),
        outcome,
        from: date("from", &q.from)?.map(|d| zone.start_of(d)),
        until: date("until", &q.until)?.map(|d| zone.start_of(d.next_day().unwrap_or(d))),
        limit,
    })
}

/// The field of a new staff account that is wrong, and why.
#[derive(Debug)]
pub enum StaffFieldError {
    Email(EmailError),
    Name(DisplayNameError),
    Role(UnknownRole),
}

impl StaffFieldError {
    /// The form field (and the API's `field`).
    pub fn field(&self) -> &'static str {
        match self {
            StaffFieldError::Email(_) => "email",
            StaffFieldError::Name(_) => "name",
            StaffFieldError::Role(_) => "role",
        }
    }
}

/// "Email: enter an email address like name@example.com", as the staff page shows it.
impl Localized for StaffFieldError {
    fn message_in(&self, language: Language) -> String {
        let (field, message) = match self {
            StaffFieldError::Email(e) => (
                language.text("console-staff-field-email"),
                match e {
                    EmailError::Empty => language.text("console-staff-email-empty"),
                    EmailError::TooLong => language.text("console-staff-email-too-long"),
                    EmailError::Malformed => language.text("console-staff-email-malformed"),
                },
            ),
            StaffFieldError::Name(e) => (
                language.text("console-staff-field-name"),
                match e {
                    DisplayNameError::Empty => language.text("console-staff-name-empty"),
                    DisplayNameError::TooLong => language.text("console-staff-name-too-long"),
                    DisplayNameError::ControlCharacters => language.text("console-staff-name-control"),
                },
            ),
            StaffFieldError::Role(UnknownRole(role)) => (
                language.text("console-staff-field-role"),
                language.text_with("console-staff-role-unknown", &[("role", format!("{role:?}").into())]),
            ),
        };
        language.text_with("console-staff-field-error", &[("field", field.into()), ("message", message.into())])
    }
}

/// A new staff account's fields, or the field that is wrong and why (in English, for the API).
pub fn parse_staff(email: &str, name: &str, role: &str) -> Result<(Email, DisplayName, Role), (&'static str, String)> {
    parse_staff_checked(email, name, role).map_err(|e| {
        let message = match &e {
            StaffFieldError::Email(e) => e.to_string(),
            StaffFieldError::Name(e) => e.to_string(),
            StaffFieldError::Role(e) => e.to_string(),
        };
        (e.field(), message)
    })
}

/// A new staff account's fields, or the one that is wrong.
pub fn parse_staff_checked(email: &str, name: &str, role: &str) -> Result<(Email, DisplayName, Role), StaffFieldError> {
    let email = Email::parse(email).map_err(StaffFieldError::Email)?;
    let name = DisplayName::parse(name).map_err(StaffFieldError::Name)?;
    let role = role.parse::<Role>().map_err(StaffFieldError::Role)?;
    Ok((email, name, role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_keeps_its_english_and_the_pages_speak_the_readers_language() {
        let (field, message) = parse_staff("not-an-address", "Ann", "support").unwrap_err();
        assert_eq!((field, message.as_str()), ("email", "enter an email address like name@example.com"));
        let wrong = parse_staff_checked("ann@example.com", "Ann", "boss").unwrap_err();
        assert_eq!(
            wrong.message_in(Language::English),
            r#"Role: unknown role "boss": use policyholder, adjuster, support or admin"#
        );
        assert_eq!(
            parse_staff_checked("ann@example.com", " ", "admin").unwrap_err().message_in(Language::Spanish),
            "Nombre: escriba un nombre"
        );
        assert_eq!(
            parse_staff_checked("", "Ann", "admin").unwrap_err().message_in(Language::English),
            "Email: enter an email address"
        );
        for e in [
            AuditFilterError::BadDate("from"),
            AuditFilterError::BadDate("until"),
            AuditFilterError::BadUser,
            AuditFilterError::NoSuchUser(Email::parse("bob@example.com").unwrap()),
            AuditFilterError::BadOutcome,
        ] {
            assert_eq!(e.message_in(Language::English), e.to_string());
        }
        assert_eq!(
            AuditFilterError::BadDate("until").message_in(Language::Spanish),
            "hasta: use una fecha como 2026-03-01"
        );
    }
}
