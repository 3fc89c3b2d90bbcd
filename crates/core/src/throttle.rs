//! Counted limits: password throttling (5 failures for one account or 20 from one IP within
//! 15 minutes), reset emails, console actions, invitations. Every limit is a *reservation*: an
//! attempt takes a slot in one atomic statement before the work it limits is done, and is
//! refused when the window is full, so a burst of parallel requests cannot walk past the limit
//! (reading the count and then writing it would let every request in flight pass the check).
//! Counters live in the database so every instance behind a load balancer shares them.

use time::{Duration, OffsetDateTime};

/// A fixed window that opens at its first failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleWindow {
    pub started_at: OffsetDateTime,
    pub failures: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimit {
    pub max_failures: u32,
    pub window: Duration,
}

impl ThrottleLimit {
    /// How long the caller must wait, or `None` when another attempt is allowed.
    pub fn retry_after(&self, window: Option<&ThrottleWindow>, now: OffsetDateTime) -> Option<Duration> {
        let w = window?;
        let ends = w.started_at + self.window;
        (w.failures >= self.max_failures && now < ends).then(|| ends - now)
    }

    /// The wait for a refused reservation on the full window `full`: until it ends, at least a
    /// second (a window that ended between the refusal and this call is retried at once anyway).
    pub fn wait_for(&self, full: &ThrottleWindow, now: OffsetDateTime) -> Duration {
        self.retry_after(Some(full), now).unwrap_or(Duration::ZERO).max(Duration::seconds(1))
    }
}

/// A slot taken under a limit: kept when the work counts against it, given back when not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub key: String,
    /// The window the slot was taken in; giving it back never touches a later window.
    pub window_started: OffsetDateTime,
}

/// Refused under the limit at `key`; `retry_after` says when the window lifts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitReached {
    pub key: String,
    pub retry_after: Duration,
}

#[derive(Debug, Clone, Copy)]
pub struct PasswordThrottlePolicy {
    pub per_account: ThrottleLimit,
    pub per_ip: ThrottleLimit,
}

impl Default for PasswordThrottlePolicy {
    fn default() -> Self {
        let window = Duration::minutes(15);
        Self {
            per_account: ThrottleLimit { max_failures: 5, window },
            per_ip: ThrottleLimit { max_failures: 20, window },
        }
    }
}

/// Keys of the shared counters. Accounts are keyed by the normalised email whether or not the
/// account exists, so throttling itself reveals nothing about which emails are registered.
pub fn account_key(email: &crate::email::Email) -> String {
    format!("pw:acct:{}", email.as_str())
}

pub fn ip_key(ip: &str) -> String {
    format!("pw:ip:{ip}")
}

/// Whole seconds for a `Retry-After` header, never 0 (a client would retry at once).
pub fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.whole_seconds() + i64::from(d.subsec_nanoseconds() > 0);
    u64::try_from(secs.max(1)).unwrap_or(1)
}

/// A wait as a person reads it, rounded up: "a minute", "58 minutes", "21 hours".
pub fn wait_in_words(d: Duration) -> String {
    let secs = retry_after_secs(d);
    match secs {
        0..=60 => "a minute".to_owned(),
        61..=7_199 => format!("{} minutes", secs.div_ceil(60)),
        _ => format!("{} hours", secs.div_ceil(3_600)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn waits_read_as_a_person_would_say_them() {
        assert_eq!(wait_in_words(Duration::seconds(1)), "a minute");
        assert_eq!(wait_in_words(Duration::seconds(60)), "a minute");
        assert_eq!(wait_in_words(Duration::seconds(61)), "2 minutes");
        assert_eq!(wait_in_words(Duration::seconds(3_450)), "58 minutes");
        assert_eq!(wait_in_words(Duration::minutes(119)), "119 minutes");
        assert_eq!(wait_in_words(Duration::hours(2)), "2 hours");
        assert_eq!(wait_in_words(Duration::minutes(20 * 60 + 1)), "21 hours");
    }

    #[test]
    fn the_fifth_failure_closes_the_account_until_the_window_ends() {
        let p = PasswordThrottlePolicy::default().per_account;
        let t0 = datetime!(2026-01-01 9:00 UTC);
        let four = ThrottleWindow { started_at: t0, failures: 4 };
        assert_eq!(p.retry_after(Some(&four), t0 + Duration::minutes(1)), None);
        let five = ThrottleWindow { started_at: t0, failures: 5 };
        assert_eq!(p.retry_after(Some(&five), t0 + Duration::minutes(1)), Some(Duration::minutes(14)));
        assert_eq!(p.retry_after(Some(&five), t0 + Duration::minutes(15)), None);
        assert_eq!(p.retry_after(None, t0), None);
    }

    #[test]
    fn an_ip_gets_twenty_failures() {
        let p = PasswordThrottlePolicy::default().per_ip;
        let t0 = datetime!(2026-01-01 9:00 UTC);
        assert_eq!(p.retry_after(Some(&ThrottleWindow { started_at: t0, failures: 19 }), t0), None);
        assert!(p.retry_after(Some(&ThrottleWindow { started_at: t0, failures: 20 }), t0).is_some());
    }

    #[test]
    fn retry_after_rounds_up_and_is_never_zero() {
        assert_eq!(retry_after_secs(Duration::milliseconds(1500)), 2);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::minutes(14)), 840);
    }
}

/// Limits used by the use-cases, each at its one home.
pub mod limits {
    use super::ThrottleLimit;
    use time::Duration;

    /// Reset emails per address per hour, so the form cannot flood someone's inbox. Requests
    /// over the limit get the same answer as any other and send nothing.
    pub const RESET_EMAILS_PER_ADDRESS: ThrottleLimit = ThrottleLimit { max_failures: 3, window: Duration::hours(1) };
    /// Reset requests per client address per hour: one client cannot mail many inboxes.
    pub const RESET_REQUESTS_PER_IP: ThrottleLimit = ThrottleLimit { max_failures: 10, window: Duration::hours(1) };
    /// Support actions (extend, reset, unlock, end sessions, new staff account) per agent per
    /// hour: a stolen staff session cannot mass-reset accounts.
    pub const CONSOLE_ACTIONS_PER_HOUR: ThrottleLimit = ThrottleLimit { max_failures: 30, window: Duration::hours(1) };
    /// Claims opened with a new account (each sends a link to choose a password) per adjuster
    /// per hour.
    pub const INVITES_PER_HOUR: ThrottleLimit = ThrottleLimit { max_failures: 30, window: Duration::hours(1) };
}
