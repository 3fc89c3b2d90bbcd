//! Replays the fuzz seed corpus (`fuzz/corpus/<target>/`) through the same target bodies the
//! cargo-fuzz targets run, so every seed and every past finding is checked by `cargo test` on
//! stable, without nightly or libFuzzer.

use portal_testkit::replay_corpus as replay;

#[test]
fn csv_import_corpus() {
    replay("csv_import", portal_core::fuzzing::csv_import);
}

#[test]
fn phone_corpus() {
    replay("phone", portal_core::fuzzing::phone);
}

#[test]
fn otp_code_corpus() {
    replay("otp_code", portal_core::fuzzing::otp_code);
}

#[test]
fn email_corpus() {
    replay("email", portal_core::fuzzing::email);
}

#[test]
fn money_corpus() {
    replay("money", portal_core::fuzzing::money);
}
