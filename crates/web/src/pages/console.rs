//! The support console: find a user, see their MFA situation, and act — extend the
//! deadline, reset MFA, unlock, end sessions — each on a page that says what will happen, with a
//! reason, a fresh second factor and a stale-form check. Also the enrollment report, the audit
//! log with exports, and (admins) new staff accounts. Rules live in `portal_core::console`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use portal_core::audit::Outcome;
use portal_core::audit::{AuditFilter, AuditRecord};
use portal_core::console::{ConsoleAction, ConsoleError, MfaOverview, OverviewFilter, StaffError, SupportActor};
use portal_core::enrollment_chart::{EnrollmentChart, TREND_DAYS};
use portal_core::language::{Language, Localized};
use portal_core::mfa::policy::MfaPolicy;
use portal_core::mfa::service::SupportView;
use portal_core::user::{Role, UserId};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;

use crate::console_input::{AuditQuery, audit_filter_checked, parse_staff_checked};
use crate::csrf::CsrfForm;
use crate::downloads::{download, spreadsheet_csv};
use crate::enrollment_svg;
use crate::error::{PageError, capitalised, console_page_error};
use crate::extract::{Client, ConsolePageUser, SignedIn};
use crate::render::{Layout, render};
use crate::state::AppState;

const PAGE_SIZE: u32 = 25;

