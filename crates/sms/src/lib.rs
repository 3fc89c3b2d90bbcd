//! SMS adapters behind [`portal_core::sms::SmsSender`]: [`OutboxSms`] appends each text as a JSON
//! line to a file (the default, for development and tests, where a person or `portal_testkit`
//! reads the code back); [`TwilioSms`] sends through Twilio's Messages API in production.
//!
//! Texts carry verification codes, so neither adapter logs a full number or a body: logs see
//! [`PhoneE164::masked`](portal_core::sms::PhoneE164::masked) only.

mod outbox;
mod twilio;

pub use outbox::OutboxSms;
pub use twilio::{TwilioConfig, TwilioSms};
