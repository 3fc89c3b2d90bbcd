//! Deadline reminders: a policyholder who has not set MFA up is emailed 14, 7 and 1 days before
//! their setup deadline, and on the day after support gives them a new one. Which reminder is due
//! is decided here, from the one deadline rule in [`super::policy`]; sending each exactly once is
//! the store's claim (a row per user, reminder and deadline, inserted before the email is sent).

use time::{Date, Duration};

use super::policy::{DeadlineSource, MfaPolicy, SetupDeadline};
use crate::email::Email;
use crate::user::{DisplayName, Role, UserId};

/// Days before the deadline on which a reminder goes out.
pub const DAYS_BEFORE: [i64; 3] = [14, 7, 1];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReminderKind {
    /// `n` days before the deadline (one of [`DAYS_BEFORE`]).
    DaysBefore(i64),
    /// The day after support set the deadline (an extension, or the window after a reset).
    AfterSupport,
}

impl ReminderKind {
    /// What the claim row and the audit log call it.
    pub fn as_str(self) -> String {
        match self {
            ReminderKind::DaysBefore(1) => "1_day".to_owned(),
            ReminderKind::DaysBefore(n) => format!("{n}_days"),
            ReminderKind::AfterSupport => "after_support".to_owned(),
        }
    }

    /// "7 days before", for the command's lines.
    pub fn describe(self) -> String {
        match self {
            ReminderKind::DaysBefore(1) => "1 day before".to_owned(),
            ReminderKind::DaysBefore(n) => format!("{n} days before"),
            ReminderKind::AfterSupport => "the day after support set".to_owned(),
        }
    }
}

/// A policyholder who has no second factor yet, as far as reminders need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderCandidate {
    pub user_id: UserId,
    pub email: Email,
    pub name: DisplayName,
    pub created_at: time::OffsetDateTime,
    /// Set by support, if it was.
    pub mfa_deadline: Option<Date>,
    /// When support set it.
    pub mfa_deadline_set_at: Option<time::OffsetDateTime>,
    /// The language they chose; their reminder is written in it (English if none).
    pub language: Option<crate::language::Language>,
}

/// A reminder due today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderDue {
    pub kind: ReminderKind,
    pub deadline: Date,
}

