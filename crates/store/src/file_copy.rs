//! Copying every attachment from one file store to another (a directory into object storage),
//! for `inventory-portal attachments migrate`. Safe to run again: a file already there with the
//! same bytes is left alone, so a second run copies only what changed since the first.

use portal_core::files::{FileError, FileStore};
use time::OffsetDateTime;

/// "Written before" this is every file there is, whatever the clocks say.
const EVERY_FILE: OffsetDateTime = time::macros::datetime!(9999-12-31 00:00 UTC);

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileCopy {
    pub copied: u64,
    pub bytes_copied: u64,
    /// Already in the target with the same bytes.
    pub already_there: u64,
    /// Listed, then removed from the source before it could be read (deleted meanwhile).
    pub vanished: u64,
}

/// Copies every finished file of `from` (as its listing gives them; half-written ones are not
/// files yet) into `to`. Files are read one at a time, so memory stays at one attachment.
pub async fn copy_files(from: &dyn FileStore, to: &dyn FileStore) -> Result<FileCopy, FileError> {
    let mut keys = from.keys_written_before(EVERY_FILE).await?;
    keys.sort();
    let mut copy = FileCopy::default();
    for key in keys {
        let Some(bytes) = from.get(&key).await? else {
            copy.vanished += 1;
            continue;
        };
        if to.get(&key).await?.as_deref() == Some(bytes.as_slice()) {
            copy.already_there += 1;
        } else {
            to.put(&key, &bytes).await?;
            copy.copied += 1;
            copy.bytes_copied += bytes.len() as u64;
        }
    }
    Ok(copy)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use object_store::memory::InMemory;

    use super::*;
    use crate::{DirFileStore, ObjectFileStore};

    #[tokio::test]
    async fn a_directory_is_copied_once_and_a_rerun_copies_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let from = DirFileStore::new(dir.path().join("attachments"));
        let to = ObjectFileStore::new(Arc::new(InMemory::new()), "portal");
        from.put("c1/a.jpg", b"photo a").await.unwrap();
        from.put("c1/a-thumb.jpg", b"thumb a").await.unwrap();
        from.put("c2/b.pdf", b"receipt").await.unwrap();
        // A write cut off by a crash is not a file yet.
        std::fs::write(dir.path().join("attachments/c1/.upload-x1Y2z3"), b"half").unwrap();

        let first = copy_files(&from, &to).await.unwrap();
        assert_eq!(first, FileCopy { copied: 3, bytes_copied: 21, already_there: 0, vanished: 0 });
        assert_eq!(to.get("c2/b.pdf").await.unwrap().as_deref(), Some(&b"receipt"[..]));

        // Uploaded and replaced between the runs (an instance still serving from the directory).
        from.put("c2/new.png", b"new").await.unwrap();
        from.put("c1/a.jpg", b"photo a, again").await.unwrap();
        let second = copy_files(&from, &to).await.unwrap();
        assert_eq!(second, FileCopy { copied: 2, bytes_copied: 17, already_there: 2, vanished: 0 });
        assert_eq!(to.get("c1/a.jpg").await.unwrap().as_deref(), Some(&b"photo a, again"[..]));
        assert_eq!(to.keys_written_before(EVERY_FILE).await.unwrap().len(), 4);
    }
}
