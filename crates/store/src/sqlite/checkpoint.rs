//! WAL checkpoints off the request path, and a WAL that starts over while writes keep coming.
//!
//! By default SQLite checkpoints inside the `COMMIT` that takes the WAL past 1 000 pages, so
//! every so often one user's request pays for copying the WAL back into the database file (and,
//! with `synchronous=NORMAL`, for its fsync). The writer connection turns that off
//! (`wal_autocheckpoint=0`) and this thread checkpoints instead, on a connection of its own: a
//! `PASSIVE` checkpoint copies what no reader still needs without taking the write lock, so it
//! never makes a writer wait.
//!
//! Copying is not enough to bound the WAL. SQLite starts the WAL over from its beginning only
//! when a write transaction begins with every frame already copied back; under a steady stream
//! of writes the group-commit writer has always appended a few more frames by the time this
//! thread's checkpoint ends, so the WAL never started over. A profile of MFA verification found
//! it growing by 180 MB a second, and the writer spending a fifth of its time in the kernel
//! allocating new file blocks and page-cache pages for it. So once the WAL is longer than
//! `RESTART_AT_PAGES` this thread asks the writer (`CheckpointSignals`) to finish the job between
//! two batches: its own `PASSIVE` checkpoint then has only the frames of the last few
//! milliseconds to copy (the writer wakes this thread after each batch, so it is never far
//! behind), and its next transaction starts the WAL over. The file then stays at its high-water
//! mark and is written over in place (`journal_size_limit` truncates it only when it has grown
//! past that).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tracing::warn;

/// The longest the thread sleeps between two checkpoints when nothing wakes it.
const WHEN_IDLE: Duration = Duration::from_millis(250);
/// The shortest: the writer wakes it after each batch, and it copies at most this often (every
/// 10 ms doubled its work, as pages changed by every batch were copied each time).
pub(crate) const AT_MOST_EVERY: Duration = Duration::from_millis(50);
/// A WAL longer than this (40 MiB of 4-KiB pages) is started over (see the module comment). With
/// what the writer appends before the next checkpoint notices, the file stays under
/// `journal_size_limit`, so it is never truncated and grown again. At the writer's peak that is
/// a restart, and a pause of one to three milliseconds for the writer, every quarter second.
pub(crate) const RESTART_AT_PAGES: i64 = 10 * 1024;
/// A WAL this many pages long after a checkpoint means readers keep it from being copied back;
/// said once in the log per growth past it.
const WARN_AT_PAGES: i64 = 16 * 1024; // 64 MiB of 4-KiB pages

/// What the writer and the checkpoint thread tell each other.
#[derive(Debug, Clone)]
pub(crate) struct CheckpointSignals {
    /// Set by the checkpoint thread when the writer should finish a checkpoint.
    restart: Arc<AtomicBool>,
    /// The writer's "I have written": wakes the checkpoint thread if it sleeps.
    wrote: mpsc::SyncSender<()>,
}

impl CheckpointSignals {
    /// After a batch: wakes the checkpoint thread unless it is already awake.
    pub(crate) fn wrote(&self) {
        let _ = self.wrote.try_send(());
    }

    /// Whether a restart was asked for since the last call.
    pub(crate) fn restart_wanted(&self) -> bool {
        self.restart.load(Ordering::Relaxed) && self.restart.swap(false, Ordering::Relaxed)
    }
}

