//! Errors become responses here and nowhere else. The API answers
//! `{"error": {"code", "message", "field"?}}`; pages answer with an HTML page.
//! Internal detail is logged with the request's span, never shown.
//!
//! A `PageError` can be raised where there is no state (extractor rejections, the fallback), so
//! it renders with the default layout and records what it showed; `error_pages_with_settings`,
//! a layer around the whole router, renders it again with the configured portal name.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use portal_core::InternalError;
use portal_core::console::ConsoleError;
use portal_core::inventory::InventoryError;
use portal_core::inventory::csv::ImportError;
use portal_core::language::{Localized, MessageArg};
use portal_core::mfa::service::MfaError;
use portal_core::sms::PhoneError;
use serde::Serialize;
use time::Duration;
use utoipa::ToSchema;

use crate::render::{self, Layout};
use crate::state::AppState;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
    /// Members of the error object that only some errors have (boxed: most errors have none, and
    /// every `Result` carrying an `ApiError` stays small).
    pub extra: Option<Box<ErrorExtras>>,
}

/// The members of the error object beyond code, message and field, each present only on the
/// errors that carry it.
#[derive(Debug, Default)]
pub struct ErrorExtras {
    pub setup_deadline: Option<String>,
    pub support: Option<SupportContacts>,
    pub errors: Option<Vec<ImportError>>,
}

/// How to reach support, on `mfa_setup_expired`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportContacts {
    pub email: String,
    pub chat_url: String,
}

/// Every failure of the JSON API answers with this body (`Retry-After` comes with 429 and 503).
#[derive(Serialize, ToSchema)]
#[schema(as = ApiError)]
pub struct ApiErrorBody {
    pub error: ApiErrorObject,
}

#[derive(Serialize, ToSchema)]
pub struct ApiErrorObject {
    /// What went wrong, for programs: e.g. `not_signed_in`, `invalid_field`, `not_found`,
    /// `too_many_attempts`, `busy`.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// On `mfa_setup_expired`: the date (`YYYY-MM-DD`) the setup was due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_deadline: Option<String>,
    /// On `mfa_setup_expired`: how to reach support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<SupportContacts>,
    /// On `invalid_csv`: every problem in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ImportError>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None, retry_after: None, extra: None }
    }

    /// An error whose message is the message `id` in the request's language.
    pub fn said(status: StatusCode, code: &'static str, id: &str) -> Self {
        Self::new(status, code, crate::language::current().text(id))
    }

    /// [`ApiError::said`] with arguments.
    pub fn said_with(status: StatusCode, code: &'static str, id: &str, args: &[(&'static str, MessageArg)]) -> Self {
        Self::new(status, code, crate::language::current().text_with(id, args))
    }

    /// 422 naming the field that is wrong.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self { field: Some(field.to_owned()), ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message) }
    }

    /// [`ApiError::field`] with the message `id` in the request's language.
    pub fn field_said(field: &str, id: &str, args: &[(&'static str, MessageArg)]) -> Self {
        Self::field(field, crate::language::current().text_with(id, args))
    }

    pub fn unauthorized() -> Self {
        Self::said(StatusCode::UNAUTHORIZED, "not_signed_in", "api-not-signed-in")
    }

    pub fn throttled(retry_after: Duration) -> Self {
        Self {
            retry_after: Some(portal_core::throttle::retry_after_secs(retry_after)),
            ..Self::said(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "api-too-many-attempts")
        }
    }

    pub fn internal(e: &dyn std::error::Error) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::said(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "api-internal")
    }
}

impl From<InternalError> for ApiError {
    fn from(e: InternalError) -> Self {
        if is_busy(&e) {
            return Self {
                retry_after: Some(BUSY_RETRY_AFTER_SECS),
                ..Self::said(StatusCode::SERVICE_UNAVAILABLE, "busy", "api-busy")
            };
        }
        Self::internal(&e)
    }
}

/// How long a request refused because the database's write queue is full is asked to wait.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

/// The write queue was full: a 503 the client may repeat, not a failure to log as one.
fn is_busy(e: &InternalError) -> bool {
    matches!(e, InternalError::Store(portal_core::store::StoreError::Busy))
}

