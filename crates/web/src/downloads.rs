//! Files the portal hands out, shared by pages and API: attachments as stored, a claim's CSV
//! export, the console's exports. Each sets the headers that make a browser save or show the
//! file safely; none knows who asked.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use portal_core::inventory::Attachment;
use portal_core::spreadsheet;

/// A file to save, under `filename`.
pub fn download(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A CSV file for people to open in a spreadsheet: every cell goes through the portal's one
/// formula guard (`portal_core::spreadsheet::guard`), because names, emails and user agents in
/// these files are typed by others. `None` if the writer fails.
pub fn spreadsheet_csv<const N: usize>(rows: impl IntoIterator<Item = [String; N]>) -> Option<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|cell| spreadsheet::guard(cell).into_owned())).ok()?;
    }
    w.into_inner().ok()
}

/// A file name made of the claim number's safe characters.
fn csv_file_name(claim_number: &str) -> String {
    let safe: String =
        claim_number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("claim-{safe}.csv")
}

/// A claim's CSV export, saved as `claim-<number>.csv`.
pub fn csv_response(claim_number: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", csv_file_name(claim_number))) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// A stored file as a response: its real type, photos shown in the page and PDFs downloaded
/// (a PDF viewer is a large attack surface to open on our origin), and a sandbox policy so
/// nothing in a file can ever run as the portal.
pub fn file_response(record: &Attachment, bytes: Vec<u8>, thumbnail: bool) -> Response {
    let content_type = if thumbnail && record.has_thumbnail { "image/jpeg" } else { record.kind.content_type() };
    let disposition = if record.kind.is_image() { "inline" } else { "attachment" };
    let encoded = utf8_percent_encode(&record.file_name, NON_ALPHANUMERIC);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename*=UTF-8''{encoded}")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    response
}
