//! The support console as JSON: the same `portal_core`
//! use-cases as the console pages. Not signed in → 401; signed in but not support/admin → 403.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{MethodRouter, get, post};
use portal_core::audit::Outcome;
use portal_core::console::{
    ConsoleAction, ConsoleError, MfaOverview, MfaState, OverviewFilter, ReportCounts, StaffError, SupportActor,
};
use portal_core::email::Email;
use portal_core::user::{Role, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use crate::console_input::{AuditQuery, audit_filter, parse_staff};
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiJson, ApiQuery, Client, ConsoleApiUser};
use crate::state::AppState;

/// Every admin API route with its methods; the router and the authorization tests share it.
pub fn route_table() -> Vec<(&'static str, &'static [&'static str], MethodRouter<AppState>)> {
    vec![
        ("/admin/users", &["GET"], get(users)),
        ("/admin/users/{id}", &["GET"], get(user)),
        ("/admin/users/{id}/{action}", &["POST"], post(act)),
        ("/admin/report", &["GET"], get(report)),
        ("/admin/audit", &["GET"], get(audit)),
        ("/admin/staff", &["POST"], post(create_staff)),
    ]
}

/// An account as support sees it.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserOverview {
    id: UserId,
    email: String,
    name: String,
    role: Role,
    mfa_state: MfaState,
    /// `totp`, `sms`, `passkey`.
    methods: Vec<&'static str>,
    /// `YYYY-MM-DD`, while a setup is due.
    setup_deadline: Option<String>,
    #[schema(format = DateTime)]
    last_sign_in: Option<String>,
    demo: bool,
}

