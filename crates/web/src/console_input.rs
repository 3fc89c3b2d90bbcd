//! What the console pages and the admin API read the same way: the audit-log filter and a new
//! staff account's fields. Each front end words the refusal its own way.

use portal_core::audit::{AuditFilter, Outcome};
use portal_core::email::Email;
use portal_core::user::{DisplayName, Role, User, UserId};
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

/// Turns the filter form into a store filter; a bad value is named.
pub async fn audit_filter(state: &AppState, actor: &User, q: &AuditQuery, limit: u32) -> Result<AuditFilter, String> {
    // Days as the console shows them: in the portal's time zone.
    let zone = &state.portal.settings().mfa.zone;
    let date = |name: &str, text: &str| -> Result<Option<time::Date>, String> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        time::Date::parse(text.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| format!("{name}: use a date like 2026-03-01"))
    };
    let subject_id = match q.user.trim() {
        "" => None,
        text => match UserId::parse(text) {
            Some(id) => Some(id),
            None => {
                let email = Email::parse(text).map_err(|_| "user: give an email address or a user id".to_owned())?;
                match state.portal.console_find(actor, &email).await {
                    Ok(Some(u)) => Some(u.id),
                    Ok(None) => return Err(format!("user: no account with email {email}")),
                    Err(e) => return Err(e.to_string()),
                }
            }
        },
    };
    let outcome = match q.outcome.as_str() {
        "" => None,
        "success" => Some(Outcome::Success),
        "failure" => Some(Outcome::Failure),
        "refused" => Some(Outcome::Refused),
        _ => return Err("outcome: use success, failure or refused".into()),
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

/// A new staff account's fields, or the field that is wrong and why.
pub fn parse_staff(email: &str, name: &str, role: &str) -> Result<(Email, DisplayName, Role), (&'static str, String)> {
    let email = Email::parse(email).map_err(|e| ("email", e.to_string()))?;
    let name = DisplayName::parse(name).map_err(|e| ("name", e.to_string()))?;
    let role = role.parse::<Role>().map_err(|e| ("role", e.to_string()))?;
    Ok((email, name, role))
}
