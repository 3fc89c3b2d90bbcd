//! What the two SQL impls (`Store` in `shared.rs`, `ClaimStore` in `claims.rs`) share, so each
//! helper has one home: the mapping of sqlx errors, ending a transaction, and `statements!`, the
//! statements both impls run (the audit insert, a session's insert and rotation).
//!
//! The statements are a macro for the reason `shared.rs` gives: a function generic over the
//! database would need a trait bound for every type it binds. Each adapter expands it once,
//! beside `sql_store!` and `claim_store!`, which call into the module it defines.

use portal_core::store::{StoreError, StoreResult};

pub(crate) fn backend_error(e: sqlx::Error) -> StoreError {
    StoreError::Backend(Box::new(e))
}

/// A unique violation is a conflict on `what` (an email taken, a token drawn twice); anything
/// else is the backend's failure.
pub(crate) fn conflict_or_backend(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => backend_error(e),
    }
}

/// Ends a write transaction that found nothing to change; `outcome` is what the caller reports.
pub(crate) async fn roll_back<DB: sqlx::Database, T>(tx: sqlx::Transaction<'_, DB>, outcome: T) -> StoreResult<T> {
    tx.rollback().await.map_err(backend_error)?;
    Ok(outcome)
}

/// Defines `mod statements` for the backend `$db` in the adapter that expands it.
macro_rules! statements {
    ($db:ty) => {
        mod statements {
            use portal_core::audit::AuditEvent;
            use portal_core::session::{Session, SessionIdHash};
            use portal_core::store::StoreResult;
            use portal_core::user::UserId;

            use crate::rows::ts;
            use crate::sql::{backend_error, conflict_or_backend, roll_back};

            /// The audit row written in the same transaction as the change it records.
            pub(super) async fn insert_audit<'e, E>(executor: E, e: &AuditEvent) -> StoreResult<()>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                bind_audit(sqlx::query(crate::queries::INSERT_AUDIT), e)
                    .execute(executor)
                    .await
                    .map_err(backend_error)?;
                Ok(())
            }

            /// Writes the audit row and commits: a change and its record land together or not at all.
            pub(super) async fn commit_audited(
                mut tx: sqlx::Transaction<'static, $db>,
                event: &AuditEvent,
            ) -> StoreResult<()> {
                insert_audit(&mut *tx, event).await?;
                tx.commit().await.map_err(backend_error)
            }

            /// `commit_audited` when the change touched exactly the one row it aimed at, `true`;
            /// otherwise (the row is gone or changed meanwhile) a rollback, `false`.
            pub(super) async fn commit_audited_if_one(
                tx: sqlx::Transaction<'static, $db>,
                rows_affected: u64,
                event: &AuditEvent,
            ) -> StoreResult<bool> {
                if rows_affected != 1 {
                    return roll_back(tx, false).await;
                }
                commit_audited(tx, event).await?;
                Ok(true)
            }

            pub(super) async fn insert_session<'e, E>(executor: E, s: &Session) -> StoreResult<()>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                bind_session(sqlx::query(crate::queries::INSERT_SESSION), s)
                    .execute(executor)
                    .await
                    .map_err(|e| conflict_or_backend(e, "session"))?;
                Ok(())
            }

            /// A statement of this backend, for helpers that bind a group of columns.
            pub(super) type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

            /// Binds the next nine parameters to an audit row's columns, in `INSERT_AUDIT` order.
            pub(super) fn bind_audit<'q>(q: Query<'q>, e: &'q AuditEvent) -> Query<'q> {
                q.bind(ts(e.at))
                    .bind(e.actor.as_deref())
                    .bind(e.subject_id.as_ref().map(UserId::as_str))
                    .bind(e.subject.as_deref())
                    .bind(e.action.as_str())
                    .bind(e.outcome.as_str())
                    .bind(e.ip.as_deref())
                    .bind(e.user_agent.as_deref())
                    .bind(e.details.to_string())
            }

            /// Binds the next nine parameters to the session's columns, in `rows::SESSION_COLUMNS`
            /// order.
            pub(super) fn bind_session<'q>(q: Query<'q>, s: &'q Session) -> Query<'q> {
                q.bind(s.id.as_str())
                    .bind(s.user_id.as_str())
                    .bind(s.auth_level.as_str())
                    .bind(s.csrf_token.as_str())
                    .bind(ts(s.created_at))
                    .bind(ts(s.last_seen_at))
                    .bind(s.mfa_verified_at.map(ts))
                    .bind(s.ip.as_deref())
                    .bind(s.user_agent.as_deref())
            }

            /// `queries::ROTATE_SESSION`: `false` when the old row is gone (ended meanwhile); the
            /// caller decides whether that ends the sign-in.
            pub(super) async fn rotate_session(
                tx: &mut sqlx::Transaction<'static, $db>,
                old: &SessionIdHash,
                s: &Session,
            ) -> StoreResult<bool> {
                crate::rows::check_successor(old, s, &s.user_id)?;
                let rotate = sqlx::query(crate::queries::ROTATE_SESSION);
                let updated = bind_session(rotate, s)
                    .bind(old.as_str())
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| conflict_or_backend(e, "session"))?
                    .rows_affected();
                Ok(updated == 1)
            }
        }
    };
}

pub(crate) use statements;
