//! Attachments in the JSON API: upload a photo or receipt to an item as the raw request body,
//! fetch one (or its thumbnail), delete one. The upload's `Content-Type` must name one of the
//! accepted types — none of them is a type a cross-site form can send without a CORS preflight,
//! which is this route's CSRF defence like `application/json` is for the others — but what the
//! file is gets decided from its bytes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use portal_core::inventory::Attachment;
use portal_core::inventory::attachment::MAX_ATTACHMENT_BYTES;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ids::{attachment_id, claim_id, item_id};
use crate::downloads::file_response;
use crate::error::ApiError;
use crate::extract::{ApiUser, Client};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/claims/{id}/items/{item_id}/attachments", &["POST"], post(upload)),
        ("/claims/{id}/attachments/{attachment_id}", &["GET", "DELETE"], get(download).delete(remove)),
    ]
}

const ACCEPTED: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];

/// The attachment as the API and pages describe it, with the addresses to fetch it.
pub(crate) fn attachment_json(a: &Attachment) -> Value {
    let base = format!("/api/v1/claims/{}/attachments/{}", a.claim_id, a.id);
    json!({
        "id": a.id,
        "item_id": a.item_id,
        "kind": a.kind,
        "content_type": a.kind.content_type(),
        "file_name": a.file_name,
        "size_bytes": a.size_bytes,
        "sha256": a.sha256,
        "created_at": a.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "url": base,
        "thumbnail_url": a.has_thumbnail.then(|| format!("{base}?thumbnail=true")),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UploadQuery {
    file_name: String,
}

async fn upload(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
    Query(q): Query<UploadQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let (id, item) = (claim_id(&id)?, item_id(&item)?);
    let declared = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !ACCEPTED.contains(&declared.as_str()) {
        // Authorization first: a stranger learns nothing from the type check.
        state.portal.claim_view(&s.user, &id).await?;
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file as the body with Content-Type image/jpeg, image/png or application/pdf",
        ));
    }
    let bytes: Bytes = axum::body::to_bytes(request.into_body(), MAX_ATTACHMENT_BYTES).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("a file can be at most {} MiB", MAX_ATTACHMENT_BYTES / (1024 * 1024)),
        )
    })?;
    let saved = state.portal.add_attachment(&s.user, &id, &item, &q.file_name, bytes.to_vec(), &ctx).await?;
    Ok((StatusCode::CREATED, Json(attachment_json(&saved))).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DownloadQuery {
    thumbnail: String,
}

async fn download(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path((id, attachment)): Path<(String, String)>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, ApiError> {
    let (id, attachment) = (claim_id(&id)?, attachment_id(&attachment)?);
    let thumbnail = matches!(q.thumbnail.as_str(), "true" | "1" | "yes");
    let (record, bytes) = state.portal.attachment_file(&s.user, &id, &attachment, thumbnail).await?;
    Ok(file_response(&record, bytes, thumbnail))
}

async fn remove(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (id, attachment) = (claim_id(&id)?, attachment_id(&attachment)?);
    state.portal.delete_attachment(&s.user, &id, &attachment, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}
