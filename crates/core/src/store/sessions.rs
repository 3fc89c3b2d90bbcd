//! Sessions: the rows behind session cookies, their rotation and their end.

use crate::audit::AuditEvent;
use crate::session::{Session, SessionIdHash};
use crate::user::{User, UserId};
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;

    /// Deletes `old` and inserts `new` atomically (session rotation).
    async fn replace_session(&self, old: &SessionIdHash, new: &Session) -> StoreResult<()>;

    /// Gives the session `old` the new id and contents of `new`, only if it still exists: a
    /// session ended meanwhile (sign-out, "end sessions", a reset) stays ended. Returns whether
    /// it did.
    async fn rotate_session(&self, old: &SessionIdHash, new: &Session) -> StoreResult<bool>;

    async fn session(&self, id: &SessionIdHash) -> StoreResult<Option<Session>>;

    /// The session with its user, in one round trip: every signed-in request needs both.
    async fn session_with_user(&self, id: &SessionIdHash) -> StoreResult<Option<(Session, User)>>;

    /// Notes that the session was used at `at` (at most once a minute per session).
    async fn touch_session(&self, id: &SessionIdHash, at: OffsetDateTime) -> StoreResult<()>;

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
