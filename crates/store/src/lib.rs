//! The storage port of `portal-core`, implemented for SQLite (the embedded default, WAL) and
//! PostgreSQL (several instances on one database). The backend is picked once, from the URL.

mod claims;
mod devices;
mod file_copy;
mod file_location;
mod files;
mod object_files;
mod postgres;
mod queries;
mod rows;
mod shared;
mod sql;
mod sqlite;
mod touches;

use std::sync::Arc;

use portal_core::store::Store;

pub use file_copy::{FileCopy, copy_files};
pub use file_location::FileLocation;
pub use files::DirFileStore;
pub use object_files::{ObjectFileStore, S3Access};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Options a caller can tune; defaults suit one instance.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    /// PostgreSQL only: run in this schema (created if missing). Tests use it so runs never collide.
    pub postgres_schema: Option<String>,
    /// SQLite only: `synchronous=FULL` (each commit is fsynced before it is answered; with group
    /// commit that is one fsync per batch) rather than `NORMAL` (a commit survives a crash of
    /// the portal but maybe not of the OS).
    pub sqlite_full_sync: bool,
    /// SQLite only: hot writes waiting for the one writer at most; more are refused at once
    /// (`StoreError::Busy`, answered 503 with `Retry-After`) rather than left to wait.
    pub write_queue_capacity: usize,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            postgres_schema: None,
            sqlite_full_sync: true,
            write_queue_capacity: sqlite::writer::QUEUE_CAPACITY,
        }
    }
}

/// Opens the database named by `url` and runs its migrations.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Arc<dyn Store>, ConnectError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, options).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::open(url, options).await?))
    } else {
        Err(ConnectError::UnsupportedUrl(url.to_owned()))
    }
}
