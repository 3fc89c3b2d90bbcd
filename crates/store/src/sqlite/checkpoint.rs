//! WAL checkpoints off the request path.
//!
//! By default SQLite checkpoints inside the `COMMIT` that takes the WAL past 1 000 pages, so
//! every so often one user's request pays for copying the WAL back into the database file (and,
//! with `synchronous=NORMAL`, for its fsync). The writer connection turns that off
//! (`wal_autocheckpoint=0`) and this thread checkpoints instead, on a connection of its own: a
//! `PASSIVE` checkpoint copies what no reader still needs without taking the write lock, so it
//! never makes a writer wait. Once every frame is copied, the next commit starts the WAL over
//! from its beginning, and `journal_size_limit` truncates the file, so the WAL stays bounded
//! while readers let it be checkpointed.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tracing::warn;

/// How often the WAL is checkpointed. At the writer's peak a few thousand pages arrive per
/// second; a quarter of a second keeps the WAL to a few MiB.
const EVERY: Duration = Duration::from_millis(250);
/// A WAL this many pages long after a checkpoint means readers keep it from being copied back;
/// said once in the log per growth past it.
const WARN_AT_PAGES: i64 = 16 * 1024; // 64 MiB of 4-KiB pages

/// Stops the thread when dropped (with the last clone of the store).
#[derive(Debug)]
pub(crate) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub(crate) fn start(path: PathBuf) -> std::io::Result<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
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
            let mut warned = false;
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                match checkpoint(&conn) {
                    Ok(left) if left > WARN_AT_PAGES && !warned => {
                        warned = true;
                        warn!(
                            pages = left,
                            "the WAL keeps growing: long-running reads keep it from being checkpointed"
                        );
                    }
                    Ok(left) if left <= WARN_AT_PAGES => warned = false,
                    Ok(_) => {}
                    Err(e) => warn!(error = %e, "WAL checkpoint failed"),
                }
            }
        })?;
        Ok(Self { _stop: stop })
    }
}

/// One passive checkpoint; the WAL pages it could not copy yet.
fn checkpoint(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        let (log, copied): (i64, i64) = (row.get(1)?, row.get(2)?);
        Ok(log - copied)
    })
}
