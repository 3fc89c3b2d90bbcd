//! Taking slots under counted limits before the work they limit (see [`crate::throttle`]), giving
//! them back when the work turns out not to count, and auditing refusals at most once per
//! counter per minute so that refused requests cannot flood the audit log.

use time::Duration;
use tracing::warn;

use crate::Portal;
use crate::audit::AuditEvent;
use crate::store::StoreError;
use crate::throttle::{LimitReached, Slot, ThrottleLimit};

/// A refusal under one counter is audited at most this often.
pub const REFUSAL_AUDIT_INTERVAL: Duration = Duration::minutes(1);

impl Portal {
    /// Takes one slot under each `(key, limit)` in order, all or none: when one is full, the
    /// slots already taken are given back and the full one is reported.
    pub async fn reserve_all(
        &self,
        limits: &[(&str, ThrottleLimit)],
    ) -> Result<Result<Vec<Slot>, LimitReached>, StoreError> {
        let now = self.clock.now();
        let mut taken = Vec::with_capacity(limits.len());
        for (key, limit) in limits {
            let reserved = match self.store.throttle_reserve(key, now, *limit).await {
                Ok(reserved) => reserved,
                Err(e) => {
                    for slot in &taken {
                        self.release(slot).await;
                    }
                    return Err(e);
                }
            };
            match reserved {
                Ok(window) => taken.push(Slot { key: (*key).to_owned(), window_started: window.started_at }),
                Err(full) => {
                    for slot in &taken {
                        self.release(slot).await;
                    }
                    let retry_after = limit.wait_for(&full, now);
                    return Ok(Err(LimitReached { key: (*key).to_owned(), retry_after }));
                }
            }
        }
        Ok(Ok(taken))
    }

    /// Gives a slot back. Best effort: a slot that cannot be given back only makes the limit
    /// stricter until its window ends.
    pub async fn release(&self, slot: &Slot) {
        if let Err(e) = self.store.throttle_release(&slot.key, slot.window_started).await {
            warn!(error = %e, key = %slot.key, "could not give back a reserved slot");
        }
    }

    /// Audits a refusal under `refused.key`, unless one was audited in the last minute there.
    pub async fn audit_refusal(&self, refused: &LimitReached, event: AuditEvent) {
        let now = self.clock.now();
        let event = event.detail("retry_after_seconds", refused.retry_after.whole_seconds());
        if let Err(e) = self.store.audit_throttle_refusal(&refused.key, now, now - REFUSAL_AUDIT_INTERVAL, &event).await
        {
            warn!(error = %e, "could not audit a refused request");
        }
    }
}
