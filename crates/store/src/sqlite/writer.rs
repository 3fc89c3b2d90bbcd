//! Group commit: the hot writes of every request run as jobs on one thread, in batches, one
//! transaction and one commit per batch.
//!
//! A profile of MFA verification on SQLite showed the CPU going to hand-offs rather than to
//! SQLite: sqlx runs each SQLite connection on a worker thread of its own, so every statement,
//! `BEGIN`, `COMMIT` and the ping on returning a connection to the pool is a message to that
//! thread and a wake-up back, about a dozen per verification, seven of them while the one write
//! lock was held. Here a job is a plain closure over a `rusqlite::Connection`: it runs its
//! statements directly, with no hand-off, and a request costs one message to this thread and one
//! answer back.
//!
//! The loop: wait for a job, take whatever else is queued (at most `MAX_BATCH`; no timer, so an
//! idle portal adds no latency), `BEGIN IMMEDIATE`, run each job inside a `SAVEPOINT` of its own,
//! `COMMIT` once, and only then answer each job. A job that fails rolls back to its savepoint
//! only; a failed commit fails every job of the batch and persists none of them. Jobs run in
//! queue order inside the one transaction, so a compare-and-set in a job (a code claimed once)
//! sees every earlier job of the batch.
//!
//! The connection is sqlx's writer connection (a pool of exactly one), borrowed through
//! `SqliteConnection::lock_handle` for `HOLD_AT_MOST` at a time, or until no job has come for
//! the rest of it: the cold writes that still go through sqlx take their turn on the same
//! connection in the pool's fair queue, so there is still one writer, and migrations, pragmas
//! and the busy timeout stay in one place. A cold write waits at most that long for a hold to
//! end, also when the portal is otherwise idle.
//!
//! The queue is bounded: when it is full the caller gets `StoreError::Busy` (503 with
//! `Retry-After`) at once instead of waiting behind thousands of jobs.

use std::panic::AssertUnwindSafe;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use portal_core::store::{StoreError, StoreResult};
use rusqlite::Connection;
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, error, warn};

use super::checkpoint::{self, CheckpointSignals};

/// Jobs per transaction at most: bounds the time one commit holds the answers of its batch.
pub(crate) const MAX_BATCH: usize = 64;
/// How long the writer keeps the connection at a time, waiting for jobs meanwhile, before it
/// lets the writes that still go through sqlx have it: the longest such a write waits.
const HOLD_AT_MOST: Duration = Duration::from_millis(5);
/// Jobs waiting at most, unless the store is opened with another bound; more are refused with
/// `StoreError::Busy`. At a few microseconds per job a full queue drains in a few milliseconds,
/// so a wait here never approaches a timeout.
pub const QUEUE_CAPACITY: usize = 4096;

/// What a job sends back once its batch has committed (or failed to).
type Answer = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A job: runs inside its savepoint, says whether to keep its changes, and how to answer.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Answer) + Send>;

/// The handle requests use to queue jobs; cloning it shares the one writer thread, which ends
/// when the last handle is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread over `pool`, sqlx's pool of the one writer connection, with room
    /// for `capacity` waiting jobs.
    /// With `checkpoints`, it tells the checkpoint thread when it has written and finishes the
    /// checkpoints that thread asks for between two batches (`checkpoint.rs`).
    pub(crate) fn start(
        pool: SqlitePool,
        capacity: usize,
        checkpoints: Option<CheckpointSignals>,
    ) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(capacity.max(1));
        // A thread of its own with a single-threaded runtime: the batch itself is blocking
        // SQLite work that must not stall the server's async workers, and the runtime only
        // drives the pool checkout around it.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        std::thread::Builder::new()
            .name("portal-sqlite-writer".into())
            .spawn(move || runtime.block_on(serve(pool, queue, checkpoints)))?;
        Ok(Self { jobs })
    }

    /// Jobs waiting to be taken into a batch.
    pub(crate) fn queued(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }

    /// Runs `job` in the next batch and answers once that batch has committed. `Err` from the
    /// job rolls back its own changes only.
    pub(crate) async fn run<T, F>(&self, job: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.run_deciding(move |conn| {
            let result = job(conn);
            (result.is_ok(), result)
        })
        .await
    }

    /// Queues `job` and returns without waiting for it: for a write whose loss (a crash before
    /// its batch commits, a full queue) costs nothing but a little precision. Its failure is
    /// logged, not reported.
    pub(crate) fn queue<F>(&self, what: &'static str, job: F)
    where
        F: FnOnce(&Connection) -> StoreResult<()> + Send + 'static,
    {
        let job: Job = Box::new(move |conn| {
            let result = job(conn);
            let keep = result.is_ok();
            let answer: Answer = Box::new(move |committed| {
                if let Err(e) = result.map_err(|e| e.to_string()).and(committed) {
                    warn!(error = %e, what, "a queued write was not kept");
                }
            });
            (keep, answer)
        });
        if let Err(mpsc::error::TrySendError::Full(_)) = self.jobs.try_send(job) {
            debug!(what, "the write queue is full; a write that may be lost was dropped");
        }
    }

    /// As `run`, for a job that may find it has nothing to change after it has written (a
    /// compare-and-set lost after a delete): it says whether its changes are kept (`true`) or
    /// rolled back to its savepoint, whatever it answers.
    pub(crate) async fn run_deciding<T, F>(&self, job: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> (bool, StoreResult<T>) + Send + 'static,
    {
        let (tell, answer) = oneshot::channel::<StoreResult<T>>();
        let job: Job = Box::new(move |conn| {
            let (keep, result) = job(conn);
            let keep = keep && result.is_ok();
            let answer: Answer = Box::new(move |committed| {
                let result = match committed {
                    Ok(()) => result,
                    Err(why) => Err(StoreError::Backend(why.into())),
                };
                // The caller may have gone (a closed connection); its change stands all the same.
                let _ = tell.send(result);
            });
            (keep, answer)
        });
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => StoreError::Busy,
            mpsc::error::TrySendError::Closed(_) => StoreError::Backend("the database writer has stopped".into()),
        })?;
        // A job dropped unrun (its batch could not start, or it panicked) drops `tell`.
        answer.await.map_err(|_| StoreError::Backend("the write was not carried out".into()))?
    }
}

