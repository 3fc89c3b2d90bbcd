//! Photos and receipts on the item page: upload (a plain multipart form), remove, and the files
//! themselves for everyone who may see the claim. Also the multipart reader the CSV import
//! page shares.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portal_core::inventory::attachment::{MAX_ATTACHMENT_BYTES, too_big};
use portal_core::inventory::{AttachmentId, ClaimId, InventoryError};

use super::claims::{ItemPageExtras, ids, item_page};
use crate::csrf::{self, CsrfForm, NoFields};
use crate::downloads::file_response;
use crate::error::{PageError, claim_not_found};
use crate::extract::{Client, PageUser};
use crate::routing::RouteTable;
use crate::state::AppState;

/// The upload form carries the file, the CSRF token and the multipart framing.
const MAX_UPLOAD_BODY: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        (
            "/claims/{id}/items/{item_id}/attachments",
            &["POST"],
            post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)),
        ),
        ("/claims/{id}/attachments/{attachment_id}", &["GET"], get(file)),
        ("/claims/{id}/attachments/{attachment_id}/thumbnail", &["GET"], get(thumbnail)),
        ("/claims/{id}/attachments/{attachment_id}/delete", &["POST"], post(remove)),
    ]
}

/// A multipart form as read: its text fields and at most one file.
#[derive(Default)]
pub(super) struct MultipartForm {
    fields: Vec<(String, String)>,
    pub file: Option<UploadedFile>,
}

pub(super) struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl MultipartForm {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
}

pub(super) enum MultipartError {
    TooLarge,
    /// Not a multipart body, broken framing, or more parts than any of our forms has.
    Unreadable,
}

/// Reads a form with text fields and one file part named `file_field`. An empty file input
/// (no file chosen) is no file. The body limit is the route's `DefaultBodyLimit`.
pub(super) async fn read_multipart(
    multipart: Result<Multipart, MultipartRejection>,
    file_field: &str,
) -> Result<MultipartForm, MultipartError> {
    let mut multipart = multipart.map_err(|_| MultipartError::Unreadable)?;
    let mut form = MultipartForm::default();
    for _ in 0..16 {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(form),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(MultipartError::TooLarge),
            Err(_) => return Err(MultipartError::Unreadable),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(MultipartError::TooLarge),
            Err(_) => return Err(MultipartError::Unreadable),
        };
        if name == file_field {
            if !bytes.is_empty() || file_name.as_deref().is_some_and(|n| !n.is_empty()) {
                form.file = Some(UploadedFile { name: file_name.unwrap_or_default(), bytes: bytes.to_vec() });
            }
        } else {
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| MultipartError::Unreadable)?;
            form.fields.push((name, text));
        }
    }
    Err(MultipartError::Unreadable)
}

pub(super) fn unreadable() -> Response {
    let lang = crate::language::current();
    PageError::new(
        StatusCode::BAD_REQUEST,
        lang.text("claim-form-not-understood-title"),
        lang.text("claim-form-not-understood"),
    )
    .into_response()
}

fn attachment_ids(id: &str, attachment: &str) -> Option<(ClaimId, AttachmentId)> {
    Some((ClaimId::parse(id)?, AttachmentId::parse(attachment)?))
}

async fn upload(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path((id, item)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some((id, item)) = ids(&id, &item) else { return claim_not_found().into_response() };
    let lang = crate::language::current();
    let again = |upload_error: String, status: StatusCode| ItemPageExtras {
        upload_error: Some(upload_error),
        status: Some(status),
        ..ItemPageExtras::default()
    };
    let form = match read_multipart(multipart, "file").await {
        Ok(form) => form,
        Err(MultipartError::TooLarge) => {
            let extras = again(too_big().reason_in(lang), StatusCode::PAYLOAD_TOO_LARGE);
            return item_page(&state, &s, &id, &item, None, None, extras).await;
        }
        Err(MultipartError::Unreadable) => return unreadable(),
    };
    if let Err(refused) = csrf::check(&s, form.field("csrf")) {
        return refused.into_response();
    }
    let Some(file) = form.file else {
        let extras = again(lang.text("claim-attach-choose"), StatusCode::UNPROCESSABLE_ENTITY);
        return item_page(&state, &s, &id, &item, None, None, extras).await;
    };
    match state.portal.add_attachment(&s.user, &id, &item, &file.name, file.bytes, &ctx).await {
        Ok(_) => Redirect::to(&format!("/claims/{id}/items/{item}?done=attached#attachments")).into_response(),
        Err(InventoryError::Invalid(f)) => {
            let extras = again(f.reason_in(lang), StatusCode::UNPROCESSABLE_ENTITY);
            item_page(&state, &s, &id, &item, None, None, extras).await
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn serve(state: &AppState, s: &crate::extract::SignedIn, id: &str, attachment: &str, thumb: bool) -> Response {
    let Some((id, attachment)) = attachment_ids(id, attachment) else { return claim_not_found().into_response() };
    match state.portal.attachment_file(&s.user, &id, &attachment, thumb).await {
        Ok((record, bytes)) => file_response(&record, bytes, thumb),
        Err(e) => PageError::from(e).into_response(),
    }
}

async fn file(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    serve(&state, &s, &id, &attachment, false).await
}

async fn thumbnail(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    serve(&state, &s, &id, &attachment, true).await
}

async fn remove(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path((id, attachment)): Path<(String, String)>,
    _: CsrfForm<NoFields>,
) -> Response {
    let Some((id, attachment)) = attachment_ids(&id, &attachment) else { return claim_not_found().into_response() };
    match state.portal.delete_attachment(&s.user, &id, &attachment, &ctx).await {
        Ok(record) => {
            Redirect::to(&format!("/claims/{id}/items/{}?done=removed#attachments", record.item_id)).into_response()
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
