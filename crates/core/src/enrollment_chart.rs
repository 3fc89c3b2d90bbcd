//! The console's enrollment chart: how many policyholders are enrolled, still within their setup
//! window, and past their deadline on each day from [`DAYS_EACH_SIDE`] days before today to as
//! many after, from the policyholder groups (one aggregate read) and the one state rule of
//! [`crate::overview`].
//!
//! The portal keeps no date of enrollment (a reset removes the methods, and an account's methods
//! carry no history), so neither side of today is a record:
//!
//! - A past day applies today's enrollment, lock and deadlines to the accounts that existed that
//!   day. Someone who enrolled last week counts as enrolled on every earlier day too, so the
//!   past undercounts "pending" and overcounts "enrolled"; "past the deadline" uses the
//!   deadlines in force today, so an extension granted since also moves someone out of it on
//!   the days before.
//! - A future day is a projection: no new accounts, and pending policyholders fall past their
//!   deadline unless the measured enrollment rate converts them first (see [`project`]).
//!
//! Locked accounts are in none of the three lines (they have their own count on the report).

use std::collections::BTreeMap;

use time::{Date, Duration};

use crate::mfa::MfaPolicy;
use crate::overview::{MfaState, PolicyholderGroup};
use crate::user::Role;

/// How far the chart reaches on each side of today.
pub const DAYS_EACH_SIDE: u16 = 60;

/// The days whose new accounts measure the enrollment rate the projection assumes.
pub const TREND_DAYS: u16 = 14;

/// Policyholders by state on one day of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartDay {
    pub date: Date,
    pub enrolled: u64,
    pub setup_pending: u64,
    pub setup_expired: u64,
    /// After today: a projection, not a count.
    pub projected: bool,
}

/// A setup deadline inside the chart's window, and how many policyholders without a method have
/// it (as of today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineMark {
    pub date: Date,
    pub policyholders: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentChart {
    pub today: Date,
    /// One day each, oldest first, `2 * DAYS_EACH_SIDE + 1` of them; today is in the middle.
    pub days: Vec<ChartDay>,
    /// Oldest first, each date once.
    pub deadlines: Vec<DeadlineMark>,
    /// Policyholders created in the last [`TREND_DAYS`] days (today included) and enrolled now:
    /// the only enrollments whose time is known (they happened after the account was made).
    pub recent_enrollments: u64,
    /// Locked policyholders today, left out of the lines.
    pub locked: u64,
}

impl EnrollmentChart {
    /// The first and last day of the chart.
    pub fn window(&self) -> (Date, Date) {
        window(self.today)
    }
}

fn window(today: Date) -> (Date, Date) {
    let reach = Duration::days(i64::from(DAYS_EACH_SIDE));
    (today.saturating_sub(reach), today.saturating_add(reach))
}

/// A group with what the chart asks of it on every one of its days, worked out once: the date
/// (in the portal's zone) its accounts were made, and the deadline in force.
struct Dated<'a> {
    group: &'a PolicyholderGroup,
    created_on: Date,
    deadline: Option<Date>,
}

impl Dated<'_> {
    fn state(&self, date: Date) -> (MfaState, Option<Date>) {
        (MfaState::on(self.deadline, self.group.enrolled, self.group.locked, date), self.deadline)
    }
}

fn dated<'a>(groups: &'a [PolicyholderGroup], policy: &MfaPolicy) -> Vec<Dated<'a>> {
    groups
        .iter()
        .map(|group| Dated {
            group,
            created_on: policy.zone.date_of(group.created_around),
            deadline: policy
                .setup_deadline(Role::Policyholder, group.created_around, group.mfa_deadline)
                .map(|d| d.date),
        })
        .collect()
}

