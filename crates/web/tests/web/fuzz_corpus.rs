//! Replays the fuzz seed corpus (`fuzz/corpus/<target>/`) through the same target bodies the
//! cargo-fuzz targets run, so every seed and every past finding is checked by `cargo test` on
//! stable, without nightly or libFuzzer.

use portal_testkit::replay_corpus as replay;

#[test]
fn cookies_corpus() {
    replay("cookies", portal_web::fuzzing::cookies);
}

#[test]
fn form_body_corpus() {
    replay("form_body", portal_web::fuzzing::form_body);
}

#[test]
fn json_body_corpus() {
    replay("json_body", portal_web::fuzzing::json_body);
}
