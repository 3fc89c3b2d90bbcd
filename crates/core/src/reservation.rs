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
    /// Takes one slot under each `(key, limit)`, all or none (one transaction): when one is
    /// full, nothing is taken and the first full one is reported.
    pub async fn reserve_all(
        &self,
        limits: &[(&str, ThrottleLimit)],
    ) -> Result<Result<Vec<Slot>, LimitReached>, StoreError> {
        let now = self.clock.now();
        Ok(match self.store.throttle_reserve_all(limits, now).await? {
            Ok(windows) => Ok(limits
                .iter()
                .zip(windows)
                .map(|((key, _), window)| Slot { key: (*key).to_owned(), window_started: window.started_at })
                .collect()),
            Err((index, full)) => {
                let (key, limit) = limits.get(index).ok_or_else(|| {
                    StoreError::Corrupt(format!("a reservation refused limit {index} of {}", limits.len()))
                })?;
                Err(LimitReached { key: (*key).to_owned(), retry_after: limit.wait_for(&full, now) })
            }
        })
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
