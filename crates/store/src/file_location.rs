//! Where attachments live, as one URL: `file:///path` (a directory) or `s3://bucket/prefix`
//! (S3-compatible object storage). The server's setting and the migration command both name
//! a store this way.

use std::path::PathBuf;
use std::sync::Arc;

use portal_core::files::{FileError, FileStore};

use crate::files::DirFileStore;
use crate::object_files::{ObjectFileStore, S3Access};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileLocation {
    Directory(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl FileLocation {
    /// `file:///absolute/path` or `s3://bucket[/prefix]`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<FileLocation, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
            return Err("takes no user, password, query or fragment (credentials come from AWS_* variables)".into());
        }
        match url.scheme() {
            "file" => {
                if url.host_str().is_some_and(|h| !h.is_empty() && h != "localhost") {
                    return Err("a file:// URL names a local directory: file:///path".into());
                }
                let path = url.to_file_path().map_err(|()| format!("{text:?} is not a directory path"))?;
                Ok(FileLocation::Directory(path))
            }
            "s3" => {
                let bucket = url.host_str().unwrap_or_default().to_owned();
                let valid_bucket = (3..=63).contains(&bucket.len())
                    && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
                    && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
                if !valid_bucket {
                    return Err(format!(
                        "{bucket:?} is not a bucket name (3–63 lower-case letters, digits, '-' and '.'): s3://bucket/prefix"
                    ));
                }
                let prefix = url.path().trim_matches('/').to_owned();
                if !prefix.is_empty() {
                    object_store::path::Path::parse(&prefix)
                        .map_err(|e| format!("the prefix {prefix:?} is not a usable object path ({e})"))?;
                }
                Ok(FileLocation::S3 { bucket, prefix })
            }
            other => Err(format!("{other}:// is not supported: use file:///path or s3://bucket/prefix")),
        }
    }

    /// The store at this location. Nothing is contacted yet: a store that cannot be reached
    /// fails the first request that needs it, as a database that went away does.
    pub fn open(&self, s3: &S3Access) -> Result<Arc<dyn FileStore>, FileError> {
        Ok(match self {
            FileLocation::Directory(path) => Arc::new(DirFileStore::new(path)),
            FileLocation::S3 { bucket, prefix } => Arc::new(ObjectFileStore::s3(bucket, prefix, s3)?),
        })
    }
}

impl std::fmt::Display for FileLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileLocation::Directory(path) => write!(f, "file://{}", path.display()),
            FileLocation::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            FileLocation::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_buckets_are_named_by_url() {
        assert_eq!(
            FileLocation::parse("file:///srv/portal/attachments"),
            Ok(FileLocation::Directory("/srv/portal/attachments".into()))
        );
        assert_eq!(
            FileLocation::parse("s3://claims-photos/portal/attachments/"),
            Ok(FileLocation::S3 { bucket: "claims-photos".into(), prefix: "portal/attachments".into() })
        );
        assert_eq!(
            FileLocation::parse("s3://claims-photos"),
            Ok(FileLocation::S3 { bucket: "claims-photos".into(), prefix: String::new() })
        );
        assert_eq!(FileLocation::parse("s3://claims-photos/p").unwrap().to_string(), "s3://claims-photos/p");
    }

    #[test]
    fn a_wrong_location_says_what_is_wrong() {
        for (text, says) in [
            ("attachments", "not a URL"),
            ("file://nas/share", "local directory"),
            ("s3://Claims_Photos/p", "not a bucket name"),
            ("s3://ab", "not a bucket name"),
            ("s3://bucket/a//b", "not a usable object path"),
            ("s3://key:secret@bucket/p", "credentials come from AWS_"),
            ("s3://bucket/p?region=x", "no user, password, query"),
            ("gs://bucket/p", "gs:// is not supported"),
        ] {
            let problem = FileLocation::parse(text).unwrap_err();
            assert!(problem.contains(says), "{text}: {problem}");
        }
    }
}
