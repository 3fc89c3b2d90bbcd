//! The claims API, on the same `Portal` inventory use-cases
//! as the claim pages. A claim that is not the caller's is 404, exactly like one that does not
//! exist; one they may see but not change is 403; a submitted inventory is 409 `claim_locked`.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use portal_core::inventory::money::format_money;
use portal_core::inventory::service::date_text;
use portal_core::inventory::{
    Access, ClaimId, ClaimStatus, ClaimSummary, ClaimView, InventoryError, Item, ItemDraft, NewClaim,
};
use serde::Deserialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use super::attachments::attachment_json;
use super::ids::{claim_id, item_id};
use crate::downloads::csv_response;
use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;
use crate::extract::{ApiJson, ApiUser, Client};
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

pub(crate) fn item_json(item: &Item) -> Value {
    let mut v = serde_json::to_value(item).unwrap_or_default();
    v["total_cents"] = json!(item.fields.total_cents());
    v["total"] = json!(format_money(item.fields.total_cents()));
    v
}

fn summary_json(s: &ClaimSummary) -> Value {
    json!({
        "id": s.claim.id,
        "claim_number": s.claim.claim_number,
        "status": s.claim.status,
        "total_cents": s.total_cents,
        "item_count": s.item_count,
        "loss_date": date_text(s.claim.loss_date),
        "policyholder_name": s.policyholder_name,
        "adjuster_name": s.adjuster_name,
    })
}

fn access_str(a: Access) -> &'static str {
    match a {
        Access::Policyholder => "policyholder",
        Access::Adjuster => "adjuster",
        Access::Staff => "staff",
    }
}

