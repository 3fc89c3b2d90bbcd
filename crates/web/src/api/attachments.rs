//! Attachments in the JSON API: upload a photo or receipt to an item as the raw request body,
//! fetch one (or its thumbnail), delete one. The upload's `Content-Type` must name one of the
//! accepted types — none of them is a type a cross-site form can send without a CORS preflight,
//! which is this route's CSRF defence like `application/json` is for the others — but what the
//! file is gets decided from its bytes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use portal_core::inventory::attachment::{AttachmentKind, MAX_ATTACHMENT_BYTES};
use portal_core::inventory::{Attachment, AttachmentId, ItemId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ids::{attachment_id, claim_id, item_id};
use crate::downloads::file_response;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiQuery, ApiUser, Client};
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
#[derive(Serialize, ToSchema)]
#[schema(as = Attachment)]
pub(crate) struct AttachmentJson {
    id: AttachmentId,
    item_id: ItemId,
    kind: AttachmentKind,
    content_type: &'static str,
    file_name: String,
    size_bytes: i64,
    /// Hex SHA-256 of the stored bytes.
    sha256: String,
    #[schema(format = DateTime)]
    created_at: String,
    url: String,
    /// Photos only.
    thumbnail_url: Option<String>,
}

pub(crate) fn attachment_json(a: &Attachment) -> AttachmentJson {
    let base = format!("/api/v1/claims/{}/attachments/{}", a.claim_id, a.id);
    AttachmentJson {
        id: a.id.clone(),
        item_id: a.item_id.clone(),
        kind: a.kind,
        content_type: a.kind.content_type(),
        file_name: a.file_name.clone(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        created_at: a.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        thumbnail_url: a.has_thumbnail.then(|| format!("{base}?thumbnail=true")),
        url: base,
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The file's name, for display.
    file_name: String,
}

/// Adds a photo (JPEG, PNG) or receipt (PDF) to an item, sent as the raw body.
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/items/{item_id}/attachments",
    tag = "claims",
    params(
        ("id" = String, Path, description = "The claim's id"),
        ("item_id" = String, Path, description = "The item's id"),
        UploadQuery,
    ),
    request_body(content(
        (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"),
        (Vec<u8> = "application/pdf"),
    )),
    security(("cookie" = [])),
    responses(
        (status = 201, description = "Stored", body = AttachmentJson),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such claim or item of the caller's", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`)", body = ApiErrorBody),
        (status = 413, description = "The file is too large", body = ApiErrorBody),
        (status = 415, description = "Not one of the accepted types", body = ApiErrorBody),
        (status = 422, description = "The bytes are not what the type says, or too many files", body = ApiErrorBody),
        (status = 429, description = "Too many uploads", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn upload(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path((id, item)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<UploadQuery>,
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
        return Err(ApiError::said(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "api-send-attachment",
        ));
    }
    let bytes: Bytes = axum::body::to_bytes(request.into_body(), MAX_ATTACHMENT_BYTES).await.map_err(|_| {
        ApiError::said_with(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "api-attachment-too-large",
            &[("mib", (MAX_ATTACHMENT_BYTES / (1024 * 1024)).to_string().into())],
        )
    })?;
    let saved = state.portal.add_attachment(&s.user, &id, &item, &q.file_name, bytes.to_vec(), &ctx).await?;
    Ok((StatusCode::CREATED, Json(attachment_json(&saved))).into_response())
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct DownloadQuery {
    /// `true` for a photo's thumbnail.
    thumbnail: String,
}

/// The file itself.
#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}/attachments/{attachment_id}",
    tag = "claims",
    params(
        ("id" = String, Path, description = "The claim's id"),
        ("attachment_id" = String, Path, description = "The attachment's id"),
        DownloadQuery,
    ),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The file", content(
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = 400, description = "A query parameter is malformed (`invalid_query`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 404, description = "No such attachment of the caller's claims (or no thumbnail)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn download(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path((id, attachment)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let (id, attachment) = (claim_id(&id)?, attachment_id(&attachment)?);
    let thumbnail = matches!(q.thumbnail.as_str(), "true" | "1" | "yes");
    let (record, bytes) = state.portal.attachment_file(&s.user, &id, &attachment, thumbnail).await?;
    Ok(file_response(&record, bytes, thumbnail))
}

/// Deletes an attachment.
#[utoipa::path(
    delete,
    path = "/api/v1/claims/{id}/attachments/{attachment_id}",
    tag = "claims",
    params(
        ("id" = String, Path, description = "The claim's id"),
        ("attachment_id" = String, Path, description = "The attachment's id"),
    ),
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "May not change this claim, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such attachment of the caller's claims", body = ApiErrorBody),
        (status = 409, description = "The claim is locked (`claim_locked`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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
