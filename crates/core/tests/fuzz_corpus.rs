//! Replays the fuzz seed corpus (`fuzz/corpus/<target>/`) through the same target bodies the
//! cargo-fuzz targets run, so every seed and every past finding is checked by `cargo test` on
//! stable, without nightly or libFuzzer.

portal_testkit::corpus_tests! {
    csv_import_corpus => "csv_import", portal_core::fuzzing::csv_import;
    phone_corpus => "phone", portal_core::fuzzing::phone;
    otp_code_corpus => "otp_code", portal_core::fuzzing::otp_code;
    email_corpus => "email", portal_core::fuzzing::email;
    money_corpus => "money", portal_core::fuzzing::money;
}
