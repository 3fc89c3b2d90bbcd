#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portal_core::fuzzing::otp_code(data));