/// The chart for `today`.
pub fn enrollment_chart(groups: &[PolicyholderGroup], policy: &MfaPolicy, today: Date) -> EnrollmentChart {
    let groups = dated(groups, policy);
    let (first, last) = window(today);
    let trend_start = today.saturating_sub(Duration::days(i64::from(TREND_DAYS) - 1));
    let mut chart =
        EnrollmentChart { today, days: Vec::new(), deadlines: Vec::new(), recent_enrollments: 0, locked: 0 };
    let mut deadlines: BTreeMap<Date, u64> = BTreeMap::new();
    for g in &groups {
        match g.state(today) {
            (MfaState::Locked, _) => chart.locked += g.group.count,
            (MfaState::Enrolled, _) if g.created_on >= trend_start => {
                chart.recent_enrollments += g.group.count;
            }
            (MfaState::SetupPending | MfaState::SetupExpired, Some(d)) if (first..=last).contains(&d) => {
                *deadlines.entry(d).or_default() += g.group.count;
            }
            _ => {}
        }
    }
    chart.deadlines = deadlines.into_iter().map(|(date, policyholders)| DeadlineMark { date, policyholders }).collect();

    for before in (0..=DAYS_EACH_SIDE).rev() {
        let date = today.saturating_sub(Duration::days(i64::from(before)));
        chart.days.push(as_known_today(&groups, date));
    }
    chart.days.extend(project(&groups, today, chart.recent_enrollments));
    chart
}

/// A past day (or today): the accounts created by then, in the state today's facts give them
/// on that day.
fn as_known_today(groups: &[Dated], date: Date) -> ChartDay {
    let mut day = ChartDay { date, enrolled: 0, setup_pending: 0, setup_expired: 0, projected: false };
    for g in groups.iter().filter(|g| g.created_on <= date) {
        match g.state(date).0 {
            MfaState::Enrolled => day.enrolled += g.group.count,
            MfaState::SetupPending => day.setup_pending += g.group.count,
            MfaState::SetupExpired => day.setup_expired += g.group.count,
            MfaState::Locked => {}
        }
    }
    day
}

