//! PostgreSQL: the shared database that lets several stateless instances serve one portal.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::{ConnectError, ConnectOptions};

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    /// The same pool: PostgreSQL runs writers in parallel under row locks, so there is nothing
    /// to gain from a separate writer. The field exists so the shared SQL names one place for
    /// writes on both backends.
    pub(crate) writer: PgPool,
    /// Session touches, written off the request path.
    pub(crate) touches: crate::touches::TouchQueue,
}

impl PostgresStore {
    pub async fn open(url: &str, options: &ConnectOptions) -> Result<Self, ConnectError> {
        let mut connect = PgConnectOptions::from_str(url).map_err(ConnectError::Open)?;
        if let Some(schema) = &options.postgres_schema {
            // Create the schema with a short-lived connection, then pin every pooled
            // connection's search_path to it.
            let setup = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(connect.clone())
                .await
                .map_err(ConnectError::Open)?;
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema.replace('"', "")))
                .execute(&setup)
                .await
                .map_err(ConnectError::Open)?;
            setup.close().await;
            connect = connect.options([("search_path", schema.as_str())]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            // No `SELECT 1` round trip before every checkout: a broken connection fails its
            // query and is dropped by the pool, and the next request gets a fresh one.
            .test_before_acquire(false)
            .connect_with(connect)
            .await
            .map_err(ConnectError::Open)?;
        sqlx::migrate!("migrations/postgres").run(&pool).await.map_err(ConnectError::Migrate)?;
        let touching = pool.clone();
        let touches = crate::touches::TouchQueue::start(move |batch: Vec<(String, i64)>| {
            let pool = touching.clone();
            async move {
                let (ids, ats): (Vec<String>, Vec<i64>) = batch.into_iter().unzip();
                // One statement for the whole batch (the latest note per session); a note never moves a
                // session back.
                sqlx::query(
                    "UPDATE sessions s SET last_seen_at = t.at \
                     FROM (SELECT id, MAX(at) AS at FROM UNNEST($1::text[], $2::bigint[]) AS n(id, at) GROUP BY id) t \
                     WHERE s.session_key = substr(t.id, 1, 16) AND s.secret_hash = substr(t.id, 18) \
                       AND s.last_seen_at < t.at",
                )
                .bind(ids)
                .bind(ats)
                .execute(&pool)
                .await
                .map(|_| ())
            }
        });
        Ok(Self { writer: pool.clone(), pool, touches })
    }

    /// What makes the SMS send reservations of concurrent transactions run one after another.
    /// The limits count rows of `sms_sends` per number, user and address; two transactions that
    /// both counted before either inserted would both pass. This lock conflicts with itself (and
    /// with the purge's deletes), not with readers, and is held for the few statements of one
    /// reservation: texts are sent a few times a second at most.
    pub(crate) const SERIALIZE_SMS_SENDS: Option<&'static str> =
        Some("LOCK TABLE sms_sends IN SHARE ROW EXCLUSIVE MODE");

    /// Starts a write transaction (plain `BEGIN`: row locks do the ordering).
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.writer.begin().await
    }

    /// PostgreSQL runs every path through sqlx (see `sqlite::hot` for why SQLite does not).
    pub(crate) fn hot_paths(&self) -> Option<&crate::sqlite::hot::HotPaths> {
        None
    }

    /// A returning user's second factor in one round trip (migration
    /// `0010_verification_in_one_call`); `None` for the confirmation of a new method, which is
    /// rare and keeps its transaction in `shared.rs`.
    pub(crate) async fn complete_verification_in_one_call(
        &self,
        c: &portal_core::mfa::factor::SecondFactorCompletion,
    ) -> Option<portal_core::store::StoreResult<portal_core::store::CompletionOutcome>> {
        use portal_core::mfa::factor::SecondFactorProof;
        use portal_core::mfa::sms_code::MAX_WRONG_TRIES;
        use portal_core::store::{CompletionOutcome, StoreError};

        use sqlx::Row as _;

        use crate::rows::ts;

        let (factor, step, challenge) = match &c.proof {
            SecondFactorProof::VerifyTotp { factor_id, step } => (Some(factor_id.as_str()), Some(*step), None),
            SecondFactorProof::VerifySms { challenge_id } => (None, None, Some(challenge_id.as_str())),
            SecondFactorProof::ConfirmTotp { .. }
            | SecondFactorProof::ConfirmSms { .. }
            | SecondFactorProof::UseRecoveryCode { .. }
            | SecondFactorProof::RegisterPasskey { .. }
            | SecondFactorProof::VerifyPasskey { .. } => return None,
        };
        if let Err(e) = crate::rows::check_successor(&c.old_session, &c.new_session, &c.user_id) {
            return Some(Err(e));
        }
        let call = sqlx::query(
            "SELECT portal_complete_verification($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)",
        )
        .bind(c.user_id.as_str())
        .bind(ts(c.now))
        .bind(c.method.map(portal_core::mfa::Method::as_str))
        .bind(factor)
        .bind(step)
        .bind(challenge)
        .bind(i64::from(MAX_WRONG_TRIES))
        .bind(c.old_session.as_str());
        // `$9`–`$17` the new session, `$18`–`$26` the audit row, bound as every other statement binds them.
        let call = statements::bind_audit(statements::bind_session(call, &c.new_session), &c.audit);
        let outcome = call.fetch_one(&self.writer).await.and_then(|row| row.try_get::<String, _>(0));
        Some(match outcome {
            Ok(o) => match o.as_str() {
                "completed" => Ok(CompletionOutcome::Completed),
                "proof_taken" => Ok(CompletionOutcome::ProofTaken),
                "throttled" => Ok(CompletionOutcome::Throttled),
                "session_ended" => Ok(CompletionOutcome::SessionEnded),
                other => Err(StoreError::Corrupt(format!("verification outcome {other:?}"))),
            },
            Err(e) => Err(crate::sql::conflict_or_backend(e, "session")),
        })
    }

    /// Drops a test schema and everything in it.
    pub async fn drop_schema(url: &str, schema: &str) -> Result<(), sqlx::Error> {
        let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", schema.replace('"', ""))).execute(&pool).await?;
        pool.close().await;
        Ok(())
    }
}

crate::sql::statements!(sqlx::Postgres);
crate::shared::sql_store!(PostgresStore, "postgres", sqlx::Postgres);
crate::claims::claim_store!(PostgresStore, sqlx::Postgres);
crate::devices::device_store!(PostgresStore, sqlx::Postgres);
