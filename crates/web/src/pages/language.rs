//! The footer's language picker: a plain form that works without JavaScript.
//!
//! For a signed-in user the choice is stored with their account (their emails speak it too),
//! and the form carries the session's token like every signed-in form. Without a token (before
//! sign-in, or on a page not drawn for the session, such as help or an error page) it only sets
//! the visitor's own `lang` cookie, as a `?lang=` link does, and the next sign-in keeps that
//! choice with the account; cross-site posts are refused before it runs all the same.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use portal_core::language::Language;
use serde::Deserialize;

use crate::cookies;
use crate::csrf;
use crate::error::PageError;
use crate::extract::{MaybeSession, PageForm};
use crate::language::local_path;
use crate::routing::RouteTable;
use crate::state::AppState;

pub fn route_table() -> RouteTable {
    vec![("/language", &["POST"], post(choose_language))]
}

#[derive(Deserialize)]
struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

async fn choose_language(
    State(state): State<AppState>,
    MaybeSession(signed_in): MaybeSession,
    PageForm(form): PageForm<LanguageForm>,
) -> Result<Response, PageError> {
    let Some(language) = Language::from_code(&form.lang) else {
        let reading = crate::language::current();
        let choices = Language::ALL.map(Language::own_name).join(", ");
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            reading.text("language-unknown-title"),
            reading.text_with("language-unknown", &[("choices", choices.into())]),
        ));
    };
    // A form with the session's token stores the choice with the account. Pages that are not
    // drawn for a session (help, error pages) send none: like a `?lang=` link, that changes the
    // cookie only, and the next sign-in keeps the choice. A wrong token is refused.
    if let Some(signed_in) = signed_in.as_ref().filter(|_| !form.csrf.is_empty()) {
        csrf::check(signed_in, &form.csrf)?;
        state.portal.choose_language(&signed_in.user.id, language).await?;
    }
    let mut response = Redirect::to(local_path(&form.next)).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::set_language(language, &state.web));
    Ok(response)
}
