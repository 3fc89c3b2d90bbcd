//! `GET /metrics`, answered only to loopback peers and to addresses in `PORTAL_METRICS_ALLOW`;
//! anyone else gets the same 404 as for a page that does not exist. Behind a proxy the address
//! judged is the client's (the configured trusted proxies' `X-Forwarded-For`); a forwarded
//! request from a proxy that is not trusted is refused, so a proxy on the same machine does not
//! make every visitor "loopback". Also the middleware that counts every request.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ipnet::IpNet;

use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers (see `health::route_table`).
pub fn route_table() -> RouteTable {
    vec![("/metrics", &["GET"], get(metrics))]
}

async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let (web, headers) = (&state.web, request.headers());
    if !peer.is_some_and(|peer| may_scrape(peer, headers, &web.trusted_proxies, &web.metrics_allow)) {
        return crate::error::not_found(request.uri().clone()).await;
    }
    state.metrics.count_policyholders(&state.portal).await;
    let mut response = state.metrics.render(&state.portal).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// Loopback or an allowed network, judged on the client's address; a request forwarded by a
/// proxy we do not trust is nobody's.
pub fn may_scrape(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr], allowed: &[IpNet]) -> bool {
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
    if forwarded && !trusted.contains(&peer) {
        return false;
    }
    let client = crate::extract::client_ip(peer, headers, trusted);
    if forwarded && client == peer {
        // A trusted proxy that named no client of its own.
        return false;
    }
    client.is_loopback() || allowed.iter().any(|net| net.contains(&client))
}

/// Counts every request by the route it matched (its template) and times it.
pub async fn record_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.record_request(method, &route, response.status(), started.elapsed());
    response
}

/// The standard methods by name, anything a client invents as `other`: a label may not grow
/// without bound.
fn method_label(method: &axum::http::Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::parse_allow_list;

    fn forwarded(from: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(from).unwrap());
        h
    }

    #[test]
    fn only_loopback_and_allowed_networks_may_scrape_and_a_forwarded_request_only_through_a_trusted_proxy() {
        let none = HeaderMap::new();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let allowed = parse_allow_list("10.1.0.0/16, 192.0.2.7").unwrap();
        assert!(may_scrape(ip("127.0.0.1"), &none, &[], &[]));
        assert!(may_scrape(ip("::1"), &none, &[], &[]));
        assert!(!may_scrape(ip("10.1.2.3"), &none, &[], &[]));
        assert!(may_scrape(ip("10.1.2.3"), &none, &[], &allowed));
        assert!(may_scrape(ip("192.0.2.7"), &none, &[], &allowed));
        assert!(!may_scrape(ip("192.0.2.8"), &none, &[], &allowed));
        // An untrusted proxy on this machine forwards a visitor: refused.
        assert!(!may_scrape(ip("127.0.0.1"), &forwarded("203.0.113.9"), &[], &allowed));
        // A trusted proxy: the client it names is judged.
        let proxy = [ip("127.0.0.1")];
        assert!(!may_scrape(ip("127.0.0.1"), &forwarded("203.0.113.9"), &proxy, &allowed));
        assert!(may_scrape(ip("127.0.0.1"), &forwarded("10.1.9.9"), &proxy, &allowed));
        // Forging the header from the allowed network changes nothing for an outsider.
        assert!(!may_scrape(ip("203.0.113.9"), &forwarded("10.1.9.9"), &proxy, &allowed));
        assert!(parse_allow_list("10.0.0.0/33").is_err());
        assert_eq!(parse_allow_list(" ").unwrap(), Vec::<IpNet>::new());
    }

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&axum::http::Method::PATCH), "PATCH");
        assert_eq!(method_label(&axum::http::Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
