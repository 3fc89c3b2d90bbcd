//! Limits: counters taken as reservations before the work they limit.

use crate::audit::AuditEvent;
use crate::throttle::{ThrottleLimit, ThrottleWindow};
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

#[async_trait]
pub trait LimitStore: Send + Sync {
    async fn throttle(&self, key: &str) -> StoreResult<Option<ThrottleWindow>>;

    /// Takes one slot under `key` in one atomic statement, if its window holds fewer than
    /// `limit.max_failures`; a window older than `limit.window` restarts at `now`. `Ok` with the
    /// window after taking the slot, or `Err` with the full window as it stands (nothing written).
    async fn throttle_reserve(
        &self,
        key: &str,
        now: OffsetDateTime,
        limit: ThrottleLimit,
    ) -> StoreResult<Result<ThrottleWindow, ThrottleWindow>>;

    /// Gives back one slot taken in the window that started at `window_started` (never one of a
    /// later window).
    async fn throttle_release(&self, key: &str, window_started: OffsetDateTime) -> StoreResult<()>;

    async fn throttle_clear(&self, key: &str) -> StoreResult<()>;

    /// Appends `audit` for a refusal under `key` and notes `now`, unless a refusal there was
    /// audited after `audited_before`: a compare-and-set, so of racing refusals one writes.
    async fn audit_throttle_refusal(
        &self,
        key: &str,
        now: OffsetDateTime,
        audited_before: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}
