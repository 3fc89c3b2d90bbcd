//! The file store on a local (or shared, mounted) directory: each file is written to a
//! temporary file beside its final name, flushed to disk, renamed over the name and the
//! directory flushed, so a reader or a crash never sees half a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use portal_core::files::{FileError, FileStore, check_key};
use time::OffsetDateTime;

/// `tempfile` names the file being written `.upload-<random>` beside its final name.
const PARTIAL_PREFIX: &str = ".upload-";
/// Keys are `<claim>/<file>`; a little room for other layouts, and no unbounded walk.
const MAX_DEPTH: usize = 4;

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
    let mut tmp = tempfile::Builder::new().prefix(PARTIAL_PREFIX).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the directory entry is.
    std::fs::File::open(dir)?.sync_all()
}

/// Every regular file under `root` last modified before `cutoff`, as (key, path, is partial).
/// Symbolic links are neither followed nor listed. A missing root holds nothing.
fn files_before(root: &Path, cutoff: OffsetDateTime) -> std::io::Result<Vec<(String, PathBuf, bool)>> {
    fn walk(
        dir: &Path,
        prefix: &str,
        depth: usize,
        cutoff: OffsetDateTime,
        out: &mut Vec<(String, PathBuf, bool)>,
    ) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        // Files come and go while we walk (uploads, deletes, another instance's sweep): one
        // that vanished is skipped, not an error.
        let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) if gone(&e) => continue,
                Err(e) => return Err(e),
            };
            let Ok(name) = entry.file_name().into_string() else { continue };
            let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            let (kind, modified) = match entry.metadata().and_then(|m| Ok((m.file_type(), m.modified()?))) {
                Ok(found) => found,
                Err(e) if gone(&e) => continue,
                Err(e) => return Err(e),
            };
            if kind.is_dir() && depth < MAX_DEPTH {
                walk(&entry.path(), &key, depth + 1, cutoff, out)?;
            } else if kind.is_file() && OffsetDateTime::from(modified) < cutoff {
                out.push((key, entry.path(), name.starts_with(PARTIAL_PREFIX)));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, "", 1, cutoff, &mut out)?;
    Ok(out)
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

    async fn keys_written_before(&self, cutoff: OffsetDateTime) -> Result<Vec<String>, FileError> {
        let root = self.root.clone();
        let files = blocking(move || files_before(&root, cutoff)).await?;
        // Anything `put` could not have written (another program's file, an odd name) is left alone.
        Ok(files
            .into_iter()
            .filter(|(key, _, partial)| !partial && check_key(key).is_ok())
            .map(|(key, ..)| key)
            .collect())
    }

    async fn remove_partial_writes(&self, cutoff: OffsetDateTime) -> Result<u64, FileError> {
        let root = self.root.clone();
        blocking(move || {
            let mut removed = 0;
            for (_, path, _) in files_before(&root, cutoff)?.into_iter().filter(|(_, _, partial)| *partial) {
                match std::fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(removed)
        })
        .await
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

    /// Sets a file's modification time, as if it had been written at `at`.
    fn written_at(path: &Path, at: OffsetDateTime) {
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_modified(at.into()).unwrap();
    }

    #[tokio::test]
    async fn old_files_are_listed_and_only_partial_writes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("attachments");
        let store = DirFileStore::new(&root);
        // Nothing stored yet, not even the directory: nothing to list.
        assert!(
            store
                .keys_written_before(OffsetDateTime::UNIX_EPOCH + time::Duration::days(40_000))
                .await
                .unwrap()
                .is_empty()
        );

        store.put("c1/old.jpg", b"old").await.unwrap();
        store.put("c1/new.jpg", b"new").await.unwrap();
        // "Now" is when the file system says the last file was written.
        let now = OffsetDateTime::from(std::fs::metadata(root.join("c1/new.jpg")).unwrap().modified().unwrap());
        let cutoff = now - time::Duration::hours(1);
        store.put("c2/old-thumb.jpg", b"thumb").await.unwrap();
        written_at(&root.join("c1/old.jpg"), now - time::Duration::hours(2));
        written_at(&root.join("c2/old-thumb.jpg"), now - time::Duration::days(3));
        // What a crash in the middle of `put` leaves, old and recent; and a stranger's file.
        for (name, age) in [(".upload-AbC123", 5), (".upload-XyZ789", 0)] {
            let path = root.join("c1").join(name);
            std::fs::write(&path, b"half").unwrap();
            written_at(&path, now - time::Duration::hours(age));
        }
        std::fs::write(root.join("c1/README.TXT"), b"not ours").unwrap();
        written_at(&root.join("c1/README.TXT"), now - time::Duration::days(9));

        let mut keys = store.keys_written_before(cutoff).await.unwrap();
        keys.sort();
        assert_eq!(keys, vec!["c1/old.jpg".to_owned(), "c2/old-thumb.jpg".to_owned()]);

        assert_eq!(store.remove_partial_writes(cutoff).await.unwrap(), 1);
        assert!(!root.join("c1/.upload-AbC123").exists());
        assert!(root.join("c1/.upload-XyZ789").exists(), "a write that may be in progress stays");
        assert!(root.join("c1/README.TXT").exists());
        assert_eq!(store.get("c1/new.jpg").await.unwrap().as_deref(), Some(&b"new"[..]));
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
