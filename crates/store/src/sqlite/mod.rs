//! SQLite: one file under the data directory, WAL journal so readers never wait for the writer.
//!
//! Two pools onto the one file. SQLite allows one writer at a time; with every pooled connection
//! free to write, concurrent writers queued in SQLite's sleeping busy handler (p99 of hundreds of
//! milliseconds under load) instead of in order. So every write goes through `writer`, a pool of
//! exactly one connection whose transactions start with `BEGIN IMMEDIATE`: writers wait in
//! tokio's fair queue for that connection, and the write lock is taken up front, so a transaction
//! that reads before it writes can never fail to upgrade. `pool` holds the readers; they are
//! opened read-only, so a write routed to the wrong pool fails loudly in the tests instead of
//! silently competing for the lock. Another process (the CLI) writing the same file still waits
//! on `busy_timeout`.
//!
//! The hot paths (a password or second factor checked, a session started, read or touched, an
//! audit row, a limit's slot taken or given back) bypass sqlx:
//! their writes are jobs of the group-commit writer (`writer.rs`), which borrows the one writer
//! connection while jobs keep coming, and their reads run on read-only connections of our own (`hot.rs`).
//! WAL checkpoints run on a thread of their own (`checkpoint.rs`), never inside a commit; the
//! writer only finishes one between two batches when the WAL has grown long, so that it starts over.

mod checkpoint;
pub(crate) mod hot;
pub(crate) mod writer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::{ConnectError, ConnectOptions};

/// Page cache of the writer, in KiB (SQLite's negative `cache_size`): it touches every index
/// the hot writes update, so it keeps more than a reader.
const WRITER_CACHE_KIB: i64 = 8 * 1024;
/// Page cache per reader, in KiB. The default is 2 MiB per connection, up to 32 MiB over a pool
/// of 16; hot-path reads are single-row index lookups, and pages missing here come from the
/// OS page cache, which is shared and not part of the process's RSS.
const READER_CACHE_KIB: i64 = 1024;
/// What the WAL file is truncated to after a checkpoint has copied it all back.
const WAL_SIZE_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Read-only connections for queries outside a write transaction.
    pub(crate) pool: SqlitePool,
    /// The one connection that writes; see the module comment.
    pub(crate) writer: SqlitePool,
    /// The hot paths; `None` for an in-memory database, which only sqlx's one connection sees.
    hot: Option<hot::HotPaths>,
    /// Session touches of the in-memory database (the hot paths queue theirs on the writer).
    pub(crate) touches: crate::touches::TouchQueue,
    _checkpointer: Option<Arc<checkpoint::Checkpointer>>,
}

impl SqliteStore {
    pub async fn open(url: &str, options: &ConnectOptions) -> Result<Self, ConnectError> {
        let base = SqliteConnectOptions::from_str(url)
            .map_err(ConnectError::Open)?
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = base.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| ConnectError::DataDir { path: parent.display().to_string(), source })?;
        }
        let writer_options = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if options.sqlite_full_sync { SqliteSynchronous::Full } else { SqliteSynchronous::Normal })
            .pragma("cache_size", (-WRITER_CACHE_KIB).to_string())
            // Checkpoints run on their own thread (`checkpoint.rs`), not inside a user's commit.
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", WAL_SIZE_LIMIT_BYTES.to_string())
            // Each job of a group commit runs in a savepoint, so every page it changes is first
            // copied to the statement journal; in memory that is a copy, not a write to a
            // temporary file (a profile found those writes at a seventh of the writer's time).
            .pragma("temp_store", "memory");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // The group-commit writer borrows this connection's handle for each batch; it is
            // kept for the life of the store rather than recycled on a timer.
            .max_lifetime(None)
            .idle_timeout(None)
            // A ping per acquire is a round trip to the worker thread for nothing: a SQLite
            // connection to a local file does not go stale.
            .test_before_acquire(false)
            .connect_with(writer_options)
            .await
            .map_err(ConnectError::Open)?;
        sqlx::migrate!("migrations/sqlite").run(&writer).await.map_err(ConnectError::Migrate)?;

        // An in-memory database exists once per connection: readers would see an empty one.
        let in_memory = base.get_filename().as_os_str() == ":memory:" || url.contains("mode=memory");
        let pool = if in_memory {
            writer.clone()
        } else {
            // The journal mode is persistent in the file (set by the writer above); readers do
            // not set it, as a read-only connection may not change it.
            let reader_options = base.clone().read_only(true).pragma("cache_size", (-READER_CACHE_KIB).to_string());
            SqlitePoolOptions::new()
                .max_connections(options.max_connections.max(1))
                .test_before_acquire(false)
                .connect_with(reader_options)
                .await
                .map_err(ConnectError::Open)?
        };
        let (hot, checkpointer) = if in_memory {
            (None, None)
        } else {
            let path = base.get_filename().to_path_buf();
            let (checkpointer, signals) =
                checkpoint::Checkpointer::start(path.clone(), checkpoint::RESTART_AT_PAGES, checkpoint::AT_MOST_EVERY)
                    .map_err(|source| ConnectError::DataDir { path: path.display().to_string(), source })?;
            let group_commit = writer::Writer::start(writer.clone(), options.write_queue_capacity, Some(signals))
                .map_err(|source| ConnectError::DataDir { path: path.display().to_string(), source })?;
            (Some(hot::HotPaths::new(group_commit, path)), Some(Arc::new(checkpointer)))
        };
        let touching = writer.clone();
        let touches = crate::touches::TouchQueue::start(move |batch: Vec<(String, i64)>| {
            let writer = touching.clone();
            async move {
                let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
                for (id, at) in batch {
                    sqlx::query(crate::queries::TOUCH_SESSION).bind(at).bind(id).execute(&mut *tx).await?;
                }
                tx.commit().await
            }
        });
        Ok(Self { pool, writer, hot, _checkpointer: checkpointer, touches })
    }

    /// The hot paths of this store, when it has them (see the module comment).
    pub(crate) fn hot_paths(&self) -> Option<&hot::HotPaths> {
        self.hot.as_ref()
    }

    /// PostgreSQL's one-call verification (see `postgres.rs`); SQLite runs it as a writer job.
    pub(crate) async fn complete_verification_in_one_call(
        &self,
        _completion: &portal_core::mfa::factor::SecondFactorCompletion,
    ) -> Option<portal_core::store::StoreResult<portal_core::store::CompletionOutcome>> {
        None
    }

    /// What makes the SMS send reservations of concurrent transactions run one after another:
    /// nothing more on SQLite, where `BEGIN IMMEDIATE` already holds the one write lock.
    pub(crate) const SERIALIZE_SMS_SENDS: Option<&'static str> = None;

    /// Starts a write transaction on the writer, taking SQLite's write lock at once.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }
}

crate::sql::statements!(sqlx::Sqlite);
crate::shared::sql_store!(SqliteStore, "sqlite", sqlx::Sqlite);
crate::claims::claim_store!(SqliteStore, sqlx::Sqlite);
crate::devices::device_store!(SqliteStore, sqlx::Sqlite);
