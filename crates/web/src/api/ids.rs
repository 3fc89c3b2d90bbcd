//! The ids in API paths. One that does not parse is 404 like one that is not there, so a
//! malformed id tells a caller nothing more than a missing one.

use portal_core::inventory::{AttachmentId, ClaimId, InventoryError, ItemId};

use crate::error::ApiError;

pub fn claim_id(id: &str) -> Result<ClaimId, ApiError> {
    ClaimId::parse(id).ok_or_else(|| InventoryError::NotFound.into())
}

pub fn item_id(id: &str) -> Result<ItemId, ApiError> {
    ItemId::parse(id).ok_or_else(|| InventoryError::NotFound.into())
}

pub fn attachment_id(id: &str) -> Result<AttachmentId, ApiError> {
    AttachmentId::parse(id).ok_or_else(|| InventoryError::NotFound.into())
}
