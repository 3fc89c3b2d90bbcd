//! The inventory's storage port, a supertrait of [`crate::store::Store`]. Every method that
//! writes checks the claim's status in the same transaction (a compare-and-set on the claim
//! row), so an edit racing a submit can never land in a submitted inventory.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
use crate::audit::AuditEvent;
use crate::inventory::attachment::Attachment;
use crate::inventory::model::{
    AttachmentId, Claim, ClaimFilter, ClaimId, ClaimStatus, ClaimSummary, Item, ItemFields, ItemId, StatusChange,
};
use crate::user::User;

#[async_trait]
pub trait ClaimStore: Send + Sync {
    /// In one transaction: the policyholder's new account when `new_user` is given (with its
    /// audit row), the claim, its first history entry (`→ draft`) and `audit`.
    /// `Conflict("claim_number")` when the number is taken, `Conflict("email")` when the account
    /// appeared meanwhile; nothing is written then.
    async fn insert_claim(
        &self,
        claim: &Claim,
        new_user: Option<(&User, &AuditEvent)>,
        actor: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn claim(&self, id: &ClaimId) -> StoreResult<Option<ClaimSummary>>;
    /// Newest first.
    async fn claims(&self, filter: &ClaimFilter) -> StoreResult<Vec<ClaimSummary>>;
    /// In entry order.
    async fn items(&self, claim: &ClaimId) -> StoreResult<Vec<Item>>;
    async fn status_history(&self, claim: &ClaimId) -> StoreResult<Vec<StatusChange>>;

    /// Appends `items` (given ids, in order) to a claim that is still a draft, with `audit`;
    /// `false` (nothing written) when it is not a draft any more.
    async fn insert_items(
        &self,
        claim: &ClaimId,
        items: &[(ItemId, ItemFields)],
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// `false` when the claim is not a draft or the item is not in it.
    async fn update_item(
        &self,
        claim: &ClaimId,
        item: &ItemId,
        fields: &ItemFields,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn delete_item(
        &self,
        claim: &ClaimId,
        item: &ItemId,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Sets the adjuster's comment; `false` when the item is not in the claim.
    async fn set_item_comment(
        &self,
        claim: &ClaimId,
        item: &ItemId,
        comment: &str,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Moves the claim from one of `from` to `change.to`, records `change` and `audit`;
    /// `false` (nothing written) when its status is not in `from`.
    async fn change_status(
        &self,
        claim: &ClaimId,
        from: &[ClaimStatus],
        change: &StatusChange,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// Every attachment of the claim, oldest first.
    async fn attachments(&self, claim: &ClaimId) -> StoreResult<Vec<Attachment>>;
    /// Records an uploaded file, with `audit`, when the claim is still a draft, the item is in
    /// it and has fewer than `max_per_item` attachments, and the claim's files with this one take
    /// at most `max_claim_bytes`; `false` (nothing written) otherwise.
    async fn insert_attachment(
        &self,
        attachment: &Attachment,
        max_per_item: usize,
        max_claim_bytes: i64,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// One attachment of the claim; `None` when there is none with that id in that claim.
    async fn attachment(&self, claim: &ClaimId, id: &AttachmentId) -> StoreResult<Option<Attachment>>;
    /// Which of `ids` have a record (in any claim), in no particular order.
    async fn existing_attachments(&self, ids: &[AttachmentId]) -> StoreResult<Vec<AttachmentId>>;
    /// `false` when the claim is not a draft or the attachment is not in it.
    async fn delete_attachment(
        &self,
        claim: &ClaimId,
        attachment: &AttachmentId,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}
