//! The hot paths of the SQLite store, run without sqlx's per-statement hand-offs: writes as jobs
//! of the group-commit writer (`writer.rs`), reads on a small pool of read-only connections of
//! our own (`Readers`). The statements are the ones PostgreSQL runs (`queries.rs`); what
//! differs is only how they reach SQLite.
//!
//! A sign-in's writes are here too: the slots it takes under the password limits (one job for
//! all of them) and what a right password changes (one job); through sqlx each write was a
//! transaction and an fsync of its own, and two hand-offs to sqlx's worker thread per statement.
//! The other methods of the store still go through sqlx; they are not on any per-request path.
//!
//! The jobs do not take the user's row first as the PostgreSQL transactions do
//! (`queries::LOCK_USER_ROW`): every write on SQLite runs under its one write lock, in the
//! writer's queue order, so there is no other order to agree on.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use portal_core::audit::AuditEvent;
use portal_core::email::Email;
use portal_core::mfa::Method;
use portal_core::mfa::factor::{Factor, SecondFactorCompletion, SecondFactorProof};
use portal_core::mfa::sms_code::MAX_WRONG_TRIES;
use portal_core::mfa::throttle::SecondFactorThrottle;
use portal_core::session::{Session, SessionIdHash};
use portal_core::session_view::SessionView;
use portal_core::store::{CompletionOutcome, PasswordSignIn, StoreError, StoreResult};
use portal_core::throttle::{ThrottleLimit, ThrottleWindow};
use portal_core::user::{User, UserId};
use rusqlite::types::ToSql;
use rusqlite::{Connection, OpenFlags, Statement};
use time::OffsetDateTime;

use super::READER_CACHE_KIB;
use super::writer::Writer;
use crate::queries as q;
use crate::rows::{self, ts};

/// Read-only connections kept open at most; a burst beyond this opens and closes extra ones.
const IDLE_READERS: usize = 8;

/// The writer and the readers of one database file.
#[derive(Debug, Clone)]
pub(crate) struct HotPaths {
    writer: Writer,
    readers: Arc<Readers>,
}

impl HotPaths {
    pub(crate) fn new(writer: Writer, path: PathBuf) -> Self {
        Self { writer, readers: Arc::new(Readers { path, idle: Mutex::new(Vec::new()) }) }
    }

    /// Hot writes waiting for the writer.
    pub(crate) fn queued(&self) -> usize {
        self.writer.queued()
    }

    // ----- reads ---------------------------------------------------------------------------

    /// The session view in two statements of one read transaction, so both see the same
    /// moment (`queries`, "the session view").
    pub(crate) fn session_view(&self, id: &SessionIdHash) -> StoreResult<Option<SessionView>> {
        let found = self.readers.read_in_transaction(|conn| {
            let mut stmt = prepare(conn, q::SESSION_HEAD, &[&id.as_str()])?;
            let mut rows = stmt.raw_query();
            let Some(row) = rows.next()? else {
                return Ok(None);
            };
            let head: rows::SessionHeadRow = rows::session_head_row!(row, get);
            drop(rows);
            let factors: Vec<rows::FactorRow> = all(conn, q::SECOND_FACTORS_OF, &[&head.0.1.as_str()])?;
            Ok(Some((head, factors)))
        })?;
        found.map(|(head, factors)| rows::session_view_of(head, factors)).transpose()
    }

