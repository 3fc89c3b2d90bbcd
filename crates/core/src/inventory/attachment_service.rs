//! Attachment use-cases on `Portal`: upload (policyholder, draft only), read (anyone who may see
//! the claim), delete. The file is written before its row: a crash between the two leaves an
//! unreferenced file that nobody can reach (its name is a random id no row points to), never a
//! row without a file. Deleting removes the row first for the same reason. The sweep at the end
//! reclaims the space such files take.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use time::Duration;
use tokio::sync::Semaphore;

use super::attachment::{
    self, Attachment, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES_PER_CLAIM, MAX_ATTACHMENTS_PER_ITEM,
};
use super::model::{AttachmentId, ClaimId, FieldError, ItemId};
use super::sentence::Sentence;
use super::service::InventoryError;
use crate::audit::action;
use crate::user::User;
use crate::{InternalError, Portal, RequestContext};

/// Photo decoding takes up to `MAX_DECODED_BYTES` (256 MiB) and a core for a moment; at most two
/// at once keeps a burst of uploads from exhausting memory or starving sign-ins.
static DECODE_PERMITS: Semaphore = Semaphore::const_new(2);

/// An upload writes its files and then its row within seconds; a file this old that no row
/// names was left by a crash or a failed delete.
pub const UNREFERENCED_FILE_AGE: Duration = Duration::hours(1);

/// What [`Portal::sweep_unreferenced_files`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileSweep {
    /// Attachment files and thumbnails whose attachment has no record.
    pub unreferenced: u64,
    /// Half-written files from a crash during an upload.
    pub partial: u64,
}

impl Portal {
    /// Checks the file from its bytes, stores it (and a thumbnail for photos) and records it on
    /// the item. `file_name` is only for display.
    pub async fn add_attachment(
        &self,
        actor: &User,
        claim: &ClaimId,
        item: &ItemId,
        file_name: &str,
        bytes: Vec<u8>,
        ctx: &RequestContext,
    ) -> Result<Attachment, InventoryError> {
        let summary = self.reach_editable(actor, claim).await?;
        self.item(claim, item).await?;
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(attachment::too_big().into());
        }
        // Checked here to spare the decoding, and again under the claim lock when recording.
        self.room_for(claim, item, i64::try_from(bytes.len()).unwrap_or(i64::MAX)).await?;
        // The permit moves into the blocking task: a client that disconnects drops this future,
        // but the decoding goes on, and must go on counting against the limit.
        let permit = DECODE_PERMITS.acquire().await.map_err(|_| io_error("decoder closed"))?;
        let (prepared, bytes) = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            (attachment::prepare(&bytes), bytes)
        })
        .await
        .map_err(|_| io_error("decoder task failed"))?;
        let prepared = prepared?;
        let now = self.clock.now();
        let record = Attachment {
            id: AttachmentId::generate(self.rng.as_ref()),
            claim_id: claim.clone(),
            item_id: item.clone(),
            kind: prepared.kind,
            file_name: attachment::clean_file_name(file_name, prepared.kind),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256: hex::encode(Sha256::digest(&bytes)),
            has_thumbnail: prepared.thumbnail.is_some(),
            uploaded_by: actor.id.clone(),
            created_at: now,
        };
        self.files.put(&record.file_key(), &bytes).await.map_err(InternalError::from)?;
        if let Some(thumb) = &prepared.thumbnail
            && let Err(e) = self.files.put(&record.thumbnail_key(), thumb).await
        {
            self.remove_files(&record).await;
            return Err(InternalError::from(e).into());
        }
        let audit = self
            .claim_event(action::CLAIM_ATTACHMENT_ADDED, actor, &summary, ctx)
            .detail("item_id", item.as_str())
            .detail("attachment_id", record.id.as_str())
            .detail("kind", record.kind.as_str())
            .detail("size_bytes", record.size_bytes)
            .detail("sha256", record.sha256.as_str());
        // On an error the row may still have been committed (a lost acknowledgement), so the
        // files stay; if no row names them, the sweep removes them after an hour.
        let limits = (MAX_ATTACHMENTS_PER_ITEM, MAX_ATTACHMENT_BYTES_PER_CLAIM);
        let written = self.store.insert_attachment(&record, limits.0, limits.1, &audit).await?;
        if !written {
            self.remove_files(&record).await;
            // Lost a race: the claim was submitted, the item deleted, or a limit was reached.
            let err = self.why_not_written(claim).await;
            if !matches!(err, InventoryError::NotFound) {
                return Err(err);
            }
            self.item(claim, item).await?;
            self.room_for(claim, item, record.size_bytes).await?;
            return Err(full().into());
        }
        Ok(record)
    }

    /// Whether the item can take one more file of `size` bytes, and the claim its bytes.
    async fn room_for(&self, claim: &ClaimId, item: &ItemId, size: i64) -> Result<(), InventoryError> {
        let existing = self.store.attachments(claim).await?;
        if existing.iter().filter(|a| &a.item_id == item).count() >= MAX_ATTACHMENTS_PER_ITEM {
            return Err(full().into());
        }
        let used: i64 = existing.iter().map(|a| a.size_bytes).sum();
        if used.saturating_add(size) > MAX_ATTACHMENT_BYTES_PER_CLAIM {
            return Err(FieldError::new(
                "file",
                Sentence::text("claim-file-claim-full")
                    .arg("gib", MAX_ATTACHMENT_BYTES_PER_CLAIM / (1024 * 1024 * 1024)),
            )
            .into());
        }
        Ok(())
    }

    /// The attachment's record and bytes (its thumbnail when `thumbnail` and it has one), for
    /// anyone who may see the claim.
    pub async fn attachment_file(
        &self,
        actor: &User,
        claim: &ClaimId,
        id: &AttachmentId,
        thumbnail: bool,
    ) -> Result<(Attachment, Vec<u8>), InventoryError> {
        self.reach(actor, claim).await?;
        let record = self.store.attachment(claim, id).await?;
        let record = record.ok_or(InventoryError::NotFound)?;
        let key = if thumbnail && record.has_thumbnail { record.thumbnail_key() } else { record.file_key() };
        match self.files.get(&key).await.map_err(InternalError::from)? {
            Some(bytes) => Ok((record, bytes)),
            None => {
                tracing::error!(key, "an attachment's file is missing from storage");
                Err(InventoryError::NotFound)
            }
        }
    }

    pub async fn delete_attachment(
        &self,
        actor: &User,
        claim: &ClaimId,
        id: &AttachmentId,
        ctx: &RequestContext,
    ) -> Result<Attachment, InventoryError> {
        let summary = self.reach_editable(actor, claim).await?;
        let record = self.store.attachment(claim, id).await?;
        let record = record.ok_or(InventoryError::NotFound)?;
        let audit = self
            .claim_event(action::CLAIM_ATTACHMENT_DELETED, actor, &summary, ctx)
            .detail("item_id", record.item_id.as_str())
            .detail("attachment_id", record.id.as_str())
            .detail("file_name", record.file_name.as_str());
        if !self.store.delete_attachment(claim, id, self.clock.now(), &audit).await? {
            return Err(self.why_not_written(claim).await);
        }
        self.remove_files(&record).await;
        Ok(record)
    }

    /// Removes files older than [`UNREFERENCED_FILE_AGE`] that no attachment record names, and
    /// half-written ones. Only names the portal makes (`<claim>/<attachment id>.<ext>` and
    /// `…-thumb.jpg`) are considered, and only in claims this database holds: an instance
    /// started by mistake on an empty database with the real attachments directory removes
    /// nothing. Safe to run on every instance at once: deleting twice is not an error.
    pub async fn sweep_unreferenced_files(&self) -> Result<FileSweep, InternalError> {
        let cutoff = self.clock.now() - UNREFERENCED_FILE_AGE;
        // By id, each file with its own claim: the same id under two claims is two files.
        let mut candidates: HashMap<AttachmentId, Vec<(ClaimId, String)>> = HashMap::new();
        for key in self.files.keys_written_before(cutoff).await? {
            if let Some((claim, id)) = attachment_of_key(&key) {
                candidates.entry(id).or_default().push((claim, key));
            }
        }
        let ids: Vec<AttachmentId> = candidates.keys().cloned().collect();
        for id in self.store.existing_attachments(&ids).await? {
            candidates.remove(&id);
        }
        let mut known_claims: HashMap<ClaimId, bool> = HashMap::new();
        let mut sweep = FileSweep::default();
        for (claim, key) in candidates.into_values().flatten() {
            let known = match known_claims.get(&claim) {
                Some(known) => *known,
                None => {
                    let known = self.store.claim(&claim).await?.is_some();
                    known_claims.insert(claim, known);
                    known
                }
            };
            if known {
                self.files.delete(&key).await?;
                sweep.unreferenced += 1;
            }
        }
        sweep.partial = self.files.remove_partial_writes(cutoff).await?;
        Ok(sweep)
    }

    /// Best effort: a file left behind is unreachable (no row names it) and only costs space.
    pub(crate) async fn remove_files(&self, record: &Attachment) {
        let mut keys = vec![record.file_key()];
        if record.has_thumbnail {
            keys.push(record.thumbnail_key());
        }
        for key in keys {
            if let Err(e) = self.files.delete(&key).await {
                tracing::warn!(key, error = %e, "could not remove an attachment file");
            }
        }
    }
}

