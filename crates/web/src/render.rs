//! HTML presentation every page shares: the layout (portal name, support address, the
//! signed-in user), rendering a template with a status, and the error page. It knows nothing
//! of handlers, so errors, extractors and both front ends can use it.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use time::Date;

use crate::cookies;
use crate::session::SignedIn;
use crate::state::AppState;

/// What the shared layout shows: the portal's name, the support address, and for a signed-in
/// user their name and the sign-out form's token.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub portal_name: String,
    pub support_email: String,
    pub signed_in: Option<LayoutUser>,
}

#[derive(Debug, Clone)]
pub struct LayoutUser {
    pub name: String,
    pub csrf: String,
    /// Support agents and admins with a full session see the console link.
    pub console: bool,
}

impl Layout {
    pub fn new(state: &AppState, signed_in: Option<&SignedIn>) -> Self {
        let settings = &state.portal.settings();
        Self {
            portal_name: settings.portal_name.clone(),
            support_email: settings.support_email.clone(),
            signed_in: signed_in.map(|s| LayoutUser {
                name: s.user.name.as_str().to_owned(),
                csrf: s.session.csrf_token.clone(),
                console: s.session.auth_level == portal_core::session::AuthLevel::Full
                    && portal_core::console::ensure_console_user(&s.user).is_ok(),
            }),
        }
    }

    /// The layout without state: only for an error page that never reaches the router's
    /// error-page layer (see `error::error_pages_with_settings`).
    pub fn plain() -> Self {
        let defaults = portal_core::PortalSettings::default();
        Self { portal_name: defaults.portal_name, support_email: defaults.support_email, signed_in: None }
    }
}

/// Renders a template with a status; a template failure is logged and becomes a plain 500.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
}

/// The error page: a title and a message in the shared layout.
pub fn error_page(layout: Layout, status: StatusCode, title: &str, message: &str) -> Response {
    render(status, &ErrorPage { layout, title, message })
}

/// A time as pages show it, on the portal's clock: `2026-12-03 09:05 EST`.
pub fn date_time(portal: &portal_core::Portal, t: time::OffsetDateTime) -> String {
    portal.wall_time(t).to_string()
}

pub use portal_core::zone::long_date;

#[derive(Template)]
#[template(path = "mfa_expired.html")]
struct ExpiredPage {
    layout: Layout,
    deadline: String,
    support_email: String,
    chat_url: String,
}

/// The past-deadline page (403), with the browser's dead session cookie cleared.
pub fn expired_page(state: &AppState, deadline: Date) -> Response {
    let settings = &state.portal.settings();
    let mut response = render(
        StatusCode::FORBIDDEN,
        &ExpiredPage {
            layout: Layout::new(state, None),
            deadline: long_date(deadline),
            support_email: settings.support_email.clone(),
            chat_url: settings.support_chat_url.clone(),
        },
    );
    response.headers_mut().insert(header::SET_COOKIE, cookies::clear_session(&state.web));
    response
}
