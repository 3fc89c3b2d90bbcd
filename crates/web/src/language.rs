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

/// The language a request is answered in, and whether it was chosen in this browser (`?lang=`
/// or the cookie) rather than taken from `Accept-Language` or the default. Request extensions
/// carry it to the `Client` extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLanguage {
    pub language: Language,
    pub chosen: bool,
}

/// The language a request asks for, by the order above, and the one its query names (if any).
pub fn requested(query: Option<&str>, headers: &HeaderMap) -> (RequestLanguage, Option<Language>) {
    let from_query = query.and_then(language_in_query);
    let chosen = from_query.or_else(|| cookies::language(headers));
    let language = chosen
        .or_else(|| {
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Language::from_accept_language)
        })
        .unwrap_or_default();
    (RequestLanguage { language, chosen: chosen.is_some() }, from_query)
}

fn language_in_query(query: &str) -> Option<Language> {
    form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "lang").and_then(|(_, v)| Language::from_code(&v))
}

/// Chooses the request's language, makes it the task's for the rest of the request, and keeps a
/// `?lang=` choice in the cookie so the next page speaks it too.
pub async fn choose(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let (asked, from_query) = requested(request.uri().query(), request.headers());
    let language = asked.language;
    let here = if request.method() == Method::GET { without_lang(request.uri()) } else { "/".to_owned() };
    let keep = from_query.filter(|l| cookies::language(request.headers()) != Some(*l));
    request.extensions_mut().insert(asked);
    let mut response = PAGE_REQUEST.scope(PageRequest { language, here }, next.run(request)).await;
    if let Some(language) = keep {
        response.headers_mut().append(header::SET_COOKIE, cookies::set_language(language, &state.web));
    }
    response
}

/// This page's path and query without `lang=`: the picker's choice must not be overruled by the
/// `?lang=` of the page it returns to.
fn without_lang(uri: &axum::http::Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query() else { return path.to_owned() };
    let kept: Vec<(String, String)> =
        form_urlencoded::parse(query.as_bytes()).into_owned().filter(|(name, _)| name != "lang").collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let query: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    format!("{path}?{query}")
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
        let chosen = |language| RequestLanguage { language, chosen: true };
        let browsers = |language| RequestLanguage { language, chosen: false };
        let all = headers(&[("cookie", "lang=en"), ("accept-language", "es")]);
        assert_eq!(requested(Some("lang=es"), &all), (chosen(Language::Spanish), Some(Language::Spanish)));
        assert_eq!(requested(Some("x=1"), &all), (chosen(Language::English), None));
        assert_eq!(requested(None, &headers(&[("accept-language", "es-MX,es;q=0.9")])).0, browsers(Language::Spanish));
        assert_eq!(requested(None, &headers(&[("accept-language", "fr")])).0, browsers(Language::English));
        // A language we do not speak, in the query or the cookie, is as if absent.
        assert_eq!(
            requested(Some("lang=fr"), &headers(&[("cookie", "lang=xx"), ("accept-language", "es")])).0,
            browsers(Language::Spanish)
        );
    }

    #[test]
    fn the_picker_returns_to_the_page_without_its_lang() {
        let uri = |s: &str| s.parse::<axum::http::Uri>().unwrap();
        assert_eq!(without_lang(&uri("/help?lang=es")), "/help");
        assert_eq!(without_lang(&uri("/claims/7?lang=es&tab=items")), "/claims/7?tab=items");
        assert_eq!(without_lang(&uri("/console/users?q=ann")), "/console/users?q=ann");
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
