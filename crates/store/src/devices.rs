//! Remembered devices (`DeviceStore`), written once for both backends like `shared.rs`.

macro_rules! device_store {
    ($store:ident, $db:ty) => {
        mod device_store_impl {
            use async_trait::async_trait;
            use portal_core::audit::AuditEvent;
            use portal_core::device::RememberedDevice;
            use portal_core::store::{DeviceStore, StoreResult};
            use portal_core::user::UserId;
            use time::OffsetDateTime;

            use super::$store;
            use super::statements::commit_audited;
            use crate::rows::{self, DEVICE_COLUMNS, ts};
            use crate::sql::{backend_error, conflict_or_backend};

            #[async_trait]
            impl DeviceStore for $store {
                async fn remember_device(&self, d: &RememberedDevice, audit: &AuditEvent) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(backend_error)?;
                    sqlx::query(
                        "INSERT INTO remembered_devices (id, user_id, token_hash, user_agent, created_at, last_used_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(d.id.as_str())
                    .bind(d.user_id.as_str())
                    .bind(d.token_hash.as_str())
                    .bind(d.user_agent.as_deref())
                    .bind(ts(d.created_at))
                    .bind(ts(d.last_used_at))
                    .bind(ts(d.expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| conflict_or_backend(e, "device"))?;
                    commit_audited(tx, audit).await
                }

                async fn remembered_device(&self, token_hash: &str) -> StoreResult<Option<RememberedDevice>> {
                    let sql = format!("SELECT {DEVICE_COLUMNS} FROM remembered_devices WHERE token_hash = $1");
                    let row: Option<rows::DeviceRow> =
                        sqlx::query_as(&sql).bind(token_hash).fetch_optional(&self.pool).await.map_err(backend_error)?;
                    row.map(rows::device).transpose()
                }

                async fn devices_of(&self, user: &UserId) -> StoreResult<Vec<RememberedDevice>> {
                    let sql = format!(
                        "SELECT {DEVICE_COLUMNS} FROM remembered_devices WHERE user_id = $1 ORDER BY created_at DESC, id"
                    );
                    let found: Vec<rows::DeviceRow> =
                        sqlx::query_as(&sql).bind(user.as_str()).fetch_all(&self.pool).await.map_err(backend_error)?;
                    found.into_iter().map(rows::device).collect()
                }

                async fn device_used(&self, id: &str, at: OffsetDateTime) -> StoreResult<()> {
                    sqlx::query("UPDATE remembered_devices SET last_used_at = $1 WHERE id = $2")
                        .bind(ts(at))
                        .bind(id)
                        .execute(&self.writer)
                        .await
                        .map_err(backend_error)?;
                    Ok(())
                }

                async fn forget_devices(&self, user: &UserId, only: Option<&str>, audit: &AuditEvent) -> StoreResult<u64> {
                    let mut tx = self.begin_write().await.map_err(backend_error)?;
                    let done = sqlx::query("DELETE FROM remembered_devices WHERE user_id = $1 AND ($2 IS NULL OR id = $2)")
                        .bind(user.as_str())
                        .bind(only)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    let forgotten = done.rows_affected();
                    if forgotten == 0 {
                        crate::sql::roll_back(tx, ()).await?;
                        return Ok(0);
                    }
                    commit_audited(tx, &audit.clone().detail("forgotten", forgotten)).await?;
                    Ok(forgotten)
                }
            }
        }
    };
}

pub(crate) use device_store;
