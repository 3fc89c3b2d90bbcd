//! Sessions: the rows behind session cookies, their rotation and their end.

use crate::audit::AuditEvent;
use crate::language::LanguageUpdate;
use crate::session::{Session, SessionIdHash};
use crate::session_view::SessionView;
use crate::throttle::Slot;
use crate::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

/// What a right password changes, written together: the account's failed attempts forgiven
/// (its limit's window cleared), the other slots the attempt took given back (it was no
/// failure), the account's language settled (`crate::preferences::language_at_sign_in`), the
/// sign-in noted on the account when no second factor follows, the new session
/// started (with a key of its own) and the one the browser came with ended, and the audit row.
/// One transaction instead of up to six: a sign-in did all of it or none.
#[derive(Debug, Clone)]
pub struct PasswordSignIn {
    pub forgiven: String,
    pub released: Vec<Slot>,
    pub language: Option<LanguageUpdate>,
    pub signed_in_at: Option<OffsetDateTime>,
    pub replaces: Option<SessionIdHash>,
    pub session: Session,
    pub audit: AuditEvent,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;

    /// Writes what a right password changes, in one transaction (see [`PasswordSignIn`]).
    async fn start_password_session(&self, sign_in: &PasswordSignIn) -> StoreResult<()>;

    /// Gives the session `old` the new id and contents of `new`, its successor
    /// (`Session::succeed`: the same key and user), only if it still exists: a session ended
    /// meanwhile (sign-out, "end sessions", a reset) stays ended. Returns whether it did. A
    /// successor under another key or user is refused as `StoreError::Corrupt`.
    async fn rotate_session(&self, old: &SessionIdHash, new: &Session) -> StoreResult<bool>;

    async fn session(&self, id: &SessionIdHash) -> StoreResult<Option<Session>>;

    /// The session with its user and the user's second factors, in one read: every signed-in
    /// request needs the first two, and the pages and code checks that need the third then
    /// read nothing more.
    async fn session_view(&self, id: &SessionIdHash) -> StoreResult<Option<SessionView>>;

    /// Notes that the session was used at `at` (at most once a minute per session), without
    /// waiting for the note to be written: it is queued and written with others, off the
    /// request path. One lost in a crash or a full queue only lets the session time out sooner.
    fn touch_session(&self, id: &SessionIdHash, at: OffsetDateTime);

    /// Waits until every touch queued before it has been written.
    async fn flush_touches(&self) -> StoreResult<()>;

    /// Ends the session with this id, or the one it was rotated into after `replaced_after` (a
    /// sign-out sent with the cookie of a moment ago); returns whose it was.
    async fn delete_session(&self, id: &SessionIdHash, replaced_after: OffsetDateTime) -> StoreResult<Option<UserId>>;

    async fn delete_sessions_of(&self, user: &UserId) -> StoreResult<u64>;

    async fn sessions_of(&self, user: &UserId) -> StoreResult<Vec<Session>>;

    /// Removes sessions idle since `idle_before` or created before `created_before`.
    async fn purge_sessions(&self, idle_before: OffsetDateTime, created_before: OffsetDateTime) -> StoreResult<u64>;

    /// Ends the user's session `id` (only if it is theirs), with `audit`; whether it did.
    async fn end_session_of(&self, user: &UserId, id: &SessionIdHash, audit: &AuditEvent) -> StoreResult<bool>;

    /// Ends every session of the user but `keep`, with `audit`; how many it ended.
    async fn end_other_sessions(&self, user: &UserId, keep: &SessionIdHash, audit: &AuditEvent) -> StoreResult<u64>;
}