    /// A sign-in's one read before the password is checked.
    pub(crate) fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let found: Vec<rows::UserRow> =
            self.readers.read(|conn| all(conn, q::USER_BY_EMAIL.as_str(), &[&email.as_str()]))?;
        found.into_iter().next().map(rows::user).transpose()
    }

    pub(crate) fn methods_of(&self, user: &UserId) -> StoreResult<(Vec<Factor>, usize)> {
        let found: Vec<rows::MethodRow> = self.readers.read(|conn| all(conn, q::METHODS_OF, &[&user.as_str()]))?;
        rows::methods(found)
    }

    pub(crate) fn factors_of(&self, user: &UserId) -> StoreResult<Vec<Factor>> {
        let found: Vec<rows::FactorRow> = self.readers.read(|conn| all(conn, q::FACTORS_OF, &[&user.as_str()]))?;
        found.into_iter().map(rows::factor).collect()
    }

    // ----- writes --------------------------------------------------------------------------

    pub(crate) async fn insert_session(&self, s: &Session) -> StoreResult<()> {
        let s = s.clone();
        self.writer
            .run(move |conn| {
                execute(conn, q::INSERT_SESSION, &SessionValues::of(&s).params())
                    .map_err(|e| conflict_or_backend(e, "session"))?;
                Ok(())
            })
            .await
    }

    /// Queued, not waited for: a touch lost in a crash only lets the session time out sooner.
    pub(crate) fn touch_session(&self, id: &SessionIdHash, at: OffsetDateTime) {
        let (id, at) = (id.as_str().to_owned(), ts(at));
        self.writer.queue("session touch", move |conn| {
            execute(conn, q::TOUCH_SESSION, &[&at, &id]).map_err(backend_error)?;
            Ok(())
        });
    }

    /// Waits until every write queued before it has been committed (or failed).
    pub(crate) async fn flush(&self) -> StoreResult<()> {
        self.writer.run(|_| Ok(())).await
    }

    /// Takes a slot under each limit, all or none, in one job: a refusal rolls the job back to
    /// its savepoint, and the full window it reports is read under the same write lock.
    pub(crate) async fn throttle_reserve_all(
        &self,
        limits: &[(&str, ThrottleLimit)],
        now: OffsetDateTime,
    ) -> StoreResult<Result<Vec<ThrottleWindow>, (usize, ThrottleWindow)>> {
        let limits: Vec<(String, ThrottleLimit)> =
            limits.iter().map(|(key, limit)| ((*key).to_owned(), *limit)).collect();
        self.writer
            .run_deciding(move |conn| {
                let reserved = reserve_all(conn, &limits, now);
                (matches!(reserved, Ok(Ok(_))), reserved)
            })
            .await
    }

    /// What a right password writes, as one job (`PasswordSignIn`).
    pub(crate) async fn start_password_session(&self, s: &PasswordSignIn) -> StoreResult<()> {
        let s = s.clone();
        self.writer
            .run(move |conn| {
                execute(conn, q::CLEAR_THROTTLE, &[&s.forgiven]).map_err(backend_error)?;
                for slot in &s.released {
                    execute(conn, q::RELEASE_THROTTLE_SLOT, &[&slot.key, &ts(slot.window_started)])
                        .map_err(backend_error)?;
                }
                if let Some(update) = s.language {
                    execute(conn, q::set_language(update), &[&update.language.code(), &s.session.user_id.as_str()])
                        .map_err(backend_error)?;
                }
                if let Some(at) = s.signed_in_at {
                    execute(conn, q::RECORD_SIGN_IN, &[&ts(at), &s.session.user_id.as_str()]).map_err(backend_error)?;
                }
                // The browser's old session ends (if it has not already); the new one has a key
                // of its own.
                if let Some(old) = &s.replaces {
                    execute(conn, q::DELETE_SESSION, &[&old.as_str()]).map_err(backend_error)?;
                }
                execute(conn, q::INSERT_SESSION, &SessionValues::of(&s.session).params())
                    .map_err(|e| conflict_or_backend(e, "session"))?;
                insert_audit(conn, &s.audit)
            })
            .await
    }

    pub(crate) async fn throttle_release(&self, key: &str, window_started: OffsetDateTime) -> StoreResult<()> {
        let key = key.to_owned();
        self.writer
            .run(move |conn| {
                execute(conn, q::RELEASE_THROTTLE_SLOT, &[&key, &ts(window_started)]).map_err(backend_error)?;
                Ok(())
            })
            .await
    }

    pub(crate) async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
        let key = key.to_owned();
        self.writer
            .run(move |conn| {
                execute(conn, q::CLEAR_THROTTLE, &[&key]).map_err(backend_error)?;
                Ok(())
            })
            .await
    }

    pub(crate) async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        let event = event.clone();
        self.writer.run(move |conn| insert_audit(conn, &event)).await
    }

    pub(crate) async fn record_second_factor_failure(
        &self,
        user: &UserId,
        now: OffsetDateTime,
        schedule: fn(u32, OffsetDateTime) -> SecondFactorThrottle,
        challenge_id: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<Result<SecondFactorThrottle, SecondFactorThrottle>> {
        let user = user.as_str().to_owned();
        let challenge_id = challenge_id.map(str::to_owned);
        let audit = audit.clone();
        self.writer
            .run(move |conn| {
                let counted: Vec<(i64,)> = all(conn, q::COUNT_WRONG_CODE, &[&user, &ts(now)]).map_err(backend_error)?;
                // Refused: nothing was written, so the job's savepoint needs no rollback.
                let Some((failures,)) = counted.into_iter().next() else {
                    return Ok(Err(rows::second_factor_throttle(throttle_row(conn, &user)?)?));
                };
                let next = schedule(u32::try_from(failures).unwrap_or(u32::MAX), now);
                if next.paused_until.is_some() || next.locked {
                    let paused_until = next.paused_until.map(ts);
                    execute(conn, q::SET_PAUSE, &[&paused_until, &i64::from(next.locked), &user])
                        .map_err(backend_error)?;
                }
                if let Some(id) = &challenge_id {
                    execute(conn, q::COUNT_WRONG_TRY, &[id]).map_err(backend_error)?;
                }
                insert_audit(conn, &audit)?;
                Ok(Ok(rows::second_factor_throttle(throttle_row(conn, &user)?)?))
            })
            .await
    }

    pub(crate) async fn complete_second_factor(&self, c: &SecondFactorCompletion) -> StoreResult<CompletionOutcome> {
        rows::check_successor(&c.old_session, &c.new_session, &c.user_id)?;
        let c = c.clone();
        // Any outcome but `Completed` keeps nothing (a lost compare-and-set may follow a delete).
        self.writer
            .run_deciding(move |conn| {
                let outcome = complete(conn, &c);
                (matches!(outcome, Ok(CompletionOutcome::Completed)), outcome)
            })
            .await
    }
}