impl ApiError {
    /// `MfaError` → the API's error format (the past-deadline answer names the support
    /// contacts, hence the state).
    pub fn mfa(state: &AppState, e: MfaError) -> Self {
        let message = e.message_in(crate::language::current());
        match e {
            MfaError::InvalidCode | MfaError::CodeReplayed | MfaError::RecoveryCodeUsed => {
                Self::new(StatusCode::BAD_REQUEST, "invalid_code", message)
            }
            MfaError::NoMethodYet => Self::new(StatusCode::CONFLICT, "no_method", message),
            MfaError::PasskeysUnavailable => Self::new(StatusCode::CONFLICT, "passkeys_unavailable", message),
            MfaError::PasskeyExpired => Self::new(StatusCode::BAD_REQUEST, "passkey_expired", message),
            MfaError::PasskeyRefused => Self::new(StatusCode::BAD_REQUEST, "passkey_refused", message),
            MfaError::NotFound(_) => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            MfaError::CodeExpired => Self::new(StatusCode::BAD_REQUEST, "code_expired", message),
            MfaError::NoCodeSent => Self::new(StatusCode::BAD_REQUEST, "no_code_sent", message),
            MfaError::NoPendingSetup => Self::new(StatusCode::BAD_REQUEST, "setup_not_started", message),
            MfaError::Throttled { retry_after } => Self { message, ..Self::throttled(retry_after) },
            MfaError::Locked => Self { code: "account_locked", message, ..Self::throttled(Duration::hours(24)) },
            MfaError::SetupExpired { deadline } => Self::setup_expired(state, deadline),
            MfaError::Phone(p) => {
                let field = match p {
                    PhoneError::UnknownCountry | PhoneError::CountryNotAllowed => "country",
                    PhoneError::Empty | PhoneError::Invalid => "phone",
                };
                Self::field(field, message)
            }
            MfaError::SendRefused(r) => Self { code: "sms_limit", message, ..Self::throttled(r.retry_after()) },
            MfaError::SmsFailed => Self::new(StatusCode::BAD_GATEWAY, "sms_failed", message),
            MfaError::StepUpRequired => Self::new(StatusCode::FORBIDDEN, "step_up_required", message),
            MfaError::NoSuchMethod(_) => Self {
                field: Some("method".into()),
                ..Self::new(StatusCode::BAD_REQUEST, "method_not_enrolled", message)
            },
            MfaError::WrongStep => Self::new(StatusCode::CONFLICT, "wrong_step", message),
            MfaError::LastMethod => Self::new(StatusCode::CONFLICT, "last_method", message),
            MfaError::SessionEnded => Self::new(StatusCode::UNAUTHORIZED, "session_ended", message),
            MfaError::Internal(e) => e.into(),
        }
    }

    /// 403 `mfa_setup_expired` with the deadline and how to reach support.
    pub fn setup_expired(state: &AppState, deadline: time::Date) -> Self {
        let settings = &state.portal.settings();
        let extra = ErrorExtras {
            setup_deadline: Some(deadline.to_string()),
            support: Some(SupportContacts {
                email: settings.support_email.clone(),
                chat_url: settings.support_chat_url.clone(),
            }),
            errors: None,
        };
        Self {
            extra: Some(Box::new(extra)),
            ..Self::said_with(
                StatusCode::FORBIDDEN,
                "mfa_setup_expired",
                "api-setup-expired",
                &[("deadline", deadline.to_string().into())],
            )
        }
    }
}

impl From<InventoryError> for ApiError {
    fn from(e: InventoryError) -> Self {
        let message = e.message_in(crate::language::current());
        match e {
            InventoryError::NotFound => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            InventoryError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "forbidden", message),
            InventoryError::Locked => Self::new(StatusCode::CONFLICT, "claim_locked", message),
            InventoryError::WrongStatus(_) => Self::new(StatusCode::CONFLICT, "wrong_status", message),
            InventoryError::Invalid(f) => Self::field(f.field, message),
            InventoryError::Import(errors) => {
                let extra = ErrorExtras { errors: Some(errors), ..ErrorExtras::default() };
                Self {
                    extra: Some(Box::new(extra)),
                    ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_csv", message)
                }
            }
            InventoryError::RateLimited { retry_after } => {
                Self { code: "rate_limited", message, ..Self::throttled(retry_after) }
            }
            InventoryError::Internal(e) => e.into(),
        }
    }
}

