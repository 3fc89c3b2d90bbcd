//! The web crate's integration tests, one module per area, built as one test binary so that
//! the helpers in `common` exist once and the portal is linked once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails loudly

mod common;

mod account_security;
mod claims_api;
mod claims_attachments;
mod claims_pages;
mod console;
mod error_pages;
mod fuzz_corpus;
mod language;
mod limits;
mod metrics;
mod mfa_api;
mod mfa_pages;
mod openapi;
mod passkeys_api;
mod password_rules;
mod reminders;
mod safe_gets;
mod sign_in;
