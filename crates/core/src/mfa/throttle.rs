//! Second-factor throttling per account (NIST SP 800-63B §5.2.2): every 5
//! consecutive wrong codes pause the account, 1 minute the first time and doubling each further
//! 5 (capped at 24 hours so a real person is never shut out for days by a stranger); 100
//! consecutive wrong codes lock it until support unlocks. While paused or locked, even a right
//! code is refused. A right code resets the count; asking for another text does not.

use time::{Duration, OffsetDateTime};

pub const FAILURES_PER_PAUSE: u32 = 5;
pub const LOCK_AFTER: u32 = 100;
pub const FIRST_PAUSE: Duration = Duration::minutes(1);
pub const LONGEST_PAUSE: Duration = Duration::hours(24);
/// A refused attempt on a paused or locked account is audited at most this often per account.
/// Auditing every refusal let an attacker turn each request into a database write and an audit
/// row; one row a minute still shows support when and how long an account was under attack.
pub const REFUSAL_AUDIT_INTERVAL: Duration = Duration::minutes(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecondFactorThrottle {
    pub consecutive_failures: u32,
    pub paused_until: Option<OffsetDateTime>,
    pub locked: bool,
    /// When a refusal of this account was last written to the audit log.
    pub refusal_audited_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleState {
    Open,
    Paused { retry_after: Duration },
    Locked,
}

impl SecondFactorThrottle {
    pub fn state(&self, now: OffsetDateTime) -> ThrottleState {
        if self.locked {
            return ThrottleState::Locked;
        }
        match self.paused_until {
            Some(until) if now < until => ThrottleState::Paused { retry_after: until - now },
            _ => ThrottleState::Open,
        }
    }
}

impl SecondFactorThrottle {
    /// Whether a refusal at `now` goes to the audit log: the first one, then one per interval.
    /// The store repeats this test as a compare-and-set, so racing refusals write one row.
    pub fn refusal_needs_audit(&self, now: OffsetDateTime) -> bool {
        self.refusal_audited_at.is_none_or(|at| now - at >= REFUSAL_AUDIT_INTERVAL)
    }
}

/// The pause that follows the `failures`-th consecutive failure, if any.
pub fn pause_after(failures: u32) -> Option<Duration> {
    if failures == 0 || !failures.is_multiple_of(FAILURES_PER_PAUSE) {
        return None;
    }
    let doublings = (failures / FAILURES_PER_PAUSE).saturating_sub(1).min(20);
    Some((FIRST_PAUSE * 2_i32.pow(doublings)).min(LONGEST_PAUSE))
}

/// What to store after the `failures`-th consecutive failure at `now`.
pub fn after_failure(failures: u32, now: OffsetDateTime) -> SecondFactorThrottle {
    SecondFactorThrottle {
        consecutive_failures: failures,
        paused_until: pause_after(failures).map(|p| now + p),
        locked: failures >= LOCK_AFTER,
        refusal_audited_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_schedule_pauses_every_fifth_failure_doubling_from_one_minute() {
        assert_eq!(pause_after(4), None);
        assert_eq!(pause_after(5), Some(Duration::minutes(1)));
        assert_eq!(pause_after(6), None);
        assert_eq!(pause_after(10), Some(Duration::minutes(2)));
        assert_eq!(pause_after(15), Some(Duration::minutes(4)));
        assert_eq!(pause_after(20), Some(Duration::minutes(8)));
        assert_eq!(pause_after(55), Some(Duration::minutes(1024)));
        assert_eq!(pause_after(60), Some(Duration::hours(24)), "capped at a day");
    }

    #[test]
    fn a_hundred_failures_lock_the_account() {
        let now = datetime!(2026-01-01 0:00 UTC);
        assert!(!after_failure(99, now).locked);
        let t = after_failure(100, now);
        assert!(t.locked);
        assert_eq!(t.state(now + Duration::days(365)), ThrottleState::Locked);
    }

    #[test]
    fn refusals_are_audited_once_per_minute() {
        let now = datetime!(2026-01-01 0:00 UTC);
        let mut t = after_failure(100, now);
        assert!(t.refusal_needs_audit(now), "the first refusal");
        t.refusal_audited_at = Some(now);
        assert!(!t.refusal_needs_audit(now));
        assert!(!t.refusal_needs_audit(now + Duration::seconds(59)));
        assert!(t.refusal_needs_audit(now + Duration::seconds(60)));
    }

    #[test]
    fn a_pause_refuses_until_it_ends() {
        let now = datetime!(2026-01-01 0:00 UTC);
        let t = after_failure(5, now);
        assert_eq!(t.state(now + Duration::seconds(59)), ThrottleState::Paused { retry_after: Duration::seconds(1) });
        assert_eq!(t.state(now + Duration::seconds(60)), ThrottleState::Open);
        assert_eq!(after_failure(6, now).state(now), ThrottleState::Open);
    }
}