/// `throttle_reserve_all` inside its savepoint; the caller rolls back unless every slot was taken.
fn reserve_all(
    conn: &Connection,
    limits: &[(String, ThrottleLimit)],
    now: OffsetDateTime,
) -> StoreResult<Result<Vec<ThrottleWindow>, (usize, ThrottleWindow)>> {
    let mut taken = Vec::with_capacity(limits.len());
    for (index, (key, limit)) in limits.iter().enumerate() {
        let params: [&dyn ToSql; 4] = [key, &ts(now), &ts(now - limit.window), &i64::from(limit.max_failures)];
        let row: Vec<(i64, i64)> = all(conn, q::RESERVE_THROTTLE_SLOT, &params).map_err(backend_error)?;
        if let Some(row) = row.into_iter().next() {
            taken.push(rows::throttle(row)?);
            continue;
        }
        let full: Vec<(i64, i64)> = all(conn, q::THROTTLE_WINDOW, &[key]).map_err(backend_error)?;
        let full =
            full.into_iter().next().ok_or_else(|| StoreError::Corrupt(format!("the full window of {key} is gone")))?;
        return Ok(Err((index, rows::throttle(full)?)));
    }
    Ok(Ok(taken))
}

/// `complete_second_factor` inside its savepoint; the caller rolls back any outcome but
/// `Completed`.
fn complete(conn: &Connection, c: &SecondFactorCompletion) -> StoreResult<CompletionOutcome> {
    let now = ts(c.now);
    let user = c.user_id.as_str();
    let won = match &c.proof {
        SecondFactorProof::ConfirmTotp { factor_id, step, created_after } => {
            execute(conn, q::DELETE_OTHER_TOTP, &[&user, &factor_id.as_str()]).map_err(backend_error)?;
            let changed =
                execute(conn, q::CONFIRM_TOTP, &[&now, step, &factor_id.as_str(), &user, &ts(*created_after)])
                    .map_err(backend_error)?;
            changed == 1
        }
        SecondFactorProof::VerifyTotp { factor_id, step } => {
            execute(conn, q::CLAIM_TOTP_STEP, &[step, &now, &factor_id.as_str(), &user]).map_err(backend_error)? == 1
        }
        SecondFactorProof::ConfirmSms { challenge_id, factor } => {
            let won = claim_challenge(conn, challenge_id, user, now)?;
            if won {
                execute(conn, q::DELETE_SMS_FACTORS, &[&user]).map_err(backend_error)?;
                insert_factor(conn, factor)?;
            }
            won
        }
        SecondFactorProof::VerifySms { challenge_id } => {
            let won = claim_challenge(conn, challenge_id, user, now)?;
            if won {
                execute(conn, q::SMS_FACTOR_USED, &[&now, &user]).map_err(backend_error)?;
            }
            won
        }
        SecondFactorProof::UseRecoveryCode { code_id } => {
            execute(conn, q::CLAIM_RECOVERY_CODE, &[&now, &code_id.as_str(), &user]).map_err(backend_error)? == 1
        }
        SecondFactorProof::RegisterPasskey { ceremony, ceremony_expires_at, passkey } => {
            let won = claim_ceremony(conn, ceremony, *ceremony_expires_at)?;
            if won {
                let p = passkey;
                let params: [&dyn ToSql; 10] = [
                    &p.id.as_str(),
                    &p.user_id.as_str(),
                    &p.cred_id.as_str(),
                    &p.name.as_str(),
                    &p.credential.as_str(),
                    &i64::from(p.counter),
                    &i64::from(p.backup_eligible),
                    &i64::from(p.backup_state),
                    &ts(p.created_at),
                    &p.last_used_at.map(ts),
                ];
                execute(conn, q::INSERT_PASSKEY, &params).map_err(|e| conflict_or_backend(e, "passkey"))?;
            }
            won
        }
        SecondFactorProof::VerifyPasskey { ceremony, ceremony_expires_at, used } => {
            claim_ceremony(conn, ceremony, *ceremony_expires_at)? && {
                let params: [&dyn ToSql; 6] = [
                    &used.credential.as_str(),
                    &i64::from(used.counter),
                    &i64::from(used.backup_state),
                    &now,
                    &used.passkey_id.as_str(),
                    &user,
                ];
                execute(conn, q::PASSKEY_USED, &params).map_err(backend_error)? == 1
            }
        }
    };
    if !won {
        return Ok(CompletionOutcome::ProofTaken);
    }
    let open = execute(conn, q::OPEN_THROTTLE_AT_COMPLETION, &[&user, &now]).map_err(backend_error)? == 1;
    if !open && exists(conn, q::THROTTLE_ROW_EXISTS, &[&user])? {
        return Ok(CompletionOutcome::Throttled);
    }
    let new = SessionValues::of(&c.new_session);
    let old = c.old_session.as_str();
    let rotated = execute(conn, q::ROTATE_SESSION, &[new.params().as_slice(), &[&old]].concat())
        .map_err(|e| conflict_or_backend(e, "session"))?
        == 1;
    if !rotated {
        return Ok(CompletionOutcome::SessionEnded);
    }
    execute(conn, q::USER_AFTER_SECOND_FACTOR, &[&c.method.map(Method::as_str), &user, &now]).map_err(backend_error)?;
    insert_audit(conn, &c.audit)?;
    Ok(CompletionOutcome::Completed)
}

