//! Authenticator apps (RFC 6238): SHA1, 6 digits, 30-second steps — the only parameters every
//! common app honours. 160-bit secrets, steps t−1..t+1 accepted, and a step at or below the last
//! accepted one refused, so no code works twice. totp-rs computes the codes; this module owns the
//! window and replay rules.

use data_encoding::BASE32_NOPAD;
use std::fmt;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use totp_rs::{Algorithm, TOTP};

use super::code::OtpCode;
use crate::random::{self, SecureRandom};

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: usize = 6;
/// Steps accepted either side of now: one (±30 s of clock drift), as RFC 6238 §5.2 advises.
pub const SKEW_STEPS: i64 = 1;

/// A shared TOTP secret. Never logged; stored only encrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(random::bytes::<20>(rng).to_vec())
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn from_base32(text: &str) -> Option<Self> {
        let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        BASE32_NOPAD.decode(clean.trim_end_matches('=').as_bytes()).ok().map(Self)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Base32 without padding, upper case: what the API returns and the QR code carries.
    pub fn base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// Lower case in groups of four (`deuk 3yiq suz3 p3cr …`), for reading off the screen.
    pub fn for_display(&self) -> String {
        let lower = self.base32().to_ascii_lowercase();
        lower.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
    }

    fn totp(&self) -> Option<TOTP> {
        // new_unchecked: the 128-bit minimum totp-rs enforces would refuse the RFC's own test
        // seed; our generated secrets are 160 bits.
        Some(TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 1, STEP_SECONDS as u64, self.0.clone()))
    }

    /// The code for time step `step`.
    pub fn code_at_step(&self, step: i64) -> String {
        let Ok(seconds) = u64::try_from(step * STEP_SECONDS) else { return String::new() };
        self.totp().map(|t| t.generate(seconds)).unwrap_or_default()
    }

    /// `otpauth://totp/{Issuer}:{account}?secret=…&issuer={Issuer}` (Key Uri Format).
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        // RFC 3986 unreserved characters and '@' stay as they are, as in Google's examples.
        const LABEL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'@');
        let enc = |s: &str| utf8_percent_encode(s, LABEL).to_string();
        format!("otpauth://totp/{}:{}?secret={}&issuer={}", enc(issuer), enc(account), self.base32(), enc(issuer))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

pub fn step_at(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(STEP_SECONDS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpCheck {
    /// The code matches step `.0`, which is newer than any accepted before.
    Accepted(i64),
    /// The code matches a step already used: a replay. Refused, but not a guess.
    Replayed,
    Wrong,
}

/// Checks `code` against steps t−1, t, t+1, comparing in constant time, and refuses any step
/// at or below `last_step`.
pub fn check(secret: &TotpSecret, code: &OtpCode, now: OffsetDateTime, last_step: Option<i64>) -> TotpCheck {
    let current = step_at(now);
    let mut matched = None;
    for step in (current - SKEW_STEPS)..=(current + SKEW_STEPS) {
        let expected = secret.code_at_step(step);
        // Every candidate is compared, match or not, so timing says nothing about which matched.
        if bool::from(expected.as_bytes().ct_eq(code.as_str().as_bytes())) && matched.is_none() {
            matched = Some(step);
        }
    }
    match matched {
        None => TotpCheck::Wrong,
        Some(step) if last_step.is_some_and(|last| step <= last) => TotpCheck::Replayed,
        Some(step) => TotpCheck::Accepted(step),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    fn rfc_seed() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors_last_six_digits() {
        assert_eq!(rfc_seed().base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (unix, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(rfc_seed().code_at_step(step_at(at(unix))), code, "T={unix}");
        }
    }

    #[test]
    fn rfc_4226_hotp_vectors_are_the_steps_0_to_9() {
        let expected =
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(rfc_seed().code_at_step(counter as i64), *code);
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_two_are_not() {
        let s = rfc_seed();
        let now = at(1_234_567_890);
        let t = step_at(now);
        for offset in [-1, 0, 1] {
            let code = OtpCode::parse(&s.code_at_step(t + offset)).unwrap();
            assert_eq!(check(&s, &code, now, None), TotpCheck::Accepted(t + offset), "t{offset:+}");
        }
        for offset in [-2, 2] {
            let code = OtpCode::parse(&s.code_at_step(t + offset)).unwrap();
            assert_eq!(check(&s, &code, now, None), TotpCheck::Wrong, "t{offset:+}");
        }
    }

    #[test]
    fn a_code_is_refused_the_second_time_and_so_is_an_older_one() {
        let s = rfc_seed();
        let now = at(1_234_567_890);
        let t = step_at(now);
        let code = OtpCode::parse(&s.code_at_step(t)).unwrap();
        assert_eq!(check(&s, &code, now, Some(t)), TotpCheck::Replayed);
        let older = OtpCode::parse(&s.code_at_step(t - 1)).unwrap();
        assert_eq!(check(&s, &older, now, Some(t)), TotpCheck::Replayed);
        let newer = OtpCode::parse(&s.code_at_step(t + 1)).unwrap();
        assert_eq!(check(&s, &newer, now, Some(t)), TotpCheck::Accepted(t + 1));
    }

    #[test]
    fn secrets_are_160_bits_and_display_in_lowercase_groups_of_four() {
        let s = TotpSecret::generate(&OsRandom);
        assert_eq!(s.bytes().len(), 20);
        assert_eq!(s.base32().len(), 32);
        let shown = s.for_display();
        assert_eq!(shown.split(' ').count(), 8);
        assert!(shown.split(' ').all(|g| g.len() == 4 && g == g.to_ascii_lowercase()));
        assert_eq!(TotpSecret::from_base32(&shown).unwrap(), s, "what is shown can be typed back");
    }

    #[test]
    fn the_otpauth_uri_names_issuer_and_account() {
        let uri = rfc_seed().otpauth_uri("Inventory Portal", "ann@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Inventory%20Portal:ann@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Inventory%20Portal"
        );
    }
}
