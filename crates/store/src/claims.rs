//! The inventory's queries (`ClaimStore`), written once for both backends like `shared.rs`; its
//! rows are read in `rows.rs`.
//!
//! Every write that must not land in a submitted inventory first moves the claim row's
//! `updated_at` with `status = 'draft'` in its WHERE clause: that takes the row lock
//! (PostgreSQL) or the write lock (SQLite) and is the compare-and-set against a racing submit.

macro_rules! claim_store {
    ($store:ident, $db:ty) => {
        mod claim_store_impl {
            use async_trait::async_trait;
            use portal_core::audit::AuditEvent;
            use portal_core::store::ClaimStore;
            use portal_core::inventory::{
                Attachment, AttachmentId, Claim, ClaimFilter, ClaimId, ClaimStatus, ClaimSummary, Item, ItemFields,
                ItemId, StatusChange,
            };
            use portal_core::store::StoreResult;
            use portal_core::user::User;
            use time::OffsetDateTime;

            use super::$store;
            use super::statements::{Query, commit_audited, commit_audited_if_one, insert_audit};
            use crate::rows::{self, ATTACHMENT_COLUMNS, CLAIM_SELECT, ITEM_COLUMNS, ts};
            use crate::sql::{backend_error, conflict_or_backend, roll_back};

            async fn history<'e, E>(executor: E, claim: &ClaimId, c: &StatusChange) -> StoreResult<()>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                sqlx::query(
                    "INSERT INTO claim_status_history (claim_id, at, from_status, to_status, actor, message) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(claim.as_str())
                .bind(ts(c.at))
                .bind(c.from.map(ClaimStatus::as_str))
                .bind(c.to.as_str())
                .bind(c.actor.as_str())
                .bind(c.message.as_str())
                .execute(executor)
                .await
                .map_err(backend_error)?;
                Ok(())
            }

            /// A write transaction past the compare-and-set on the claim row (see the module
            /// comment), or `None`, rolled back, when the claim is no longer a draft.
            async fn begin_on_draft(
                store: &$store,
                claim: &ClaimId,
                at: OffsetDateTime,
            ) -> StoreResult<Option<sqlx::Transaction<'static, $db>>> {
                let mut tx = store.begin_write().await.map_err(backend_error)?;
                let done = sqlx::query("UPDATE claims SET updated_at = $1 WHERE id = $2 AND status = 'draft'")
                    .bind(ts(at))
                    .bind(claim.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                if done.rows_affected() != 1 {
                    return roll_back(tx, None).await;
                }
                Ok(Some(tx))
            }

            /// Binds the item's fields in `ITEM_COLUMNS` order, `description` to `notes`.
            fn bind_item_fields<'q>(q: Query<'q>, f: &'q ItemFields) -> Query<'q> {
                q.bind(f.description.as_str())
                    .bind(f.brand.as_str())
                    .bind(f.model.as_str())
                    .bind(f.quantity)
                    .bind(f.age_years)
                    .bind(f.age_months)
                    .bind(f.condition.as_str())
                    .bind(f.replacement_cost_cents)
                    .bind(i64::from(f.business_use))
                    .bind(f.room.as_str())
                    .bind(f.category.as_str())
                    .bind(f.notes.as_str())
            }

            #[async_trait]
            impl ClaimStore for $store {
                async fn insert_claim(
                    &self,
                    c: &Claim,
                    new_user: Option<(&User, &AuditEvent)>,
                    actor: &str,
                    event: &AuditEvent,
                ) -> StoreResult<()> {
                    let mut tx = self.begin_write().await.map_err(backend_error)?;
                    if let Some((user, user_event)) = new_user {
                        sqlx::query(
                            "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(user.id.as_str())
                        .bind(user.email.as_str())
                        .bind(user.name.as_str())
                        .bind(user.role.as_str())
                        .bind(user.password_hash.0.as_str())
                        .bind(ts(user.created_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or_backend(e, "email"))?;
                        insert_audit(&mut *tx, user_event).await?;
                    }
                    sqlx::query(
                        "INSERT INTO claims (id, claim_number, loss_date, loss_address, status, policyholder_id, adjuster_id, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(c.id.as_str())
                    .bind(c.claim_number.as_str())
                    .bind(rows::date_text(c.loss_date))
                    .bind(c.loss_address.as_str())
                    .bind(c.status.as_str())
                    .bind(c.policyholder_id.as_str())
                    .bind(c.adjuster_id.as_str())
                    .bind(ts(c.created_at))
                    .bind(ts(c.updated_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| conflict_or_backend(e, "claim_number"))?;
                    let first = StatusChange {
                        at: c.created_at,
                        from: None,
                        to: c.status,
                        actor: actor.to_owned(),
                        message: String::new(),
                    };
                    history(&mut *tx, &c.id, &first).await?;
                    commit_audited(tx, event).await
                }

                async fn claim(&self, id: &ClaimId) -> StoreResult<Option<ClaimSummary>> {
                    let sql = format!("{CLAIM_SELECT} WHERE c.id = $1");
                    let row: Option<rows::ClaimRow> =
                        sqlx::query_as(&sql).bind(id.as_str()).fetch_optional(&self.pool).await.map_err(backend_error)?;
                    row.map(rows::claim).transpose()
                }

                async fn claims(&self, filter: &ClaimFilter) -> StoreResult<Vec<ClaimSummary>> {
                    let mut b = sqlx::QueryBuilder::<$db>::new(format!("{CLAIM_SELECT} WHERE 1 = 1"));
                    if let Some(p) = &filter.policyholder {
                        b.push(" AND c.policyholder_id = ").push_bind(p.as_str().to_owned());
                    }
                    if let Some(a) = &filter.adjuster {
                        b.push(" AND c.adjuster_id = ").push_bind(a.as_str().to_owned());
                    }
                    if let Some(s) = filter.status {
                        b.push(" AND c.status = ").push_bind(s.as_str());
                    }
                    b.push(" ORDER BY c.created_at DESC, c.claim_number");
                    let rows: Vec<rows::ClaimRow> = b.build_query_as().fetch_all(&self.pool).await.map_err(backend_error)?;
                    rows.into_iter().map(rows::claim).collect()
                }

                async fn items(&self, claim: &ClaimId) -> StoreResult<Vec<Item>> {
                    let sql = format!("SELECT {ITEM_COLUMNS} FROM claim_items WHERE claim_id = $1 ORDER BY seq_no");
                    let rows: Vec<rows::ItemRow> =
                        sqlx::query_as(&sql).bind(claim.as_str()).fetch_all(&self.pool).await.map_err(backend_error)?;
                    rows.into_iter().map(rows::item).collect()
                }

                async fn status_history(&self, claim: &ClaimId) -> StoreResult<Vec<StatusChange>> {
                    let rows: Vec<rows::HistoryRow> = sqlx::query_as(
                        "SELECT at, from_status, to_status, actor, message FROM claim_status_history \
                         WHERE claim_id = $1 ORDER BY seq",
                    )
                    .bind(claim.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend_error)?;
                    rows.into_iter().map(rows::history).collect()
                }

                async fn insert_items(
                    &self,
                    claim: &ClaimId,
                    items: &[(ItemId, ItemFields)],
                    at: OffsetDateTime,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let Some(mut tx) = begin_on_draft(self, claim, at).await? else {
                        return Ok(false);
                    };
                    let last: i64 =
                        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(seq_no), 0) AS BIGINT) FROM claim_items WHERE claim_id = $1")
                            .bind(claim.as_str())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(backend_error)?;
                    let sql = format!(
                        "INSERT INTO claim_items ({ITEM_COLUMNS}) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', $16, $16)"
                    );
                    for (n, (id, f)) in items.iter().enumerate() {
                        let numbered = sqlx::query(&sql)
                            .bind(id.as_str())
                            .bind(claim.as_str())
                            .bind(last + 1 + i64::try_from(n).unwrap_or(i64::MAX - last - 1));
                        bind_item_fields(numbered, f)
                            .bind(ts(at))
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| conflict_or_backend(e, "item"))?;
                    }
                    commit_audited(tx, event).await?;
                    Ok(true)
                }

                async fn update_item(
                    &self,
                    claim: &ClaimId,
                    item: &ItemId,
                    f: &ItemFields,
                    at: OffsetDateTime,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let Some(mut tx) = begin_on_draft(self, claim, at).await? else {
                        return Ok(false);
                    };
                    let update = sqlx::query(
                        "UPDATE claim_items SET description = $1, brand = $2, model = $3, quantity = $4, age_years = $5, \
                         age_months = $6, item_condition = $7, cost_cents = $8, business_use = $9, room = $10, \
                         category = $11, notes = $12, updated_at = $13 WHERE id = $14 AND claim_id = $15",
                    );
                    let done = bind_item_fields(update, f)
                        .bind(ts(at))
                        .bind(item.as_str())
                        .bind(claim.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    commit_audited_if_one(tx, done.rows_affected(), event).await
                }

                async fn delete_item(
                    &self,
                    claim: &ClaimId,
                    item: &ItemId,
                    at: OffsetDateTime,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let Some(mut tx) = begin_on_draft(self, claim, at).await? else {
                        return Ok(false);
                    };
                    let done = sqlx::query("DELETE FROM claim_items WHERE id = $1 AND claim_id = $2")
                        .bind(item.as_str())
                        .bind(claim.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    commit_audited_if_one(tx, done.rows_affected(), event).await
                }

                async fn set_item_comment(
                    &self,
                    claim: &ClaimId,
                    item: &ItemId,
                    comment: &str,
                    at: OffsetDateTime,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let mut tx = self.begin_write().await.map_err(backend_error)?;
                    let done = sqlx::query(
                        "UPDATE claim_items SET adjuster_comment = $1, updated_at = $2 WHERE id = $3 AND claim_id = $4",
                    )
                    .bind(comment)
                    .bind(ts(at))
                    .bind(item.as_str())
                    .bind(claim.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                    commit_audited_if_one(tx, done.rows_affected(), event).await
                }

                async fn change_status(
                    &self,
                    claim: &ClaimId,
                    from: &[ClaimStatus],
                    change: &StatusChange,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let mut tx = self.begin_write().await.map_err(backend_error)?;
                    let mut b = sqlx::QueryBuilder::<$db>::new("UPDATE claims SET status = ");
                    b.push_bind(change.to.as_str()).push(", updated_at = ").push_bind(ts(change.at));
                    b.push(" WHERE id = ").push_bind(claim.as_str().to_owned()).push(" AND status IN (");
                    let mut list = b.separated(", ");
                    for s in from {
                        list.push_bind(s.as_str());
                    }
                    b.push(")");
                    let done = b.build().execute(&mut *tx).await.map_err(backend_error)?;
                    if done.rows_affected() != 1 {
                        return roll_back(tx, false).await;
                    }
                    history(&mut *tx, claim, change).await?;
                    commit_audited(tx, event).await?;
                    Ok(true)
                }

                async fn attachments(&self, claim: &ClaimId) -> StoreResult<Vec<Attachment>> {
                    let sql =
                        format!("SELECT {ATTACHMENT_COLUMNS} FROM claim_attachments WHERE claim_id = $1 ORDER BY seq_no");
                    let rows: Vec<rows::AttachmentRow> =
                        sqlx::query_as(&sql).bind(claim.as_str()).fetch_all(&self.pool).await.map_err(backend_error)?;
                    rows.into_iter().map(rows::attachment).collect()
                }

                async fn attachment(&self, claim: &ClaimId, id: &AttachmentId) -> StoreResult<Option<Attachment>> {
                    let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM claim_attachments WHERE id = $1 AND claim_id = $2");
                    let row: Option<rows::AttachmentRow> = sqlx::query_as(&sql)
                        .bind(id.as_str())
                        .bind(claim.as_str())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend_error)?;
                    row.map(rows::attachment).transpose()
                }

                async fn existing_attachments(&self, ids: &[AttachmentId]) -> StoreResult<Vec<AttachmentId>> {
                    // Bounded batches keep every statement under SQLite's bind-variable limit.
                    let mut found = Vec::new();
                    for batch in ids.chunks(500) {
                        let mut b = sqlx::QueryBuilder::<$db>::new("SELECT id FROM claim_attachments WHERE id IN (");
                        let mut list = b.separated(", ");
                        for id in batch {
                            list.push_bind(id.as_str());
                        }
                        b.push(")");
                        let rows: Vec<(String,)> = b.build_query_as().fetch_all(&self.pool).await.map_err(backend_error)?;
                        found.extend(rows.into_iter().map(|(id,)| AttachmentId::from_stored(id)));
                    }
                    Ok(found)
                }

                async fn insert_attachment(
                    &self,
                    a: &Attachment,
                    max_per_item: usize,
                    max_claim_bytes: i64,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let Some(mut tx) = begin_on_draft(self, &a.claim_id, a.created_at).await? else {
                        return Ok(false);
                    };
                    // The claim row is locked now, so these counts cannot race another upload.
                    let (items, attached, claim_bytes): (i64, i64, i64) = sqlx::query_as(
                        "SELECT (SELECT COUNT(*) FROM claim_items WHERE id = $1 AND claim_id = $2), \
                         (SELECT COUNT(*) FROM claim_attachments WHERE item_id = $1), \
                         (SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM claim_attachments WHERE claim_id = $2)",
                    )
                    .bind(a.item_id.as_str())
                    .bind(a.claim_id.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend_error)?;
                    if items != 1
                        || usize::try_from(attached).unwrap_or(usize::MAX) >= max_per_item
                        || claim_bytes.saturating_add(a.size_bytes) > max_claim_bytes
                    {
                        return roll_back(tx, false).await;
                    }
                    let sql = format!(
                        "INSERT INTO claim_attachments ({ATTACHMENT_COLUMNS}, seq_no) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                          (SELECT COALESCE(MAX(seq_no), 0) + 1 FROM claim_attachments WHERE claim_id = $2))"
                    );
                    sqlx::query(&sql)
                        .bind(a.id.as_str())
                        .bind(a.claim_id.as_str())
                        .bind(a.item_id.as_str())
                        .bind(a.kind.as_str())
                        .bind(a.file_name.as_str())
                        .bind(a.size_bytes)
                        .bind(a.sha256.as_str())
                        .bind(i64::from(a.has_thumbnail))
                        .bind(a.uploaded_by.as_str())
                        .bind(ts(a.created_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or_backend(e, "attachment"))?;
                    commit_audited(tx, event).await?;
                    Ok(true)
                }

                async fn delete_attachment(
                    &self,
                    claim: &ClaimId,
                    attachment: &AttachmentId,
                    at: OffsetDateTime,
                    event: &AuditEvent,
                ) -> StoreResult<bool> {
                    let Some(mut tx) = begin_on_draft(self, claim, at).await? else {
                        return Ok(false);
                    };
                    let done = sqlx::query("DELETE FROM claim_attachments WHERE id = $1 AND claim_id = $2")
                        .bind(attachment.as_str())
                        .bind(claim.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend_error)?;
                    commit_audited_if_one(tx, done.rows_affected(), event).await
                }
            }
        }
    };
}

pub(crate) use claim_store;