fn claim_ceremony(conn: &Connection, id: &str, expires_at: OffsetDateTime) -> StoreResult<bool> {
    Ok(execute(conn, q::CLAIM_CEREMONY, &[&id, &ts(expires_at)]).map_err(backend_error)? == 1)
}

fn claim_challenge(conn: &Connection, id: &str, user: &str, now: i64) -> StoreResult<bool> {
    Ok(execute(conn, q::CLAIM_CHALLENGE, &[&now, &id, &user, &i64::from(MAX_WRONG_TRIES)]).map_err(backend_error)? == 1)
}

fn insert_factor(conn: &Connection, f: &Factor) -> StoreResult<()> {
    let phone = f.phone.as_ref().map(|p| p.as_str());
    let params: [&dyn ToSql; 9] = [
        &f.id.as_str(),
        &f.user_id.as_str(),
        &f.method.as_str(),
        &f.secret_enc,
        &phone,
        &ts(f.created_at),
        &f.confirmed_at.map(ts),
        &f.last_step,
        &f.last_used_at.map(ts),
    ];
    execute(conn, q::INSERT_FACTOR, &params).map_err(|e| conflict_or_backend(e, "factor"))?;
    Ok(())
}

fn insert_audit(conn: &Connection, e: &AuditEvent) -> StoreResult<()> {
    let subject_id = e.subject_id.as_ref().map(UserId::as_str);
    let details = e.details.to_string();
    let params: [&dyn ToSql; 9] = [
        &ts(e.at),
        &e.actor,
        &subject_id,
        &e.subject,
        &e.action.as_str(),
        &e.outcome.as_str(),
        &e.ip,
        &e.user_agent,
        &details,
    ];
    execute(conn, q::INSERT_AUDIT, &params).map_err(backend_error)?;
    Ok(())
}

