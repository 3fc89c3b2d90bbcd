//! The loss inventory: claims that adjusters open and policyholders fill
//! with items by room, totals, the CSV format, the review workflow (draft → submitted → in
//! review → closed, reopen back to draft) and who may see or change what. The rules are plain
//! functions; the use-cases are `Portal` methods in [`service`]; storage is the [`store::ClaimStore`] port.

pub mod attachment;
mod attachment_service;
pub mod csv;
pub mod messages;
pub mod model;
pub mod money;
pub mod sentence;
pub mod service;

pub use attachment::{Attachment, AttachmentKind};
pub use attachment_service::{FileSweep, UNREFERENCED_FILE_AGE};
pub use model::{
    Access, AttachmentId, Claim, ClaimFilter, ClaimId, ClaimStatus, ClaimSummary, ClaimTransition, Condition,
    FieldError, Item, ItemDraft, ItemFields, ItemId, NewClaim, RoomTotal, StatusChange, Totals, WrongClaimStatus,
    access, totals,
};
pub use sentence::Sentence;
pub use service::{ClaimView, ImportOutcome, InventoryError, Invite};
