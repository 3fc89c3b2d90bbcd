//! When MFA is required, and by when a user must set it up (the user guide's dates).
//!
//! Before the switch-on date MFA is optional, but a user who has a factor is always asked for
//! it. From the switch-on date a policyholder with no factor must set one up before their
//! deadline: `max(switch-on, account created) + grace days`, unless support set one for them.
//! From 00:00 of the deadline date in the portal's time zone (`PORTAL_TIME_ZONE`, default UTC)
//! sign-in is refused with "contact support". Staff have no deadline: they set a factor up at their first login, always.

use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use crate::user::Role;
use crate::zone::PortalZone;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Totp,
    Sms,
    Passkey,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Totp => "totp",
            Method::Sms => "sms",
            Method::Passkey => "passkey",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "totp" => Some(Method::Totp),
            "sms" => Some(Method::Sms),
            "passkey" => Some(Method::Passkey),
            _ => None,
        }
    }

    /// The guide's names: "Authenticator app" and "Text message (SMS)".
    pub fn label(self) -> &'static str {
        match self {
            Method::Totp => "Authenticator app",
            Method::Sms => "Text message (SMS)",
            Method::Passkey => "Passkey",
        }
    }

    /// [`Self::label`] in `language`.
    pub fn label_in(self, language: crate::language::Language) -> String {
        language.text(match self {
            Method::Totp => "mfa-method-label-totp",
            Method::Sms => "mfa-method-label-sms",
            Method::Passkey => "mfa-method-label-passkey",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaPolicy {
    /// The switch-on date (`mfa.enforce_from`).
    pub enforce_from: Date,
    /// Days a policyholder has to set MFA up (`mfa.grace_days`, default 45).
    pub grace_days: u16,
    /// Days after a support reset (`mfa.support_grace_days`, default 7).
    pub support_grace_days: u16,
    /// "Remind me later" until the deadline (`mfa.allow_postpone`, default off).
    pub allow_postpone: bool,
    /// "Don't ask for a code on this device" lasts this many days (`PORTAL_MFA_REMEMBER_DAYS`,
    /// default 30; 0 turns the choice off).
    pub remember_device_days: u16,
    /// Where the dates begin (`PORTAL_TIME_ZONE`); every date this policy compares is a date
    /// there, and so is every "today" the portal shows.
    pub zone: PortalZone,
}

impl MfaPolicy {
    pub fn new(enforce_from: Date) -> Self {
        Self {
            enforce_from,
            grace_days: 45,
            support_grace_days: 7,
            allow_postpone: false,
            remember_device_days: 30,
            zone: PortalZone::utc(),
        }
    }

    /// The date it is in the portal's time zone at `now`.
    pub fn today(&self, now: OffsetDateTime) -> Date {
        self.zone.date_of(now)
    }
}

/// Where a user's deadline comes from (shown to support).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineSource {
    SwitchOn,
    AccountCreated,
    /// Set by support: an extension or the short window after a reset.
    Support,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetupDeadline {
    pub date: Date,
    pub source: DeadlineSource,
}

/// What sign-in must do about the second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaRequirement {
    /// MFA is not switched on yet and the user has no factor.
    NotRequired,
    /// Ask for one of these confirmed methods.
    Verify { methods: Vec<Method> },
    /// Set a method up now. `deadline` is `None` for staff, who have no grace period.
    Setup { deadline: Option<Date>, days_left: Option<i64>, can_postpone: bool },
    /// The deadline has passed: refuse and send to support.
    SetupExpired { deadline: Date },
}

impl MfaPolicy {
    /// The policyholder's deadline; `None` for staff.
    pub fn setup_deadline(
        &self,
        role: Role,
        created_at: OffsetDateTime,
        support_set: Option<Date>,
    ) -> Option<SetupDeadline> {
        if role.is_staff() {
            return None;
        }
        if let Some(date) = support_set {
            return Some(SetupDeadline { date, source: DeadlineSource::Support });
        }
        let created = self.zone.date_of(created_at);
        let (start, source) = if created > self.enforce_from {
            (created, DeadlineSource::AccountCreated)
        } else {
            (self.enforce_from, DeadlineSource::SwitchOn)
        };
        Some(SetupDeadline { date: start.saturating_add(Duration::days(i64::from(self.grace_days))), source })
    }

    pub fn requirement(
        &self,
        role: Role,
        created_at: OffsetDateTime,
        support_set: Option<Date>,
        confirmed: &[Method],
        now: OffsetDateTime,
    ) -> MfaRequirement {
        if !confirmed.is_empty() {
            let mut methods = confirmed.to_vec();
            methods.sort();
            methods.dedup();
            return MfaRequirement::Verify { methods };
        }
        let today = self.today(now);
        if role.is_staff() {
            return MfaRequirement::Setup { deadline: None, days_left: None, can_postpone: false };
        }
        // A support-set deadline applies even before the switch-on date (after a reset, say).
        if today < self.enforce_from && support_set.is_none() {
            return MfaRequirement::NotRequired;
        }
        let Some(deadline) = self.setup_deadline(role, created_at, support_set) else {
            return MfaRequirement::NotRequired;
        };
        if today >= deadline.date {
            return MfaRequirement::SetupExpired { deadline: deadline.date };
        }
        MfaRequirement::Setup {
            deadline: Some(deadline.date),
            days_left: Some((deadline.date - today).whole_days()),
            can_postpone: self.allow_postpone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn guide_policy() -> MfaPolicy {
        MfaPolicy::new(date!(2023 - 01 - 18))
    }

    const OLD_ACCOUNT: OffsetDateTime = datetime!(2020-06-01 12:00 UTC);

    #[test]
    fn the_guides_own_dates_switch_on_2023_01_18_gives_2023_03_04() {
        let d = guide_policy().setup_deadline(Role::Policyholder, OLD_ACCOUNT, None).unwrap();
        assert_eq!(d.date, date!(2023 - 03 - 04));
        assert_eq!(d.source, DeadlineSource::SwitchOn);
    }

    #[test]
    fn first_login_after_switch_on_prompts_for_a_second_factor_with_days_left() {
        let r = guide_policy().requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], datetime!(2023-01-18 00:00 UTC));
        assert_eq!(
            r,
            MfaRequirement::Setup { deadline: Some(date!(2023 - 03 - 04)), days_left: Some(45), can_postpone: false }
        );
    }

    #[test]
    fn setup_is_allowed_until_the_last_second_before_the_deadline_date() {
        let p = guide_policy();
        let r = p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], datetime!(2023-03-03 23:59:59 UTC));
        assert_eq!(
            r,
            MfaRequirement::Setup { deadline: Some(date!(2023 - 03 - 04)), days_left: Some(1), can_postpone: false }
        );
        let r = p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], datetime!(2023-03-04 00:00:00 UTC));
        assert_eq!(r, MfaRequirement::SetupExpired { deadline: date!(2023 - 03 - 04) });
    }

    #[test]
    fn in_a_portal_east_of_nowhere_the_deadline_begins_at_local_midnight() {
        // The guide's deadline of March 4 in New York (UTC-5): sign-in still sets MFA up at
        // 23:59 on March 3 there (04:59 UTC) and is refused from 00:00 (05:00 UTC), not from
        // 7 pm on March 3 as it would be with UTC dates.
        let p = MfaPolicy { zone: PortalZone::parse("America/New_York").unwrap(), ..guide_policy() };
        let at = |t| p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], t);
        assert!(matches!(at(datetime!(2023-03-04 00:30 UTC)), MfaRequirement::Setup { days_left: Some(1), .. }));
        assert!(matches!(at(datetime!(2023-03-04 04:59:59 UTC)), MfaRequirement::Setup { .. }));
        assert_eq!(
            at(datetime!(2023-03-04 05:00 UTC)),
            MfaRequirement::SetupExpired { deadline: date!(2023 - 03 - 04) }
        );
        // An account created at 9 pm on June 9 there (01:00 UTC on June 10) counts from June 9.
        let created = datetime!(2023-06-10 01:00 UTC);
        assert_eq!(p.setup_deadline(Role::Policyholder, created, None).unwrap().date, date!(2023 - 07 - 24));
    }

    #[test]
    fn a_deadline_on_the_day_the_clocks_change_begins_at_that_days_midnight() {
        let p = MfaPolicy { zone: PortalZone::parse("America/New_York").unwrap(), ..guide_policy() };
        let deadline = Some(date!(2027 - 03 - 14)); // clocks go forward at 2:00 that morning
        let at = |t| p.requirement(Role::Policyholder, OLD_ACCOUNT, deadline, &[], t);
        assert!(matches!(at(datetime!(2027-03-14 04:59:59 UTC)), MfaRequirement::Setup { days_left: Some(1), .. }));
        assert!(matches!(at(datetime!(2027-03-14 05:00 UTC)), MfaRequirement::SetupExpired { .. }));
        let deadline = Some(date!(2027 - 11 - 07)); // and back at 2:00 that morning
        let at = |t| p.requirement(Role::Policyholder, OLD_ACCOUNT, deadline, &[], t);
        assert!(matches!(at(datetime!(2027-11-07 03:59:59 UTC)), MfaRequirement::Setup { days_left: Some(1), .. }));
        assert!(matches!(at(datetime!(2027-11-07 04:00 UTC)), MfaRequirement::SetupExpired { .. }));
    }

    #[test]
    fn before_switch_on_mfa_is_optional_unless_a_factor_exists() {
        let p = guide_policy();
        let before = datetime!(2023-01-17 23:59:59 UTC);
        assert_eq!(p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], before), MfaRequirement::NotRequired);
        assert_eq!(
            p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[Method::Sms], before),
            MfaRequirement::Verify { methods: vec![Method::Sms] }
        );
    }

    #[test]
    fn accounts_created_after_switch_on_get_their_own_45_days() {
        let p = guide_policy();
        let created = datetime!(2023-06-10 15:30 UTC);
        let d = p.setup_deadline(Role::Policyholder, created, None).unwrap();
        assert_eq!(d, SetupDeadline { date: date!(2023 - 07 - 25), source: DeadlineSource::AccountCreated });
        let r = p.requirement(Role::Policyholder, created, None, &[], datetime!(2023-07-24 12:00 UTC));
        assert!(matches!(r, MfaRequirement::Setup { days_left: Some(1), .. }));
    }

    #[test]
    fn a_support_extension_replaces_the_deadline() {
        let p = guide_policy();
        let now = datetime!(2023-03-10 09:00 UTC);
        assert!(matches!(
            p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], now),
            MfaRequirement::SetupExpired { .. }
        ));
        let r = p.requirement(Role::Policyholder, OLD_ACCOUNT, Some(date!(2023 - 03 - 17)), &[], now);
        assert_eq!(
            r,
            MfaRequirement::Setup { deadline: Some(date!(2023 - 03 - 17)), days_left: Some(7), can_postpone: false }
        );
    }

    #[test]
    fn staff_must_set_up_at_once_with_no_deadline_and_no_postponing() {
        let p = MfaPolicy { allow_postpone: true, ..guide_policy() };
        for role in [Role::Adjuster, Role::Support, Role::Admin] {
            assert_eq!(p.setup_deadline(role, OLD_ACCOUNT, None), None);
            let before_switch_on = datetime!(2022-01-01 00:00 UTC);
            assert_eq!(
                p.requirement(role, OLD_ACCOUNT, None, &[], before_switch_on),
                MfaRequirement::Setup { deadline: None, days_left: None, can_postpone: false }
            );
        }
    }

    #[test]
    fn postponing_is_offered_only_when_switched_on() {
        let p = MfaPolicy { allow_postpone: true, ..guide_policy() };
        let r = p.requirement(Role::Policyholder, OLD_ACCOUNT, None, &[], datetime!(2023-02-01 00:00 UTC));
        assert!(matches!(r, MfaRequirement::Setup { can_postpone: true, .. }));
    }
}
