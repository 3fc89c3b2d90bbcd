//! The audit log: appended to, never changed, searched by support.

use crate::audit::{AuditEvent, AuditFilter, AuditRecord};
use async_trait::async_trait;

use super::StoreResult;

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;

    /// Newest first.
    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
}
