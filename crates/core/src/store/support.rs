//! Support: what the console reads and the actions it takes on a user's sign-in.

use crate::audit::AuditEvent;
use crate::user::UserId;
use async_trait::async_trait;

use super::StoreResult;

#[async_trait]
pub trait SupportStore: Send + Sync {
    /// Ends every session of the user, with its audit row; returns how many.
    async fn end_sessions(&self, user: &UserId, audit: &AuditEvent) -> StoreResult<u64>;

    /// Policyholders grouped by what their MFA state depends on, with a count per group: one
    /// aggregate read, whatever the number of accounts.
    async fn policyholder_groups(&self) -> StoreResult<Vec<crate::overview::PolicyholderGroup>>;

    /// Users with their MFA situation, for the console list and the report; and the total
    /// matching `filter` (before limit/offset).
    async fn mfa_overview(
        &self,
        filter: &crate::overview::OverviewFilter,
    ) -> StoreResult<(Vec<crate::overview::MfaOverview>, u64)>;

    /// Sets (or clears) the support-set setup deadline, with its audit row.
    async fn set_mfa_deadline(
        &self,
        user: &UserId,
        deadline: Option<time::Date>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// In one transaction: removes every factor and code of the user, clears the failure count,
    /// ends all their sessions, sets the setup deadline, appends `audit`. Returns sessions ended.
    async fn reset_mfa(&self, user: &UserId, deadline: time::Date, audit: &AuditEvent) -> StoreResult<u64>;

    /// Clears the failure count, any pause and the lock, with its audit row.
    async fn unlock_second_factor(&self, user: &UserId, audit: &AuditEvent) -> StoreResult<()>;

    /// Policyholders with no second factor, ordered by id, after `after`, at most `limit`: the
    /// people a deadline reminder may be for.
    async fn reminder_candidates(
        &self,
        after: Option<&UserId>,
        limit: u32,
    ) -> StoreResult<Vec<crate::mfa::reminder::ReminderCandidate>>;

    /// Claims the reminder `kind` about `deadline` for the user, with its audit row, in one
    /// transaction: true when this call claimed it, false when someone had already.
    async fn claim_reminder(
        &self,
        user: &UserId,
        kind: &str,
        deadline: time::Date,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// Whether that reminder was claimed (sent) already.
    async fn reminder_claimed(&self, user: &UserId, kind: &str, deadline: time::Date) -> StoreResult<bool>;
}
