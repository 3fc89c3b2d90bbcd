//! Replays the fuzz seed corpus (`fuzz/corpus/<target>/`) through the same target bodies the
//! cargo-fuzz targets run, so every seed and every past finding is checked by `cargo test` on
//! stable, without nightly or libFuzzer.

portal_testkit::corpus_tests! {
    cookies_corpus => "cookies", portal_web::fuzzing::cookies;
    form_body_corpus => "form_body", portal_web::fuzzing::form_body;
    json_body_corpus => "json_body", portal_web::fuzzing::json_body;
}
