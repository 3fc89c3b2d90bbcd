//! What every handler can reach: the domain `Portal` and the web-only settings.

use std::net::IpAddr;
use std::sync::Arc;

use portal_core::Portal;

#[derive(Debug, Clone)]
pub struct WebSettings {
    /// `scheme://host[:port]` of the public URL, for Origin checks.
    pub public_origin: String,
    /// Cookies get `Secure` and the `__Host-` prefix when the public URL is https.
    pub https: bool,
    /// Peers whose `X-Forwarded-For` is believed (the load balancers); nobody else's is.
    pub trusted_proxies: Vec<IpAddr>,
    /// Besides loopback, who may read `/metrics` (`PORTAL_METRICS_ALLOW`).
    pub metrics_allow: Vec<ipnet::IpNet>,
}

impl WebSettings {
    pub fn from_public_url(public_url: &str, trusted_proxies: Vec<IpAddr>) -> Self {
        let https = public_url.starts_with("https://");
        let public_origin = url::Url::parse(public_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| public_url.trim_end_matches('/').to_owned());
        Self { public_origin, https, trusted_proxies, metrics_allow: Vec::new() }
    }
}

/// A handle on one running portal's state. axum clones the state for every extractor and
/// middleware of every request, so it is one shared pointer: a profile of MFA verification found
/// the clones and drops of the portal's dozen shared parts (an atomic count each, bouncing between
/// the two cores) at about 4 % of the server's CPU.
#[derive(Debug, Clone)]
pub struct AppState(Arc<AppStateParts>);

/// What every handler reads through `AppState`.
#[derive(Debug)]
pub struct AppStateParts {
    pub portal: Portal,
    pub web: WebSettings,
    pub metrics: crate::metrics::SharedMetrics,
}

impl AppState {
    /// The state of one running portal, with metrics of its own that the portal reports to.
    pub fn new(portal: Portal, web: WebSettings) -> Self {
        let metrics = Arc::new(crate::metrics::Metrics::default());
        Self(Arc::new(AppStateParts { portal: portal.observed_by(metrics.clone()), web, metrics }))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}
