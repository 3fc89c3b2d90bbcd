//! The claims API, on the same `Portal` inventory use-cases
//! as the claim pages. A claim that is not the caller's is 404, exactly like one that does not
//! exist; one they may see but not change is 403; a submitted inventory is 409 `claim_locked`.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use portal_core::inventory::csv::ImportError;
use portal_core::inventory::money::format_money;
use portal_core::inventory::service::date_text;
use portal_core::inventory::{
    Access, ClaimId, ClaimStatus, ClaimSummary, ClaimView, InventoryError, Item, ItemDraft, ItemFields, NewClaim,
    Totals,
};
use portal_core::user::UserId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::attachments::{AttachmentJson, attachment_json};
use super::ids::{claim_id, item_id};
use crate::downloads::csv_response;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::MAX_BODY_BYTES;
use crate::extract::{ApiJson, ApiQuery, ApiUser, Client};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/claims", &["GET", "POST"], get(list).post(create)),
        ("/claims/{id}", &["GET"], get(show)),
        ("/claims/{id}/items", &["POST"], post(add_item)),
        ("/claims/{id}/items/{item_id}", &["PATCH", "DELETE"], patch(edit_item).delete(delete_item)),
        ("/claims/{id}/items/{item_id}/comment", &["POST"], post(comment_item)),
        ("/claims/{id}/export.csv", &["GET"], get(export)),
        ("/claims/{id}/import.csv", &["POST"], post(import)),
        ("/claims/{id}/reopen", &["POST"], post(reopen)),
        ("/claims/{id}/{action}", &["POST"], post(change_status)),
    ]
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// An item with its line total.
#[derive(Serialize, ToSchema)]
#[schema(as = ClaimItem)]
pub(crate) struct ItemJson {
    #[serde(flatten)]
    item: Item,
    /// Quantity × replacement cost.
    total_cents: i64,
    /// `total_cents` as money text.
    total: String,
}

pub(crate) fn item_json(item: &Item) -> ItemJson {
    ItemJson {
        item: item.clone(),
        total_cents: item.fields.total_cents(),
        total: format_money(item.fields.total_cents()),
    }
}

/// A claim in a list.
#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimListEntry {
    id: ClaimId,
    claim_number: String,
    status: ClaimStatus,
    total_cents: i64,
    item_count: i64,
    /// `YYYY-MM-DD`.
    loss_date: String,
    policyholder_name: String,
    adjuster_name: String,
}

fn summary_json(s: &ClaimSummary) -> ClaimListEntry {
    ClaimListEntry {
        id: s.claim.id.clone(),
        claim_number: s.claim.claim_number.clone(),
        status: s.claim.status,
        total_cents: s.total_cents,
        item_count: s.item_count,
        loss_date: date_text(s.claim.loss_date),
        policyholder_name: s.policyholder_name.clone(),
        adjuster_name: s.adjuster_name.clone(),
    }
}

fn access_str(a: Access) -> &'static str {
    match a {
        Access::Policyholder => "policyholder",
        Access::Adjuster => "adjuster",
        Access::Staff => "staff",
    }
}

