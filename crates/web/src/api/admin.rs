//! The support console as JSON: the same `portal_core`
//! use-cases as the console pages. Not signed in → 401; signed in but not support/admin → 403.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{MethodRouter, get, post};
use portal_core::console::{ConsoleAction, ConsoleError, MfaOverview, OverviewFilter, StaffError, SupportActor};
use portal_core::user::{Role, UserId};
use serde::Deserialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::console_input::{AuditQuery, audit_filter, parse_staff};
use crate::error::ApiError;
use crate::extract::{ApiJson, Client, ConsoleApiUser};
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

fn user_json(state: &AppState, o: &MfaOverview) -> Value {
    let (mfa_state, deadline) = o.state(&state.portal.settings().mfa, state.portal.today());
    json!({
        "id": o.user_id,
        "email": o.email,
        "name": o.name,
        "role": o.role,
        "mfa_state": mfa_state,
        "methods": o.methods(),
        "setup_deadline": deadline.map(|d| d.to_string()),
        "last_sign_in": o.last_login_at.and_then(|t| t.format(&Rfc3339).ok()),
        "demo": o.demo,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UsersQuery {
    q: String,
    page: Option<u32>,
    per_page: Option<u32>,
}

async fn users(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
    Query(q): Query<UsersQuery>,
) -> Result<Json<Value>, ApiError> {
    if q.q.chars().count() > 200 {
        return Err(ApiError::field("q", "q: at most 200 characters"));
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
    Ok(Json(
        json!({ "users": rows.iter().map(|o| user_json(&state, o)).collect::<Vec<_>>(), "total": total, "page": page }),
    ))
}

async fn overview_of(state: &AppState, actor: &portal_core::user::User, id: &UserId) -> Result<Value, ApiError> {
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

async fn user(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let (view, sessions) = state.portal.console_user(&s.user, &id).await?;
    let mut body = overview_of(&state, &s.user, &id).await?;
    body["version"] = json!(view.version(sessions.len()));
    body["sessions"] = json!(sessions.len());
    body["consecutive_failures"] = json!(view.throttle.consecutive_failures);
    body["recovery_codes_left"] = json!(view.recovery_codes_left);
    body["remembered_devices"] = json!(view.remembered_devices.len());
    body["phone_hint"] =
        json!(view.confirmed.iter().find_map(|f| f.phone.as_ref()).map(portal_core::sms::PhoneE164::masked));
    Ok(Json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    reason: String,
    #[serde(default)]
    days: Option<u16>,
    /// The `version` from `GET …/users/{id}`: refused with 409 if the account changed since.
    #[serde(default)]
    version: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    Client(ctx): Client,
    ConsoleApiUser(s): ConsoleApiUser,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    let action = match action.as_str() {
        "extend-deadline" => ConsoleAction::ExtendDeadline {
            days: body.days.ok_or_else(|| ApiError::field("days", "days: required, 1–90"))?,
        },
        "reset-mfa" => ConsoleAction::ResetMfa,
        "unlock" => ConsoleAction::Unlock,
        "end-sessions" => ConsoleAction::EndSessions,
        _ => return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such action")),
    };
    let actor = SupportActor::Staff { user: &s.user, session: &s.session };
    state.portal.support_act(actor, &id, action, &body.reason, body.version.as_deref(), &ctx).await?;
    Ok(Json(overview_of(&state, &s.user, &id).await?))
}

async fn report(State(state): State<AppState>, ConsoleApiUser(s): ConsoleApiUser) -> Result<Json<Value>, ApiError> {
    let report = state.portal.enrollment_report(&s.user).await?;
    let past: Vec<Value> = report
        .past_deadline
        .iter()
        .map(|(o, d)| json!({ "id": o.user_id, "email": o.email, "setup_deadline": d.to_string() }))
        .collect();
    Ok(Json(json!({ "counts": report.counts, "past_deadline": past, "date": state.portal.today().to_string() })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApiAuditQuery {
    user: String,
    actor: String,
    action: String,
    outcome: String,
    from: String,
    until: String,
    limit: Option<u32>,
}

async fn audit(
    State(state): State<AppState>,
    ConsoleApiUser(s): ConsoleApiUser,
    Query(q): Query<ApiAuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let query =
        AuditQuery { user: q.user, actor: q.actor, action: q.action, outcome: q.outcome, from: q.from, until: q.until };
    let filter = audit_filter(&state, &s.user, &query, q.limit.unwrap_or(100).clamp(1, 10_000)).await.map_err(|m| {
        let field = m.split(':').next().unwrap_or("query").to_owned();
        ApiError::field(&field, m)
    })?;
    let events = state.portal.audit_search(&s.user, &filter).await.map_err(ApiError::from)?;
    let events: Vec<Value> = events
        .iter()
        .map(|r| {
            json!({
                "seq": r.seq,
                "at": r.event.at.format(&Rfc3339).unwrap_or_default(),
                "actor": r.event.actor,
                "subject": r.event.subject,
                "subject_id": r.event.subject_id,
                "action": r.event.action,
                "outcome": r.event.outcome,
                "ip": r.event.ip,
                "details": r.event.details,
            })
        })
        .collect();
    Ok(Json(json!({ "events": events })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffBody {
    email: String,
    name: String,
    role: String,
}

async fn create_staff(
    State(state): State<AppState>,
    Client(ctx): Client,
    ConsoleApiUser(s): ConsoleApiUser,
    ApiJson(body): ApiJson<StaffBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if s.user.role != Role::Admin {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "only administrators create staff accounts"));
    }
    let (email, name, role) = parse_staff(&body.email, &body.name, &body.role)
        .map_err(|(field, m)| ApiError::field(field, format!("{field}: {m}")))?;
    match state.portal.create_staff_account(&s.session, &s.user, email, name, role, &ctx).await {
        Ok(user) => Ok((StatusCode::CREATED, Json(json!({ "id": user.id, "email": user.email, "role": user.role })))),
        Err(StaffError::Duplicate) => {
            Err(ApiError::new(StatusCode::CONFLICT, "duplicate", "an account with this email already exists"))
        }
        Err(StaffError::NotAStaffRole) => Err(ApiError::field("role", "role: choose adjuster, support or admin")),
        Err(StaffError::AdminOnly) => {
            Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "only administrators create staff accounts"))
        }
        Err(StaffError::Console(e)) => Err(e.into()),
        Err(StaffError::Internal(e)) => Err(e.into()),
    }
}