impl MfaPolicy {
    /// The reminder due `today` for a policyholder without a second factor, if any. Nothing is
    /// due before MFA is switched on (unless support set a deadline), on or after the deadline,
    /// or for staff. Nobody gets two emails about one date on one day: nothing on the day support
    /// sets a deadline (their email says it), and the reminder the day after replaces a countdown
    /// one that falls on it.
    pub fn reminder_due(&self, candidate: &ReminderCandidate, today: Date) -> Option<ReminderDue> {
        let SetupDeadline { date: deadline, source } =
            self.setup_deadline(Role::Policyholder, candidate.created_at, candidate.mfa_deadline)?;
        if today >= deadline || (source != DeadlineSource::Support && today < self.enforce_from) {
            return None;
        }
        if source == DeadlineSource::Support
            && let Some(set_at) = candidate.mfa_deadline_set_at
        {
            let set_on = self.today(set_at);
            if set_on == today {
                return None;
            }
            if set_on + Duration::days(1) == today {
                return Some(ReminderDue { kind: ReminderKind::AfterSupport, deadline });
            }
        }
        let days_left = (deadline - today).whole_days();
        DAYS_BEFORE.contains(&days_left).then_some(ReminderDue { kind: ReminderKind::DaysBefore(days_left), deadline })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::zone::PortalZone;

    fn candidate(created_at: time::OffsetDateTime) -> ReminderCandidate {
        ReminderCandidate {
            language: None,
            user_id: UserId::from_stored("u1".into()),
            email: Email::parse("ann@example.com").unwrap(),
            name: DisplayName::parse("Ann").unwrap(),
            created_at,
            mfa_deadline: None,
            mfa_deadline_set_at: None,
        }
    }

    #[test]
    fn reminders_fall_14_7_and_1_days_before_the_deadline_and_on_no_other_day() {
        // The guide's dates: switched on January 18, 2023, deadline March 4.
        let policy = MfaPolicy::new(date!(2023 - 01 - 18));
        let ann = candidate(datetime!(2020-06-01 12:00 UTC));
        let mut due = Vec::new();
        let mut day = date!(2023 - 01 - 01);
        while day <= date!(2023 - 03 - 10) {
            if let Some(r) = policy.reminder_due(&ann, day) {
                due.push((day, r.kind));
            }
            day += Duration::days(1);
        }
        assert_eq!(
            due,
            [
                (date!(2023 - 02 - 18), ReminderKind::DaysBefore(14)),
                (date!(2023 - 02 - 25), ReminderKind::DaysBefore(7)),
                (date!(2023 - 03 - 03), ReminderKind::DaysBefore(1)),
            ]
        );
        assert_eq!(ReminderKind::DaysBefore(1).as_str(), "1_day");
        assert_eq!(ReminderKind::DaysBefore(14).as_str(), "14_days");
    }

    #[test]
    fn support_setting_a_deadline_is_followed_by_a_reminder_the_next_day() {
        let policy = MfaPolicy::new(date!(2023 - 01 - 18));
        // Past the deadline, support gives until March 20 on March 10 (at 23:30 in New York).
        let policy = MfaPolicy { zone: PortalZone::parse("America/New_York").unwrap(), ..policy };
        let bob = ReminderCandidate {
            language: None,
            mfa_deadline: Some(date!(2023 - 03 - 20)),
            mfa_deadline_set_at: Some(datetime!(2023-03-11 04:30 UTC)),
            ..candidate(datetime!(2020-06-01 12:00 UTC))
        };
        assert_eq!(policy.reminder_due(&bob, date!(2023 - 03 - 10)), None, "the extension email said it that day");
        assert_eq!(
            policy.reminder_due(&bob, date!(2023 - 03 - 11)),
            Some(ReminderDue { kind: ReminderKind::AfterSupport, deadline: date!(2023 - 03 - 20) })
        );
        assert_eq!(policy.reminder_due(&bob, date!(2023 - 03 - 12)), None);
        assert_eq!(
            policy.reminder_due(&bob, date!(2023 - 03 - 13)),
            Some(ReminderDue { kind: ReminderKind::DaysBefore(7), deadline: date!(2023 - 03 - 20) })
        );
        // Set 7 days before: no countdown email that day (the support email said it).
        let same_day = ReminderCandidate { mfa_deadline_set_at: Some(datetime!(2023-03-13 15:00 UTC)), ..bob.clone() };
        assert_eq!(policy.reminder_due(&same_day, date!(2023 - 03 - 13)), None);
        // The day after support set it is also 7 days before: one email, the support one.
        let close = ReminderCandidate { mfa_deadline_set_at: Some(datetime!(2023-03-12 15:00 UTC)), ..bob };
        assert_eq!(policy.reminder_due(&close, date!(2023 - 03 - 13)).unwrap().kind, ReminderKind::AfterSupport);
    }

    #[test]
    fn nothing_is_due_before_the_switch_on_or_on_and_after_the_deadline() {
        // Five grace days from March 1: the 7-days-before date (February 27) is before the
        // switch-on, when nobody is asked for anything yet; the 1-day one is after.
        let policy = MfaPolicy { grace_days: 5, ..MfaPolicy::new(date!(2023 - 03 - 01)) };
        let old = candidate(datetime!(2020-06-01 12:00 UTC));
        assert_eq!(policy.reminder_due(&old, date!(2023 - 02 - 27)), None);
        assert_eq!(policy.reminder_due(&old, date!(2023 - 03 - 05)).unwrap().kind, ReminderKind::DaysBefore(1));
        let policy = MfaPolicy::new(date!(2023 - 01 - 18));
        let ann = candidate(datetime!(2020-06-01 12:00 UTC));
        assert_eq!(policy.reminder_due(&ann, date!(2023 - 03 - 04)), None);
        assert_eq!(policy.reminder_due(&ann, date!(2023 - 03 - 05)), None);
    }
}
