//! Importing items from a CSV file, in two steps: "Check file" shows every row (or every
//! problem, by line and column) and saves nothing; "Import N items" saves them all at once.
//! The file travels back with the second step as base64 in the form, so nothing is kept on the
//! server between the steps and what is saved is exactly what was previewed.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine as _;
use portal_core::inventory::csv::{COLUMNS, ImportError};
use portal_core::inventory::money::format_money;
use portal_core::inventory::{ClaimId, ImportOutcome, InventoryError, ItemFields};
use portal_core::language::Language;

use super::attachments::{MultipartError, read_multipart, unreadable};
use crate::csrf;
use crate::error::{PageError, claim_not_found};
use crate::extract::MAX_BODY_BYTES;
use crate::extract::{Client, PageUser, SignedIn};
use crate::render::{Layout, render};
use crate::routing::RouteTable;
use crate::state::AppState;

/// A CSV file of up to 1 MiB, as a file or (second step) as base64, plus the form's framing.
const MAX_IMPORT_BODY: usize = MAX_BODY_BYTES * 4 / 3 + 64 * 1024;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![(
        "/claims/{id}/import",
        &["GET", "POST"],
        get(page).post(submit).layer(DefaultBodyLimit::max(MAX_IMPORT_BODY)),
    )]
}

/// A problem in the file, in the page's language; the line and column are the file's.
struct ProblemRow {
    line: usize,
    column: String,
    problem: String,
}

struct PreviewRow {
    line: usize,
    room: String,
    description: String,
    quantity: i64,
    cost: String,
    total: String,
}

#[derive(Template)]
#[template(path = "claim_import.html")]
struct ImportPage {
    layout: Layout,
    csrf: String,
    claim_id: String,
    number: String,
    columns: String,
    max_mib: usize,
    /// The checked file, ready to import.
    rows: Vec<PreviewRow>,
    total: String,
    file_b64: String,
    file_name: String,
    /// "mine.csv is ready: 30 items, $465.00 in all. …"
    ready: String,
    /// "Import 30 items"
    confirm: String,
    errors: Vec<ProblemRow>,
    problem: Option<String>,
}

fn blank(state: &AppState, s: &SignedIn, id: &ClaimId, number: String) -> ImportPage {
    ImportPage {
        layout: Layout::new(state, Some(s)),
        csrf: s.session.csrf_token.clone(),
        claim_id: id.to_string(),
        number,
        columns: COLUMNS.join(","),
        max_mib: MAX_BODY_BYTES / (1024 * 1024),
        rows: Vec::new(),
        total: String::new(),
        file_b64: String::new(),
        file_name: String::new(),
        ready: String::new(),
        confirm: String::new(),
        errors: Vec::new(),
        problem: None,
    }
}

/// The claim's number, if the user may change its items now.
async fn editable_claim(state: &AppState, s: &SignedIn, id: &ClaimId) -> Result<String, Response> {
    let view = state.portal.claim_view(&s.user, id).await.map_err(|e| PageError::from(e).into_response())?;
    if !view.editable() {
        return Err(PageError::from(if view.access == portal_core::inventory::Access::Policyholder {
            InventoryError::Locked
        } else {
            InventoryError::only_policyholder_changes()
        })
        .into_response());
    }
    Ok(view.summary.claim.claim_number)
}

async fn page(State(state): State<AppState>, PageUser(s): PageUser, Path(id): Path<String>) -> Response {
    let Some(id) = ClaimId::parse(&id) else { return claim_not_found().into_response() };
    match editable_claim(&state, &s, &id).await {
        Ok(number) => render(StatusCode::OK, &blank(&state, &s, &id, number)),
        Err(r) => r,
    }
}

fn preview_rows(outcome: &ImportOutcome) -> Vec<PreviewRow> {
    outcome
        .items
        .iter()
        .zip(&outcome.lines)
        .map(|(f, line)| PreviewRow {
            line: *line,
            room: f.room.clone(),
            description: f.description.clone(),
            quantity: f.quantity,
            cost: format_money(f.replacement_cost_cents),
            total: format_money(f.total_cents()),
        })
        .collect()
}

fn problem_row(e: &ImportError, lang: Language) -> ProblemRow {
    ProblemRow { line: e.line, column: e.column.clone(), problem: e.reason_in(lang) }
}

async fn submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(id) = ClaimId::parse(&id) else { return claim_not_found().into_response() };
    let number = match editable_claim(&state, &s, &id).await {
        Ok(number) => number,
        Err(r) => return r,
    };
    let lang = crate::language::current();
    let mut page = blank(&state, &s, &id, number);
    let too_large = lang.text_with("claim-import-too-large", &[("mib", page.max_mib.into())]);
    let form = match read_multipart(multipart, "file").await {
        Ok(form) => form,
        Err(MultipartError::TooLarge) => {
            page.problem = Some(too_large);
            return render(StatusCode::PAYLOAD_TOO_LARGE, &page);
        }
        Err(MultipartError::Unreadable) => return unreadable(),
    };
    if let Err(refused) = csrf::check(&s, form.field("csrf")) {
        return refused.into_response();
    }
    let confirm = form.field("step") == "import";
    let (bytes, file_name) = if confirm {
        match base64::engine::general_purpose::STANDARD.decode(form.field("file_b64")) {
            Ok(bytes) => (bytes, form.field("file_name").to_owned()),
            Err(_) => return unreadable(),
        }
    } else {
        match form.file {
            Some(file) => (file.bytes, file.name),
            None => {
                page.problem = Some(lang.text("claim-import-choose"));
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
        }
    };
    if bytes.len() > MAX_BODY_BYTES {
        page.problem = Some(too_large);
        return render(StatusCode::PAYLOAD_TOO_LARGE, &page);
    }
    page.file_name = file_name.chars().filter(|c| !c.is_control()).take(120).collect();
    match state.portal.import_csv(&s.user, &id, &bytes, !confirm, &ctx).await {
        Ok(outcome) if outcome.saved => Redirect::to(&format!("/claims/{id}?done=imported#items")).into_response(),
        Ok(outcome) => {
            page.total = format_money(outcome.items.iter().map(ItemFields::total_cents).sum());
            page.rows = preview_rows(&outcome);
            let count = page.rows.len();
            page.ready = lang.text_with(
                "claim-import-ready",
                &[
                    ("file", page.file_name.as_str().into()),
                    ("count", count.into()),
                    ("total", page.total.as_str().into()),
                ],
            );
            page.confirm = lang.text_with("claim-import-confirm", &[("count", count.into())]);
            page.file_b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            render(StatusCode::OK, &page)
        }
        Err(InventoryError::Import(errors)) => {
            page.problem = Some(lang.text_with("claim-import-has-problems", &[("count", errors.len().into())]));
            page.errors = errors.iter().map(|e| problem_row(e, lang)).collect();
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
