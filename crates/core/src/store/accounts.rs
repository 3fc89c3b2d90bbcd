//! Accounts: users, the portal's own settings, sign-in history, password resets and the periodic purge.

use crate::audit::AuditEvent;
use crate::email::Email;
use crate::language::Language;
use crate::password::PasswordHashString;
use crate::password_reset::{PasswordReset, ResetTokenHash};
use crate::user::{User, UserId};
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Which backend this is ("sqlite" or "postgres"), for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Connections in use and idle, and hot writes waiting for the writer, now (for metrics).
    fn load(&self) -> super::StoreLoad;

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

    /// Stores the user's language. With `keep_a_choice`, only when they have none yet (the
    /// language they signed in with must not undo one they chose). Returns whether it was stored.
    async fn set_language(&self, user: &UserId, language: Language, keep_a_choice: bool) -> StoreResult<bool>;

    /// When the user last completed sign-in; `None` if never (or no such user).
    async fn last_sign_in(&self, user: &UserId) -> StoreResult<Option<OffsetDateTime>>;
}
