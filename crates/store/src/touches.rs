//! Session touches off the request path: a request that notes "this session was used now"
//! queues the note and goes on; a task of the store writes whatever notes have piled up, in one
//! statement or transaction. A note lost in a crash (or dropped when the queue is full) only lets
//! the session time out a little sooner, which is the safe direction.
//!
//! The SQLite store with its group-commit writer queues its touches there instead
//! (`sqlite::hot`); this queue serves PostgreSQL and the in-memory SQLite database.

use std::future::Future;

use portal_core::store::{StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

/// Notes waiting at most; more are dropped (see the module comment).
const CAPACITY: usize = 4096;
/// Notes written together at most.
const BATCH: usize = 512;

enum Note {
    /// The session (its id hash) was used at this time (seconds since the epoch).
    Touch(String, i64),
    /// Answered once every note queued before it has been written.
    Flush(oneshot::Sender<()>),
}

#[derive(Debug, Clone)]
pub(crate) struct TouchQueue {
    notes: mpsc::Sender<Note>,
}

impl TouchQueue {
    /// Starts the task that writes the notes with `write`; it ends when the last clone of the
    /// queue is dropped.
    pub(crate) fn start<W, F>(write: W) -> Self
    where
        W: Fn(Vec<(String, i64)>) -> F + Send + 'static,
        F: Future<Output = Result<(), sqlx::Error>> + Send,
    {
        let (notes, mut queue) = mpsc::channel(CAPACITY);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while queue.recv_many(&mut batch, BATCH).await > 0 {
                let mut touches = Vec::with_capacity(batch.len());
                let mut flushes = Vec::new();
                for note in batch.drain(..) {
                    match note {
                        Note::Touch(id, at) => touches.push((id, at)),
                        Note::Flush(done) => flushes.push(done),
                    }
                }
                if !touches.is_empty() {
                    let count = touches.len();
                    if let Err(e) = write(touches).await {
                        warn!(error = %e, count, "session touches were not written");
                    }
                }
                for done in flushes {
                    let _ = done.send(());
                }
            }
        });
        Self { notes }
    }

    pub(crate) fn touch(&self, id: &str, at: i64) {
        if self.notes.try_send(Note::Touch(id.to_owned(), at)).is_err() {
            debug!("the touch queue is full; a session touch was dropped");
        }
    }

    pub(crate) async fn flush(&self) -> StoreResult<()> {
        let (done, written) = oneshot::channel();
        self.notes
            .send(Note::Flush(done))
            .await
            .map_err(|_| StoreError::Backend("the session touch writer has stopped".into()))?;
        written.await.map_err(|_| StoreError::Backend("the session touch writer has stopped".into()))
    }
}
