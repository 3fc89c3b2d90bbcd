//! Multi-factor authentication: the rules (policy, TOTP, texted codes, throttling) as pure
//! functions of their inputs and the time, and the use-cases on `Portal` that apply them.

pub mod code;
pub mod factor;
pub mod messages;
pub mod passkey;
pub mod passkey_service;
pub mod policy;
pub mod recovery;
pub mod reminder;
pub mod reminder_service;
pub mod service;
pub mod sms_code;
pub mod throttle;
pub mod totp;

pub use code::OtpCode;
pub use policy::{Method, MfaPolicy, MfaRequirement};