impl From<ConsoleError> for ApiError {
    fn from(e: ConsoleError) -> Self {
        let message = e.message_in(crate::language::current());
        match e {
            ConsoleError::NotStaff | ConsoleError::OwnAccount | ConsoleError::NotPermitted => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            ConsoleError::StepUpRequired => Self::new(StatusCode::FORBIDDEN, "step_up_required", message),
            ConsoleError::NotFound => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            ConsoleError::RateLimited { retry_after } => {
                Self { code: "rate_limited", message, ..Self::throttled(retry_after) }
            }
            ConsoleError::Changed => Self::new(StatusCode::CONFLICT, "changed", message),
            ConsoleError::StaffHaveNoDeadline => Self::new(StatusCode::CONFLICT, "staff_have_no_deadline", message),
            ConsoleError::InvalidDays => Self::field("days", message),
            ConsoleError::InvalidReason => Self::field("reason", message),
            ConsoleError::Internal(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let extra = self.extra.map(|e| *e).unwrap_or_default();
        let error = ApiErrorObject {
            code: self.code,
            message: self.message,
            field: self.field,
            setup_deadline: extra.setup_deadline,
            support: extra.support,
            errors: extra.errors,
        };
        let mut response = (self.status, Json(ApiErrorBody { error })).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A failure while serving an HTML page.
#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    /// Seconds for `Retry-After` when a limit refused the request.
    pub retry_after: Option<u64>,
}

impl PageError {
    pub fn new(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        Self { status, title: title.into(), message: message.into(), retry_after: None }
    }

    /// An error page whose title and message are the messages `title` and `message` in the
    /// request's language.
    pub fn said(status: StatusCode, title: &str, message: &str) -> Self {
        let language = crate::language::current();
        Self::new(status, language.text(title), language.text(message))
    }

    pub fn internal(e: &dyn std::error::Error) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::said(StatusCode::INTERNAL_SERVER_ERROR, "error-something-wrong-title", "error-something-wrong")
    }

    /// A session lookup that failed (the API's answer) as a page: busy, or our fault.
    pub fn from_session_failure(e: ApiError) -> Self {
        if e.status == StatusCode::SERVICE_UNAVAILABLE {
            Self { retry_after: e.retry_after, ..Self::said(e.status, "error-busy-title", "error-busy") }
        } else {
            Self::said(e.status, "error-something-wrong-title", "error-something-wrong")
        }
    }
}

impl From<InternalError> for PageError {
    fn from(e: InternalError) -> Self {
        if is_busy(&e) {
            return Self {
                retry_after: Some(BUSY_RETRY_AFTER_SECS),
                ..Self::said(StatusCode::SERVICE_UNAVAILABLE, "error-busy-title", "error-busy")
            };
        }
        Self::internal(&e)
    }
}

/// A claim that does not exist or is not the user's: the same page either way.
pub fn claim_not_found() -> PageError {
    PageError::said(StatusCode::NOT_FOUND, "error-claim-not-found-title", "error-claim-not-found")
}

impl From<InventoryError> for PageError {
    fn from(e: InventoryError) -> Self {
        let language = crate::language::current();
        let message = capitalised(&e.message_in(language));
        match e {
            InventoryError::NotFound => claim_not_found(),
            InventoryError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, title("error-not-allowed-title"), message),
            InventoryError::Locked | InventoryError::WrongStatus(_) => {
                Self::new(StatusCode::CONFLICT, title("error-not-possible-now-title"), message)
            }
            // A form names its fields on the page, so the sentence leaves the field's API name out.
            InventoryError::Invalid(f) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                title("error-check-form-title"),
                capitalised(&f.reason_in(language)),
            ),
            InventoryError::Import(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, title("error-file-problems-title"), message)
            }
            InventoryError::RateLimited { retry_after } => Self {
                retry_after: Some(portal_core::throttle::retry_after_secs(retry_after)),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, title("error-please-wait-title"), message)
            },
            InventoryError::Internal(e) => e.into(),
        }
    }
}

