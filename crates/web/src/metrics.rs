//! The portal's metrics in the Prometheus text format (served by `scrape.rs`): every HTTP
//! request (by route template and status class, with its latency), how sign-ins, second-factor
//! checks and text and email sends end (the core reports them through
//! `portal_core::observe::Observer`; sends with the provider's latency), and at each scrape the
//! load of the argon2id pool and of the database. No label carries an email, phone, address or
//! id: route templates (`/claims/{id}`), never paths.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use ipnet::IpNet;
use portal_core::Portal;
use portal_core::observe::{Channel, CheckOutcome, Observer, SignInOutcome};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignInLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MessageLabels {
    channel: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CheckLabels {
    method: &'static str,
    outcome: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;
type ProviderLatencyFamily = Family<ChannelLabels, Histogram, fn() -> Histogram>;

/// The portal's metrics: one registry per running portal (and per test app), no global state.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    sign_ins: Family<SignInLabels, Counter>,
    second_factor_checks: Family<CheckLabels, Counter>,
    messages: Family<MessageLabels, Counter>,
    provider_latency: ProviderLatencyFamily,
    hashing_in_use: Gauge,
    hashing_waiting: Gauge,
    connections_in_use: Gauge,
    connections_idle: Gauge,
    write_queue: Gauge,
    policyholders: Family<StateLabels, Gauge>,
    /// When `policyholders` was last counted: an aggregate over every account, so at most once
    /// a minute however often Prometheus scrapes.
    policyholders_counted: std::sync::Mutex<Option<Instant>>,
}

/// How long counted policyholders stay good enough.
const POLICYHOLDERS_FRESH_FOR: Duration = Duration::from_secs(60);

/// From half a millisecond to about eight seconds, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("portal");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by route template and status class", requests.clone());
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by route template",
            prometheus_client::registry::Unit::Seconds,
            latency.clone(),
        );
        let sign_ins = Family::<SignInLabels, Counter>::default();
        registry.register("sign_ins", "Password sign-ins by outcome", sign_ins.clone());
        let second_factor_checks = Family::<CheckLabels, Counter>::default();
        registry.register(
            "second_factor_checks",
            "Returning users' second-factor checks by method and outcome",
            second_factor_checks.clone(),
        );
        let messages = Family::<MessageLabels, Counter>::default();
        registry.register("messages", "Texts and emails handed to their provider, by outcome", messages.clone());
        let provider_latency: ProviderLatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "message_provider_duration",
            "Time the text or email provider took to accept a message",
            prometheus_client::registry::Unit::Seconds,
            provider_latency.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let hashing_in_use = gauge(&mut registry, "argon2_in_use", "Password hashes being computed now");
        let hashing_waiting = gauge(&mut registry, "argon2_waiting", "Requests waiting to compute a password hash");
        let connections_in_use =
            gauge(&mut registry, "database_connections_in_use", "Pooled database connections in use");
        let connections_idle = gauge(&mut registry, "database_connections_idle", "Pooled database connections idle");
        let write_queue =
            gauge(&mut registry, "database_write_queue", "Writes waiting for SQLite's one writer (0 on PostgreSQL)");
        let policyholders = Family::<StateLabels, Gauge>::default();
        registry.register(
            "policyholders",
            "Policyholders by MFA state: enrolled, setup_pending, setup_expired (past the deadline), locked",
            policyholders.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            sign_ins,
            second_factor_checks,
            messages,
            provider_latency,
            hashing_in_use,
            hashing_waiting,
            connections_in_use,
            connections_idle,
            write_queue,
            policyholders,
            policyholders_counted: std::sync::Mutex::new(None),
        }
    }
}

impl Observer for Metrics {
    fn password_checked(&self, outcome: SignInOutcome) {
        self.sign_ins.get_or_create(&SignInLabels { outcome: outcome.as_str() }).inc();
    }

    fn second_factor_checked(&self, method: &'static str, outcome: CheckOutcome) {
        self.second_factor_checks.get_or_create(&CheckLabels { method, outcome: outcome.as_str() }).inc();
    }

    fn message_sent(&self, channel: Channel, sent: bool, took: Duration) {
        let outcome = if sent { "sent" } else { "failed" };
        self.messages.get_or_create(&MessageLabels { channel: channel.as_str(), outcome }).inc();
        self.provider_latency.get_or_create(&ChannelLabels { channel: channel.as_str() }).observe(took.as_secs_f64());
    }
}

impl Metrics {
    /// The text a scrape gets, with the gauges read now.
    pub(crate) fn render(&self, portal: &Portal) -> String {
        let (in_use, waiting) = portal.password_hashing_load();
        self.hashing_in_use.set(gauge_value(in_use));
        self.hashing_waiting.set(gauge_value(waiting));
        let load = portal.store_load();
        self.connections_in_use.set(gauge_value(load.connections_in_use));
        self.connections_idle.set(gauge_value(load.connections_idle));
        self.write_queue.set(gauge_value(load.write_queue));
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    /// Counts the policyholders by state again if the last count is over a minute old (or the
    /// first). A failed count keeps the previous one.
    pub(crate) async fn count_policyholders(&self, portal: &Portal) {
        {
            let mut counted = self.policyholders_counted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if counted.is_some_and(|at| at.elapsed() < POLICYHOLDERS_FRESH_FOR) {
                return;
            }
            // Claimed before counting, so concurrent scrapes count once.
            *counted = Some(Instant::now());
        }
        match portal.policyholders_by_state().await {
            Ok(c) => {
                for (state, n) in [
                    ("enrolled", c.enrolled),
                    ("setup_pending", c.setup_pending),
                    ("setup_expired", c.setup_expired),
                    ("locked", c.locked),
                ] {
                    self.policyholders.get_or_create(&StateLabels { state }).set(i64::try_from(n).unwrap_or(i64::MAX));
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not count policyholders by MFA state"),
        }
    }

    /// One answered HTTP request: `route` is the template it matched.
    pub(crate) fn record_request(&self, method: &'static str, route: &str, status: StatusCode, took: Duration) {
        let route = route.to_owned();
        self.latency.get_or_create(&RouteLabels { route: route.clone() }).observe(took.as_secs_f64());
        let labels = RequestLabels { method, route, status: status_class(status) };
        self.requests.get_or_create(&labels).inc();
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

fn gauge_value(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `PORTAL_METRICS_ALLOW`: comma-separated networks (`10.0.0.0/8`) or addresses.
pub fn parse_allow_list(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is not an address or a network such as 10.0.0.0/8"))
        })
        .collect()
}

/// Shared between the router's state and the portal, which reports to it.
pub type SharedMetrics = Arc<Metrics>;