/// A claim in full, as the caller may see it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimDetail {
    id: ClaimId,
    claim_number: String,
    /// `YYYY-MM-DD`.
    loss_date: String,
    loss_address: String,
    status: ClaimStatus,
    policyholder: ClaimPolicyholder,
    adjuster: ClaimAdjuster,
    #[schema(format = DateTime)]
    created_at: String,
    /// `policyholder`, `adjuster` or `staff`.
    your_access: &'static str,
    /// Whether the caller may change the items now.
    editable: bool,
    items: Vec<ItemWithAttachments>,
    totals: Totals,
    history: Vec<StatusChangeJson>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimPolicyholder {
    id: UserId,
    name: String,
    email: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimAdjuster {
    id: UserId,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ItemWithAttachments {
    #[serde(flatten)]
    item: ItemJson,
    attachments: Vec<AttachmentJson>,
}

/// One step of the claim's history.
#[derive(Serialize, ToSchema)]
#[schema(as = StatusChange)]
pub(crate) struct StatusChangeJson {
    #[schema(format = DateTime)]
    at: String,
    from: Option<ClaimStatus>,
    to: ClaimStatus,
    /// The email of whoever made the change.
    actor: String,
    /// The adjuster's message when reopening; empty otherwise.
    message: String,
}

fn view_json(v: &ClaimView) -> ClaimDetail {
    let s = &v.summary;
    let by_item = v.attachments_by_item();
    ClaimDetail {
        id: s.claim.id.clone(),
        claim_number: s.claim.claim_number.clone(),
        loss_date: date_text(s.claim.loss_date),
        loss_address: s.claim.loss_address.clone(),
        status: s.claim.status,
        policyholder: ClaimPolicyholder {
            id: s.claim.policyholder_id.clone(),
            name: s.policyholder_name.clone(),
            email: s.policyholder_email.clone(),
        },
        adjuster: ClaimAdjuster { id: s.claim.adjuster_id.clone(), name: s.adjuster_name.clone() },
        created_at: rfc3339(s.claim.created_at),
        your_access: access_str(v.access),
        editable: v.editable(),
        items: v
            .items
            .iter()
            .map(|i| ItemWithAttachments {
                item: item_json(i),
                attachments: by_item.get(&i.id).into_iter().flatten().map(|a| attachment_json(a)).collect(),
            })
            .collect(),
        totals: v.totals.clone(),
        history: v
            .history
            .iter()
            .map(|h| StatusChangeJson {
                at: rfc3339(h.at),
                from: h.from,
                to: h.to,
                actor: h.actor.clone(),
                message: h.message.clone(),
            })
            .collect(),
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only claims in this status: `draft`, `submitted`, `in_review` or `closed`.
    status: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimList {
    claims: Vec<ClaimListEntry>,
    /// Claims per status, and `total`, before the status filter.
    counts: BTreeMap<String, usize>,
}

/// The caller's claims: a policyholder's own, an adjuster's assigned, all for staff.
#[utoipa::path(
    get,
    path = "/api/v1/claims",
    tag = "claims",
    params(ListQuery),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The claims", body = ClaimList),
        (status = 400, description = "A query parameter is malformed (`invalid_query`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 422, description = "Unknown `status`", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn list(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ClaimList>, ApiError> {
    let status = match q.status.as_str() {
        "" => None,
        other => Some(
            ClaimStatus::parse(other).ok_or_else(|| ApiError::field_said("status", "api-claim-status-invalid", &[]))?,
        ),
    };
    let all = state.portal.claims_for(&s.user, None).await?;
    let mut counts = BTreeMap::new();
    for st in ClaimStatus::ALL {
        counts.insert(st.as_str().to_owned(), all.iter().filter(|c| c.claim.status == st).count());
    }
    counts.insert("total".to_owned(), all.len());
    let claims = all.iter().filter(|c| status.is_none_or(|st| c.claim.status == st)).map(summary_json).collect();
    Ok(Json(ClaimList { claims, counts }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBody {
    claim_number: String,
    /// `YYYY-MM-DD`.
    loss_date: String,
    #[serde(default)]
    loss_address: String,
    policyholder_email: String,
    policyholder_name: String,
}

/// Opens a claim (adjusters) and invites the policyholder.
#[utoipa::path(
    post,
    path = "/api/v1/claims",
    tag = "claims",
    request_body = CreateBody,
    security(("cookie" = [])),
    responses(
        (status = 201, description = "Opened", body = ClaimOpened),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Only adjusters open claims, or a cross-site request", body = ApiErrorBody),
        (status = 409, description = "The claim number is taken", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (named in `field`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn create(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<Response, ApiError> {
    let new = NewClaim {
        claim_number: body.claim_number,
        loss_date: body.loss_date,
        loss_address: body.loss_address,
        policyholder_email: body.policyholder_email,
        policyholder_name: body.policyholder_name,
    };
    let invite = state.portal.open_claim(&s.user, new, &ctx).await?;
    let body = ClaimOpened {
        id: invite.claim.id,
        invite_url: invite.invite_url,
        new_account: invite.new_account,
        claim_number: invite.claim.claim_number,
        status: invite.claim.status,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ClaimOpened {
    id: ClaimId,
    /// For a new account the set-password link (also emailed); otherwise the claim's address.
    invite_url: String,
    new_account: bool,
    claim_number: String,
    status: ClaimStatus,
}

/// A claim in full.
#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id")),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The claim", body = ClaimDetail),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn show(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ClaimDetail>, ApiError> {
    let view = state.portal.claim_view(&s.user, &claim_id(&id)?).await?;
    Ok(Json(view_json(&view)))
}

/// Every item field, each optional: POST needs description, quantity, replacement_cost_cents
/// and room; PATCH changes only what it names.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemBody {
    description: Option<String>,
    brand: Option<String>,
    model: Option<String>,
    quantity: Option<i64>,
    age_years: Option<i64>,
    age_months: Option<i64>,
    condition: Option<String>,
    replacement_cost_cents: Option<i64>,
    business_use: Option<bool>,
    room: Option<String>,
    category: Option<String>,
    notes: Option<String>,
}

impl ItemBody {
    fn apply(self, mut d: ItemDraft) -> ItemDraft {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { d.$f = v; } )* };
        }
        set!(
            description,
            brand,
            model,
            quantity,
            age_years,
            age_months,
            condition,
            replacement_cost_cents,
            business_use,
            room,
            category,
            notes
        );
        d
    }
}

/// Adds an item; `description`, `quantity`, `replacement_cost_cents` and `room` are required.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/items",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id")),
    request_body = ItemBody,
    security(("cookie" = [])),
    responses(
        (status = 201, description = "Added", body = ItemJson),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (named in `field`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn add_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Response, ApiError> {
    let id = claim_id(&id)?;
    for (name, missing) in [
        ("description", body.description.is_none()),
        ("quantity", body.quantity.is_none()),
        ("replacement_cost_cents", body.replacement_cost_cents.is_none()),
        ("room", body.room.is_none()),
    ] {
        if missing {
            // Authorization first: a stranger learns nothing from the field check.
            state.portal.claim_view(&s.user, &id).await?;
            return Err(ApiError::field_said(name, "api-field-required", &[("field", name.into())]));
        }
    }
    let draft = body.apply(ItemDraft::default());
    let item = state.portal.add_item(&s.user, &id, &draft, &ctx).await?;
    Ok((StatusCode::CREATED, Json(item_json(&item))).into_response())
}

/// Changes the fields the body names.
#[utoipa::path(
    patch,
    path = "/api/v1/claims/{id}/items/{item_id}",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id"), ("item_id" = String, Path, description = "The item's id")),
    request_body = ItemBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The item after the change", body = ItemJson),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (named in `field`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn edit_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Json<ItemJson>, ApiError> {
    let (id, item) = (claim_id(&id)?, item_id(&item)?);
    let view = state.portal.claim_view(&s.user, &id).await?;
    let current = view.items.iter().find(|i| i.id == item).ok_or_else(|| ApiError::from(InventoryError::NotFound))?;
    let draft = body.apply(current.fields.draft());
    let saved = state.portal.edit_item(&s.user, &id, &item, &draft, &ctx).await?;
    Ok(Json(item_json(&saved)))
}

/// Deletes an item and its attachments.
#[utoipa::path(
    delete,
    path = "/api/v1/claims/{id}/items/{item_id}",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id"), ("item_id" = String, Path, description = "The item's id")),
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn delete_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (id, item) = (claim_id(&id)?, item_id(&item)?);
    state.portal.delete_item(&s.user, &id, &item, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentBody {
    /// The adjuster's remark (empty clears it).
    comment: String,
}

/// The adjuster's remark on an item.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/items/{item_id}/comment",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id"), ("item_id" = String, Path, description = "The item's id")),
    request_body = CommentBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The item after the change", body = ItemJson),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (named in `field`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn comment_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<Json<ItemJson>, ApiError> {
    let (id, item) = (claim_id(&id)?, item_id(&item)?);
    let saved = state.portal.comment_item(&s.user, &id, &item, &body.comment, &ctx).await?;
    Ok(Json(item_json(&saved)))
}

/// The items as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}/export.csv",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id")),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn export(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (summary, csv) = state.portal.export_csv(&s.user, &claim_id(&id)?).await?;
    Ok(csv_response(&summary.claim.claim_number, csv))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `true`: check the file and save nothing.
    dry_run: String,
}

/// What an import did, or (dry run) would do.
#[derive(Serialize, ToSchema)]
pub(crate) struct ImportAnswer {
    dry_run: bool,
    valid: bool,
    saved: bool,
    count: usize,
    /// Valid files only.
    #[serde(skip_serializing_if = "Option::is_none")]
    total_cents: Option<i64>,
    /// Valid files only: the items read.
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<ItemFields>>,
    errors: Vec<ImportError>,
}

/// Adds the items of a CSV file (all or none); `dry_run=true` only checks it.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/import.csv",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id"), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Imported, or the dry run's verdict", body = ImportAnswer),
        (status = 400, description = "A query parameter is malformed (`invalid_query`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 413, description = "The file is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "Not `text/csv`", body = ApiErrorBody),
        (status = 422, description = "The file has problems (`invalid_csv`, listed in `errors`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn import(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    request: Request,
) -> Result<Json<ImportAnswer>, ApiError> {
    let id = claim_id(&id)?;
    let csv_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/csv"));
    if !csv_type {
        state.portal.claim_view(&s.user, &id).await?;
        return Err(ApiError::said(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "api-send-csv"));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.map_err(|_| {
        ApiError::said_with(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "api-file-too-large",
            &[("bytes", MAX_BODY_BYTES.to_string().into())],
        )
    })?;
    let dry_run = matches!(q.dry_run.as_str(), "true" | "1" | "yes");
    match state.portal.import_csv(&s.user, &id, &bytes, dry_run, &ctx).await {
        Ok(outcome) => {
            let total: i64 = outcome.items.iter().map(|f| f.total_cents()).sum();
            Ok(Json(ImportAnswer {
                dry_run,
                valid: true,
                saved: outcome.saved,
                count: outcome.items.len(),
                total_cents: Some(total),
                items: Some(outcome.items),
                errors: Vec::new(),
            }))
        }
        Err(InventoryError::Import(errors)) if dry_run => Ok(Json(ImportAnswer {
            dry_run: true,
            valid: false,
            saved: false,
            count: 0,
            total_cents: None,
            items: None,
            errors,
        })),
        Err(e) => Err(e.into()),
    }
}

async fn status_answer(
    state: &AppState,
    s: &crate::extract::SignedIn,
    id: &ClaimId,
) -> Result<Json<ClaimDetail>, ApiError> {
    let view = state.portal.claim_view(&s.user, id).await?;
    Ok(Json(view_json(&view)))
}

/// `POST …/submit`, `…/review`, `…/close`: a status change with no body, answered with the claim.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/{action}",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id"), ("action" = String, Path, description = "`submit`, `review` or `close`")),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The claim after the change", body = ClaimDetail),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim of the caller's, or no such action", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn change_status(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<ClaimDetail>, ApiError> {
    let id = claim_id(&id)?;
    let result = match action.as_str() {
        "submit" => state.portal.submit_claim(&s.user, &id, &ctx).await,
        "review" => state.portal.start_review(&s.user, &id, &ctx).await,
        "close" => state.portal.close_claim(&s.user, &id, &ctx).await,
        _ => return Err(ApiError::said(StatusCode::NOT_FOUND, "not_found", "api-no-such-endpoint")),
    };
    result?;
    status_answer(&state, &s, &id).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReopenBody {
    /// Why, shown to the policyholder.
    message: String,
}

/// Sends a submitted claim back to the policyholder with a message (adjusters).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/reopen",
    tag = "claims",
    params(("id" = String, Path, description = "The claim's id")),
    request_body = ReopenBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The claim after the change", body = ClaimDetail),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May see but not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim (or item) of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`) or in the wrong status (`wrong_status`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (named in `field`)", body = ApiErrorBody),
        (status = 429, description = "Too many changes", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn reopen(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReopenBody>,
) -> Result<Json<ClaimDetail>, ApiError> {
    let id = claim_id(&id)?;
    state.portal.reopen_claim(&s.user, &id, &body.message, &ctx).await?;
    status_answer(&state, &s, &id).await
}