/// Console failures as pages: a missing fresh second factor sends the agent to verify first;
/// the rest are an error page (actions re-render their form for the fixable ones first).
pub fn console_page_error(e: ConsoleError) -> Response {
    let message = e.message_in(crate::language::current());
    let status = match e {
        ConsoleError::StepUpRequired => return Redirect::to("/mfa/verify?next=console").into_response(),
        ConsoleError::NotStaff | ConsoleError::OwnAccount | ConsoleError::NotPermitted => StatusCode::FORBIDDEN,
        ConsoleError::NotFound => StatusCode::NOT_FOUND,
        ConsoleError::RateLimited { retry_after } => {
            let secs = portal_core::throttle::retry_after_secs(retry_after);
            let refused =
                PageError::new(StatusCode::TOO_MANY_REQUESTS, title("error-not-possible-title"), capitalised(&message));
            return PageError { retry_after: Some(secs), ..refused }.into_response();
        }
        ConsoleError::Changed | ConsoleError::StaffHaveNoDeadline => StatusCode::CONFLICT,
        ConsoleError::InvalidDays | ConsoleError::InvalidReason => StatusCode::UNPROCESSABLE_ENTITY,
        ConsoleError::Internal(e) => return PageError::from(e).into_response(),
    };
    PageError::new(status, title("error-not-possible-title"), capitalised(&message)).into_response()
}

/// What a page does with an MFA failure: some leave the form (the past-deadline page, a
/// redirect), the rest are shown on it.
pub enum MfaFailure {
    Respond(Response),
    Show { status: StatusCode, message: String, retry_after: Option<u64> },
}

pub fn mfa_failure(state: &AppState, e: MfaError) -> MfaFailure {
    let message = e.message_in(crate::language::current());
    match e {
        MfaError::SetupExpired { deadline } => MfaFailure::Respond(render::expired_page(state, deadline)),
        MfaError::StepUpRequired => MfaFailure::Respond(Redirect::to("/mfa/verify?next=setup").into_response()),
        MfaError::WrongStep => MfaFailure::Respond(Redirect::to("/mfa").into_response()),
        MfaError::SessionEnded => MfaFailure::Respond(Redirect::to("/login").into_response()),
        MfaError::Internal(e) => MfaFailure::Respond(PageError::from(e).into_response()),
        MfaError::Throttled { retry_after } => MfaFailure::Show {
            status: StatusCode::TOO_MANY_REQUESTS,
            message,
            retry_after: Some(portal_core::throttle::retry_after_secs(retry_after)),
        },
        MfaError::Locked => {
            MfaFailure::Show { status: StatusCode::TOO_MANY_REQUESTS, message, retry_after: Some(86_400) }
        }
        MfaError::SendRefused(r) => MfaFailure::Show {
            status: StatusCode::TOO_MANY_REQUESTS,
            message,
            retry_after: Some(portal_core::throttle::retry_after_secs(r.retry_after())),
        },
        MfaError::SmsFailed => MfaFailure::Show { status: StatusCode::BAD_GATEWAY, message, retry_after: None },
        MfaError::InvalidCode
        | MfaError::CodeReplayed
        | MfaError::CodeExpired
        | MfaError::NoCodeSent
        | MfaError::RecoveryCodeUsed
        | MfaError::PasskeyExpired
        | MfaError::PasskeyRefused => MfaFailure::Show { status: StatusCode::BAD_REQUEST, message, retry_after: None },
        MfaError::NotFound(_) => MfaFailure::Show { status: StatusCode::NOT_FOUND, message, retry_after: None },
        MfaError::LastMethod | MfaError::NoMethodYet | MfaError::PasskeysUnavailable => {
            MfaFailure::Show { status: StatusCode::CONFLICT, message, retry_after: None }
        }
        MfaError::NoPendingSetup | MfaError::NoSuchMethod(_) | MfaError::Phone(_) => {
            MfaFailure::Show { status: StatusCode::UNPROCESSABLE_ENTITY, message, retry_after: None }
        }
    }
}

/// An error page's title in the request's language.
fn title(id: &str) -> String {
    crate::language::current().text(id)
}

/// Core messages are sentence fragments ("the code is wrong"); pages show them as sentences.
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = render::error_page(Layout::plain(), self.status, &self.title, &self.message);
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders every error page again in the configured layout (portal name, support address),
/// keeping the status and the headers the handler set (`Set-Cookie`, `Retry-After`).
pub async fn error_pages_with_settings(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<PageError>() else { return response };
    let fresh = render::error_page(Layout::new(&state, None), error.status, &error.title, &error.message);
    if fresh.status() != error.status {
        // The template failed (and was logged); the first rendering stands.
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(content_type) = fresh_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, body)
}

pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::said(StatusCode::NOT_FOUND, "not_found", "api-no-such-endpoint").into_response()
    } else {
        PageError::said(StatusCode::NOT_FOUND, "error-not-found-title", "error-not-found").into_response()
    }
}
