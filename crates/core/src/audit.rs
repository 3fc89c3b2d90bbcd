//! The audit log: append-only rows for every login step, enrollment, failure,
//! throttle and staff action. Details never hold a secret, a code or a full phone number.

use serde::Serialize;
use time::OffsetDateTime;

use crate::RequestContext;
use crate::user::UserId;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    /// Refused without checking (throttled, locked, not allowed).
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Refused => "refused",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub at: OffsetDateTime,
    /// Who acted: the user's own email, a staff email, or `cli:<reason>`-style tags.
    pub actor: Option<String>,
    pub subject_id: Option<UserId>,
    /// The subject's email (or the email that was typed, for unknown accounts).
    pub subject: Option<String>,
    pub action: String,
    pub outcome: Outcome,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
}

impl AuditEvent {
    pub fn new(at: OffsetDateTime, action: &str, outcome: Outcome, ctx: &RequestContext) -> Self {
        Self {
            at,
            actor: None,
            subject_id: None,
            subject: None,
            action: action.to_owned(),
            outcome,
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
            details: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    pub fn subject(mut self, id: Option<&UserId>, email: impl Into<String>) -> Self {
        self.subject_id = id.cloned();
        self.subject = Some(email.into());
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let serde_json::Value::Object(map) = &mut self.details {
            map.insert(key.to_owned(), value.into());
        }
        self
    }
}

/// A stored event with its sequence number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    #[serde(flatten)]
    pub event: AuditEvent,
}

#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub subject_id: Option<UserId>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// At most this many events, newest first (1–10 000).
    pub limit: u32,
}

impl Default for AuditFilter {
    fn default() -> Self {
        Self { subject_id: None, actor: None, action: None, outcome: None, from: None, until: None, limit: 100 }
    }
}

/// Audit action names, one place so filters and tests agree.
pub mod action {
    pub const LOGIN_PASSWORD: &str = "login.password";
    pub const LOGIN_THROTTLED: &str = "login.throttled";
    pub const LOGOUT: &str = "logout";
    pub const PASSWORD_RESET_REQUESTED: &str = "password_reset.requested";
    pub const PASSWORD_RESET_COMPLETED: &str = "password_reset.completed";
    pub const USER_CREATED: &str = "user.created";
    /// A demo account removed with its claims (`inventory-portal user remove-demo`).
    pub const DEMO_REMOVED: &str = "user.demo_removed";
    pub const LOGIN_MFA_SETUP_EXPIRED: &str = "login.mfa_setup_expired";
    pub const MFA_TOTP_SETUP_STARTED: &str = "mfa.totp.setup_started";
    pub const MFA_TOTP_CONFIRMED: &str = "mfa.totp.confirmed";
    pub const MFA_SMS_SENT: &str = "mfa.sms.sent";
    /// A code read out in a phone call ("Call me instead"); counted in the text-message limits.
    pub const MFA_VOICE_CALLED: &str = "mfa.voice.called";
    pub const MFA_SMS_CONFIRMED: &str = "mfa.sms.confirmed";
    pub const MFA_VERIFY: &str = "mfa.verify";
    /// A deadline reminder was claimed and emailed (`inventory-portal mfa remind`, or `serve` daily).
    pub const MFA_REMINDER_SENT: &str = "mfa.reminder_sent";
    pub const MFA_THROTTLED: &str = "mfa.throttled";
    pub const MFA_POSTPONED: &str = "mfa.postponed";
    pub const MFA_METHOD_REMOVED: &str = "mfa.method_removed";
    pub const MFA_RECOVERY_CODES_CREATED: &str = "mfa.recovery_codes_created";
    pub const MFA_PASSKEY_ADDED: &str = "mfa.passkey.added";
    pub const MFA_PASSKEY_RENAMED: &str = "mfa.passkey.renamed";
    pub const MFA_PASSKEY_REFUSED: &str = "mfa.passkey.refused";
    pub const MFA_PASSKEY_CLONE_SUSPECTED: &str = "mfa.passkey.clone_suspected";
    pub const LOGIN_PASSKEY: &str = "login.passkey";
    pub const LOGIN_REMEMBERED_DEVICE: &str = "login.remembered_device";
    pub const DEVICE_REMEMBERED: &str = "device.remembered";
    pub const DEVICE_FORGOTTEN: &str = "device.forgotten";
    pub const SESSION_ENDED_BY_USER: &str = "session.ended_by_user";
    pub const SUPPORT_EXTEND_DEADLINE: &str = "support.mfa.extend_deadline";
    pub const SUPPORT_RESET_MFA: &str = "support.mfa.reset";
    pub const SUPPORT_UNLOCK: &str = "support.mfa.unlock";
    pub const SUPPORT_END_SESSIONS: &str = "support.end_sessions";
    pub const CLAIM_CREATED: &str = "claim.created";
    pub const CLAIM_ITEM_ADDED: &str = "claim.item_added";
    pub const CLAIM_ITEM_UPDATED: &str = "claim.item_updated";
    pub const CLAIM_ITEM_DELETED: &str = "claim.item_deleted";
    pub const CLAIM_ITEM_COMMENTED: &str = "claim.item_commented";
    pub const CLAIM_IMPORTED: &str = "claim.imported";
    pub const CLAIM_ATTACHMENT_ADDED: &str = "claim.attachment_added";
    pub const CLAIM_ATTACHMENT_DELETED: &str = "claim.attachment_deleted";
    pub const CLAIM_STATUS_CHANGED: &str = "claim.status_changed";
}