/// Every console page route, with the methods it answers. The router is built from this
/// table, and the authorization tests walk the same table, so a new route cannot be missed.
pub fn route_table() -> Vec<(&'static str, &'static [&'static str], MethodRouter<AppState>)> {
    vec![
        ("/console", &["GET"], get(|_: ConsolePageUser| async { Redirect::to("/console/users") })),
        ("/console/users", &["GET"], get(users)),
        ("/console/users/{id}", &["GET"], get(user_page)),
        ("/console/users/{id}/{action}", &["GET", "POST"], get(action_page).post(action_submit)),
        ("/console/report", &["GET"], get(report_page)),
        ("/console/report.csv", &["GET"], get(report_csv)),
        ("/console/report/chart.csv", &["GET"], get(chart_csv)),
        ("/console/audit", &["GET"], get(audit_page)),
        ("/console/audit.csv", &["GET"], get(audit_csv)),
        ("/console/audit.jsonl", &["GET"], get(audit_jsonl)),
        ("/console/staff/new", &["GET", "POST"], get(staff_page).post(staff_submit)),
    ]
}

use crate::render::date_time;

struct UserRow {
    id: String,
    name: String,
    email: String,
    role: String,
    state: &'static str,
    state_label: String,
    last_login: String,
    demo: bool,
}

fn state_label(state: &AppState, o: &MfaOverview, lang: Language) -> (&'static str, String) {
    let today = state.portal.today();
    let (s, deadline) = o.state(&state.portal.settings().mfa, today);
    let label = match s {
        portal_core::console::MfaState::Enrolled => {
            let names: Vec<String> = o
                .methods()
                .into_iter()
                .map(|m| match m {
                    "totp" => lang.text("console-state-method-app"),
                    "passkey" => lang.text("console-state-method-passkey"),
                    _ => lang.text("console-state-method-sms"),
                })
                .collect();
            lang.text_with("console-state-enrolled", &[("methods", names.join(" + ").into())])
        }
        portal_core::console::MfaState::SetupPending => match deadline {
            Some(d) => lang.text_with("console-state-pending-days", &[("days", (d - today).whole_days().into())]),
            None => lang.text("console-state-pending-next-sign-in"),
        },
        portal_core::console::MfaState::SetupExpired => lang.text("console-state-expired"),
        portal_core::console::MfaState::Locked => lang.text("console-state-locked"),
    };
    (s.as_str(), label)
}

/// An audit outcome as the console shows it (exports keep the stored value).
fn outcome_label(outcome: Outcome, lang: Language) -> String {
    match outcome {
        Outcome::Success => lang.text("console-outcome-success"),
        Outcome::Failure => lang.text("console-outcome-failure"),
        Outcome::Refused => lang.text("console-outcome-refused"),
    }
}

#[derive(Template)]
#[template(path = "console_users.html")]
struct UsersPage {
    layout: Layout,
    nav: &'static str,
    is_admin: bool,
    q: String,
    q_encoded: String,
    /// "3 users matching “ann”."
    found: String,
    rows: Vec<UserRow>,
    page: u32,
    pages: u32,
    prev_page: Option<u32>,
    next_page: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UsersQuery {
    q: String,
    page: Option<u32>,
}

async fn users(
    State(state): State<AppState>,
    ConsolePageUser(s): ConsolePageUser,
    Query(query): Query<UsersQuery>,
) -> Response {
    let q = query.q.chars().take(200).collect::<String>();
    let page = query.page.unwrap_or(1).max(1);
    let filter = OverviewFilter {
        query: Some(q.clone()).filter(|t| !t.trim().is_empty()),
        role: None,
        limit: PAGE_SIZE,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    let (found, total) = match state.portal.console_overview(&s.user, &filter).await {
        Ok(r) => r,
        Err(e) => return console_page_error(e),
    };
    let lang = crate::language::current();
    let rows = found
        .iter()
        .map(|o| {
            let (st, label) = state_label(&state, o, lang);
            UserRow {
                id: o.user_id.as_str().to_owned(),
                name: o.name.clone(),
                email: o.email.clone(),
                role: o.role.label_in(lang),
                state: st,
                state_label: label,
                last_login: o
                    .last_login_at
                    .map(|t| date_time(&state.portal, t))
                    .unwrap_or_else(|| lang.text("console-never")),
                demo: o.demo,
            }
        })
        .collect();
    let found = if q.is_empty() {
        lang.text_with("console-users-found", &[("count", total.into())])
    } else {
        lang.text_with("console-users-found-matching", &[("count", total.into()), ("query", q.as_str().into())])
    };
    let pages = u32::try_from(total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX).max(1);
    render(
        StatusCode::OK,
        &UsersPage {
            layout: Layout::new(&state, Some(&s)),
            nav: "users",
            is_admin: s.user.role == Role::Admin,
            q_encoded: form_urlencoded::byte_serialize(q.as_bytes()).collect(),
            q,
            found,
            rows,
            page,
            pages,
            prev_page: (page > 1).then(|| page - 1),
            next_page: (page < pages).then(|| page + 1),
        },
    )
}

struct SessionRow {
    started: String,
    last_seen: String,
    level: String,
    ip: String,
    user_agent: String,
}

struct EventRow {
    at: String,
    action: String,
    outcome: String,
    actor: String,
    subject: String,
    ip: String,
    details: String,
}

fn event_row(portal: &portal_core::Portal, r: &AuditRecord, lang: Language) -> EventRow {
    let e = &r.event;
    EventRow {
        at: date_time(portal, e.at),
        action: e.action.clone(),
        outcome: outcome_label(e.outcome, lang),
        actor: e.actor.clone().unwrap_or_default(),
        subject: e.subject.clone().unwrap_or_default(),
        ip: e.ip.clone().unwrap_or_default(),
        details: e.details.to_string(),
    }
}

#[derive(Template)]
#[template(path = "console_user.html")]
struct UserPage {
    layout: Layout,
    nav: &'static str,
    is_admin: bool,
    id: String,
    name: String,
    email: String,
    role: String,
    demo: bool,
    notice: Option<String>,
    state: &'static str,
    state_label: String,
    methods: Vec<String>,
    recovery_codes_left: usize,
    /// "user agent, until date" of each remembered device.
    devices: Vec<String>,
    deadline: String,
    deadline_source: String,
    throttle: String,
    created: String,
    last_login: String,
    can_act: bool,
    can_extend: bool,
    cannot_act_reason: String,
    sessions: Vec<SessionRow>,
    events: Vec<EventRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DoneQuery {
    done: String,
}

fn parse_id(id: &str) -> Result<UserId, Box<Response>> {
    UserId::parse(id).ok_or_else(|| Box::new(console_page_error(ConsoleError::NotFound)))
}

async fn user_page(
    State(state): State<AppState>,
    ConsolePageUser(s): ConsolePageUser,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let (view, sessions) = match state.portal.console_user(&s.user, &id).await {
        Ok(v) => v,
        Err(e) => return console_page_error(e),
    };
    let lang = crate::language::current();
    let filter = AuditFilter { subject_id: Some(id.clone()), limit: 20, ..AuditFilter::default() };
    let events = match state.portal.audit_search(&s.user, &filter).await {
        Ok(ev) => ev.iter().map(|r| event_row(&state.portal, r, lang)).collect(),
        Err(e) => return console_page_error(e),
    };
    let overview = MfaOverview {
        user_id: view.user.id.clone(),
        email: view.user.email.as_str().to_owned(),
        name: view.user.name.as_str().to_owned(),
        role: view.user.role,
        created_at: view.user.created_at,
        mfa_deadline: view.user.mfa_deadline,
        has_totp: view.confirmed.iter().any(|f| f.method == portal_core::mfa::Method::Totp),
        has_sms: view.confirmed.iter().any(|f| f.method == portal_core::mfa::Method::Sms),
        has_passkey: view.confirmed.iter().any(|f| f.method == portal_core::mfa::Method::Passkey),
        locked: view.throttle.locked,
        last_login_at: view.last_sign_in,
        demo: view.user.demo,
    };
    let (st, label) = state_label(&state, &overview, lang);
    let permission = portal_core::console::may_act_on(&s.user, &view.user);
    let notice = match done.done.as_str() {
        "extend-deadline" => Some(lang.text("console-user-done-extend")),
        "reset-mfa" => Some(lang.text("console-user-done-reset")),
        "unlock" => Some(lang.text("console-user-done-unlock")),
        "end-sessions" => Some(lang.text("console-user-done-end-sessions")),
        _ => None,
    };
    render(
        StatusCode::OK,
        &UserPage {
            layout: Layout::new(&state, Some(&s)),
            nav: "users",
            is_admin: s.user.role == Role::Admin,
            id: view.user.id.as_str().to_owned(),
            name: view.user.name.as_str().to_owned(),
            email: view.user.email.as_str().to_owned(),
            role: view.user.role.label_in(lang),
            demo: view.user.demo,
            notice,
            state: st,
            state_label: label,
            methods: view
                .confirmed
                .iter()
                .map(|f| match &f.phone {
                    Some(p) => lang.text_with("console-user-method-text", &[("phone", p.masked().into())]),
                    None => f.method.label_in(lang),
                })
                .collect(),
            recovery_codes_left: view.recovery_codes_left,
            devices: view
                .remembered_devices
                .iter()
                .map(|d| {
                    let device = d.user_agent.clone().unwrap_or_else(|| lang.text("console-user-unknown-device"));
                    let until = date_time(&state.portal, d.expires_at);
                    lang.text_with("console-user-device", &[("device", device.into()), ("until", until.into())])
                })
                .collect(),
            deadline: view.deadline.map_or_else(|| lang.text("console-none"), |d| lang.long_date(d.date)),
            deadline_source: view.deadline_source_label_in(lang),
            throttle: state.portal.throttle_label(&view, lang),
            created: date_time(&state.portal, view.user.created_at),
            last_login: view
                .last_sign_in
                .map(|t| date_time(&state.portal, t))
                .unwrap_or_else(|| lang.text("console-never")),
            can_act: permission.is_ok(),
            can_extend: !view.user.role.is_staff(),
            cannot_act_reason: permission.err().map(|e| capitalised(&e.message_in(lang))).unwrap_or_default(),
            sessions: sessions
                .iter()
                .map(|x| SessionRow {
                    started: date_time(&state.portal, x.created_at),
                    last_seen: date_time(&state.portal, x.last_seen_at),
                    level: if x.auth_level == portal_core::session::AuthLevel::Full {
                        lang.text("console-user-level-full")
                    } else {
                        lang.text("console-user-level-password")
                    },
                    ip: x.ip.clone().unwrap_or_default(),
                    user_agent: x.user_agent.clone().unwrap_or_default().chars().take(60).collect(),
                })
                .collect(),
            events,
        },
    )
}

fn parse_action(name: &str, days: Option<u16>) -> Option<ConsoleAction> {
    match name {
        "extend-deadline" => Some(ConsoleAction::ExtendDeadline { days: days.unwrap_or(0) }),
        "reset-mfa" => Some(ConsoleAction::ResetMfa),
        "unlock" => Some(ConsoleAction::Unlock),
        "end-sessions" => Some(ConsoleAction::EndSessions),
        _ => None,
    }
}

#[derive(Template, Default)]
#[template(path = "console_action.html")]
struct ActionPage {
    layout: Layout,
    nav: &'static str,
    is_admin: bool,
    id: String,
    email: String,
    action: String,
    title: String,
    explanation: String,
    confirm_label: String,
    csrf: String,
    version: String,
    days: String,
    reason: String,
    error: Option<String>,
    days_error: Option<String>,
    reason_error: Option<String>,
}

/// An action's title, what it will do, and its button, in `lang`.
fn describe(action: &str, view: &SupportView, policy: &MfaPolicy, lang: Language) -> (String, String, String) {
    let email = ("email", view.user.email.as_str().into());
    match action {
        "extend-deadline" => (
            lang.text("console-action-extend-title"),
            lang.text_with(
                "console-action-extend-explanation",
                &[
                    email,
                    ("zone", policy.zone.name().into()),
                    (
                        "deadline",
                        view.deadline.map_or_else(|| lang.text("console-none"), |d| lang.long_date(d.date)).into(),
                    ),
                ],
            ),
            lang.text("console-action-extend-button"),
        ),
        "reset-mfa" => (
            lang.text("console-action-reset-title"),
            lang.text_with(
                "console-action-reset-explanation",
                &[email, ("days", u32::from(policy.support_grace_days).into())],
            ),
            lang.text("console-action-reset-button"),
        ),
        "unlock" => (
            lang.text("console-action-unlock-title"),
            lang.text_with("console-action-unlock-explanation", &[email]),
            lang.text("console-action-unlock-button"),
        ),
        _ => (
            lang.text("console-action-end-sessions-title"),
            lang.text_with("console-action-end-sessions-explanation", &[email]),
            lang.text("console-action-end-sessions-button"),
        ),
    }
}

async fn action_form(
    state: &AppState,
    s: &SignedIn,
    id: &UserId,
    action: &str,
    status: StatusCode,
    page: ActionPage,
) -> Response {
    if parse_action(action, None).is_none() {
        return console_page_error(ConsoleError::NotFound);
    }
    let (view, sessions) = match state.portal.console_user(&s.user, id).await {
        Ok(v) => v,
        Err(e) => return console_page_error(e),
    };
    if let Err(e) = portal_core::console::may_act_on(&s.user, &view.user) {
        return console_page_error(e);
    }
    let lang = crate::language::current();
    let (title, explanation, confirm_label) = describe(action, &view, &state.portal.settings().mfa, lang);
    let version = if page.version.is_empty() { view.version(sessions.len()) } else { page.version.clone() };
    render(
        status,
        &ActionPage {
            layout: Layout::new(state, Some(s)),
            nav: "users",
            is_admin: s.user.role == Role::Admin,
            id: id.as_str().to_owned(),
            email: view.user.email.as_str().to_owned(),
            action: action.to_owned(),
            title,
            explanation,
            confirm_label,
            csrf: s.session.csrf_token.clone(),
            version,
            days: if page.days.is_empty() { "7".to_owned() } else { page.days.clone() },
            ..page
        },
    )
}

async fn action_page(
    State(state): State<AppState>,
    ConsolePageUser(s): ConsolePageUser,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    match parse_id(&id) {
        Ok(id) => action_form(&state, &s, &id, &action, StatusCode::OK, ActionPage::default()).await,
        Err(r) => *r,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    version: String,
    days: String,
    reason: String,
}

async fn action_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    ConsolePageUser(s): ConsolePageUser,
    Path((id, action_name)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let lang = crate::language::current();
    let days = if action_name == "extend-deadline" {
        match form.days.trim().parse::<u16>() {
            Ok(d) => Some(d),
            Err(_) => {
                let page = ActionPage {
                    days: form.days.clone(),
                    reason: form.reason.clone(),
                    version: form.version.clone(),
                    days_error: Some(lang.text("console-action-days-invalid")),
                    ..ActionPage::default()
                };
                return action_form(&state, &s, &id, &action_name, StatusCode::UNPROCESSABLE_ENTITY, page).await;
            }
        }
    } else {
        None
    };
    let Some(action) = parse_action(&action_name, days) else { return console_page_error(ConsoleError::NotFound) };
    let actor = SupportActor::Staff { user: &s.user, session: &s.session };
    match state.portal.support_act(actor, &id, action, &form.reason, Some(&form.version), &ctx).await {
        Ok(_) => Redirect::to(&format!("/console/users/{}?done={action_name}", id.as_str())).into_response(),
        Err(
            e @ (ConsoleError::InvalidDays
            | ConsoleError::InvalidReason
            | ConsoleError::Changed
            | ConsoleError::RateLimited { .. }),
        ) => {
            let status = match e {
                ConsoleError::Changed => StatusCode::CONFLICT,
                ConsoleError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let message = capitalised(&e.message_in(lang));
            let mut page = ActionPage { days: form.days.clone(), reason: form.reason.clone(), ..ActionPage::default() };
            match e {
                ConsoleError::InvalidDays => page.days_error = Some(message),
                ConsoleError::InvalidReason => page.reason_error = Some(message),
                // A changed account gets a fresh version so the agent can review and confirm.
                _ => page.error = Some(message),
            }
            if !matches!(e, ConsoleError::Changed) {
                page.version = form.version.clone();
            }
            let mut response = action_form(&state, &s, &id, &action_name, status, page).await;
            if let ConsoleError::RateLimited { retry_after } = e {
                let secs = portal_core::throttle::retry_after_secs(retry_after);
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
            }
            response
        }
        Err(e) => console_page_error(e),
    }
}

struct PastRow {
    id: String,
    email: String,
    deadline: String,
}

/// A row of the table under the chart.
struct ChartRow {
    date: String,
    enrolled: u64,
    setup_pending: u64,
    setup_expired: u64,
    projected: bool,
    /// Policyholders without a method whose deadline is this day.
    deadline_for: Option<u64>,
}

/// The table under the chart: every seventh day counted from today, the first and last day,
/// and every deadline day; the CSV has every day.
fn chart_rows(chart: &EnrollmentChart) -> Vec<ChartRow> {
    let (first, last) = chart.window();
    chart
        .days
        .iter()
        .filter_map(|d| {
            let deadline_for = chart.deadlines.iter().find(|m| m.date == d.date).map(|m| m.policyholders);
            let weekly = (d.date - chart.today).whole_days() % 7 == 0;
            (weekly || deadline_for.is_some() || d.date == first || d.date == last).then(|| ChartRow {
                date: d.date.to_string(),
                enrolled: d.enrolled,
                setup_pending: d.setup_pending,
                setup_expired: d.setup_expired,
                projected: d.projected,
                deadline_for,
            })
        })
        .collect()
}

/// The chart's `<svg>`, or none (the table still has the numbers) if it could not be drawn.
fn chart_svg(chart: &EnrollmentChart, lang: Language) -> Option<String> {
    let (first, last) = chart.window();
    let description = lang.text_with(
        "console-chart-description",
        &[("first", first.to_string().into()), ("last", last.to_string().into())],
    );
    enrollment_svg::svg(chart, &description, lang).map_err(|e| tracing::error!(error = %e, "enrollment chart")).ok()
}

#[derive(Template)]
#[template(path = "console_report.html")]
struct ReportPage {
    layout: Layout,
    nav: &'static str,
    is_admin: bool,
    today: String,
    c: portal_core::console::ReportCounts,
    past: Vec<PastRow>,
    chart_svg: Option<String>,
    chart_rows: Vec<ChartRow>,
    chart_first: String,
    chart_last: String,
    /// What the days after today assume: the enrollments the projection is measured on, over
    /// `TREND_DAYS`, and the locked accounts left out.
    chart_future: String,
}

async fn report_page(State(state): State<AppState>, ConsolePageUser(s): ConsolePageUser) -> Response {
    let report = match state.portal.enrollment_report(&s.user).await {
        Ok(r) => r,
        Err(e) => return console_page_error(e),
    };
    let chart = match state.portal.enrollment_chart(&s.user).await {
        Ok(c) => c,
        Err(e) => return console_page_error(e),
    };
    let (first, last) = chart.window();
    let lang = crate::language::current();
    let chart_future = lang.text_with(
        "console-chart-future",
        &[
            ("enrollments", chart.recent_enrollments.into()),
            ("days", u32::from(TREND_DAYS).into()),
            ("locked", chart.locked.into()),
        ],
    );
    render(
        StatusCode::OK,
        &ReportPage {
            layout: Layout::new(&state, Some(&s)),
            nav: "report",
            is_admin: s.user.role == Role::Admin,
            today: lang.long_date(state.portal.today()),
            c: report.counts,
            past: report
                .past_deadline
                .iter()
                .map(|(o, d)| PastRow {
                    id: o.user_id.as_str().to_owned(),
                    email: o.email.clone(),
                    deadline: d.to_string(),
                })
                .collect(),
            chart_svg: chart_svg(&chart, lang),
            chart_rows: chart_rows(&chart),
            chart_first: lang.long_date(first),
            chart_last: lang.long_date(last),
            chart_future,
        },
    )
}

/// Every policyholder with their MFA state and deadline, one row each.
async fn report_csv(State(state): State<AppState>, ConsolePageUser(s): ConsolePageUser) -> Response {
    let filter = OverviewFilter { role: Some(Role::Policyholder), limit: u32::MAX, ..OverviewFilter::default() };
    let (rows, _) = match state.portal.console_overview(&s.user, &filter).await {
        Ok(r) => r,
        Err(e) => return console_page_error(e),
    };
    let today = state.portal.today();
    let header = ["email", "name", "mfa_state", "methods", "setup_deadline", "last_sign_in"].map(str::to_owned);
    let records = rows.iter().map(|o| {
        let (st, deadline) = o.state(&state.portal.settings().mfa, today);
        [
            o.email.as_str().to_owned(),
            o.name.as_str().to_owned(),
            st.as_str().to_owned(),
            o.methods().join(" "),
            deadline.map(|d| d.to_string()).unwrap_or_default(),
            o.last_login_at.map(|t| state.portal.settings().mfa.zone.timestamp(t)).unwrap_or_default(),
        ]
    });
    match spreadsheet_csv(std::iter::once(header).chain(records)) {
        Some(bytes) => download("text/csv; charset=utf-8", &format!("mfa-enrollment-{today}.csv"), bytes),
        None => {
            let lang = crate::language::current();
            PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.text("console-report-error-title"),
                lang.text("console-report-csv-failed"),
            )
            .into_response()
        }
    }
}

/// The chart's numbers, every day of its window; `projected` is true after today.
async fn chart_csv(State(state): State<AppState>, ConsolePageUser(s): ConsolePageUser) -> Response {
    let chart = match state.portal.enrollment_chart(&s.user).await {
        Ok(c) => c,
        Err(e) => return console_page_error(e),
    };
    let header = ["date", "enrolled", "setup_pending", "setup_expired", "projected"].map(str::to_owned);
    let records = chart.days.iter().map(|d| {
        [
            d.date.to_string(),
            d.enrolled.to_string(),
            d.setup_pending.to_string(),
            d.setup_expired.to_string(),
            d.projected.to_string(),
        ]
    });
    match spreadsheet_csv(std::iter::once(header).chain(records)) {
        Some(bytes) => download("text/csv; charset=utf-8", &format!("mfa-enrollment-chart-{}.csv", chart.today), bytes),
        None => {
            let lang = crate::language::current();
            PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.text("console-report-error-title"),
                lang.text("console-chart-csv-failed"),
            )
            .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "console_audit.html")]
struct AuditPage {
    layout: Layout,
    nav: &'static str,
    is_admin: bool,
    f: AuditQuery,
    query: String,
    error: Option<String>,
    events: Vec<EventRow>,
    limit: u32,
}

fn query_string(q: &AuditQuery) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("user", &q.user)
        .append_pair("actor", &q.actor)
        .append_pair("action", &q.action)
        .append_pair("outcome", &q.outcome)
        .append_pair("from", &q.from)
        .append_pair("until", &q.until)
        .finish()
}

async fn audit_page(
    State(state): State<AppState>,
    ConsolePageUser(s): ConsolePageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let limit = 200;
    let lang = crate::language::current();
    let (status, error, events) = match audit_filter_checked(&state, &s.user, &q, limit).await {
        Ok(filter) => match state.portal.audit_search(&s.user, &filter).await {
            Ok(ev) => (StatusCode::OK, None, ev.iter().map(|r| event_row(&state.portal, r, lang)).collect()),
            Err(e) => return console_page_error(e),
        },
        Err(refused) => (StatusCode::UNPROCESSABLE_ENTITY, Some(refused.message_in(lang)), Vec::new()),
    };
    render(
        status,
        &AuditPage {
            layout: Layout::new(&state, Some(&s)),
            nav: "audit",
            is_admin: s.user.role == Role::Admin,
            query: query_string(&q),
            f: q,
            error,
            events,
            limit,
        },
    )
}

async fn audit_export(
    state: &AppState,
    actor: &portal_core::user::User,
    q: &AuditQuery,
) -> Result<Vec<AuditRecord>, Response> {
    let lang = crate::language::current();
    let filter = audit_filter_checked(state, actor, q, 10_000).await.map_err(|refused| {
        PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.text("console-audit-filter-not-understood"),
            refused.message_in(lang),
        )
        .into_response()
    })?;
    state.portal.audit_search(actor, &filter).await.map_err(console_page_error)
}

async fn audit_csv(
    State(state): State<AppState>,
    ConsolePageUser(s): ConsolePageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let events = match audit_export(&state, &s.user, &q).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let header = ["seq", "at", "actor", "subject_id", "subject", "action", "outcome", "ip", "user_agent", "details"]
        .map(str::to_owned);
    let records = events.iter().map(|r| {
        let e = &r.event;
        [
            r.seq.to_string(),
            state.portal.settings().mfa.zone.timestamp(e.at),
            e.actor.clone().unwrap_or_default(),
            e.subject_id.as_ref().map(UserId::as_str).unwrap_or_default().to_owned(),
            e.subject.clone().unwrap_or_default(),
            e.action.clone(),
            e.outcome.as_str().to_owned(),
            e.ip.clone().unwrap_or_default(),
            e.user_agent.clone().unwrap_or_default(),
            e.details.to_string(),
        ]
    });
    match spreadsheet_csv(std::iter::once(header).chain(records)) {
        Some(bytes) => download("text/csv; charset=utf-8", "audit.csv", bytes),
        None => {
            let lang = crate::language::current();
            PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.text("console-report-error-title"),
                lang.text("console-audit-export-failed"),
            )
            .into_response()
        }
    }
}

async fn audit_jsonl(
    State(state): State<AppState>,
    ConsolePageUser(s): ConsolePageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let events = match audit_export(&state, &s.user, &q).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let mut out = Vec::new();
    for r in &events {
        let line = serde_json::json!({
            "seq": r.seq,
            "at": r.event.at.format(&Rfc3339).unwrap_or_default(),
            "actor": r.event.actor,
            "subject_id": r.event.subject_id,
            "subject": r.event.subject,
            "action": r.event.action,
            "outcome": r.event.outcome,
            "ip": r.event.ip,
            "user_agent": r.event.user_agent,
            "details": r.event.details,
        });
        out.extend_from_slice(line.to_string().as_bytes());
        out.push(b'\n');
    }
    download("application/x-ndjson", "audit.jsonl", out)
}

#[derive(Template, Default)]
#[template(path = "console_staff.html")]
struct StaffPage {
    layout: Layout,
    nav: &'static str,
    is_admin: bool,
    csrf: String,
    email: String,
    name: String,
    notice: Option<String>,
    error: Option<String>,
}

fn staff_form(state: &AppState, s: &SignedIn, status: StatusCode, page: StaffPage) -> Response {
    if s.user.role != Role::Admin {
        let lang = crate::language::current();
        return PageError::new(
            StatusCode::FORBIDDEN,
            lang.text("console-staff-not-available"),
            lang.text("console-staff-admins-only"),
        )
        .into_response();
    }
    render(
        status,
        &StaffPage {
            layout: Layout::new(state, Some(s)),
            nav: "staff",
            is_admin: true,
            csrf: s.session.csrf_token.clone(),
            ..page
        },
    )
}

async fn staff_page(State(state): State<AppState>, ConsolePageUser(s): ConsolePageUser) -> Response {
    staff_form(&state, &s, StatusCode::OK, StaffPage::default())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StaffForm {
    email: String,
    name: String,
    role: String,
}

async fn staff_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    ConsolePageUser(s): ConsolePageUser,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Response {
    let again = |status, error: String| {
        staff_form(
            &state,
            &s,
            status,
            StaffPage {
                email: form.email.clone(),
                name: form.name.clone(),
                error: Some(error),
                ..StaffPage::default()
            },
        )
    };
    let lang = crate::language::current();
    let (email, name, role) = match parse_staff_checked(&form.email, &form.name, &form.role) {
        Ok(v) => v,
        Err(wrong) => return again(StatusCode::UNPROCESSABLE_ENTITY, wrong.message_in(lang)),
    };
    match state.portal.create_staff_account(&s.session, &s.user, email, name, role, &ctx).await {
        Ok(user) => staff_form(
            &state,
            &s,
            StatusCode::OK,
            StaffPage {
                notice: Some(lang.text_with(
                    "console-staff-created",
                    &[("email", user.email.as_str().into()), ("role", user.role.label_in(lang).into())],
                )),
                ..StaffPage::default()
            },
        ),
        Err(StaffError::Internal(e)) => PageError::from(e).into_response(),
        Err(StaffError::Console(e)) => console_page_error(e),
        Err(e) => again(
            if matches!(e, StaffError::AdminOnly) { StatusCode::FORBIDDEN } else { StatusCode::UNPROCESSABLE_ENTITY },
            capitalised(&e.message_in(lang)),
        ),
    }
}
