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

/// Policyholders alike in everything their MFA state depends on, and how many they are: what
/// the metrics count by state without reading every account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyholderGroup {
    /// The start of the quarter hour the accounts were created in: enough to know the date of
    /// their creation in any time zone (every zone's offset is whole quarter hours).
    pub created_around: OffsetDateTime,
    pub mfa_deadline: Option<Date>,
    pub enrolled: bool,
    pub locked: bool,
    pub count: u64,
}

/// Policyholders by MFA state on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub enrolled: u64,
    pub setup_pending: u64,
    pub setup_expired: u64,
    pub locked: u64,
}

impl PolicyholderGroup {
    /// The state each policyholder of the group has on `today`, with the deadline in force.
    pub fn state(&self, policy: &MfaPolicy, today: Date) -> (MfaState, Option<Date>) {
        mfa_state(policy, Role::Policyholder, self.created_around, self.mfa_deadline, self.enrolled, self.locked, today)
    }
}

impl StateCounts {
    pub fn of(groups: &[PolicyholderGroup], policy: &MfaPolicy, today: Date) -> Self {
        let mut counts = Self::default();
        for g in groups {
            let (state, _) = g.state(policy, today);
            *match state {
                MfaState::Enrolled => &mut counts.enrolled,
                MfaState::SetupPending => &mut counts.setup_pending,
                MfaState::SetupExpired => &mut counts.setup_expired,
                MfaState::Locked => &mut counts.locked,
            } += g.count;
        }
        counts
    }
}

/// The one rule for a user's MFA state: locked first, then enrolled, then past or before the
/// setup deadline in force.
fn mfa_state(
    policy: &MfaPolicy,
    role: Role,
    created_at: OffsetDateTime,
    support_set: Option<Date>,
    enrolled: bool,
    locked: bool,
    today: Date,
) -> (MfaState, Option<Date>) {
    let deadline = policy.setup_deadline(role, created_at, support_set).map(|d| d.date);
    (MfaState::on(deadline, enrolled, locked, today), deadline)
}

/// The state support sees: enrolled, setup pending, setup expired or locked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaState {
    Enrolled,
    SetupPending,
    SetupExpired,
    Locked,
}

impl MfaState {
    /// The rule itself, once the deadline in force is known: locked first, then enrolled, then
    /// past or before the deadline.
    pub fn on(deadline: Option<Date>, enrolled: bool, locked: bool, today: Date) -> MfaState {
        if locked {
            MfaState::Locked
        } else if enrolled {
            MfaState::Enrolled
        } else if deadline.is_some_and(|d| today >= d) {
            MfaState::SetupExpired
        } else {
            MfaState::SetupPending
        }
    }
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
        let enrolled = self.has_totp || self.has_sms || self.has_passkey;
        mfa_state(policy, self.role, self.created_at, self.mfa_deadline, enrolled, self.locked, today)
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn groups_are_counted_by_the_state_each_would_have_alone() {
        // Switched on March 1 with 45 grace days: the deadline is April 15 for accounts created
        // before the switch-on, 45 days after creation for later ones.
        let policy = MfaPolicy::new(date!(2026 - 03 - 01));
        let group = |created_on: Date, mfa_deadline, enrolled, locked, count| PolicyholderGroup {
            created_around: created_on.with_hms(13, 0, 0).unwrap().assume_utc(),
            mfa_deadline,
            enrolled,
            locked,
            count,
        };
        let groups = [
            group(date!(2026 - 01 - 10), None, true, false, 5),
            group(date!(2026 - 01 - 10), None, false, false, 7),
            group(date!(2026 - 04 - 01), None, false, false, 2),
            group(date!(2026 - 01 - 10), Some(date!(2026 - 06 - 01)), false, false, 3),
            group(date!(2026 - 01 - 10), None, true, true, 1),
        ];
        let on = |today| StateCounts::of(&groups, &policy, today);
        assert_eq!(
            on(date!(2026 - 04 - 14)),
            StateCounts { enrolled: 5, setup_pending: 12, setup_expired: 0, locked: 1 }
        );
        // On the deadline: the seven without a method or an extension are past it.
        assert_eq!(
            on(date!(2026 - 04 - 15)),
            StateCounts { enrolled: 5, setup_pending: 5, setup_expired: 7, locked: 1 }
        );
        // The two created on April 1 have until May 16; the three extended until June 1.
        assert_eq!(
            on(date!(2026 - 05 - 16)),
            StateCounts { enrolled: 5, setup_pending: 3, setup_expired: 9, locked: 1 }
        );
    }

    #[test]
    fn creation_dates_are_dates_in_the_portals_time_zone() {
        // Created at 21:00 on April 1 in New York: 01:00 UTC on April 2, the date there is April 1.
        let policy = MfaPolicy {
            zone: crate::zone::PortalZone::parse("America/New_York").unwrap(),
            ..MfaPolicy::new(date!(2026 - 03 - 01))
        };
        let groups = [PolicyholderGroup {
            created_around: time::macros::datetime!(2026-04-02 01:00 UTC),
            mfa_deadline: None,
            enrolled: false,
            locked: false,
            count: 4,
        }];
        assert_eq!(StateCounts::of(&groups, &policy, date!(2026 - 05 - 15)).setup_pending, 4);
        assert_eq!(StateCounts::of(&groups, &policy, date!(2026 - 05 - 16)).setup_expired, 4, "45 days from April 1");
    }
}
