//! HTML presentation every page shares: the layout (portal name, support address, the
//! signed-in user), rendering a template with a status, and the error page. It knows nothing
//! of handlers, so errors, extractors and both front ends can use it.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use time::Date;

use portal_core::language::{Language, MessageArg};

use crate::cookies;
use crate::language;
use crate::session::SignedIn;
use crate::state::AppState;

/// What the shared layout shows: the portal's name, the support address, for a signed-in user
/// their name and the sign-out form's token, and the language every sentence of the page is in
/// (templates ask the layout for them: `{{ layout.t("layout-sign-out") }}`).
#[derive(Debug, Clone)]
pub struct Layout {
    pub portal_name: String,
    pub support_email: String,
    pub signed_in: Option<LayoutUser>,
    pub lang: Language,
    /// Where the footer's language picker comes back to.
    pub here: String,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            portal_name: String::new(),
            support_email: String::new(),
            signed_in: None,
            lang: language::current(),
            here: language::here(),
        }
    }
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
            ..Self::default()
        }
    }

    /// The layout without state: only for an error page that never reaches the router's
    /// error-page layer (see `error::error_pages_with_settings`).
    pub fn plain() -> Self {
        let defaults = portal_core::PortalSettings::default();
        Self { portal_name: defaults.portal_name, support_email: defaults.support_email, ..Self::default() }
    }

    /// The message `id` in the page's language.
    pub fn t(&self, id: &str) -> String {
        self.lang.text(id)
    }

    /// The message `id` with one argument (a name, a date, an address).
    pub fn t1(&self, id: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.lang.text_with(id, &[(name, value.to_string().into())])
    }

    /// The message `id` with a count, which picks its plural form.
    pub fn tn(&self, id: &str, name: &'static str, count: impl Into<i64>) -> String {
        self.lang.text_with(id, &[(name, MessageArg::Number(count.into()))])
    }

    /// The message `id` with two arguments.
    pub fn t2(
        &self,
        id: &str,
        first: &'static str,
        first_value: impl std::fmt::Display,
        second: &'static str,
        second_value: impl std::fmt::Display,
    ) -> String {
        self.lang.text_with(id, &[(first, first_value.to_string().into()), (second, second_value.to_string().into())])
    }

    /// A message that carries its own markup (its id ends in `-html`, e.g. a `<strong>` around
    /// the date), with one argument, which is escaped. The template writes it with `|safe`: the
    /// markup comes from our own message files, the argument never brings any.
    pub fn t1_html(&self, id: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        debug_assert!(id.ends_with("-html"), "{id} is not a message with markup");
        self.lang.text_with(id, &[(name, escape_html(&value.to_string()).into())])
    }

    /// A date as a sentence in the page's language writes it.
    pub fn long_date(&self, d: Date) -> String {
        self.lang.long_date(d)
    }

    /// The languages the footer's picker offers.
    pub fn languages(&self) -> [Language; 2] {
        Language::ALL
    }
}

/// The five characters that matter in HTML text and attribute values. (askama escapes what
/// templates print; this is for an argument placed inside a message's own markup, by
/// [`Layout::t1_html`] or by a handler that fills an `-html` message with several.)
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a template with a status; a template failure is logged and becomes a plain 500.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, language::current().text("error-something-wrong")).into_response()
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
            deadline: language::current().long_date(deadline),
            support_email: settings.support_email.clone(),
            chat_url: settings.support_chat_url.clone(),
        },
    );
    response.headers_mut().insert(header::SET_COOKIE, cookies::clear_session(&state.web));
    response
}
