//! The file-storage port: where uploaded attachments (photos, receipts) and their thumbnails
//! live. `portal-store` has two adapters: a directory (the default, under the data directory)
//! and S3-compatible object storage, which several instances share with no shared disk.

use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// A key with characters outside `[0-9a-z._/-]` or a `..` segment: a bug, never user input.
    #[error("invalid file key {0:?}")]
    InvalidKey(String),
    #[error("file storage: {0}")]
    Io(#[from] std::io::Error),
    /// The object store refused or could not be reached (after its own retries).
    #[error("object storage: {0}")]
    Remote(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[async_trait]
pub trait FileStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `key` atomically: a reader sees the whole file or none, also after
    /// a crash. An existing file under the key is replaced.
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), FileError>;
    /// `None` when there is no such file.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, FileError>;
    /// Removing a file that is not there is not an error.
    async fn delete(&self, key: &str) -> Result<(), FileError>;
    /// The keys of finished files last written before `cutoff` (for the sweep of files no
    /// record names; see `Portal::sweep_unreferenced_files`).
    async fn keys_written_before(&self, cutoff: OffsetDateTime) -> Result<Vec<String>, FileError>;
    /// Removes what a crash in the middle of `put` left behind, when older than `cutoff`;
    /// returns how many were removed.
    async fn remove_partial_writes(&self, cutoff: OffsetDateTime) -> Result<u64, FileError>;
}

/// Keys are made by the domain from random ids; this guard keeps a bug from ever reaching
/// outside the storage root.
pub fn check_key(key: &str) -> Result<(), FileError> {
    let ok = !key.is_empty()
        && key.len() <= 200
        && key.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || matches!(b, b'.' | b'_' | b'/' | b'-'))
        && key.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    if ok { Ok(()) } else { Err(FileError::InvalidKey(key.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::check_key;

    #[test]
    fn keys_stay_inside_the_root() {
        assert!(check_key("0123abcd/89ef.jpg").is_ok());
        for bad in ["", "../etc/passwd", "a/../../b", "/abs", "a//b", "A.jpg", "a\\b", "a/./b", "a b"] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }
}
