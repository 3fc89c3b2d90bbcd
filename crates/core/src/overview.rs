//! Support's read model of users' MFA: one row per user for the console's list, the admin API
//! and the enrollment report. Plain types, below both the storage port that fills them and the
//! console use-cases that read them.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::mfa::MfaPolicy;
use crate::user::{Role, UserId};

/// One user's MFA situation in a list row or the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaOverview {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: OffsetDateTime,
    pub mfa_deadline: Option<Date>,
    pub has_totp: bool,
    pub has_sms: bool,
    pub has_passkey: bool,
    pub locked: bool,
    pub last_login_at: Option<OffsetDateTime>,
    /// A trial account ([`crate::user::User::demo`]).
    pub demo: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OverviewFilter {
    /// Matches email or name, case-insensitively.
    pub query: Option<String>,
    pub role: Option<Role>,
    pub limit: u32,
    pub offset: u32,
}

/// The state support sees: enrolled, setup pending, setup expired or locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaState {
    Enrolled,
    SetupPending,
    SetupExpired,
    Locked,
}

impl MfaState {
    pub fn as_str(self) -> &'static str {
        match self {
            MfaState::Enrolled => "enrolled",
            MfaState::SetupPending => "setup_pending",
            MfaState::SetupExpired => "setup_expired",
            MfaState::Locked => "locked",
        }
    }
}

impl MfaOverview {
    /// The deadline in force (policyholders only) and the state on `today`.
    pub fn state(&self, policy: &MfaPolicy, today: Date) -> (MfaState, Option<Date>) {
        let deadline = policy.setup_deadline(self.role, self.created_at, self.mfa_deadline).map(|d| d.date);
        let state = if self.locked {
            MfaState::Locked
        } else if self.has_totp || self.has_sms || self.has_passkey {
            MfaState::Enrolled
        } else if deadline.is_some_and(|d| today >= d) {
            MfaState::SetupExpired
        } else {
            MfaState::SetupPending
        };
        (state, deadline)
    }

    pub fn methods(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.has_totp {
            m.push("totp");
        }
        if self.has_sms {
            m.push("sms");
        }
        if self.has_passkey {
            m.push("passkey");
        }
        m
    }
}
