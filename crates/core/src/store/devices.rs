//! Remembered devices: the hashes of "don't ask for a code on this device" tokens.

use crate::audit::AuditEvent;
use crate::device::RememberedDevice;
use crate::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Stores a newly remembered device, with `audit`.
    async fn remember_device(&self, device: &RememberedDevice, audit: &AuditEvent) -> StoreResult<()>;

    /// The device whose token hashes to `token_hash`, expired or not.
    async fn remembered_device(&self, token_hash: &str) -> StoreResult<Option<RememberedDevice>>;

    /// The user's remembered devices, newest first.
    async fn devices_of(&self, user: &UserId) -> StoreResult<Vec<RememberedDevice>>;

    /// Notes that the device skipped a code at `at`.
    async fn device_used(&self, id: &str, at: OffsetDateTime) -> StoreResult<()>;

    /// Forgets the user's device `only`, or all of them, with `audit`; how many it forgot.
    async fn forget_devices(&self, user: &UserId, only: Option<&str>, audit: &AuditEvent) -> StoreResult<u64>;
}
