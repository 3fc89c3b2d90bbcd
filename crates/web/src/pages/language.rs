//! The footer's language picker: a plain form that works without JavaScript.
//!
//! For a signed-in user the choice is stored with their account (their emails speak it too),
//! and the form carries the session's token like every signed-in form. Before sign-in it only
//! sets the visitor's own `lang` cookie, which a `?lang=` link sets just the same, so it carries
//! no token; cross-site posts are refused before it runs all the same.

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
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            reading.text("language-unknown-title"),
            reading.text_with("language-unknown", &[("choices", "English, Español".into())]),
        ));
    };
    if let Some(signed_in) = &signed_in {
        csrf::check(signed_in, &form.csrf)?;
        state.portal.choose_language(&signed_in.user.id, language).await?;
    }
    let mut response = Redirect::to(local_path(&form.next)).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::set_language(language, &state.web));
    Ok(response)
}