/// The days after today if the trend holds. `recent_enrollments` accounts enrolled in the last
/// [`TREND_DAYS`] days, so by the k-th day ahead `recent_enrollments * k / TREND_DAYS` more
/// (rounded down) are assumed to enroll, drawn from the policyholders still pending that day
/// with the nearest deadline first: nobody can enroll on or after their deadline day (sign-in
/// is refused from its first minute), and the nearest deadlines are the ones a reminder
/// pushes. Since the rate counts only new accounts' enrollments, it is a floor, and the
/// projected lockouts lean high rather than low.
fn project(groups: &[Dated], today: Date, recent_enrollments: u64) -> Vec<ChartDay> {
    let mut enrolled = 0;
    let mut expired_today = 0;
    // Pending policyholders by deadline, the nearest first and those without one (none are
    // policyholders today, but the type allows it) last: they never fall past it.
    let mut pending: BTreeMap<(bool, Option<Date>), u64> = BTreeMap::new();
    for g in groups {
        match g.state(today) {
            (MfaState::Enrolled, _) => enrolled += g.group.count,
            (MfaState::SetupExpired, _) => expired_today += g.group.count,
            (MfaState::SetupPending, deadline) => {
                *pending.entry((deadline.is_none(), deadline)).or_default() += g.group.count
            }
            (MfaState::Locked, _) => {}
        }
    }
    let mut days = Vec::new();
    // Whole enrollments due by the k-th day ahead; each day converts the ones newly due.
    let due = |k: u16| recent_enrollments.saturating_mul(u64::from(k)) / u64::from(TREND_DAYS);
    for ahead in 1..=DAYS_EACH_SIDE {
        let date = today.saturating_add(Duration::days(i64::from(ahead)));
        let mut converting = due(ahead) - due(ahead - 1);
        for ((_, deadline), count) in pending.iter_mut() {
            if converting == 0 {
                break;
            }
            if deadline.is_some_and(|d| d <= date) {
                continue;
            }
            let taken = converting.min(*count);
            *count -= taken;
            converting -= taken;
            enrolled += taken;
        }
        let (past, still): (Vec<_>, Vec<_>) = pending.iter().partition(|((_, d), _)| d.is_some_and(|d| d <= date));
        days.push(ChartDay {
            date,
            enrolled,
            setup_pending: still.iter().map(|(_, c)| **c).sum(),
            setup_expired: expired_today + past.iter().map(|(_, c)| **c).sum::<u64>(),
            projected: true,
        });
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 05 - 01);

    fn group(
        created_on: Date,
        mfa_deadline: Option<Date>,
        enrolled: bool,
        locked: bool,
        count: u64,
    ) -> PolicyholderGroup {
        PolicyholderGroup {
            created_around: created_on.with_hms(10, 0, 0).unwrap().assume_utc(),
            mfa_deadline,
            enrolled,
            locked,
            count,
        }
    }

    fn day(chart: &EnrollmentChart, date: Date) -> (u64, u64, u64, bool) {
        let d = chart.days.iter().find(|d| d.date == date).unwrap();
        (d.enrolled, d.setup_pending, d.setup_expired, d.projected)
    }

    /// Switched on April 1 with 45 grace days: accounts from before then have until May 16.
    fn policy() -> MfaPolicy {
        MfaPolicy::new(date!(2026 - 04 - 01))
    }

    #[test]
    fn every_day_of_the_window_is_there_once_and_only_the_future_is_projected() {
        let chart = enrollment_chart(&[], &policy(), TODAY);
        assert_eq!(chart.days.len(), 121);
        assert_eq!(chart.days[0].date, date!(2026 - 03 - 02));
        assert_eq!(chart.days[60].date, TODAY);
        assert_eq!(chart.days[120].date, date!(2026 - 06 - 30));
        assert!(chart.days.windows(2).all(|w| w[1].date == w[0].date.next_day().unwrap()));
        assert!(chart.days.iter().all(|d| d.projected == (d.date > TODAY)));
        assert_eq!(chart.window(), (date!(2026 - 03 - 02), date!(2026 - 06 - 30)));
    }

    #[test]
    fn past_days_count_who_existed_then_with_todays_enrollment_and_deadlines() {
        let groups = [
            group(date!(2026 - 01 - 10), None, true, false, 5),
            group(date!(2026 - 01 - 10), None, false, false, 7), // until May 16
            // Created March 10: 45 days from the switch-on, until May 16 as well.
            group(date!(2026 - 03 - 10), None, false, false, 2),
            // Support set April 20, which has passed.
            group(date!(2026 - 01 - 10), Some(date!(2026 - 04 - 20)), false, false, 3),
            group(date!(2026 - 01 - 10), None, true, true, 1),
        ];
        let chart = enrollment_chart(&groups, &policy(), TODAY);
        assert_eq!(day(&chart, date!(2026 - 03 - 02)), (5, 10, 0, false), "before the March 10 accounts");
        assert_eq!(day(&chart, date!(2026 - 03 - 10)), (5, 12, 0, false));
        assert_eq!(day(&chart, date!(2026 - 04 - 19)), (5, 12, 0, false));
        assert_eq!(day(&chart, date!(2026 - 04 - 20)), (5, 9, 3, false), "past the deadline from its first day");
        assert_eq!(day(&chart, TODAY), (5, 9, 3, false));
        assert_eq!(chart.locked, 1);
        assert_eq!(
            chart.deadlines,
            [
                DeadlineMark { date: date!(2026 - 04 - 20), policyholders: 3 },
                DeadlineMark { date: date!(2026 - 05 - 16), policyholders: 9 },
            ],
            "the enrolled and the locked have deadlines too, but nothing happens on them"
        );
        assert_eq!(chart.recent_enrollments, 0);
        // No measured enrollments: everyone pending falls past the deadline on May 16.
        assert_eq!(day(&chart, date!(2026 - 05 - 15)), (5, 9, 3, true));
        assert_eq!(day(&chart, date!(2026 - 05 - 16)), (5, 0, 12, true));
        assert_eq!(day(&chart, date!(2026 - 06 - 30)), (5, 0, 12, true));
    }

    #[test]
    fn the_projection_converts_the_nearest_deadlines_at_the_measured_rate() {
        let groups = [
            // 7 accounts created in the last 14 days (April 18 on) and enrolled: half a day.
            group(date!(2026 - 04 - 18), None, true, false, 3),
            group(date!(2026 - 04 - 30), None, true, false, 4),
            // Created April 17, enrolled: too early to date its enrollment.
            group(date!(2026 - 04 - 17), None, true, false, 10),
            // Pending: 2 with May 4, 3 with May 16 (switch-on), 1 created April 30 (June 14).
            group(date!(2026 - 01 - 10), Some(date!(2026 - 05 - 04)), false, false, 2),
            group(date!(2026 - 01 - 10), None, false, false, 3),
            group(date!(2026 - 04 - 30), None, false, false, 1),
        ];
        let chart = enrollment_chart(&groups, &policy(), TODAY);
        assert_eq!(chart.recent_enrollments, 7);
        assert_eq!(day(&chart, TODAY), (17, 6, 0, false));
        assert_eq!(day(&chart, date!(2026 - 05 - 02)), (17, 6, 0, true), "half an enrollment is none yet");
        assert_eq!(day(&chart, date!(2026 - 05 - 03)), (18, 5, 0, true), "one of the May 4 pair");
        // May 4: the other of the pair is past its deadline before the next enrollment.
        assert_eq!(day(&chart, date!(2026 - 05 - 04)), (18, 4, 1, true));
        assert_eq!(day(&chart, date!(2026 - 05 - 05)), (19, 3, 1, true));
        assert_eq!(day(&chart, date!(2026 - 05 - 07)), (20, 2, 1, true));
        assert_eq!(day(&chart, date!(2026 - 05 - 09)), (21, 1, 1, true), "the May 16 three are done");
        assert_eq!(day(&chart, date!(2026 - 05 - 11)), (22, 0, 1, true), "and the June 14 one");
        assert_eq!(day(&chart, date!(2026 - 06 - 30)), (22, 0, 1, true), "nobody is left to enroll");
        assert_eq!(
            chart.deadlines.iter().map(|d| (d.date, d.policyholders)).collect::<Vec<_>>(),
            [(date!(2026 - 05 - 04), 2), (date!(2026 - 05 - 16), 3), (date!(2026 - 06 - 14), 1)]
        );
    }

    #[test]
    fn creation_dates_are_dates_in_the_portals_time_zone() {
        // 01:00 UTC on April 2 is 21:00 on April 1 in New York: there the account exists on
        // April 1, and its deadline is May 16 (it would be May 17 in UTC).
        let policy = MfaPolicy { zone: crate::zone::PortalZone::parse("America/New_York").unwrap(), ..policy() };
        let groups = [PolicyholderGroup {
            created_around: time::macros::datetime!(2026-04-02 01:00 UTC),
            mfa_deadline: None,
            enrolled: false,
            locked: false,
            count: 4,
        }];
        let chart = enrollment_chart(&groups, &policy, TODAY);
        assert_eq!(day(&chart, date!(2026 - 03 - 31)), (0, 0, 0, false));
        assert_eq!(day(&chart, date!(2026 - 04 - 01)), (0, 4, 0, false));
        assert_eq!(chart.deadlines, [DeadlineMark { date: date!(2026 - 05 - 16), policyholders: 4 }]);
        assert_eq!(day(&chart, date!(2026 - 05 - 16)), (0, 0, 4, true));
    }

    #[test]
    fn deadlines_outside_the_window_are_not_marked() {
        let groups = [
            group(date!(2026 - 01 - 10), Some(date!(2026 - 03 - 01)), false, false, 1),
            group(date!(2026 - 01 - 10), Some(date!(2026 - 03 - 02)), false, false, 1),
            group(date!(2026 - 01 - 10), Some(date!(2026 - 06 - 30)), false, false, 1),
            group(date!(2026 - 01 - 10), Some(date!(2026 - 07 - 01)), false, false, 1),
        ];
        let chart = enrollment_chart(&groups, &policy(), TODAY);
        assert_eq!(
            chart.deadlines.iter().map(|d| d.date).collect::<Vec<_>>(),
            [date!(2026 - 03 - 02), date!(2026 - 06 - 30)]
        );
        assert_eq!(day(&chart, date!(2026 - 03 - 02)), (0, 2, 2, false), "past it on the day itself");
        assert_eq!(day(&chart, date!(2026 - 06 - 30)), (0, 1, 3, true));
    }
}
