//! The storage port: every piece of state the portal keeps, as one trait. `portal-store`
//! implements it for SQLite and PostgreSQL; each method that changes more than one row is
//! one transaction, so a crash mid-request never leaves half an operation behind.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::audit::{AuditEvent, AuditFilter, AuditRecord};
use crate::email::Email;
use crate::mfa::factor::{ChallengePurpose, Factor, SecondFactorCompletion, SmsChallenge};
use crate::mfa::sms_code::{SendRefused, SendRule};
use crate::mfa::throttle::SecondFactorThrottle;
use crate::password::PasswordHashString;
use crate::password_reset::{PasswordReset, ResetTokenHash};
use crate::session::{Session, SessionIdHash};
use crate::throttle::{ThrottleLimit, ThrottleWindow};
use crate::user::{User, UserId};

/// How a second-factor completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionOutcome {
    Completed,
    /// The compare-and-set lost: the code or step was used by another request first.
    ProofTaken,
    /// The account is paused or locked (it changed while the code was being checked).
    Throttled,
    /// The session was ended (sign-out, "end sessions", reset) while the code was checked.
    SessionEnded,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the string names what (e.g. "email").
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait Store: crate::inventory::store::ClaimStore + Send + Sync + std::fmt::Debug {
    /// Which backend this is ("sqlite" or "postgres"), for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Reaches the database (for `/readyz`).
    async fn ping(&self) -> StoreResult<()>;

    /// A value from the portal's own key/value table.
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    /// Stores `value` unless `key` already has one; returns the value now stored.
    async fn meta_init(&self, key: &str, value: &str) -> StoreResult<String>;

    async fn insert_user(&self, user: &User, audit: &AuditEvent) -> StoreResult<()>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: &UserId) -> StoreResult<Option<User>>;
    async fn count_users(&self) -> StoreResult<u64>;
    /// In one transaction: deletes every claim a demo account takes part in (items, history and
    /// attachment rows go with it), then every demo account (sessions, methods and codes go with
    /// it), and appends `audit` once per account with its subject set and the number of its
    /// claims. Nothing else is touched. The attachment files are the caller's to delete.
    async fn remove_demo_accounts(&self, audit: &AuditEvent) -> StoreResult<crate::user::DemoRemoval>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;

    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    /// Deletes `old` and inserts `new` atomically (session rotation).
    async fn replace_session(&self, old: &SessionIdHash, new: &Session) -> StoreResult<()>;
    async fn session(&self, id: &SessionIdHash) -> StoreResult<Option<Session>>;
    /// The session with its user, in one round trip: every signed-in request needs both.
    async fn session_with_user(&self, id: &SessionIdHash) -> StoreResult<Option<(Session, User)>>;
    async fn touch_session(&self, id: &SessionIdHash, at: OffsetDateTime) -> StoreResult<()>;
    /// Ends the session with this id, or the one it was rotated into (a sign-out sent with the
    /// cookie of a moment ago); returns whose it was.
    async fn delete_session(&self, id: &SessionIdHash) -> StoreResult<Option<UserId>>;
    async fn delete_sessions_of(&self, user: &UserId) -> StoreResult<u64>;
    async fn sessions_of(&self, user: &UserId) -> StoreResult<Vec<Session>>;
    /// Removes sessions idle since `idle_before` or created before `created_before`.
    async fn purge_sessions(&self, idle_before: OffsetDateTime, created_before: OffsetDateTime) -> StoreResult<u64>;

    async fn throttle(&self, key: &str) -> StoreResult<Option<ThrottleWindow>>;
    /// Takes one slot under `key` in one atomic statement, if its window holds fewer than
    /// `limit.max_failures`; a window older than `limit.window` restarts at `now`. `Ok` with the
    /// window after taking the slot, or `Err` with the full window as it stands (nothing written).
    async fn throttle_reserve(
        &self,
        key: &str,
        now: OffsetDateTime,
        limit: ThrottleLimit,
    ) -> StoreResult<Result<ThrottleWindow, ThrottleWindow>>;
    /// Gives back one slot taken in the window that started at `window_started` (never one of a
    /// later window).
    async fn throttle_release(&self, key: &str, window_started: OffsetDateTime) -> StoreResult<()>;
    async fn throttle_clear(&self, key: &str) -> StoreResult<()>;
    /// Appends `audit` for a refusal under `key` and notes `now`, unless a refusal there was
    /// audited after `audited_before`: a compare-and-set, so of racing refusals one writes.
    async fn audit_throttle_refusal(
        &self,
        key: &str,
        now: OffsetDateTime,
        audited_before: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    async fn insert_password_reset(&self, reset: &PasswordReset) -> StoreResult<()>;
    /// The user a reset link is for, while the link is unused and unexpired at `now`. Reads
    /// only: the link is consumed by [`Store::complete_password_reset`].
    async fn password_reset_user(&self, token: &ResetTokenHash, now: OffsetDateTime) -> StoreResult<Option<User>>;
    /// Sets the user's hash to `new` only while it is still `old` (a login's rehash must not
    /// undo a reset that happened meanwhile). Returns whether it was replaced.
    async fn replace_password_hash(
        &self,
        user: &UserId,
        old: &PasswordHashString,
        new: &PasswordHashString,
    ) -> StoreResult<bool>;
    /// In one transaction: marks the token used (only if unused and unexpired at `now`), sets the
    /// new password hash, ends every session of the user and appends `audit` with its subject set.
    /// Returns the user, or `None` when the token is unknown, used or expired.
    async fn complete_password_reset(
        &self,
        token: &ResetTokenHash,
        new_hash: &PasswordHashString,
        now: OffsetDateTime,
        audit: AuditEvent,
    ) -> StoreResult<Option<User>>;

    /// Every factor of the user, confirmed and pending.
    async fn factors_of(&self, user: &UserId) -> StoreResult<Vec<Factor>>;
    /// Stores a pending factor, replacing any pending one of the same method.
    async fn insert_pending_factor(&self, factor: &Factor) -> StoreResult<()>;
    /// In one transaction: the proof's compare-and-set (a code is claimed once), the re-check
    /// that the account is neither paused nor locked, the rotation of the session (which must
    /// still exist: a sign-out or "end sessions" that won the race ends it for good), the factor
    /// change, the reset of the failure count (consuming the guess slot), the preferred method
    /// and the audit row. Anything but `Completed` writes nothing.
    async fn complete_second_factor(&self, completion: &SecondFactorCompletion) -> StoreResult<CompletionOutcome>;
    /// Takes a guess slot for one code check of `user`, atomically: refused when the account is
    /// locked or paused at `now`, or when its wrong codes since the last pause plus the checks in
    /// flight already reach `per_pause`. A slot counts until `hold_until` (a crashed request's
    /// slot then lapses). `Err` with the throttle as it stands when refused.
    async fn reserve_second_factor_guess(
        &self,
        user: &UserId,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
        per_pause: u32,
    ) -> StoreResult<Result<(), SecondFactorThrottle>>;
    /// Gives a guess slot back: the check was no guess (a replayed code, a lost race).
    async fn release_second_factor_guess(&self, user: &UserId) -> StoreResult<()>;

    async fn second_factor_throttle(&self, user: &UserId) -> StoreResult<SecondFactorThrottle>;
    /// Every factor of the user (confirmed and pending) and their second-factor throttle, in one
    /// round trip: verifying a code needs both.
    async fn second_factor_state(&self, user: &UserId) -> StoreResult<(Vec<Factor>, SecondFactorThrottle)>;
    /// Appends `audit` for a refused attempt on a throttled account and notes `now` as the last
    /// audited refusal, but only if no refusal was audited after `audited_before`; a
    /// compare-and-set, so of racing refusals exactly one writes. `true` when it wrote.
    async fn audit_throttled_refusal(
        &self,
        user: &UserId,
        now: OffsetDateTime,
        audited_before: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// In one transaction: counts a wrong code (and a wrong try on `challenge_id`), consuming the
    /// guess slot it held, applies `schedule` to the new count, appends `audit`. Returns the new
    /// state.
    async fn record_second_factor_failure(
        &self,
        user: &UserId,
        now: OffsetDateTime,
        schedule: fn(u32, OffsetDateTime) -> SecondFactorThrottle,
        challenge_id: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<SecondFactorThrottle>;

    /// Reserves one text before it is sent: in one transaction, serialized with every other
    /// reservation (so the counts cannot change between the check and the write), reads the send
    /// history of `user`, `phone_key` and `ip`, asks `rule` whether another send is allowed, and
    /// if so records the send. `Ok(id)` of the recorded send, or the rule's refusal.
    async fn reserve_sms_send(
        &self,
        user: &UserId,
        phone_key: &str,
        ip: Option<&str>,
        now: OffsetDateTime,
        rule: SendRule,
    ) -> StoreResult<Result<i64, SendRefused>>;
    /// Gives a reserved send back (the provider did not take the text).
    async fn release_sms_send(&self, id: i64) -> StoreResult<()>;
    /// After a text was sent, in one transaction: voids the session's older codes for the same
    /// purpose and stores the challenge.
    async fn insert_sms_challenge(&self, challenge: &SmsChallenge, expires_at: OffsetDateTime) -> StoreResult<()>;
    /// The newest challenge sent for `session` with `purpose`.
    async fn latest_sms_challenge(
        &self,
        session: &SessionIdHash,
        purpose: ChallengePurpose,
    ) -> StoreResult<Option<SmsChallenge>>;

    /// Removes the user's factor of `method`, with its audit row; `false` if there was none, or
    /// if `keep_one` is set and it is the user's last confirmed factor. The check and the delete
    /// happen under the user row's lock, so two removals at once cannot both succeed.
    async fn delete_factor(
        &self,
        user: &UserId,
        method: crate::mfa::Method,
        keep_one: bool,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Deletes what has expired: sessions, texted codes, unconfirmed setups, used or expired
    /// reset links, send-log rows older than a day, ended throttle windows. Returns rows removed.
    async fn purge_expired(
        &self,
        now: OffsetDateTime,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> StoreResult<u64>;

    /// Notes that the user completed sign-in at `at` (shown to support).
    async fn record_sign_in(&self, user: &UserId, at: OffsetDateTime) -> StoreResult<()>;
    /// When the user last completed sign-in; `None` if never (or no such user).
    async fn last_sign_in(&self, user: &UserId) -> StoreResult<Option<OffsetDateTime>>;
    /// Ends every session of the user, with its audit row; returns how many.
    async fn end_sessions(&self, user: &UserId, audit: &AuditEvent) -> StoreResult<u64>;
    /// Users with their MFA situation, for the console list and the report; and the total
    /// matching `filter` (before limit/offset).
    async fn mfa_overview(
        &self,
        filter: &crate::overview::OverviewFilter,
    ) -> StoreResult<(Vec<crate::overview::MfaOverview>, u64)>;

    /// Sets (or clears) the support-set setup deadline, with its audit row.
    async fn set_mfa_deadline(
        &self,
        user: &UserId,
        deadline: Option<time::Date>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// In one transaction: removes every factor and code of the user, clears the failure count,
    /// ends all their sessions, sets the setup deadline, appends `audit`. Returns sessions ended.
    async fn reset_mfa(&self, user: &UserId, deadline: time::Date, audit: &AuditEvent) -> StoreResult<u64>;
    /// Clears the failure count, any pause and the lock, with its audit row.
    async fn unlock_second_factor(&self, user: &UserId, audit: &AuditEvent) -> StoreResult<()>;

    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Newest first.
    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
}