async fn serve(pool: SqlitePool, mut queue: mpsc::Receiver<Job>, checkpoints: Option<CheckpointSignals>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut conn = match pool.acquire().await {
            Ok(conn) => conn,
            Err(e) => {
                error!(error = %e, jobs = batch.len(), "the database writer could not get its connection");
                batch.clear();
                continue;
            }
        };
        let mut handle = match conn.lock_handle().await {
            Ok(handle) => handle,
            Err(e) => {
                error!(error = %e, jobs = batch.len(), "the database writer could not lock its connection");
                batch.clear();
                continue;
            }
        };
        let sqlite = match borrow_connection(handle.as_raw_handle()) {
            Ok(sqlite) => sqlite,
            Err(e) => {
                error!(error = %e, "the database writer could not use its connection");
                batch.clear();
                continue;
            }
        };
        // The connection stays borrowed for a while, with its prepared statements: taking it
        // from the pool and locking it costs several thread wake-ups, and each borrow prepares
        // every statement again. Cold writes waiting for it in the pool get their turn after
        // `HOLD_AT_MOST`.
        let held_since = Instant::now();
        loop {
            run_batch(&sqlite, &mut batch);
            // Whatever was not answered is dropped, and its caller told the write failed.
            batch.clear();
            if let Some(checkpoints) = &checkpoints {
                if checkpoints.restart_wanted() {
                    checkpoint::finish(&sqlite);
                }
                checkpoints.wrote();
            }
            // The next jobs, waited for while the hold lasts: given back whenever the queue ran
            // dry for a moment, the connection was borrowed again so often that a profile found
            // the writer preparing a statement per verification.
            let Some(left) = HOLD_AT_MOST.checked_sub(held_since.elapsed()) else {
                break;
            };
            match tokio::time::timeout(left, queue.recv_many(&mut batch, MAX_BATCH)).await {
                Ok(n) if n > 0 => {}
                // The queue closed, or nothing came while the hold lasted.
                _ => break,
            }
        }
        // The borrowed connection goes before the lock that makes borrowing it sound.
        drop(sqlite);
        drop(handle);
    }
}

/// Runs `jobs` in one transaction on `conn`, then answers them.
fn run_batch(conn: &Connection, jobs: &mut Vec<Job>) {
    if let Err(e) = conn.prepare_cached("BEGIN IMMEDIATE").and_then(|mut begin| begin.raw_execute()) {
        error!(error = %e, jobs = jobs.len(), "the database writer could not begin a transaction");
        return;
    }
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs.drain(..) {
        match run_job(conn, job) {
            Ok(Some(answer)) => answers.push(answer),
            Ok(None) => {}
            Err(e) => {
                // An error SQLite could not confine to the savepoint (a full disk, an I/O error)
                // may have ended the whole transaction: nothing of this batch is kept.
                error!(error = %e, "a write batch failed; none of it is kept");
                if !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                let why = format!("the write batch failed: {e}");
                answers.into_iter().for_each(|answer: Answer| answer(Err(why.clone())));
                return;
            }
        }
    }
    let committed = conn.prepare_cached("COMMIT").and_then(|mut commit| commit.raw_execute()).map(drop).map_err(|e| {
        error!(error = %e, jobs = answers.len(), "a write batch did not commit; none of it is kept");
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        format!("the write batch did not commit: {e}")
    });
    // Answers go out only now: nobody hears "done" for a change that might not be kept.
    for answer in answers {
        answer(committed.clone());
    }
}

