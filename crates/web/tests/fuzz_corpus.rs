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
