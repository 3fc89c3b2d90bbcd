//! Replays the fuzz seed corpus (`fuzz/corpus/<target>/`) through the same target bodies the
//! cargo-fuzz targets run, so every seed and every past finding is checked by `cargo test` on
//! stable, without nightly or libFuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

use std::path::PathBuf;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{target}: the corpus needs a few seeds, found {}", files.len());
    let failed: Vec<String> = files
        .iter()
        .filter(|file| {
            let data = std::fs::read(file).unwrap();
            std::panic::catch_unwind(|| body(&data)).is_err()
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target} fails on {failed:#?}");
}

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
