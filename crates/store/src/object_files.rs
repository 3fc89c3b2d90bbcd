//! The file store on S3-compatible object storage (AWS S3, MinIO, Ceph, R2, …), through the
//! `object_store` crate: every instance reads and writes the same bucket, so several instances
//! share attachments with no shared disk.
//!
//! The guarantees of the port hold as they do on a directory:
//! - a file is visible only once complete: each file is one `PUT` (attachments are at most a
//!   few MiB, far under the 5 GiB a single `PUT` takes), and S3 makes an object visible only
//!   when its `PUT` has succeeded, so there are never partial writes to clean up;
//! - the sweep lists objects by their `Last-Modified`, which the store's own clock sets. The
//!   sweep waits an hour before it judges a file, so a few minutes between that clock and the
//!   portal's do no harm.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt as _;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, PutPayload, RetryConfig};
use portal_core::files::{FileError, FileStore, check_key};
use time::OffsetDateTime;

/// How to reach an S3-compatible store: the standard `AWS_*` settings. Credentials left empty
/// are looked up the way the AWS tools do (instance or container role).
#[derive(Clone, Default)]
pub struct S3Access {
    /// `AWS_ENDPOINT_URL`: empty for AWS itself; `http://` is allowed (a store on the same host
    /// or private network), which sends the files unencrypted.
    pub endpoint: Option<String>,
    /// `AWS_REGION`; `us-east-1` when empty.
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for S3Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Access")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "…"))
            .field("session_token", &self.session_token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl S3Access {
    /// From the standard variables (`AWS_ENDPOINT_URL`, or the older `AWS_ENDPOINT`;
    /// `AWS_REGION`, or `AWS_DEFAULT_REGION`; `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`), read through `var` so a caller decides where they come from.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> S3Access {
        let first = |names: &[&str]| names.iter().find_map(|n| var(n).filter(|v| !v.trim().is_empty()));
        S3Access {
            endpoint: first(&["AWS_ENDPOINT_URL", "AWS_ENDPOINT"]),
            region: first(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
            access_key_id: first(&["AWS_ACCESS_KEY_ID"]),
            secret_access_key: first(&["AWS_SECRET_ACCESS_KEY"]),
            session_token: first(&["AWS_SESSION_TOKEN"]),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ObjectFileStore {
    objects: Arc<dyn ObjectStore>,
    /// Every key lives under this prefix (may be empty: the whole bucket).
    prefix: Path,
}

fn remote(e: object_store::Error) -> FileError {
    FileError::Remote(Box::new(e))
}

impl ObjectFileStore {
    /// Files go to `bucket` under `prefix` (`a/b`, no leading or trailing slash; may be empty).
    pub fn s3(bucket: &str, prefix: &str, access: &S3Access) -> Result<ObjectFileStore, FileError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(access.region.as_deref().unwrap_or("us-east-1"))
            // A user waits on every read and write: give up within seconds rather than the
            // crate's default of minutes of retries, and answer "try again".
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(15),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new().with_timeout(Duration::from_secs(30)).with_connect_timeout(Duration::from_secs(5)),
            );
        if let Some(endpoint) = &access.endpoint {
            builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        if let (Some(id), Some(secret)) = (&access.access_key_id, &access.secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret);
            if let Some(token) = &access.session_token {
                builder = builder.with_token(token);
            }
        }
        let objects = builder.build().map_err(remote)?;
        Ok(ObjectFileStore::new(Arc::new(objects), prefix))
    }

    /// Any `object_store` backend (tests use the in-memory one).
    pub fn new(objects: Arc<dyn ObjectStore>, prefix: &str) -> ObjectFileStore {
        ObjectFileStore { objects, prefix: Path::from(prefix) }
    }

    fn path(&self, key: &str) -> Result<Path, FileError> {
        check_key(key)?;
        // `check_key` allows only characters an object path keeps as they are.
        Ok(self.prefix.parts().chain(Path::from(key).parts()).collect())
    }

    /// The key of an object under the prefix: `None` for one `put` could not have written.
    fn key_of(&self, location: &Path) -> Option<String> {
        let key = location.prefix_match(&self.prefix)?.map(|part| part.as_ref().to_owned()).collect::<Vec<_>>();
        let key = key.join("/");
        check_key(&key).is_ok().then_some(key)
    }
}

#[async_trait]
impl FileStore for ObjectFileStore {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), FileError> {
        let path = self.path(key)?;
        self.objects.put(&path, PutPayload::from(bytes.to_vec())).await.map_err(remote)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, FileError> {
        let path = self.path(key)?;
        match self.objects.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(remote)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(remote(e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), FileError> {
        let path = self.path(key)?;
        match self.objects.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(remote(e)),
        }
    }

    async fn keys_written_before(&self, cutoff: OffsetDateTime) -> Result<Vec<String>, FileError> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let objects: Vec<_> = self.objects.list(prefix).try_collect().await.map_err(remote)?;
        Ok(objects
            .into_iter()
            .filter(|meta| {
                let modified = i128::from(meta.last_modified.timestamp()) * 1_000_000_000
                    + i128::from(meta.last_modified.timestamp_subsec_nanos());
                modified < cutoff.unix_timestamp_nanos()
            })
            .filter_map(|meta| self.key_of(&meta.location))
            .collect())
    }

    /// Nothing to remove: a `PUT` that fails or is cut off leaves no object behind.
    async fn remove_partial_writes(&self, _cutoff: OffsetDateTime) -> Result<u64, FileError> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use object_store::memory::InMemory;
    use portal_core::clock::{Clock as _, SystemClock};

    use super::*;

    #[tokio::test]
    async fn keys_live_under_the_prefix_and_strangers_are_not_listed() {
        let memory = Arc::new(InMemory::new());
        let store = ObjectFileStore::new(memory.clone(), "portal/attachments");
        store.put("c1/a.jpg", b"a").await.unwrap();
        assert_eq!(store.get("c1/a.jpg").await.unwrap().as_deref(), Some(&b"a"[..]));
        let raw: Vec<String> = memory.list(None).map_ok(|m| m.location.to_string()).try_collect().await.unwrap();
        assert_eq!(raw, ["portal/attachments/c1/a.jpg"]);

        // Beside the prefix, and under it with a name `put` never makes: neither is ours.
        memory.put(&Path::from("portal/other/c1/b.jpg"), PutPayload::from_static(b"b")).await.unwrap();
        memory.put(&Path::from("portal/attachments/c1/Notes.TXT"), PutPayload::from_static(b"n")).await.unwrap();
        let later = SystemClock.now() + time::Duration::hours(1);
        assert_eq!(store.keys_written_before(later).await.unwrap(), ["c1/a.jpg"]);
        let earlier = SystemClock.now() - time::Duration::hours(1);
        assert!(store.keys_written_before(earlier).await.unwrap().is_empty());

        assert!(matches!(store.put("../escape", b"x").await, Err(FileError::InvalidKey(_))));
        store.delete("c1/a.jpg").await.unwrap();
        store.delete("c1/a.jpg").await.unwrap();
        assert_eq!(store.get("c1/a.jpg").await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_empty_prefix_is_the_whole_bucket() {
        let store = ObjectFileStore::new(Arc::new(InMemory::new()), "");
        store.put("c1/a.jpg", b"a").await.unwrap();
        let later = SystemClock.now() + time::Duration::hours(1);
        assert_eq!(store.keys_written_before(later).await.unwrap(), ["c1/a.jpg"]);
    }

    #[test]
    fn secrets_stay_out_of_logs() {
        let access = S3Access::from_vars(|name| match name {
            "AWS_ENDPOINT" => Some("http://127.0.0.1:9000".into()),
            "AWS_DEFAULT_REGION" => Some("eu-west-1".into()),
            "AWS_REGION" => Some(" ".into()),
            "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMI".into()),
            _ => None,
        });
        assert_eq!(access.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(access.region.as_deref(), Some("eu-west-1"), "an empty AWS_REGION gives way");
        let shown = format!("{access:?}");
        assert!(shown.contains("AKIDEXAMPLE") && !shown.contains("wJalrXUtnFEMI"), "{shown}");
    }
}