fn user_json(state: &AppState, o: &MfaOverview) -> UserOverview {
    let (mfa_state, deadline) = o.state(&state.portal.settings().mfa, state.portal.today());
    UserOverview {
        id: o.user_id.clone(),
        email: o.email.clone(),
        name: o.name.clone(),
        role: o.role,
        mfa_state,
        methods: o.methods(),
        setup_deadline: deadline.map(|d| d.to_string()),
        last_sign_in: o.last_login_at.and_then(|t| t.format(&Rfc3339).ok()),
        demo: o.demo,
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// Words to find in email or name (at most 200 characters).
    q: String,
    /// 1 or more (default 1).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    page: Option<u32>,
    /// 1–500 (default 50; others are brought into that range).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    per_page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UserPage {
    users: Vec<UserOverview>,
    total: u64,
    page: u32,
}

/// Accounts, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users",
    tag = "admin",
    params(UsersQuery),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "A page of accounts", body = UserPage),
        (status = 400, description = "A query parameter is not a number (`invalid_query`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Not a support agent or administrator, or a cross-site request", body = ApiErrorBody),
        (status = 422, description = "`q` is too long", body = ApiErrorBody),
        (status = 429, description = "Too many look-ups", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn users(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> Result<Json<UserPage>, ApiError> {
    if q.q.chars().count() > 200 {
        return Err(ApiError::field_said("q", "api-search-too-long", &[]));
    }
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let filter = OverviewFilter {
        query: Some(q.q.clone()).filter(|t| !t.trim().is_empty()),
        role: None,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    let (rows, total) = state.portal.console_overview(&s.user, &filter).await?;
    Ok(Json(UserPage { users: rows.iter().map(|o| user_json(&state, o)).collect(), total, page }))
}

async fn overview_of(state: &AppState, actor: &portal_core::user::User, id: &UserId) -> Result<UserOverview, ApiError> {
    let (view, _) = state.portal.console_user(actor, id).await.map_err(ApiError::from)?;
    let user = view.user;
    let filter = OverviewFilter { query: Some(user.email.as_str().to_owned()), role: None, limit: 50, offset: 0 };
    let (rows, _) = state.portal.console_overview(actor, &filter).await?;
    rows.iter()
        .find(|o| &o.user_id == id)
        .map(|o| user_json(state, o))
        .ok_or_else(|| ApiError::from(ConsoleError::NotFound))
}

fn parse_id(id: &str) -> Result<UserId, ApiError> {
    UserId::parse(id).ok_or_else(|| ApiError::from(ConsoleError::NotFound))
}

/// One account in full.
#[utoipa::path(
    get,
    path = "/api/v1/admin/users/{id}",
    tag = "admin",
    params(("id" = String, Path, description = "The account's id")),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The account", body = UserDetail),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Not a support agent or administrator, or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such account", body = ApiErrorBody),
        (status = 429, description = "Too many look-ups", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn user(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
    Path(id): Path<String>,
) -> Result<Json<UserDetail>, ApiError> {
    let id = parse_id(&id)?;
    let (view, sessions) = state.portal.console_user(&s.user, &id).await?;
    Ok(Json(UserDetail {
        overview: overview_of(&state, &s.user, &id).await?,
        version: view.version(sessions.len()),
        sessions: sessions.len(),
        consecutive_failures: view.throttle.consecutive_failures,
        recovery_codes_left: view.recovery_codes_left,
        remembered_devices: view.remembered_devices.len(),
        phone_hint: view.confirmed.iter().find_map(|f| f.phone.as_ref()).map(portal_core::sms::PhoneE164::masked),
    }))
}

/// One account in full: the overview and what support acts on.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserDetail {
    #[serde(flatten)]
    overview: UserOverview,
    /// Send it back with an action: refused with 409 if the account changed since.
    version: String,
    sessions: usize,
    consecutive_failures: u32,
    recovery_codes_left: usize,
    remembered_devices: usize,
    phone_hint: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionBody {
    /// Why, for the audit log.
    reason: String,
    /// For `extend-deadline`: 1–90.
    #[serde(default)]
    days: Option<u16>,
    /// The `version` from `GET …/users/{id}`: refused with 409 if the account changed since.
    #[serde(default)]
    version: Option<String>,
}

/// A support action on an account: `extend-deadline`, `reset-mfa`, `unlock` or `end-sessions`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/{action}",
    tag = "admin",
    params(("id" = String, Path, description = "The account's id"), ("action" = String, Path, description = "`extend-deadline`, `reset-mfa`, `unlock` or `end-sessions`")),
    request_body = ActionBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Done; the account after it", body = UserOverview),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Not permitted (staff, own account, no fresh second factor: `step_up_required`), or a cross-site request", body = ApiErrorBody),
        (status = 404, description = "No such account or action", body = ApiErrorBody),
        (status = 409, description = "The account changed since `version` (`changed`), or staff have no deadline", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (`reason`, `days`)", body = ApiErrorBody),
        (status = 429, description = "Too many actions", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn act(
    State(state): State<AppState>,
    Client(ctx): Client,
    ConsoleApiUser(s): ConsoleApiUser,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<UserOverview>, ApiError> {
    let id = parse_id(&id)?;
    let action = match action.as_str() {
        "extend-deadline" => ConsoleAction::ExtendDeadline {
            days: body.days.ok_or_else(|| ApiError::field_said("days", "api-days-required", &[]))?,
        },
        "reset-mfa" => ConsoleAction::ResetMfa,
        "unlock" => ConsoleAction::Unlock,
        "end-sessions" => ConsoleAction::EndSessions,
        _ => return Err(ApiError::said(StatusCode::NOT_FOUND, "not_found", "api-no-such-action")),
    };
    let actor = SupportActor::Staff { user: &s.user, session: &s.session };
    state.portal.support_act(actor, &id, action, &body.reason, body.version.as_deref(), &ctx).await?;
    Ok(Json(overview_of(&state, &s.user, &id).await?))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct EnrollmentReport {
    counts: ReportCounts,
    /// Policyholders past their deadline with no method, oldest deadline first.
    past_deadline: Vec<PastDeadline>,
    /// Today, `YYYY-MM-DD`.
    date: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PastDeadline {
    id: UserId,
    email: String,
    setup_deadline: String,
}

/// The MFA enrollment report.
#[utoipa::path(
    get,
    path = "/api/v1/admin/report",
    tag = "admin",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The report", body = EnrollmentReport),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Not a support agent or administrator, or a cross-site request", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn report(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
) -> Result<Json<EnrollmentReport>, ApiError> {
    let report = state.portal.enrollment_report(&s.user).await?;
    let past_deadline = report
        .past_deadline
        .iter()
        .map(|(o, d)| PastDeadline { id: o.user_id.clone(), email: o.email.clone(), setup_deadline: d.to_string() })
        .collect();
    Ok(Json(EnrollmentReport { counts: report.counts, past_deadline, date: state.portal.today().to_string() }))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
struct ApiAuditQuery {
    user: String,
    actor: String,
    action: String,
    outcome: String,
    from: String,
    until: String,
    /// 1–10 000 (default 100; others are brought into that range).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    limit: Option<u32>,
}

/// The audit log, newest first, filtered.
#[utoipa::path(
    get,
    path = "/api/v1/admin/audit",
    tag = "admin",
    params(ApiAuditQuery),
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Matching events", body = AuditEvents),
        (status = 400, description = "`limit` is not a number (`invalid_query`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Not a support agent or administrator, or a cross-site request", body = ApiErrorBody),
        (status = 422, description = "A filter is invalid (named in `field`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn audit(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
    ApiQuery(q): ApiQuery<ApiAuditQuery>,
) -> Result<Json<AuditEvents>, ApiError> {
    let query =
        AuditQuery { user: q.user, actor: q.actor, action: q.action, outcome: q.outcome, from: q.from, until: q.until };
    let filter = audit_filter(&state, &s.user, &query, q.limit.unwrap_or(100).clamp(1, 10_000)).await.map_err(|m| {
        let field = m.split(':').next().unwrap_or("query").to_owned();
        ApiError::field(&field, m)
    })?;
    let events = state.portal.audit_search(&s.user, &filter).await.map_err(ApiError::from)?;
    let events = events
        .iter()
        .map(|r| AuditEntry {
            seq: r.seq,
            at: r.event.at.format(&Rfc3339).unwrap_or_default(),
            actor: r.event.actor.clone(),
            subject: r.event.subject.clone(),
            subject_id: r.event.subject_id.clone(),
            action: r.event.action.clone(),
            outcome: r.event.outcome,
            ip: r.event.ip.clone(),
            details: r.event.details.clone(),
        })
        .collect();
    Ok(Json(AuditEvents { events }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEvents {
    events: Vec<AuditEntry>,
}

/// One entry of the audit log.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEntry {
    seq: i64,
    #[schema(format = DateTime)]
    at: String,
    actor: Option<String>,
    subject: Option<String>,
    subject_id: Option<UserId>,
    action: String,
    outcome: Outcome,
    ip: Option<String>,
    /// What the action recorded besides; its shape depends on the action.
    details: Value,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StaffBody {
    email: String,
    name: String,
    /// `adjuster`, `support` or `admin`.
    role: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct StaffCreated {
    id: UserId,
    email: Email,
    role: Role,
}

/// Creates a staff account (administrators only); the new user gets a set-password email.
#[utoipa::path(
    post,
    path = "/api/v1/admin/staff",
    tag = "admin",
    request_body = StaffBody,
    security(("cookie" = [])),
    responses(
        (status = 201, description = "Created", body = StaffCreated),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "Not an administrator, no fresh second factor, or a cross-site request", body = ApiErrorBody),
        (status = 409, description = "An account with this email exists (`duplicate`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn create_staff(
    State(state): State<AppState>,
    Client(ctx): Client,
    ConsoleApiUser(s): ConsoleApiUser,
    ApiJson(body): ApiJson<StaffBody>,
) -> Result<(StatusCode, Json<StaffCreated>), ApiError> {
    if s.user.role != Role::Admin {
        return Err(ApiError::said(StatusCode::FORBIDDEN, "forbidden", "api-admins-only"));
    }
    let (email, name, role) = parse_staff(&body.email, &body.name, &body.role)
        .map_err(|(field, m)| ApiError::field(field, format!("{field}: {m}")))?;
    match state.portal.create_staff_account(&s.session, &s.user, email, name, role, &ctx).await {
        Ok(user) => Ok((StatusCode::CREATED, Json(StaffCreated { id: user.id, email: user.email, role: user.role }))),
        Err(StaffError::Duplicate) => Err(ApiError::said(StatusCode::CONFLICT, "duplicate", "api-duplicate-account")),
        Err(StaffError::NotAStaffRole) => Err(ApiError::field_said("role", "api-staff-role-invalid", &[])),
        Err(StaffError::AdminOnly) => Err(ApiError::said(StatusCode::FORBIDDEN, "forbidden", "api-admins-only")),
        Err(StaffError::Console(e)) => Err(e.into()),
        Err(StaffError::Internal(e)) => Err(e.into()),
    }
}
