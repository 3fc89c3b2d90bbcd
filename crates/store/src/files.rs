//! The file store on a local (or shared, mounted) directory: each file is written to a
//! temporary file beside its final name, flushed to disk, renamed over the name and the
//! directory flushed, so a reader or a crash never sees half a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use portal_core::files::{FileError, FileStore, check_key};

#[derive(Debug, Clone)]
pub struct DirFileStore {
    root: PathBuf,
}

impl DirFileStore {
    /// Files go under `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, FileError> {
        check_key(key)?;
        Ok(self.root.join(key))
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("a file key needs a directory"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".upload-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the directory entry is.
    std::fs::File::open(dir)?.sync_all()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> Result<T, FileError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| FileError::Io(std::io::Error::other(e.to_string())))?
        .map_err(Into::into)
}

#[async_trait]
impl FileStore for DirFileStore {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), FileError> {
        let path = self.path(key)?;
        let bytes = bytes.to_vec();
        blocking(move || write_atomically(&path, &bytes)).await
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, FileError> {
        let path = self.path(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), FileError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_replace_and_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirFileStore::new(dir.path().join("attachments"));
        assert_eq!(store.get("abc/one.jpg").await.unwrap(), None);
        store.put("abc/one.jpg", b"first").await.unwrap();
        store.put("abc/one.jpg", b"second").await.unwrap();
        assert_eq!(store.get("abc/one.jpg").await.unwrap().as_deref(), Some(&b"second"[..]));
        // No temporary files are left beside it.
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("attachments/abc")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("one.jpg")]);
        store.delete("abc/one.jpg").await.unwrap();
        store.delete("abc/one.jpg").await.unwrap();
        assert_eq!(store.get("abc/one.jpg").await.unwrap(), None);
    }

    #[tokio::test]
    async fn keys_cannot_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirFileStore::new(dir.path().join("attachments"));
        assert!(matches!(store.put("../escape", b"x").await, Err(FileError::InvalidKey(_))));
        assert!(matches!(store.get("/etc/passwd").await, Err(FileError::InvalidKey(_))));
        assert!(!dir.path().join("escape").exists());
    }
}
