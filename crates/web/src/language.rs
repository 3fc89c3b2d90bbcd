//! Which language a request is answered in, chosen once per request before any handler runs:
//! `?lang=` (a link in an email, the picker without a form), then the `lang` cookie (the footer's
//! picker, or the language a user chose, set again at each sign-in), then `Accept-Language`,
//! then English. A user's stored choice reaches pages through the cookie, so no page pays a
//! database read for it.
//!
//! The choice is kept in a task-local for the request: the layout, the error pages and every
//! template read it there instead of each of ~30 handlers passing it along.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use portal_core::language::Language;

use crate::cookies;
use crate::state::AppState;

/// What the layout needs to know about the request it renders for.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub language: Language,
    /// Where the footer's picker returns to: this page's path and query for a GET, the home page
    /// after a form post (its URL may not answer a GET).
    pub here: String,
}

tokio::task_local! {
    static PAGE_REQUEST: PageRequest;
}

/// The language of the request being answered; English outside one (a test rendering a page
/// directly, a background task).
pub fn current() -> Language {
    PAGE_REQUEST.try_with(|r| r.language).unwrap_or_default()
}

/// The path the footer's picker returns to.
pub fn here() -> String {
    PAGE_REQUEST.try_with(|r| r.here.clone()).unwrap_or_else(|_| "/".to_owned())
}

/// The language a request asks for, by the order above.
pub fn requested(query: Option<&str>, headers: &HeaderMap) -> (Language, Option<Language>) {
    let from_query = query.and_then(language_in_query);
    let chosen = from_query
        .or_else(|| cookies::language(headers))
        .or_else(|| {
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Language::from_accept_language)
        })
        .unwrap_or_default();
    (chosen, from_query)
}

fn language_in_query(query: &str) -> Option<Language> {
    form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "lang").and_then(|(_, v)| Language::from_code(&v))
}

/// Chooses the request's language, makes it the task's for the rest of the request, and keeps a
/// `?lang=` choice in the cookie so the next page speaks it too.
pub async fn choose(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let (language, from_query) = requested(request.uri().query(), request.headers());
    let here = if request.method() == Method::GET {
        request.uri().path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
    } else {
        "/".to_owned()
    };
    let keep = from_query.filter(|l| cookies::language(request.headers()) != Some(*l));
    request.extensions_mut().insert(language);
    let mut response = PAGE_REQUEST.scope(PageRequest { language, here }, next.run(request)).await;
    if let Some(language) = keep {
        response.headers_mut().append(header::SET_COOKIE, cookies::set_language(language, &state.web));
    }
    response
}

/// A `next` value fit to redirect to: a path on this site, else the home page.
pub fn local_path(next: &str) -> &str {
    let on_this_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if on_this_site { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, header::HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn the_query_beats_the_cookie_which_beats_the_browser() {
        let all = headers(&[("cookie", "lang=en"), ("accept-language", "es")]);
        assert_eq!(requested(Some("lang=es"), &all), (Language::Spanish, Some(Language::Spanish)));
        assert_eq!(requested(Some("x=1"), &all), (Language::English, None));
        assert_eq!(requested(None, &headers(&[("accept-language", "es-MX,es;q=0.9")])).0, Language::Spanish);
        assert_eq!(requested(None, &headers(&[("accept-language", "fr")])).0, Language::English);
        // A language we do not speak, in the query or the cookie, is as if absent.
        assert_eq!(
            requested(Some("lang=fr"), &headers(&[("cookie", "lang=xx"), ("accept-language", "es")])).0,
            Language::Spanish
        );
    }

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        assert_eq!(local_path("/claims/7?tab=items"), "/claims/7?tab=items");
        for outside in
            ["https://evil.example/", "//evil.example/", "/\\evil.example", "", "claims", "/a\r\nSet-Cookie: x"]
        {
            assert_eq!(local_path(outside), "/", "{outside:?}");
        }
    }
}