/// Stops the thread when dropped (with the last clone of the store).
#[derive(Debug)]
pub(crate) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Checkpoints the database at `path`, at most once per `at_most_every`, and once the WAL is
    /// longer than `restart_at_pages`, asks the writer holding the returned signals to finish a
    /// checkpoint.
    pub(crate) fn start(
        path: PathBuf,
        restart_at_pages: i64,
        at_most_every: Duration,
    ) -> std::io::Result<(Self, CheckpointSignals)> {
        let (wrote, woken) = mpsc::sync_channel::<()>(1);
        let (stop, stopped) = mpsc::channel::<()>();
        let restart = Arc::new(AtomicBool::new(false));
        let signals = CheckpointSignals { restart: restart.clone(), wrote };
        std::thread::Builder::new().name("portal-sqlite-checkpoint".into()).spawn(move || {
            let conn = match Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ) {
                Ok(conn) => conn,
                Err(e) => {
                    warn!(error = %e, "WAL checkpoints: could not open the database; SQLite's own checkpoints are off");
                    return;
                }
            };
            // SQLite syncs the database file only after a checkpoint that copied the whole WAL,
            // which under load is the writer's. Syncing here before asking for it leaves that one
            // only the pages it copied itself to flush, not the thousands before them.
            let database_file = std::fs::File::open(&path);
            let mut warned = false;
            while !matches!(woken.recv_timeout(WHEN_IDLE), Err(RecvTimeoutError::Disconnected)) {
                match checkpoint(&conn) {
                    Ok(now) => {
                        if now.pages >= restart_at_pages {
                            if let Ok(file) = &database_file
                                && let Err(e) = file.sync_data()
                            {
                                warn!(error = %e, "could not sync the database file after a checkpoint");
                            }
                            // What arrived during the sync, copied at once: the writer pauses
                            // for whatever is left, so the less the better.
                            let _ = checkpoint(&conn);
                            restart.store(true, Ordering::Relaxed);
                        }
                        let left = now.pages - now.copied;
                        if left > WARN_AT_PAGES && !warned {
                            warned = true;
                            warn!(
                                pages = left,
                                "the WAL keeps growing: long-running reads keep it from being checkpointed"
                            );
                        } else if left <= WARN_AT_PAGES {
                            warned = false;
                        }
                    }
                    Err(e) => warn!(error = %e, "WAL checkpoint failed"),
                }
                // Nothing is sent on `stopped`: this waits `at_most_every`, or ends the thread when
                // the store is dropped.
                if let Err(RecvTimeoutError::Disconnected) = stopped.recv_timeout(at_most_every) {
                    break;
                }
            }
        })?;
        Ok((Self { _stop: stop }, signals))
    }
}

/// The WAL's length and how much of it has been copied back, in pages.
#[derive(Debug, Clone, Copy)]
struct WalState {
    pages: i64,
    copied: i64,
}

/// One passive checkpoint.
fn checkpoint(conn: &Connection) -> rusqlite::Result<WalState> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| Ok(WalState { pages: row.get(1)?, copied: row.get(2)? }))
}

/// The writer's part of a restart: between two batches, with no transaction open, it copies what
/// the checkpoint thread has not, so that its next transaction finds every frame copied and
/// starts the WAL over.
pub(crate) fn finish(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        warn!(error = %e, "WAL checkpoint by the writer failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::writer::{QUEUE_CAPACITY, Writer};
    use portal_core::store::StoreError;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr;

    /// The restart length of this test's WAL, in pages: small, so that the test's writes go
    /// past it many times.
    const RESTART_AT: i64 = 64;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_starts_over_while_writes_keep_coming() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL)").execute(&pool).await.unwrap();
        let (_checkpointer, signals) = Checkpointer::start(path.clone(), RESTART_AT, Duration::from_millis(5)).unwrap();
        let writer = Writer::start(pool.clone(), QUEUE_CAPACITY, Some(signals)).unwrap();

        // Eight writers that never pause, each job rewriting a row of four pages: without
        // restarts the WAL would end some 50 MiB long.
        let writers: Vec<_> = (0..8_i64)
            .map(|w| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    for i in 0..400 {
                        writer
                            .run(move |conn| {
                                conn.execute(
                                    "INSERT OR REPLACE INTO notes (id, body) VALUES (?1, zeroblob(12288))",
                                    [w * 100 + i % 100],
                                )
                                .map_err(|e| StoreError::Backend(e.into()))?;
                                Ok(())
                            })
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notes").fetch_one(&pool).await.unwrap();
        assert_eq!(rows, 800, "every write was kept");
        // The file keeps the length it reached at its longest: the restart length plus what
        // the writer appended before the checkpoint thread next looked (5 ms here), a few hundred
        // pages.
        let wal = std::fs::metadata(dir.path().join("c.db-wal")).unwrap().len();
        assert!(wal < 8 * 1024 * 1024, "the WAL grew to {wal} bytes");
    }
}