fn view_json(v: &ClaimView) -> Value {
    let s = &v.summary;
    let by_item = v.attachments_by_item();
    json!({
        "id": s.claim.id,
        "claim_number": s.claim.claim_number,
        "loss_date": date_text(s.claim.loss_date),
        "loss_address": s.claim.loss_address,
        "status": s.claim.status,
        "policyholder": { "id": s.claim.policyholder_id, "name": s.policyholder_name, "email": s.policyholder_email },
        "adjuster": { "id": s.claim.adjuster_id, "name": s.adjuster_name },
        "created_at": rfc3339(s.claim.created_at),
        "your_access": access_str(v.access),
        "editable": v.editable(),
        "items": v.items.iter().map(|i| {
            let mut item = item_json(i);
            item["attachments"] =
                by_item.get(&i.id).into_iter().flatten().map(|a| attachment_json(a)).collect();
            item
        }).collect::<Vec<_>>(),
        "totals": v.totals,
        "history": v.history.iter().map(|h| json!({
            "at": rfc3339(h.at),
            "from": h.from,
            "to": h.to,
            "actor": h.actor,
            "message": h.message,
        })).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    status: String,
}

async fn list(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let status = match q.status.as_str() {
        "" => None,
        other => Some(
            ClaimStatus::parse(other)
                .ok_or_else(|| ApiError::field("status", "status: one of draft, submitted, in_review, closed"))?,
        ),
    };
    let all = state.portal.claims_for(&s.user, None).await?;
    let mut counts = serde_json::Map::new();
    for st in ClaimStatus::ALL {
        counts.insert(st.as_str().into(), json!(all.iter().filter(|c| c.claim.status == st).count()));
    }
    counts.insert("total".into(), json!(all.len()));
    let shown: Vec<Value> =
        all.iter().filter(|c| status.is_none_or(|st| c.claim.status == st)).map(summary_json).collect();
    Ok(Json(json!({ "claims": shown, "counts": counts })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateBody {
    claim_number: String,
    loss_date: String,
    #[serde(default)]
    loss_address: String,
    policyholder_email: String,
    policyholder_name: String,
}

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
    let body = json!({
        "id": invite.claim.id,
        "invite_url": invite.invite_url,
        "new_account": invite.new_account,
        "claim_number": invite.claim.claim_number,
        "status": invite.claim.status,
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn show(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let view = state.portal.claim_view(&s.user, &claim_id(&id)?).await?;
    Ok(Json(view_json(&view)))
}

/// Every item field, each optional: POST needs description, quantity, replacement_cost_cents
/// and room; PATCH changes only what it names.
#[derive(Deserialize, Default)]
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
            return Err(ApiError::field(name, format!("{name}: is required")));
        }
    }
    let draft = body.apply(ItemDraft::default());
    let item = state.portal.add_item(&s.user, &id, &draft, &ctx).await?;
    Ok((StatusCode::CREATED, Json(item_json(&item))).into_response())
}

async fn edit_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<Json<Value>, ApiError> {
    let (id, item) = (claim_id(&id)?, item_id(&item)?);
    let view = state.portal.claim_view(&s.user, &id).await?;
    let current = view.items.iter().find(|i| i.id == item).ok_or_else(|| ApiError::from(InventoryError::NotFound))?;
    let draft = body.apply(current.fields.draft());
    let saved = state.portal.edit_item(&s.user, &id, &item, &draft, &ctx).await?;
    Ok(Json(item_json(&saved)))
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    comment: String,
}

async fn comment_item(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<Json<Value>, ApiError> {
    let (id, item) = (claim_id(&id)?, item_id(&item)?);
    let saved = state.portal.comment_item(&s.user, &id, &item, &body.comment, &ctx).await?;
    Ok(Json(item_json(&saved)))
}

async fn export(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (summary, csv) = state.portal.export_csv(&s.user, &claim_id(&id)?).await?;
    Ok(csv_response(&summary.claim.claim_number, csv))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ImportQuery {
    dry_run: String,
}

async fn import(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<ImportQuery>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let id = claim_id(&id)?;
    let csv_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/csv"));
    if !csv_type {
        state.portal.claim_view(&s.user, &id).await?;
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file with Content-Type: text/csv",
        ));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the file is larger than {MAX_BODY_BYTES} bytes"),
        )
    })?;
    let dry_run = matches!(q.dry_run.as_str(), "true" | "1" | "yes");
    match state.portal.import_csv(&s.user, &id, &bytes, dry_run, &ctx).await {
        Ok(outcome) => {
            let total: i64 = outcome.items.iter().map(|f| f.total_cents()).sum();
            Ok(Json(json!({
                "dry_run": dry_run,
                "valid": true,
                "saved": outcome.saved,
                "count": outcome.items.len(),
                "total_cents": total,
                "items": outcome.items,
                "errors": [],
            })))
        }
        Err(InventoryError::Import(errors)) if dry_run => Ok(Json(json!({
            "dry_run": true,
            "valid": false,
            "saved": false,
            "count": 0,
            "errors": errors,
        }))),
        Err(e) => Err(e.into()),
    }
}

async fn status_answer(state: &AppState, s: &crate::extract::SignedIn, id: &ClaimId) -> Result<Json<Value>, ApiError> {
    let view = state.portal.claim_view(&s.user, id).await?;
    Ok(Json(view_json(&view)))
}

/// `POST …/submit`, `…/review`, `…/close`: a status change with no body, answered with the claim.
async fn change_status(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = claim_id(&id)?;
    let result = match action.as_str() {
        "submit" => state.portal.submit_claim(&s.user, &id, &ctx).await,
        "review" => state.portal.start_review(&s.user, &id, &ctx).await,
        "close" => state.portal.close_claim(&s.user, &id, &ctx).await,
        _ => return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")),
    };
    result?;
    status_answer(&state, &s, &id).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReopenBody {
    message: String,
}

async fn reopen(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReopenBody>,
) -> Result<Json<Value>, ApiError> {
    let id = claim_id(&id)?;
    state.portal.reopen_claim(&s.user, &id, &body.message, &ctx).await?;
    status_answer(&state, &s, &id).await
}
