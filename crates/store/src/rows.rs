//! Row tuples as both backends return them, and their conversion to domain types. Queries
//! select columns in the order these tuples list them.

use portal_core::audit::{AuditEvent, AuditRecord, Outcome};
use portal_core::email::Email;
use portal_core::password::PasswordHashString;
use portal_core::session::{AuthLevel, Session, SessionIdHash};
use portal_core::store::StoreError;
use portal_core::throttle::ThrottleWindow;
use portal_core::user::{DisplayName, Role, User, UserId};
use time::OffsetDateTime;

pub(crate) const USER_COLUMNS: &str = "id, email, name, role, password_hash, created_at";
pub(crate) type UserRow = (String, String, String, String, String, i64);

pub(crate) const SESSION_COLUMNS: &str = "id_hash, user_id, auth_level, csrf_token, created_at, last_seen_at, mfa_verified_at, ip, user_agent";
pub(crate) type SessionRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
);

pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor, subject_id, subject, action, outcome, ip, user_agent, details";
pub(crate) type AuditRow = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

pub(crate) fn ts(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn from_ts(secs: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {secs}: {e}")))
}

pub(crate) fn user(row: UserRow) -> Result<User, StoreError> {
    let (id, email, name, role, password_hash, created_at) = row;
    Ok(User {
        id: UserId::from_stored(id),
        email: Email::parse(&email).map_err(|e| StoreError::Corrupt(format!("email: {e}")))?,
        name: DisplayName::from_stored(name),
        role: role
            .parse::<Role>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        password_hash: PasswordHashString(password_hash),
        created_at: from_ts(created_at)?,
    })
}

pub(crate) fn session(row: SessionRow) -> Result<Session, StoreError> {
    let (id, user_id, level, csrf_token, created_at, last_seen_at, mfa_verified_at, ip, user_agent) =
        row;
    Ok(Session {
        id: SessionIdHash::from_stored(id),
        user_id: UserId::from_stored(user_id),
        auth_level: AuthLevel::parse(&level)
            .ok_or_else(|| StoreError::Corrupt(format!("auth level {level:?}")))?,
        csrf_token,
        created_at: from_ts(created_at)?,
        last_seen_at: from_ts(last_seen_at)?,
        mfa_verified_at: mfa_verified_at.map(from_ts).transpose()?,
        ip,
        user_agent,
    })
}

pub(crate) fn throttle((started_at, failures): (i64, i64)) -> Result<ThrottleWindow, StoreError> {
    Ok(ThrottleWindow {
        started_at: from_ts(started_at)?,
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
    })
}

pub(crate) fn outcome(s: &str) -> Result<Outcome, StoreError> {
    match s {
        "success" => Ok(Outcome::Success),
        "failure" => Ok(Outcome::Failure),
        "refused" => Ok(Outcome::Refused),
        other => Err(StoreError::Corrupt(format!("outcome {other:?}"))),
    }
}

pub(crate) fn audit(row: AuditRow) -> Result<AuditRecord, StoreError> {
    let (seq, at, actor, subject_id, subject, action, outcome_text, ip, user_agent, details) = row;
    Ok(AuditRecord {
        seq,
        event: AuditEvent {
            at: from_ts(at)?,
            actor,
            subject_id: subject_id.map(UserId::from_stored),
            subject,
            action,
            outcome: outcome(&outcome_text)?,
            ip,
            user_agent,
            details: serde_json::from_str(&details)
                .map_err(|e| StoreError::Corrupt(format!("audit details: {e}")))?,
        },
    })
}
