//! Limits: counters taken as reservations before the work they limit.

use crate::audit::AuditEvent;
use crate::throttle::{ThrottleLimit, ThrottleWindow};
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

#[async_trait]
pub trait LimitStore: Send + Sync {
    async fn throttle(&self, key: &str) -> StoreResult<Option<ThrottleWindow>>;

    /// Takes one slot under each `(key, limit)`, all or none, in one transaction: a slot is
    /// taken when its window holds fewer than `limit.max_failures`, and a window older than
    /// `limit.window` restarts at `now`. `Ok` with each window after taking its slot, in order;
    /// or `Err` with the index of the first full one and that window as it stands, and nothing
    /// written.
    async fn throttle_reserve_all(
        &self,
        limits: &[(&str, ThrottleLimit)],
        now: OffsetDateTime,
    ) -> StoreResult<Result<Vec<ThrottleWindow>, (usize, ThrottleWindow)>>;

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