fn throttle_row(conn: &Connection, user: &str) -> StoreResult<Option<rows::SecondFactorThrottleRow>> {
    let found: Vec<rows::SecondFactorThrottleRow> =
        all(conn, q::SECOND_FACTOR_THROTTLE, &[&user]).map_err(backend_error)?;
    Ok(found.into_iter().next())
}

/// A session's columns as bound values, in `rows::SESSION_COLUMNS` order.
struct SessionValues<'s> {
    s: &'s Session,
    id: &'s str,
    user_id: &'s str,
    auth_level: &'s str,
    csrf_token: &'s str,
    created_at: i64,
    last_seen_at: i64,
    mfa_verified_at: Option<i64>,
}

impl<'s> SessionValues<'s> {
    fn of(s: &'s Session) -> Self {
        Self {
            s,
            id: s.id.as_str(),
            user_id: s.user_id.as_str(),
            auth_level: s.auth_level.as_str(),
            csrf_token: s.csrf_token.as_str(),
            created_at: ts(s.created_at),
            last_seen_at: ts(s.last_seen_at),
            mfa_verified_at: s.mfa_verified_at.map(ts),
        }
    }

    fn params(&self) -> [&dyn ToSql; 9] {
        [
            &self.id,
            &self.user_id,
            &self.auth_level,
            &self.csrf_token,
            &self.created_at,
            &self.last_seen_at,
            &self.mfa_verified_at,
            &self.s.ip,
            &self.s.user_agent,
        ]
    }
}

// ----- statements ----------------------------------------------------------------------------

/// A cached statement of `conn` with `params` bound to `$1`, `$2`, …: the queries are written
/// with PostgreSQL's numbered placeholders, which SQLite reads as names, so they are bound by
/// name (a number may appear twice, or out of order).
fn prepare<'c>(
    conn: &'c Connection,
    sql: &str,
    params: &[&dyn ToSql],
) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    Ok(stmt)
}