/// One job inside its savepoint. `None` when the job panicked (its changes are rolled back and
/// its caller, whose answer was dropped, told the write failed).
fn run_job(conn: &Connection, job: Job) -> rusqlite::Result<Option<Answer>> {
    conn.prepare_cached("SAVEPOINT job")?.execute([])?;
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| job(conn)));
    if conn.is_autocommit() {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
            Some("the transaction ended inside a job".into()),
        ));
    }
    let (keep, answer) = match ran {
        Ok((keep, answer)) => (keep, Some(answer)),
        Err(_) => {
            error!("a write job panicked; its changes are rolled back");
            (false, None)
        }
    };
    if !keep {
        conn.prepare_cached("ROLLBACK TO job")?.execute([])?;
    }
    conn.prepare_cached("RELEASE job")?.execute([])?;
    Ok(answer)
}

/// A `rusqlite::Connection` over sqlx's connection, for as long as `serve` holds its lock.
#[allow(unsafe_code)]
fn borrow_connection(raw: NonNull<rusqlite::ffi::sqlite3>) -> rusqlite::Result<Connection> {
    // SAFETY: `raw` comes from the `LockedSqliteHandle` that `serve` holds while it uses the
    // `Connection` made here: sqlx's worker thread for this connection is parked until that
    // guard is dropped, so nothing else uses the handle meanwhile, and the handle stays open
    // while the guard lives. The `Connection` does not close the handle when dropped
    // (`from_handle`, not `from_handle_owned`), finalizes its cached statements when dropped,
    // and `serve` drops it before the guard.
    unsafe { Connection::from_handle(raw.as_ptr()) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr;
    use tokio::task::JoinHandle;

    async fn writer(dir: &tempfile::TempDir) -> (Writer, SqlitePool) {
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let options =
            SqliteConnectOptions::from_str(&url).unwrap().create_if_missing(true).journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE codes (factor TEXT PRIMARY KEY, last_step INTEGER NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO codes VALUES ('f', 0), ('g', 0), ('h', 0)").execute(&pool).await.unwrap();
        (Writer::start(pool.clone(), QUEUE_CAPACITY, None).unwrap(), pool)
    }

    /// The compare-and-set a verification makes: claims `step` of `factor` if it is newer.
    fn claim_of(factor: &'static str, step: i64) -> impl FnOnce(&Connection) -> StoreResult<bool> + Send + 'static {
        move |conn| {
            let n = conn
                .execute(
                    "UPDATE codes SET last_step = ?1 WHERE factor = ?2 AND last_step < ?1",
                    rusqlite::params![step, factor],
                )
                .map_err(|e| StoreError::Backend(e.into()))?;
            Ok(n == 1)
        }
    }

    fn claim(step: i64) -> impl FnOnce(&Connection) -> StoreResult<bool> + Send + 'static {
        claim_of("f", step)
    }

    async fn step_of(pool: &SqlitePool, factor: &str) -> i64 {
        sqlx::query_scalar("SELECT last_step FROM codes WHERE factor = $1").bind(factor).fetch_one(pool).await.unwrap()
    }

    /// Keeps the writer busy inside a job of its own until the returned sender is dropped, so
    /// that everything queued meanwhile lands in the next batch, together.
    async fn occupy(writer: &Writer) -> (std::sync::mpsc::Sender<()>, JoinHandle<StoreResult<()>>) {
        let (started, has_started) = oneshot::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let busy = writer.clone();
        let job = tokio::spawn(async move {
            busy.run(move |_| {
                let _ = started.send(());
                let _ = released.recv();
                Ok(())
            })
            .await
        });
        has_started.await.unwrap();
        (release, job)
    }

    /// Waits until `n` jobs are queued behind the one that occupies the writer.
    async fn queued(writer: &Writer, n: usize) {
        while QUEUE_CAPACITY - writer.jobs.capacity() < n {
            tokio::task::yield_now().await;
        }
    }

    fn spawn_run<T: Send + 'static>(
        writer: &Writer,
        job: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> JoinHandle<StoreResult<T>> {
        let writer = writer.clone();
        tokio::spawn(async move { writer.run(job).await })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn of_many_jobs_claiming_one_step_in_a_batch_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, pool) = writer(&dir).await;
        let (release, busy) = occupy(&writer).await;
        let runs: Vec<_> = (0..40).map(|_| spawn_run(&writer, claim(7))).collect();
        queued(&writer, 40).await;
        drop(release);
        busy.await.unwrap().unwrap();
        let mut won = 0;
        for run in runs {
            if run.await.unwrap().unwrap() {
                won += 1;
            }
        }
        assert_eq!(won, 1);
        assert_eq!(step_of(&pool, "f").await, 7);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_job_rolls_back_only_its_own_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, pool) = writer(&dir).await;
        let (release, busy) = occupy(&writer).await;
        let before = spawn_run(&writer, claim_of("f", 3));
        let failing = spawn_run(&writer, |conn| {
            conn.execute("UPDATE codes SET last_step = 100 WHERE factor = 'g'", [])
                .map_err(|e| StoreError::Backend(e.into()))?;
            Err::<(), _>(StoreError::Corrupt("refused after writing".into()))
        });
        let after = spawn_run(&writer, claim_of("h", 5));
        queued(&writer, 3).await;
        drop(release);
        busy.await.unwrap().unwrap();
        assert!(matches!(before.await, Ok(Ok(true))));
        assert!(matches!(failing.await, Ok(Err(StoreError::Corrupt(_)))));
        assert!(matches!(after.await, Ok(Ok(true))));
        assert_eq!(step_of(&pool, "f").await, 3, "the jobs around the failed one keep their writes");
        assert_eq!(step_of(&pool, "g").await, 0, "the failed job's write is gone");
        assert_eq!(step_of(&pool, "h").await, 5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_commit_fails_every_job_and_keeps_none() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, pool) = writer(&dir).await;
        // A deferred foreign key is checked at COMMIT: one job that breaks it makes the commit
        // fail, and with it the jobs that did nothing wrong.
        sqlx::query("PRAGMA foreign_keys = ON").execute(&pool).await.unwrap();
        sqlx::query("CREATE TABLE uses (factor TEXT REFERENCES codes(factor) DEFERRABLE INITIALLY DEFERRED)")
            .execute(&pool)
            .await
            .unwrap();
        let (release, busy) = occupy(&writer).await;
        let good = spawn_run(&writer, claim(9));
        let breaking = spawn_run(&writer, |conn| {
            conn.execute("INSERT INTO uses VALUES ('no such factor')", [])
                .map_err(|e| StoreError::Backend(e.into()))?;
            Ok(())
        });
        queued(&writer, 2).await;
        drop(release);
        busy.await.unwrap().unwrap();
        assert!(matches!(good.await, Ok(Err(StoreError::Backend(_)))), "the good job is told it failed");
        assert!(matches!(breaking.await, Ok(Err(StoreError::Backend(_)))));
        assert_eq!(step_of(&pool, "f").await, 0, "nothing of the batch is kept");
        let uses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uses").fetch_one(&pool).await.unwrap();
        assert_eq!(uses, 0);
    }

    /// The writer keeps the connection between batches while jobs keep coming, but not for
    /// good: a write through sqlx (the cold paths) gets its turn under a steady stream of jobs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cold_write_gets_its_turn_while_jobs_keep_coming() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, pool) = writer(&dir).await;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let streams: Vec<_> = (0..4)
            .map(|_| {
                let (writer, stop) = (writer.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut step = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        step += 1;
                        writer.run(claim_of("g", step)).await.unwrap();
                    }
                })
            })
            .collect();
        // The streams are under way: the writer holds the connection.
        while step_of(&pool, "g").await < 50 {
            tokio::task::yield_now().await;
        }
        let cold = tokio::time::timeout(
            Duration::from_secs(30),
            sqlx::query("UPDATE codes SET last_step = 42 WHERE factor = 'h'").execute(&pool),
        )
        .await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for stream in streams {
            stream.await.unwrap();
        }
        assert!(matches!(cold, Ok(Ok(_))), "the cold write was carried out while the jobs kept coming");
        assert_eq!(step_of(&pool, "h").await, 42);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_at_once_with_busy_and_drains() {
        let dir = tempfile::tempdir().unwrap();
        let (writer, _pool) = writer(&dir).await;
        let (release, busy) = occupy(&writer).await;
        let queued_jobs: Vec<_> = (0..QUEUE_CAPACITY).map(|i| spawn_run(&writer, claim(i as i64 + 1))).collect();
        queued(&writer, QUEUE_CAPACITY).await;
        // The queue is full: the next job is refused without waiting for the writer.
        for _ in 0..10 {
            assert!(matches!(writer.run(claim(0)).await, Err(StoreError::Busy)));
        }
        drop(release);
        busy.await.unwrap().unwrap();
        for run in queued_jobs {
            assert!(run.await.unwrap().is_ok(), "every queued job was carried out");
        }
        // Drained, it takes work again.
        assert!(matches!(writer.run(claim(1_000_000)).await, Ok(true)));
    }
}
