//! The benchmark's logic on a tiny database: every scenario runs and nothing fails, and
//! `--scaling` serves from a child process whose peak RSS it reads. No timing is asserted (the
//! numbers come from `cargo run --release -p portal-bench`).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use portal_bench::{Options, SCENARIOS};
use std::path::PathBuf;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_without_errors() {
    let opts = Options { users: 200, seconds: 1.0, connections: 4, verbose: false, ..Options::default() };
    let report = tokio::task::spawn_blocking(move || portal_bench::run(&opts)).await.unwrap().expect("bench runs");
    let json = report.results_json();
    for name in SCENARIOS {
        let scenario = &json[name];
        assert_eq!(scenario["errors"], 0, "{name}: {scenario}");
        assert!(scenario["requests"].as_u64().unwrap() > 0, "{name} made no requests: {scenario}");
        for field in ["rps", "p50_ms", "p99_ms", "peak_rss_kib"] {
            assert!(scenario[field].is_number(), "{name}.{field}: {scenario}");
        }
    }
    assert!(json["full-login"]["argon2id_raw_per_s"].as_f64().unwrap() > 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaling_serves_from_a_process_of_its_own() {
    let opts = Options {
        seconds: 1.0,
        connections: 4,
        verbose: false,
        server_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_portal-bench"))),
        ..Options::default()
    };
    let rows = tokio::task::spawn_blocking(move || portal_bench::run_scaling(&opts, &[200]))
        .await
        .unwrap()
        .expect("bench runs");
    let row = &rows[0];
    assert_eq!(row.verify.errors, 0, "{:?}", row.verify.first_error);
    assert!(row.verify.requests > 0, "no verifications: {row:?}");
    assert!(row.server_peak_rss_kib > 0, "no peak RSS for the server process: {row:?}");
    assert_eq!(row.verify.server_peak_rss_kib, Some(row.server_peak_rss_kib));
}