fn bind(stmt: &mut Statement<'_>, params: &[&dyn ToSql]) -> rusqlite::Result<()> {
    let mut name = String::with_capacity(4);
    for (i, value) in params.iter().enumerate() {
        use std::fmt::Write as _;
        name.clear();
        let _ = write!(name, "${}", i + 1);
        if let Some(index) = stmt.parameter_index(&name)? {
            stmt.raw_bind_parameter(index, value)?;
        }
    }
    Ok(())
}

/// Runs a statement that returns no rows; the number of rows it changed.
fn execute(conn: &Connection, sql: &str, params: &[&dyn ToSql]) -> rusqlite::Result<usize> {
    prepare(conn, sql, params)?.raw_execute()
}

/// Every row a query returns, each read as a tuple of its columns in order.
fn all<T>(conn: &Connection, sql: &str, params: &[&dyn ToSql]) -> rusqlite::Result<Vec<T>>
where
    T: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
{
    let mut stmt = prepare(conn, sql, params)?;
    let mut rows = stmt.raw_query();
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        found.push(T::try_from(row)?);
    }
    Ok(found)
}

/// Runs a statement and says whether it returned a row.
fn exists(conn: &Connection, sql: &str, params: &[&dyn ToSql]) -> StoreResult<bool> {
    let mut stmt = prepare(conn, sql, params).map_err(backend_error)?;
    let mut rows = stmt.raw_query();
    Ok(rows.next().map_err(backend_error)?.is_some())
}

fn backend_error(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(Box::new(e))
}

fn conflict_or_backend(e: rusqlite::Error, what: &'static str) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            StoreError::Conflict(what)
        }
        _ => backend_error(e),
    }
}

// ----- readers -------------------------------------------------------------------------------

/// Read-only connections to the database file, used on the calling thread. A hot read is one
/// lookup by primary key or unique index, tens of microseconds from the page cache: cheaper to
/// run in place on the async worker than to hand to another thread and wait for the answer
/// (which is what sqlx's SQLite driver does, twice, for each read).
#[derive(Debug)]
struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
        let taken = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open().map_err(backend_error)?,
        };
        let result = f(&conn).map_err(backend_error);
        // A connection left inside a transaction would keep reading the moment it began (and
        // hold back checkpoints): it is closed instead of kept, if it cannot be ended.
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return result;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    /// `read` with `f`'s statements in one read transaction: they all see the same moment.
    fn read_in_transaction<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
        self.read(|conn| {
            conn.prepare_cached("BEGIN")?.raw_execute()?;
            let result = f(conn)?;
            conn.prepare_cached("COMMIT")?.raw_execute()?;
            Ok(result)
        })
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)?;
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    fn count(readers: &Readers) -> i64 {
        readers.read(|conn| conn.query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))).unwrap()
    }

    /// A read that fails inside its transaction leaves no reader behind on the moment it began:
    /// the next read through the same pool sees what was written since.
    #[test]
    fn a_failed_read_in_a_transaction_leaves_no_reader_on_an_old_moment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let writer = Connection::open(&path).unwrap();
        writer.pragma_update(None, "journal_mode", "wal").unwrap();
        writer.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);").unwrap();
        let readers = Readers { path, idle: Mutex::new(Vec::new()) };

        let failed = readers.read_in_transaction(|conn| {
            let _: i64 = conn.query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))?;
            conn.query_row("SELECT no_such_column FROM t", [], |row| row.get::<_, i64>(0))
        });
        assert!(failed.is_err());
        assert_eq!(readers.idle.lock().unwrap().len(), 1, "the reader is kept, out of its transaction");

        writer.execute("INSERT INTO t VALUES (2)", []).unwrap();
        assert_eq!(count(&readers), 2, "the next read sees the row written after the failed one");
        let both = readers
            .read_in_transaction(|conn| {
                let a: i64 = conn.query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))?;
                let b: i64 = conn.query_row("SELECT MAX(x) FROM t", [], |row| row.get(0))?;
                Ok((a, b))
            })
            .unwrap();
        assert_eq!(both, (2, 2));
    }
}