/// The attachment a stored file belongs to, for the names `Attachment::file_key` and
/// `Attachment::thumbnail_key` make; `None` for any other name.
fn attachment_of_key(key: &str) -> Option<(ClaimId, AttachmentId)> {
    let (claim, name) = key.split_once('/')?;
    let (id, rest) = name.split_at_checked(32)?;
    let ours = [".jpg", ".png", ".pdf", "-thumb.jpg"].contains(&rest);
    if ours { Some((ClaimId::parse(claim)?, AttachmentId::parse(id)?)) } else { None }
}

fn full() -> FieldError {
    FieldError::new("file", Sentence::text("claim-file-item-full").arg("max", MAX_ATTACHMENTS_PER_ITEM))
}

fn io_error(what: &str) -> InventoryError {
    InternalError::from(crate::files::FileError::Io(std::io::Error::other(what.to_owned()))).into()
}

#[cfg(test)]
mod tests {
    use super::attachment_of_key;

    #[test]
    fn only_the_names_the_portal_makes_belong_to_an_attachment() {
        let claim = "0123456789abcdef0123456789abcdef";
        let id = "fedcba9876543210fedcba9876543210";
        for suffix in [".jpg", ".png", ".pdf", "-thumb.jpg"] {
            let found = attachment_of_key(&format!("{claim}/{id}{suffix}"));
            let found = found.as_ref().map(|(c, a)| (c.as_str(), a.as_str()));
            assert_eq!(found, Some((claim, id)), "{suffix}");
        }
        for other in [
            format!("{claim}/{id}.gif"),
            format!("{claim}/{id}-thumb.png"),
            format!("{claim}/{id}"),
            format!("{claim}/notes.txt"),
            format!("{id}.jpg"),
            format!("short/{id}.jpg"),
            format!("{claim}/{claim}/{id}.jpg"),
            format!("{claim}/{}.jpg", &id[..31]),
        ] {
            assert_eq!(attachment_of_key(&other), None, "{other}");
        }
    }
}
