//! The queries, written once. SQLite and PostgreSQL both accept `$1` placeholders, `ON CONFLICT`
//! upserts and `RETURNING`, and every column type here (TEXT, 64-bit integers) means the same in
//! both, so one body serves both backends. It is a macro rather than a generic impl because
//! sqlx's generic-over-database bounds would drown every query in trait bounds; each backend
//! still gets its own concrete type and its own migrations.
//!
//! The layout: `sql_store!` here (the `Store` impl) and `claim_store!` in `claims.rs` (the
//! `ClaimStore` impl) hold the queries; what both use (error mapping, the audit insert, the
//! session insert and rotation, ending a transaction) lives once in `sql.rs`; rows are read in
//! `rows.rs`. Whatever differs per backend (the pools, `begin_write`, `SERIALIZE_SMS_SENDS`) is
//! in `sqlite.rs` or `postgres.rs`, which expand the macros for their own type.
//!
//! Writes (single statements and every transaction, via `begin_write`) go to `self.writer`,
//! reads outside a transaction to `self.pool`. On SQLite these are different pools: one writer
//! connection whose transactions begin IMMEDIATE, and read-only readers (see `sqlite.rs`). On
//! PostgreSQL both name the same pool.

macro_rules! sql_store {
    ($store:ident, $backend:literal, $db:ty) => {
        use async_trait::async_trait;
        use portal_core::audit::{AuditEvent, AuditFilter, AuditRecord};
        use portal_core::email::Email;
        use portal_core::language::Language;
        use portal_core::mfa::factor::{ChallengePurpose, Factor, SecondFactorCompletion, SecondFactorProof, SmsChallenge};
        use portal_core::mfa::sms_code::{MAX_WRONG_TRIES, SendHistory};
        use portal_core::mfa::throttle::SecondFactorThrottle;
        use portal_core::password::PasswordHashString;
        use portal_core::password_reset::{PasswordReset, ResetTokenHash};
        use portal_core::session::{Session, SessionIdHash};
        use portal_core::session_view::SessionView;
        use portal_core::store::{
            AccountStore, AuditStore, CompletionOutcome, LimitStore, MfaStore, PasswordSignIn, SessionStore, StoreError,
            StoreResult, SupportStore,
        };
        use portal_core::throttle::ThrottleWindow;
        use portal_core::user::{User, UserId};
        use time::OffsetDateTime;

        use crate::rows::{self, ts};
        use crate::sql::{backend_error, conflict_or_backend, roll_back};
        use statements::{commit_audited, commit_audited_if_one, insert_audit, insert_session, rotate_session};

        impl portal_core::store::Store for $store {}

        #[async_trait]
        impl AccountStore for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            fn load(&self) -> portal_core::store::StoreLoad {
                let idle = self.pool.num_idle();
                portal_core::store::StoreLoad {
                    connections_in_use: (self.pool.size() as usize).saturating_sub(idle),
                    connections_idle: idle,
                    write_queue: self.hot_paths().map_or(0, |hot| hot.queued()),
                }
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await.map_err(backend_error)?;
                Ok(())
            }

            async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
                sqlx::query_scalar("SELECT value FROM portal_meta WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_error)
            }

            async fn meta_init(&self, key: &str, value: &str) -> StoreResult<String> {
                sqlx::query("INSERT INTO portal_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(&self.writer)
                    .await
                    .map_err(backend_error)?;
                self.meta(key).await?.ok_or_else(|| StoreError::Corrupt(format!("meta {key} vanished")))
            }

            async fn insert_user(&self, user: &User, audit: &AuditEvent) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query(
                    "INSERT INTO users (id, email, name, role, password_hash, created_at, is_demo, language) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(user.id.as_str())
                .bind(user.email.as_str())
                .bind(user.name.as_str())
                .bind(user.role.as_str())
                .bind(user.password_hash.0.as_str())
                .bind(ts(user.created_at))
                .bind(i64::from(user.demo))
                .bind(user.language.map(|l| l.code()))
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict_or_backend(e, "email"))?;
                commit_audited(tx, audit).await
            }

            async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
                if let Some(hot) = self.hot_paths() {
                    return hot.user_by_email(email);
                }
                let row: Option<rows::UserRow> = sqlx::query_as(crate::queries::USER_BY_EMAIL.as_str())
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_error)?;
                row.map(rows::user).transpose()
            }

            async fn user_by_id(&self, id: &UserId) -> StoreResult<Option<User>> {
                let sql = format!("SELECT {} FROM users WHERE id = $1", rows::USER_COLUMNS);
                let row: Option<rows::UserRow> =
                    sqlx::query_as(&sql).bind(id.as_str()).fetch_optional(&self.pool).await.map_err(backend_error)?;
                row.map(rows::user).transpose()
            }

            async fn count_users(&self) -> StoreResult<u64> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend_error)?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn remove_demo_accounts(&self, audit: &AuditEvent) -> StoreResult<portal_core::demo::DemoRemoval> {
                use portal_core::demo::{DemoRemoval, RemovedAccount};
                const DEMO_CLAIMS: &str = "SELECT id FROM claims WHERE policyholder_id IN \
                     (SELECT id FROM users WHERE is_demo <> 0) OR adjuster_id IN (SELECT id FROM users WHERE is_demo <> 0)";
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let accounts: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT u.id, u.email, CAST((SELECT COUNT(*) FROM claims c \
                     WHERE c.policyholder_id = u.id OR c.adjuster_id = u.id) AS BIGINT) \
                     FROM users u WHERE u.is_demo <> 0 ORDER BY u.email",
                )
                .fetch_all(&mut *tx)
                .await
                .map_err(backend_error)?;
                if accounts.is_empty() {
                    return roll_back(tx, DemoRemoval::default()).await;
                }
                let sql = format!(
                    "SELECT {} FROM claim_attachments WHERE claim_id IN ({DEMO_CLAIMS})",
                    rows::ATTACHMENT_COLUMNS
                );
                let attachments: Vec<rows::AttachmentRow> =
                    sqlx::query_as(&sql).fetch_all(&mut *tx).await.map_err(backend_error)?;
                let attachments = attachments.into_iter().map(rows::attachment).collect::<Result<Vec<_>, _>>()?;
                let claims = sqlx::query(&format!("DELETE FROM claims WHERE id IN ({DEMO_CLAIMS})"))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?
                    .rows_affected();
                sqlx::query("DELETE FROM users WHERE is_demo <> 0").execute(&mut *tx).await.map_err(backend_error)?;
                let mut removed = Vec::with_capacity(accounts.len());
                for (id, email, claims_of) in accounts {
                    let id = UserId::from_stored(id);
                    let event = audit.clone().subject(Some(&id), email.as_str()).detail("claims", claims_of);
                    insert_audit(&mut *tx, &event).await?;
                    removed.push(RemovedAccount { id, email });
                }
                tx.commit().await.map_err(backend_error)?;
                Ok(DemoRemoval { accounts: removed, claims, attachments })
            }

            async fn list_users(&self) -> StoreResult<Vec<User>> {
                let sql = format!("SELECT {} FROM users ORDER BY email", rows::USER_COLUMNS);
                let found: Vec<rows::UserRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await.map_err(backend_error)?;
                found.into_iter().map(rows::user).collect()
            }

            async fn insert_password_reset(&self, reset: &PasswordReset) -> StoreResult<()> {
                sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(reset.token_hash.0.as_str())
                    .bind(reset.user_id.as_str())
                    .bind(ts(reset.created_at))
                    .bind(ts(reset.expires_at))
                    .execute(&self.writer)
                    .await
                    .map_err(|e| conflict_or_backend(e, "reset token"))?;
                Ok(())
            }

            async fn password_reset_user(&self, token: &ResetTokenHash, now: OffsetDateTime) -> StoreResult<Option<User>> {
                let sql = format!(
                    "SELECT {} FROM users WHERE id = \
                       (SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2)",
                    rows::USER_COLUMNS
                );
                let row: Option<rows::UserRow> = sqlx::query_as(&sql)
                    .bind(token.0.as_str())
                    .bind(ts(now))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_error)?;
                row.map(rows::user).transpose()
            }

            async fn replace_password_hash(
                &self,
                user: &UserId,
                old: &PasswordHashString,
                new: &PasswordHashString,
            ) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
                    .bind(new.0.as_str())
                    .bind(user.as_str())
                    .bind(old.0.as_str())
                    .execute(&self.writer)
                    .await
                    .map_err(backend_error)?;
                Ok(done.rows_affected() == 1)
            }

            async fn complete_password_reset(
                &self,
                token: &ResetTokenHash,
                new_hash: &PasswordHashString,
                now: OffsetDateTime,
                mut audit: AuditEvent,
            ) -> StoreResult<Option<User>> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let user_id: Option<String> = sqlx::query_scalar(
                    "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                )
                .bind(ts(now))
                .bind(token.0.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend_error)?;
                let Some(user_id) = user_id else {
                    return roll_back(tx, None).await;
                };
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(new_hash.0.as_str())
                    .bind(user_id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                // Other outstanding links die with this one: the password they were for is gone.
                sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(ts(now))
                    .bind(user_id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                let ended = delete_user_sessions(&mut *tx, user_id.as_str()).await?;
                // Whoever knew the old password may have remembered a device with it.
                forget_devices_of(&mut *tx, user_id.as_str()).await?;
                let sql = format!("SELECT {} FROM users WHERE id = $1", rows::USER_COLUMNS);
                let row: rows::UserRow = sqlx::query_as(&sql).bind(user_id.as_str()).fetch_one(&mut *tx).await.map_err(backend_error)?;
                let user = rows::user(row)?;
                audit = audit.actor(user.email.as_str()).subject(Some(&user.id), user.email.as_str()).detail("sessions_ended", ended);
                commit_audited(tx, &audit).await?;
                Ok(Some(user))
            }

            async fn purge_expired(&self, now: OffsetDateTime, idle_before: OffsetDateTime, created_before: OffsetDateTime) -> StoreResult<u64> {
                let now_s = ts(now);
                let statements: [(&str, i64); 7] = [
                    ("DELETE FROM sms_challenges WHERE expires_at < $1", now_s),
                    ("DELETE FROM mfa_factors WHERE confirmed_at IS NULL AND created_at < $1", ts(now - time::Duration::hours(1))),
                    ("DELETE FROM password_resets WHERE expires_at < $1", now_s),
                    ("DELETE FROM sms_sends WHERE sent_at < $1", ts(now - time::Duration::days(1))),
                    ("DELETE FROM throttles WHERE started_at < $1", ts(now - time::Duration::days(1))),
                    ("DELETE FROM passkey_ceremonies_used WHERE expires_at < $1", now_s),
                    ("DELETE FROM remembered_devices WHERE expires_at < $1", now_s),
                ];
                let mut removed = self.purge_sessions(idle_before, created_before).await?;
                for (sql, cutoff) in statements {
                    removed += sqlx::query(sql).bind(cutoff).execute(&self.writer).await.map_err(backend_error)?.rows_affected();
                }
                Ok(removed)
            }

            async fn record_sign_in(&self, user: &UserId, at: OffsetDateTime) -> StoreResult<()> {
                sqlx::query(crate::queries::RECORD_SIGN_IN)
                    .bind(ts(at))
                    .bind(user.as_str())
                    .execute(&self.writer)
                    .await
                    .map_err(backend_error)?;
                Ok(())
            }

            async fn set_language(&self, user: &UserId, language: Language, keep_a_choice: bool) -> StoreResult<bool> {
                let sql = crate::queries::set_language(portal_core::language::LanguageUpdate { language, keep_a_choice });
                let done = sqlx::query(sql)
                    .bind(language.code())
                    .bind(user.as_str())
                    .execute(&self.writer)
                    .await
                    .map_err(backend_error)?;
                Ok(done.rows_affected() == 1)
            }

            async fn last_sign_in(&self, user: &UserId) -> StoreResult<Option<OffsetDateTime>> {
                let at: Option<(Option<i64>,)> = sqlx::query_as("SELECT last_login_at FROM users WHERE id = $1")
                    .bind(user.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_error)?;
                at.and_then(|(at,)| at).map(rows::from_ts).transpose()
            }
        }

        #[async_trait]
        impl SessionStore for $store {
            async fn insert_session(&self, s: &Session) -> StoreResult<()> {
                if let Some(hot) = self.hot_paths() {
                    return hot.insert_session(s).await;
                }
                insert_session(&self.writer, s).await
            }

            async fn start_password_session(&self, s: &PasswordSignIn) -> StoreResult<()> {
                if let Some(hot) = self.hot_paths() {
                    return hot.start_password_session(s).await;
                }
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query(crate::queries::CLEAR_THROTTLE)
                    .bind(s.forgiven.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                for slot in &s.released {
                    sqlx::query(crate::queries::RELEASE_THROTTLE_SLOT)
                        .bind(slot.key.as_str())
                        .bind(ts(slot.window_started))
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                if let Some(update) = s.language {
                    sqlx::query(crate::queries::set_language(update))
                        .bind(update.language.code())
                        .bind(s.session.user_id.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                if let Some(at) = s.signed_in_at {
                    sqlx::query(crate::queries::RECORD_SIGN_IN)
                        .bind(ts(at))
                        .bind(s.session.user_id.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                // The browser's old session ends (if it has not already); the new one has a key
                // of its own.
                if let Some(old) = &s.replaces {
                    sqlx::query(crate::queries::DELETE_SESSION)
                        .bind(old.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                insert_session(&mut *tx, &s.session).await?;
                commit_audited(tx, &s.audit).await
            }

            async fn rotate_session(&self, old: &SessionIdHash, new: &Session) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                if !rotate_session(&mut tx, old, new).await? {
                    return roll_back(tx, false).await;
                }
                tx.commit().await.map_err(backend_error)?;
                Ok(true)
            }

            async fn session(&self, id: &SessionIdHash) -> StoreResult<Option<Session>> {
                let row: Option<rows::SessionRow> =
                    sqlx::query_as(crate::queries::SESSION_BY_ID.as_str()).bind(id.as_str()).fetch_optional(&self.pool).await.map_err(backend_error)?;
                row.map(rows::session).transpose()
            }

            async fn session_view(&self, id: &SessionIdHash) -> StoreResult<Option<SessionView>> {
                if let Some(hot) = self.hot_paths() {
                    return hot.session_view(id);
                }
                use sqlx::Row as _;
                fn decode(row: &<$db as sqlx::Database>::Row) -> Result<rows::SessionViewRow, sqlx::Error> {
                    Ok(rows::session_view_row!(row, try_get))
                }
                let found = sqlx::query(crate::queries::SESSION_VIEW)
                    .bind(id.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                rows::session_view(found.iter().map(decode).collect::<Result<_, _>>().map_err(backend_error)?)
            }

            fn touch_session(&self, id: &SessionIdHash, at: OffsetDateTime) {
                match self.hot_paths() {
                    Some(hot) => hot.touch_session(id, at),
                    None => self.touches.touch(id.as_str(), ts(at)),
                }
            }

            async fn flush_touches(&self) -> StoreResult<()> {
                match self.hot_paths() {
                    Some(hot) => hot.flush().await,
                    None => self.touches.flush().await,
                }
            }

            async fn delete_session(&self, id: &SessionIdHash, replaced_after: OffsetDateTime) -> StoreResult<Option<UserId>> {
                // The old id of a session rotated since `replaced_after` reaches it too: a sign-out
                // racing the second-factor check that rotated its session ends the session either way.
                let ended: Vec<String> = sqlx::query_scalar(crate::queries::SIGN_OUT)
                .bind(id.as_str())
                .bind(ts(replaced_after))
                .fetch_all(&self.writer)
                .await
                .map_err(backend_error)?;
                Ok(ended.into_iter().next().map(UserId::from_stored))
            }

            async fn delete_sessions_of(&self, user: &UserId) -> StoreResult<u64> {
                delete_user_sessions(&self.writer, user.as_str()).await
            }

            async fn sessions_of(&self, user: &UserId) -> StoreResult<Vec<Session>> {
                let sql = format!("SELECT {} FROM sessions WHERE user_id = $1 ORDER BY created_at", rows::SESSION_COLUMNS);
                let found: Vec<rows::SessionRow> =
                    sqlx::query_as(&sql).bind(user.as_str()).fetch_all(&self.pool).await.map_err(backend_error)?;
                found.into_iter().map(rows::session).collect()
            }

            async fn purge_sessions(&self, idle_before: OffsetDateTime, created_before: OffsetDateTime) -> StoreResult<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
                    .bind(ts(idle_before))
                    .bind(ts(created_before))
                    .execute(&self.writer)
                    .await
                    .map_err(backend_error)?;
                Ok(done.rows_affected())
            }

            async fn end_session_of(&self, user: &UserId, id: &SessionIdHash, audit: &AuditEvent) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let done = sqlx::query(crate::queries::END_SESSION_OF)
                    .bind(id.as_str())
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                commit_audited_if_one(tx, done.rows_affected(), audit).await
            }

            async fn end_other_sessions(&self, user: &UserId, keep: &SessionIdHash, audit: &AuditEvent) -> StoreResult<u64> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let ended = sqlx::query(crate::queries::END_OTHER_SESSIONS)
                    .bind(user.as_str())
                    .bind(keep.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?
                    .rows_affected();
                if ended == 0 {
                    return roll_back(tx, 0).await;
                }
                commit_audited(tx, &audit.clone().detail("sessions_ended", ended)).await?;
                Ok(ended)
            }
        }

        #[async_trait]
        impl LimitStore for $store {
            async fn throttle(&self, key: &str) -> StoreResult<Option<ThrottleWindow>> {
                let row: Option<(i64, i64)> = sqlx::query_as(crate::queries::THROTTLE_WINDOW)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_error)?;
                row.map(rows::throttle).transpose()
            }

            async fn throttle_reserve_all(
                &self,
                limits: &[(&str, portal_core::throttle::ThrottleLimit)],
                now: OffsetDateTime,
            ) -> StoreResult<Result<Vec<ThrottleWindow>, (usize, ThrottleWindow)>> {
                if let Some(hot) = self.hot_paths() {
                    return hot.throttle_reserve_all(limits, now).await;
                }
                // Each slot is taken in one statement (`RESERVE_THROTTLE_SLOT`), which on
                // PostgreSQL locks the window's row even when it refuses: the full window read
                // next in the same transaction is the one that refused.
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let mut taken = Vec::with_capacity(limits.len());
                for (index, (key, limit)) in limits.iter().enumerate() {
                    let row: Option<(i64, i64)> = sqlx::query_as(crate::queries::RESERVE_THROTTLE_SLOT)
                        .bind(*key)
                        .bind(ts(now))
                        .bind(ts(now - limit.window))
                        .bind(i64::from(limit.max_failures))
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    if let Some(row) = row {
                        taken.push(rows::throttle(row)?);
                        continue;
                    }
                    let full: Option<(i64, i64)> = sqlx::query_as(crate::queries::THROTTLE_WINDOW)
                        .bind(*key)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    let full = full.ok_or_else(|| StoreError::Corrupt(format!("the full window of {key} is gone")))?;
                    return roll_back(tx, Err((index, rows::throttle(full)?))).await;
                }
                tx.commit().await.map_err(backend_error)?;
                Ok(Ok(taken))
            }

            async fn throttle_release(&self, key: &str, window_started: OffsetDateTime) -> StoreResult<()> {
                if let Some(hot) = self.hot_paths() {
                    return hot.throttle_release(key, window_started).await;
                }
                sqlx::query(crate::queries::RELEASE_THROTTLE_SLOT)
                    .bind(key)
                    .bind(ts(window_started))
                    .execute(&self.writer)
                    .await
                    .map_err(backend_error)?;
                Ok(())
            }

            async fn audit_throttle_refusal(
                &self,
                key: &str,
                now: OffsetDateTime,
                audited_before: OffsetDateTime,
                audit: &AuditEvent,
            ) -> StoreResult<bool> {
                let counter = ("throttles", "key", "(key, started_at, failures, refusal_audited_at) VALUES ($2, $1, 0, $1)");
                audit_refusal_once(self, counter, key, now, audited_before, audit).await
            }

            async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
                if let Some(hot) = self.hot_paths() {
                    return hot.throttle_clear(key).await;
                }
                sqlx::query(crate::queries::CLEAR_THROTTLE).bind(key).execute(&self.writer).await.map_err(backend_error)?;
                Ok(())
            }
        }

        #[async_trait]
        impl MfaStore for $store {
            async fn factors_of(&self, user: &UserId) -> StoreResult<Vec<Factor>> {
                if let Some(hot) = self.hot_paths() {
                    return hot.factors_of(user);
                }
                let found: Vec<rows::FactorRow> = sqlx::query_as(crate::queries::FACTORS_OF)
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                found.into_iter().map(rows::factor).collect()
            }

            async fn methods_of(&self, user: &UserId) -> StoreResult<(Vec<Factor>, usize)> {
                if let Some(hot) = self.hot_paths() {
                    return hot.methods_of(user);
                }
                let found: Vec<rows::MethodRow> = sqlx::query_as(crate::queries::METHODS_OF)
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                rows::methods(found)
            }

            async fn insert_pending_factor(&self, f: &Factor) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query("DELETE FROM mfa_factors WHERE user_id = $1 AND method = $2 AND confirmed_at IS NULL")
                    .bind(f.user_id.as_str())
                    .bind(f.method.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                insert_factor(&mut *tx, f).await?;
                tx.commit().await.map_err(backend_error)
            }

            async fn complete_second_factor(&self, c: &SecondFactorCompletion) -> StoreResult<CompletionOutcome> {
                if let Some(hot) = self.hot_paths() {
                    return hot.complete_second_factor(c).await;
                }
                if let Some(done) = self.complete_verification_in_one_call(c).await {
                    return done;
                }
                let now = ts(c.now);
                let user = c.user_id.as_str();
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                // The user's row first, as every per-user write that also touches factors,
                // sessions or the throttle does (an MFA reset, a password reset, removing a
                // method; see `lock_user_row`).
                lock_user_row(&mut *tx, user).await?;
                let won = match &c.proof {
                    SecondFactorProof::ConfirmTotp { factor_id, step, created_after } => {
                        // A new authenticator replaces the old one (one confirmed factor per method).
                        sqlx::query(crate::queries::DELETE_OTHER_TOTP)
                            .bind(user)
                            .bind(factor_id.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(backend_error)?;
                        sqlx::query(
                            crate::queries::CONFIRM_TOTP,
                        )
                        .bind(now)
                        .bind(*step)
                        .bind(factor_id.as_str())
                        .bind(user)
                        .bind(ts(*created_after))
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?
                        .rows_affected()
                            == 1
                    }
                    SecondFactorProof::VerifyTotp { factor_id, step } => {
                        sqlx::query(
                            crate::queries::CLAIM_TOTP_STEP,
                        )
                        .bind(*step)
                        .bind(now)
                        .bind(factor_id.as_str())
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?
                        .rows_affected()
                            == 1
                    }
                    SecondFactorProof::ConfirmSms { challenge_id, factor } => {
                        let won = claim_challenge(&mut *tx, challenge_id, user, now).await?;
                        if won {
                            sqlx::query(crate::queries::DELETE_SMS_FACTORS)
                                .bind(user)
                                .execute(&mut *tx)
                                .await
                                .map_err(backend_error)?;
                            insert_factor(&mut *tx, factor).await?;
                        }
                        won
                    }
                    SecondFactorProof::VerifySms { challenge_id } => {
                        let won = claim_challenge(&mut *tx, challenge_id, user, now).await?;
                        if won {
                            sqlx::query(crate::queries::SMS_FACTOR_USED)
                                .bind(now)
                                .bind(user)
                                .execute(&mut *tx)
                                .await
                                .map_err(backend_error)?;
                        }
                        won
                    }
                    SecondFactorProof::UseRecoveryCode { code_id } => {
                        sqlx::query(crate::queries::CLAIM_RECOVERY_CODE)
                            .bind(now)
                            .bind(code_id.as_str())
                            .bind(user)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend_error)?
                            .rows_affected()
                            == 1
                    }
                    SecondFactorProof::RegisterPasskey { ceremony, ceremony_expires_at, passkey } => {
                        let won = claim_ceremony(&mut *tx, ceremony, *ceremony_expires_at).await?;
                        if won {
                            insert_passkey(&mut *tx, passkey).await?;
                        }
                        won
                    }
                    SecondFactorProof::VerifyPasskey { ceremony, ceremony_expires_at, used } => {
                        claim_ceremony(&mut *tx, ceremony, *ceremony_expires_at).await?
                            && passkey_used(&mut *tx, used, user, now).await?
                    }
                };
                if !won {
                    return roll_back(tx, CompletionOutcome::ProofTaken).await;
                }
                // The pause and the lock are checked again here, under the row's lock: a right
                // code still in flight when the account was paused or locked does not win. The
                // wrong-code count is cleared in the same statement.
                let open = sqlx::query(
                    crate::queries::OPEN_THROTTLE_AT_COMPLETION,
                )
                .bind(user)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected()
                    == 1;
                if !open {
                    let throttled: Option<i64> = sqlx::query_scalar(crate::queries::THROTTLE_ROW_EXISTS)
                        .bind(user)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    if throttled.is_some() {
                        return roll_back(tx, CompletionOutcome::Throttled).await;
                    }
                }
                // A sign-out, "end sessions", MFA reset or password reset that deleted the
                // session first ends this sign-in: nothing is revived.
                if !rotate_session(&mut tx, &c.old_session, &c.new_session).await? {
                    return roll_back(tx, CompletionOutcome::SessionEnded).await;
                }
                sqlx::query(crate::queries::USER_AFTER_SECOND_FACTOR)
                    .bind(c.method.map(portal_core::mfa::Method::as_str))
                    .bind(user)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                commit_audited(tx, &c.audit).await?;
                Ok(CompletionOutcome::Completed)
            }

            async fn second_factor_throttle(&self, user: &UserId) -> StoreResult<SecondFactorThrottle> {
                let row = second_factor_throttle_row(&self.pool, user).await?;
                rows::second_factor_throttle(row)
            }

            async fn audit_throttled_refusal(
                &self,
                user: &UserId,
                now: OffsetDateTime,
                audited_before: OffsetDateTime,
                audit: &AuditEvent,
            ) -> StoreResult<bool> {
                let counter =
                    ("mfa_throttles", "user_id", "(user_id, failures, locked, refusal_audited_at) VALUES ($2, 0, 0, $1)");
                audit_refusal_once(self, counter, user.as_str(), now, audited_before, audit).await
            }

            async fn record_second_factor_failure(
                &self,
                user: &UserId,
                now: OffsetDateTime,
                schedule: fn(u32, OffsetDateTime) -> SecondFactorThrottle,
                challenge_id: Option<&str>,
                audit: &AuditEvent,
            ) -> StoreResult<Result<SecondFactorThrottle, SecondFactorThrottle>> {
                if let Some(hot) = self.hot_paths() {
                    return hot.record_second_factor_failure(user, now, schedule, challenge_id, audit).await;
                }
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                lock_user_row(&mut *tx, user.as_str()).await?;
                let counted: Option<i64> = sqlx::query_scalar(crate::queries::COUNT_WRONG_CODE)
                    .bind(user.as_str())
                    .bind(ts(now))
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                let Some(failures) = counted else {
                    let row = second_factor_throttle_row(&mut *tx, user).await?;
                    return roll_back(tx, Err(rows::second_factor_throttle(row)?)).await;
                };
                let next = schedule(u32::try_from(failures).unwrap_or(u32::MAX), now);
                if next.paused_until.is_some() || next.locked {
                    sqlx::query(crate::queries::SET_PAUSE)
                        .bind(next.paused_until.map(ts))
                        .bind(i64::from(next.locked))
                        .bind(user.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                if let Some(id) = challenge_id {
                    sqlx::query(crate::queries::COUNT_WRONG_TRY)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                insert_audit(&mut *tx, audit).await?;
                let row = second_factor_throttle_row(&mut *tx, user).await?;
                tx.commit().await.map_err(backend_error)?;
                Ok(Ok(rows::second_factor_throttle(row)?))
            }

            async fn reserve_sms_send(
                &self,
                user: &UserId,
                phone_key: &str,
                ip: Option<&str>,
                now: OffsetDateTime,
                rule: portal_core::mfa::sms_code::SendRule,
            ) -> StoreResult<Result<i64, portal_core::mfa::sms_code::SendRefused>> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                if let Some(lock) = Self::SERIALIZE_SMS_SENDS {
                    sqlx::query(lock).execute(&mut *tx).await.map_err(backend_error)?;
                }
                let history = send_history(&mut *tx, user, phone_key, ip, now).await?;
                if let Err(refused) = rule(&history, now) {
                    return roll_back(tx, Err(refused)).await;
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sms_sends (user_id, phone_key, ip, sent_at) VALUES ($1, $2, $3, $4) RETURNING seq",
                )
                .bind(user.as_str())
                .bind(phone_key)
                .bind(ip)
                .bind(ts(now))
                .fetch_one(&mut *tx)
                .await
                .map_err(backend_error)?;
                tx.commit().await.map_err(backend_error)?;
                Ok(Ok(id))
            }

            async fn release_sms_send(&self, id: i64) -> StoreResult<()> {
                sqlx::query("DELETE FROM sms_sends WHERE seq = $1").bind(id).execute(&self.writer).await.map_err(backend_error)?;
                Ok(())
            }

            async fn insert_sms_challenge(&self, c: &SmsChallenge, expires_at: OffsetDateTime) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query("UPDATE sms_challenges SET voided = 1 WHERE session_id = $1 AND purpose = $2 AND used_at IS NULL AND voided = 0")
                    .bind(c.session_id.as_str())
                    .bind(c.purpose.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                let sql = format!("INSERT INTO sms_challenges ({}, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", rows::CHALLENGE_COLUMNS);
                sqlx::query(&sql)
                    .bind(c.id.as_str())
                    .bind(c.user_id.as_str())
                    .bind(c.session_id.as_str())
                    .bind(c.purpose.as_str())
                    .bind(c.phone.as_str())
                    .bind(c.code_hash.as_str())
                    .bind(ts(c.created_at))
                    .bind(i64::from(c.wrong_tries))
                    .bind(None::<i64>)
                    .bind(i64::from(c.voided))
                    .bind(ts(expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| conflict_or_backend(e, "challenge"))?;
                tx.commit().await.map_err(backend_error)
            }

            async fn latest_sms_challenge(&self, session: &SessionIdHash, purpose: ChallengePurpose) -> StoreResult<Option<SmsChallenge>> {
                let sql = format!(
                    "SELECT {} FROM sms_challenges WHERE session_id = $1 AND purpose = $2 ORDER BY voided ASC, created_at DESC LIMIT 1",
                    rows::CHALLENGE_COLUMNS
                );
                let row: Option<rows::ChallengeRow> = sqlx::query_as(&sql)
                    .bind(session.as_str())
                    .bind(purpose.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend_error)?;
                row.map(rows::challenge).transpose()
            }

            async fn delete_factor(&self, user: &UserId, method: portal_core::mfa::Method, keep_one: bool, audit: &AuditEvent) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                // A write to the user's row first: it takes the row lock (PostgreSQL) or the
                // database write lock (SQLite) before the "is another factor left?" check.
                lock_user_row(&mut *tx, user.as_str()).await?;
                let removed = sqlx::query(
                    "DELETE FROM mfa_factors WHERE user_id = $1 AND method = $2 AND ($3 = 0 OR EXISTS \
                     (SELECT 1 FROM mfa_factors other WHERE other.user_id = $1 AND other.method <> $2 AND other.confirmed_at IS NOT NULL) \
                     OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = $1))",
                )
                .bind(user.as_str())
                .bind(method.as_str())
                .bind(i64::from(keep_one))
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected();
                if removed == 0 {
                    return roll_back(tx, false).await;
                }
                sqlx::query("UPDATE users SET mfa_preferred = NULL WHERE id = $1 AND mfa_preferred = $2")
                    .bind(user.as_str())
                    .bind(method.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                // A device remembered while the removed method was in use is trusted no more.
                forget_devices_of(&mut *tx, user.as_str()).await?;
                commit_audited(tx, audit).await?;
                Ok(true)
            }

            async fn passkeys_of(&self, user: &UserId) -> StoreResult<Vec<portal_core::mfa::passkey::StoredPasskey>> {
                let sql = format!("SELECT {} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id", rows::PASSKEY_COLUMNS);
                let found: Vec<rows::PasskeyRow> =
                    sqlx::query_as(&sql).bind(user.as_str()).fetch_all(&self.pool).await.map_err(backend_error)?;
                found.into_iter().map(rows::passkey).collect()
            }

            async fn passkey_by_cred_id(&self, cred_id: &str) -> StoreResult<Option<portal_core::mfa::passkey::StoredPasskey>> {
                let sql = format!("SELECT {} FROM passkeys WHERE cred_id = $1", rows::PASSKEY_COLUMNS);
                let found: Option<rows::PasskeyRow> =
                    sqlx::query_as(&sql).bind(cred_id).fetch_optional(&self.pool).await.map_err(backend_error)?;
                found.map(rows::passkey).transpose()
            }

            async fn rename_passkey(&self, user: &UserId, id: &str, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let done = sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
                    .bind(name)
                    .bind(id)
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                commit_audited_if_one(tx, done.rows_affected(), audit).await
            }

            async fn delete_passkey(&self, user: &UserId, id: &str, keep_one: bool, audit: &AuditEvent) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                lock_user_row(&mut *tx, user.as_str()).await?;
                let removed = sqlx::query(
                    "DELETE FROM passkeys WHERE id = $2 AND user_id = $1 AND ($3 = 0 \
                     OR EXISTS (SELECT 1 FROM passkeys other WHERE other.user_id = $1 AND other.id <> $2) \
                     OR EXISTS (SELECT 1 FROM mfa_factors f WHERE f.user_id = $1 AND f.confirmed_at IS NOT NULL))",
                )
                .bind(user.as_str())
                .bind(id)
                .bind(i64::from(keep_one))
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected();
                if removed == 0 {
                    return roll_back(tx, false).await;
                }
                // As for any removed method: a device remembered meanwhile is trusted no more.
                forget_devices_of(&mut *tx, user.as_str()).await?;
                commit_audited(tx, audit).await?;
                Ok(true)
            }

            async fn complete_passkey_login(
                &self,
                ceremony: &str,
                ceremony_expires_at: OffsetDateTime,
                used: &portal_core::mfa::factor::PasskeyUse,
                session: &Session,
                replaced: Option<&SessionIdHash>,
                now: OffsetDateTime,
                audit: &AuditEvent,
            ) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let user = session.user_id.as_str();
                lock_user_row(&mut *tx, user).await?;
                if !claim_ceremony(&mut *tx, ceremony, ceremony_expires_at).await?
                    || !passkey_used(&mut *tx, used, user, ts(now)).await?
                {
                    return roll_back(tx, false).await;
                }
                if let Some(old) = replaced {
                    sqlx::query(crate::queries::DELETE_SESSION)
                        .bind(old.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                insert_session(&mut *tx, session).await?;
                sqlx::query(crate::queries::USER_AFTER_SECOND_FACTOR)
                    .bind(portal_core::mfa::Method::Passkey.as_str())
                    .bind(user)
                    .bind(ts(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                commit_audited(tx, audit).await?;
                Ok(true)
            }

            async fn recovery_codes(&self, user: &UserId) -> StoreResult<Vec<portal_core::mfa::recovery::StoredRecoveryCode>> {
                let sql = format!(
                    "SELECT {} FROM mfa_recovery_codes WHERE user_id = $1 ORDER BY id",
                    rows::RECOVERY_CODE_COLUMNS
                );
                let found: Vec<rows::RecoveryCodeRow> =
                    sqlx::query_as(&sql).bind(user.as_str()).fetch_all(&self.pool).await.map_err(backend_error)?;
                found.into_iter().map(rows::recovery_code).collect()
            }

            async fn replace_recovery_codes(
                &self,
                user: &UserId,
                codes: &[portal_core::mfa::recovery::StoredRecoveryCode],
                audit: &AuditEvent,
            ) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query("DELETE FROM mfa_recovery_codes WHERE user_id = $1")
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                for code in codes {
                    sqlx::query("INSERT INTO mfa_recovery_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(code.id.as_str())
                        .bind(code.user_id.as_str())
                        .bind(code.code_hash.as_str())
                        .bind(ts(code.created_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or_backend(e, "recovery code"))?;
                }
                commit_audited(tx, audit).await
            }
        }

        #[async_trait]
        impl SupportStore for $store {
            async fn end_sessions(&self, user: &UserId, audit: &AuditEvent) -> StoreResult<u64> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let ended = delete_user_sessions(&mut *tx, user.as_str()).await?;
                let audit = audit.clone().detail("sessions_ended", ended);
                commit_audited(tx, &audit).await?;
                Ok(ended)
            }

            async fn policyholder_groups(&self) -> StoreResult<Vec<portal_core::overview::PolicyholderGroup>> {
                let sql = format!(
                    "SELECT u.created_at / {}, u.mfa_deadline, \
                       CAST(CASE WHEN EXISTS (SELECT 1 FROM mfa_factors f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) \
                         OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) THEN 1 ELSE 0 END AS BIGINT), \
                       CAST(COALESCE((SELECT t.locked FROM mfa_throttles t WHERE t.user_id = u.id), 0) AS BIGINT), \
                       CAST(COUNT(*) AS BIGINT) \
                     FROM users u WHERE u.role = 'policyholder' GROUP BY 1, 2, 3, 4",
                    rows::CREATION_BUCKET_SECONDS
                );
                let found: Vec<(i64, Option<String>, i64, i64, i64)> = sqlx::query_as(&sql)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
                found.into_iter().map(rows::policyholder_group).collect()
            }

            async fn mfa_overview(
                &self,
                filter: &portal_core::console::OverviewFilter,
            ) -> StoreResult<(Vec<portal_core::console::MfaOverview>, u64)> {
                // One grouped query: each user with flags for confirmed methods and the lock.
                fn push_where(q: &mut sqlx::QueryBuilder<'_, $db>, filter: &portal_core::console::OverviewFilter) {
                    q.push(" WHERE 1 = 1");
                    if let Some(role) = filter.role {
                        q.push(" AND u.role = ").push_bind(role.as_str());
                    }
                    if let Some(text) = filter.query.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                        let pattern = format!("%{escaped}%");
                        q.push(" AND (u.email LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\' OR LOWER(u.name) LIKE ")
                            .push_bind(pattern).push(" ESCAPE '\\')");
                    }
                }
                let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM users u");
                push_where(&mut count, filter);
                let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(backend_error)?;
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT u.id, u.email, u.name, u.role, u.created_at, u.mfa_deadline,                        CAST(COALESCE(MAX(CASE WHEN f.method = 'totp' THEN 1 ELSE 0 END), 0) AS BIGINT),                        CAST(COALESCE(MAX(CASE WHEN f.method = 'sms' THEN 1 ELSE 0 END), 0) AS BIGINT),                        CAST((SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS BIGINT),                        CAST(COALESCE(MAX(t.locked), 0) AS BIGINT), u.last_login_at, u.is_demo                      FROM users u                      LEFT JOIN mfa_factors f ON f.user_id = u.id AND f.confirmed_at IS NOT NULL                      LEFT JOIN mfa_throttles t ON t.user_id = u.id",
                );
                push_where(&mut q, filter);
                q.push(" GROUP BY u.id, u.email, u.name, u.role, u.created_at, u.mfa_deadline, u.last_login_at, u.is_demo ORDER BY u.email");
                q.push(" LIMIT ").push_bind(i64::from(filter.limit.max(1)));
                q.push(" OFFSET ").push_bind(i64::from(filter.offset));
                let found: Vec<rows::OverviewRow> = q.build_query_as().fetch_all(&self.pool).await.map_err(backend_error)?;
                let rows = found.into_iter().map(rows::overview).collect::<Result<Vec<_>, _>>()?;
                Ok((rows, u64::try_from(total).unwrap_or(0)))
            }

            async fn set_mfa_deadline(&self, user: &UserId, deadline: Option<time::Date>, audit: &AuditEvent) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query("UPDATE users SET mfa_deadline = $1, mfa_deadline_set_at = $2 WHERE id = $3")
                    .bind(deadline.map(rows::date_text))
                    .bind(deadline.map(|_| ts(audit.at)))
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                commit_audited(tx, audit).await
            }

            async fn reminder_candidates(&self, after: Option<&UserId>, limit: u32) -> StoreResult<Vec<portal_core::mfa::reminder::ReminderCandidate>> {
                let found: Vec<rows::ReminderCandidateRow> = sqlx::query_as(
                    "SELECT u.id, u.email, u.name, u.created_at, u.mfa_deadline, u.mfa_deadline_set_at, u.language FROM users u \
                     WHERE u.role = 'policyholder' AND u.id > $1 \
                       AND NOT EXISTS (SELECT 1 FROM mfa_factors f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) \
                       AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) \
                     ORDER BY u.id LIMIT $2",
                )
                .bind(after.map(UserId::as_str).unwrap_or(""))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(backend_error)?;
                found.into_iter().map(rows::reminder_candidate).collect()
            }

            async fn claim_reminder(&self, user: &UserId, kind: &str, deadline: time::Date, audit: &AuditEvent) -> StoreResult<bool> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                let claimed = sqlx::query(
                    "INSERT INTO mfa_reminders (user_id, kind, deadline, claimed_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, kind, deadline) DO NOTHING",
                )
                .bind(user.as_str())
                .bind(kind)
                .bind(rows::date_text(deadline))
                .bind(ts(audit.at))
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?
                .rows_affected()
                    == 1;
                if !claimed {
                    return Ok(false);
                }
                commit_audited(tx, audit).await?;
                Ok(true)
            }

            async fn reminder_claimed(&self, user: &UserId, kind: &str, deadline: time::Date) -> StoreResult<bool> {
                let found: Option<(i64,)> = sqlx::query_as(
                    "SELECT CAST(1 AS BIGINT) FROM mfa_reminders WHERE user_id = $1 AND kind = $2 AND deadline = $3",
                )
                .bind(user.as_str())
                .bind(kind)
                .bind(rows::date_text(deadline))
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_error)?;
                Ok(found.is_some())
            }

            async fn reset_mfa(&self, user: &UserId, deadline: time::Date, audit: &AuditEvent) -> StoreResult<u64> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query("UPDATE users SET mfa_deadline = $1, mfa_deadline_set_at = $2, mfa_preferred = NULL WHERE id = $3")
                    .bind(rows::date_text(deadline))
                    .bind(ts(audit.at))
                    .bind(user.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                for table in ["mfa_factors", "sms_challenges", "mfa_throttles", "mfa_recovery_codes", "remembered_devices", "passkeys"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                        .bind(user.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                }
                let ended = delete_user_sessions(&mut *tx, user.as_str()).await?;
                let audit = audit.clone().detail("sessions_ended", ended);
                commit_audited(tx, &audit).await?;
                Ok(ended)
            }

            async fn unlock_second_factor(&self, user: &UserId, audit: &AuditEvent) -> StoreResult<()> {
                let mut tx = self.begin_write().await.map_err(backend_error)?;
                sqlx::query("DELETE FROM mfa_throttles WHERE user_id = $1").bind(user.as_str()).execute(&mut *tx).await.map_err(backend_error)?;
                commit_audited(tx, audit).await
            }
        }

        #[async_trait]
        impl AuditStore for $store {
            async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
                if let Some(hot) = self.hot_paths() {
                    return hot.append_audit(event).await;
                }
                insert_audit(&self.writer, event).await?;
                Ok(())
            }

            async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
                let mut q = sqlx::QueryBuilder::new(format!("SELECT {} FROM audit_log WHERE 1 = 1", rows::AUDIT_COLUMNS));
                if let Some(subject) = &filter.subject_id {
                    q.push(" AND subject_id = ").push_bind(subject.as_str().to_owned());
                }
                if let Some(actor) = &filter.actor {
                    q.push(" AND actor = ").push_bind(actor.clone());
                }
                if let Some(action) = &filter.action {
                    q.push(" AND action = ").push_bind(action.clone());
                }
                if let Some(outcome) = filter.outcome {
                    q.push(" AND outcome = ").push_bind(outcome.as_str());
                }
                if let Some(from) = filter.from {
                    q.push(" AND at >= ").push_bind(ts(from));
                }
                if let Some(until) = filter.until {
                    q.push(" AND at < ").push_bind(ts(until));
                }
                q.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(filter.limit.clamp(1, 10_000)));
                let found: Vec<rows::AuditRow> = q.build_query_as().fetch_all(&self.pool).await.map_err(backend_error)?;
                found.into_iter().map(rows::audit).collect()
            }
        }

        /// Takes the user's row lock (PostgreSQL) or the database write lock (SQLite) with a write
        /// that changes nothing. Every per-user write that also touches factors, sessions or the
        /// throttle takes it first: one lock order, so these never deadlock with one another.
        async fn lock_user_row<'e, E>(executor: E, user: &str) -> StoreResult<()>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            sqlx::query(crate::queries::LOCK_USER_ROW)
                .bind(user)
                .execute(executor)
                .await
                .map_err(backend_error)?;
            Ok(())
        }

        async fn claim_ceremony<'e, E>(executor: E, id: &str, expires_at: OffsetDateTime) -> StoreResult<bool>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let done = sqlx::query(crate::queries::CLAIM_CEREMONY)
                .bind(id)
                .bind(ts(expires_at))
                .execute(executor)
                .await
                .map_err(backend_error)?;
            Ok(done.rows_affected() == 1)
        }

        async fn insert_passkey<'e, E>(executor: E, p: &portal_core::mfa::passkey::StoredPasskey) -> StoreResult<()>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            sqlx::query(crate::queries::INSERT_PASSKEY)
                .bind(p.id.as_str())
                .bind(p.user_id.as_str())
                .bind(p.cred_id.as_str())
                .bind(p.name.as_str())
                .bind(p.credential.as_str())
                .bind(i64::from(p.counter))
                .bind(i64::from(p.backup_eligible))
                .bind(i64::from(p.backup_state))
                .bind(ts(p.created_at))
                .bind(p.last_used_at.map(ts))
                .execute(executor)
                .await
                .map_err(|e| conflict_or_backend(e, "passkey"))?;
            Ok(())
        }

        async fn passkey_used<'e, E>(executor: E, used: &portal_core::mfa::factor::PasskeyUse, user: &str, now: i64) -> StoreResult<bool>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let done = sqlx::query(crate::queries::PASSKEY_USED)
                .bind(used.credential.as_str())
                .bind(i64::from(used.counter))
                .bind(i64::from(used.backup_state))
                .bind(now)
                .bind(used.passkey_id.as_str())
                .bind(user)
                .execute(executor)
                .await
                .map_err(backend_error)?;
            Ok(done.rows_affected() == 1)
        }

        async fn forget_devices_of<'e, E>(executor: E, user: &str) -> StoreResult<u64>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let done = sqlx::query("DELETE FROM remembered_devices WHERE user_id = $1")
                .bind(user)
                .execute(executor)
                .await
                .map_err(backend_error)?;
            Ok(done.rows_affected())
        }

        async fn delete_user_sessions<'e, E>(executor: E, user: &str) -> StoreResult<u64>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user)
                .execute(executor)
                .await
                .map_err(backend_error)?;
            Ok(done.rows_affected())
        }

        async fn second_factor_throttle_row<'e, E>(
            executor: E,
            user: &UserId,
        ) -> StoreResult<Option<rows::SecondFactorThrottleRow>>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            sqlx::query_as(crate::queries::SECOND_FACTOR_THROTTLE).bind(user.as_str()).fetch_optional(executor).await.map_err(backend_error)
        }

        /// Marks the refusal audited in the throttle row where `key_column = key` of `table`, at
        /// most once per window, with its audit row: `false` when another request already has.
        async fn audit_refusal_once(
            store: &$store,
            (table, key_column, new_row): (&str, &str, &str),
            key: &str,
            now: OffsetDateTime,
            audited_before: OffsetDateTime,
            audit: &AuditEvent,
        ) -> StoreResult<bool> {
            let mut tx = store.begin_write().await.map_err(backend_error)?;
            // `counter` is the table, its key column, and the row a refusal under a key with no row
            // yet starts (columns and values; `$1` is now, `$2` the key), with no failures: a key
            // only refusals use, such as a user's refused texts, is audited too.
            let sql = format!(
                "INSERT INTO {table} {new_row} \
                 ON CONFLICT ({key_column}) DO UPDATE SET refusal_audited_at = $1 \
                 WHERE {table}.refusal_audited_at IS NULL OR {table}.refusal_audited_at <= $3"
            );
            let done = sqlx::query(&sql)
                .bind(ts(now))
                .bind(key)
                .bind(ts(audited_before))
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            commit_audited_if_one(tx, done.rows_affected(), audit).await
        }

        async fn insert_factor<'e, E>(executor: E, f: &Factor) -> StoreResult<()>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            sqlx::query(crate::queries::INSERT_FACTOR)
                .bind(f.id.as_str())
                .bind(f.user_id.as_str())
                .bind(f.method.as_str())
                .bind(f.secret_enc.as_deref())
                .bind(f.phone.as_ref().map(|p| p.as_str()))
                .bind(ts(f.created_at))
                .bind(f.confirmed_at.map(ts))
                .bind(f.last_step)
                .bind(f.last_used_at.map(ts))
                .execute(executor)
                .await
                .map_err(|e| conflict_or_backend(e, "factor"))?;
            Ok(())
        }

        /// Marks a live challenge used; only one caller can win.
        async fn claim_challenge<'e, E>(executor: E, id: &str, user: &str, now: i64) -> StoreResult<bool>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let done = sqlx::query(
                crate::queries::CLAIM_CHALLENGE,
            )
            .bind(now)
            .bind(id)
            .bind(user)
            .bind(i64::from(MAX_WRONG_TRIES))
            .execute(executor)
            .await
            .map_err(backend_error)?;
            Ok(done.rows_affected() == 1)
        }

        /// Sends still counted by the limits, read inside the reservation's transaction.
        async fn send_history<'e, E>(executor: E, user: &UserId, phone_key: &str, ip: Option<&str>, now: OffsetDateTime) -> StoreResult<SendHistory>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            let hour_ago = ts(now - time::Duration::hours(1));
            let day_ago = ts(now - time::Duration::days(1));
            type Window = (i64, Option<i64>);
            let (last, per_number, per_user, per_ip): (Option<i64>, Window, Window, Window) = {
                let row: (Option<i64>, i64, Option<i64>, i64, Option<i64>, i64, Option<i64>) = sqlx::query_as(
                    "SELECT \
                       (SELECT MAX(sent_at) FROM sms_sends WHERE phone_key = $1), \
                       (SELECT COUNT(*) FROM sms_sends WHERE phone_key = $1 AND sent_at > $2), \
                       (SELECT MIN(sent_at) FROM sms_sends WHERE phone_key = $1 AND sent_at > $2), \
                       (SELECT COUNT(*) FROM sms_sends WHERE user_id = $3 AND sent_at > $4), \
                       (SELECT MIN(sent_at) FROM sms_sends WHERE user_id = $3 AND sent_at > $4), \
                       (SELECT COUNT(*) FROM sms_sends WHERE ip = $5 AND sent_at > $2), \
                       (SELECT MIN(sent_at) FROM sms_sends WHERE ip = $5 AND sent_at > $2)",
                )
                .bind(phone_key)
                .bind(hour_ago)
                .bind(user.as_str())
                .bind(day_ago)
                .bind(ip.unwrap_or(""))
                .fetch_one(executor)
                .await
                .map_err(backend_error)?;
                (row.0, (row.1, row.2), (row.3, row.4), (row.5, row.6))
            };
            let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
            let at = |t: Option<i64>| t.map(rows::from_ts).transpose();
            Ok(SendHistory {
                last_to_number: at(last)?,
                to_number_last_hour: count(per_number.0),
                oldest_to_number_last_hour: at(per_number.1)?,
                by_user_last_day: count(per_user.0),
                oldest_by_user_last_day: at(per_user.1)?,
                from_ip_last_hour: if ip.is_some() { count(per_ip.0) } else { 0 },
                oldest_from_ip_last_hour: if ip.is_some() { at(per_ip.1)? } else { None },
            })
        }
    };
}

pub(crate) use sql_store;
