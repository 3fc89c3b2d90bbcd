//! Fuzz target bodies for the parsers that read untrusted input. Each function takes the raw
//! bytes a fuzzer (or a corpus file) supplies, runs the parser, and checks properties of what
//! comes out, not only that it returns. They live here, next to the parsers, so the cargo-fuzz
//! targets in `fuzz/` and the stable test that replays `fuzz/corpus/` run the same code.
//!
//! A broken property panics: that is how libFuzzer learns an input is a finding.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crate::email::{Email, EmailError};
use crate::inventory::csv::{self, COLUMNS};
use crate::inventory::model::MAX_ITEMS_PER_CLAIM;
use crate::inventory::money;
use crate::inventory::{ClaimId, Item, ItemId};
use crate::mfa::code::{OtpCode, OtpCodeError};
use crate::sms::{COUNTRIES, PhoneE164};

/// Lines in a file as a text editor counts them (`\r\n`, `\r` and `\n` each end one): no error
/// or item can start below the last.
fn line_count(bytes: &[u8]) -> usize {
    let mut lines = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines += 1;
                i += 1;
            }
            b'\r' | b'\n' => lines += 1,
            _ => {}
        }
        i += 1;
    }
    lines
}

/// CSV import: either valid items that survive export and re-import unchanged, or errors that
/// each name a line inside the file and a column.
pub fn csv_import(data: &[u8]) {
    let lines = line_count(data);
    match csv::parse_with_lines(data) {
        Ok(rows) => {
            assert!(rows.len() <= MAX_ITEMS_PER_CLAIM);
            let mut previous = 1;
            for (line, fields) in &rows {
                assert!(*line > previous && *line <= lines, "item line {line} outside 2..={lines} or out of order");
                previous = *line;
                assert_eq!(fields.draft().validate_all().as_ref(), Ok(fields), "an imported item is not valid");
            }
            let items: Vec<Item> = rows
                .iter()
                .enumerate()
                .map(|(i, (_, fields))| Item {
                    id: ItemId::from_stored(format!("{i:032x}")),
                    claim_id: ClaimId::from_stored("0".repeat(32)),
                    seq_no: i as i64,
                    fields: fields.clone(),
                    adjuster_comment: String::new(),
                    created_at: time::OffsetDateTime::UNIX_EPOCH,
                    updated_at: time::OffsetDateTime::UNIX_EPOCH,
                })
                .collect();
            let exported = csv::export(&items);
            let again = csv::parse(exported.as_bytes());
            let imported: Vec<_> = rows.into_iter().map(|(_, fields)| fields).collect();
            assert_eq!(again, Ok(imported), "export then import changed the items:\n{exported}");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused with no reason");
            for e in &errors {
                assert!(e.line >= 1 && e.line <= lines, "error line {} outside 1..={lines}: {e}", e.line);
                assert!(!e.message.is_empty(), "error without a message: {e:?}");
                // Line 1 errors may name the unknown header cell they are about.
                assert!(
                    e.line == 1 || e.column == "row" || COLUMNS.contains(&e.column.as_str()),
                    "error names no column: {e:?}"
                );
                let _ = e.to_string();
            }
        }
    }
}

/// Phone numbers: the first byte picks the country in the picker, the next two which countries
/// are allowed, the rest is what was typed. A number accepted is E.164, parses again to itself,
/// and is shown masked.
pub fn phone(data: &[u8]) {
    let Some((&[pick, mask_hi, mask_lo], typed)) = data.split_first_chunk::<3>() else {
        return;
    };
    let typed = String::from_utf8_lossy(typed);
    let mask = u16::from_be_bytes([mask_hi, mask_lo]);
    let allowed: Vec<String> =
        COUNTRIES.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| c.code.to_owned()).collect();
    let country = COUNTRIES.get(usize::from(pick) % (COUNTRIES.len() + 1)).map_or("ZZ", |c| c.code);
    let Ok(phone) = PhoneE164::parse(country, &typed, &allowed) else {
        return;
    };
    let e164 = phone.as_str();
    let digits = e164.strip_prefix('+').unwrap_or_else(|| panic!("{e164:?} does not start with +"));
    assert!((2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()), "{e164:?} is not E.164");
    assert!(allowed.iter().any(|a| a == country), "accepted under a country that is not allowed");
    assert_eq!(PhoneE164::parse(country, e164, &allowed).as_ref(), Ok(&phone), "{e164:?} does not parse to itself");
    let masked = phone.masked();
    assert!(masked.ends_with(&digits[digits.len().saturating_sub(4)..]));
    assert!(!format!("{phone:?}").contains(digits), "Debug shows the whole number");
}

/// 6-digit codes: accepted exactly when the input, without spaces and tabs, is six ASCII digits.
pub fn otp_code(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\t')).collect();
    let six_digits = compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit());
    match OtpCode::parse(input) {
        Ok(code) => {
            assert!(six_digits, "{input:?} accepted as a code");
            assert_eq!(code.as_str(), compact);
            assert_eq!(OtpCode::parse(code.as_str()).as_ref(), Ok(&code));
            assert!(!format!("{code:?}").contains(code.as_str()), "Debug shows the code");
        }
        Err(OtpCodeError::Empty) => assert!(compact.is_empty(), "{input:?} called empty"),
        Err(OtpCodeError::Malformed) => assert!(!six_digits && !compact.is_empty(), "{input:?} refused"),
    }
}

/// Email addresses: an accepted address is canonical (trimmed, lower case), and the stored
/// form parses again to itself, so a stored address can always be read back.
pub fn email(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match Email::parse(input) {
        Ok(email) => {
            let s = email.as_str();
            assert_eq!(Email::parse(s).as_ref(), Ok(&email), "{s:?} does not parse to itself");
            assert_eq!(s, s.to_lowercase(), "{s:?} is not lower case");
            assert!(s.chars().count() <= 254);
            let (_, domain) = s.rsplit_once('@').unwrap_or_else(|| panic!("{s:?} has no @"));
            assert!(email.masked().ends_with(&format!("@{domain}")));
            let json = serde_json::to_string(&email).unwrap();
            assert_eq!(serde_json::from_str::<Email>(&json).ok().as_ref(), Some(&email), "serde changes {s:?}");
        }
        Err(EmailError::Empty) => assert!(input.trim().is_empty()),
        Err(_) => assert!(!input.trim().is_empty()),
    }
}

/// Money: an amount read from text is never negative and is written back (CSV form) as text
/// that reads to the same cents; any cents format without panicking.
pub fn money(data: &[u8]) {
    if let Some((bytes, _)) = data.split_first_chunk::<8>() {
        let cents = i64::from_le_bytes(*bytes);
        let shown = money::format_money(cents);
        assert!(shown.contains('$') && shown.ends_with(|c: char| c.is_ascii_digit()));
        if (0..100_000_000_000_000).contains(&cents) {
            assert_eq!(money::parse_decimal(&money::decimal(cents)), Ok(cents));
        }
    }
    let text = String::from_utf8_lossy(data);
    match money::parse_decimal(&text) {
        Ok(cents) => {
            assert!(cents >= 0, "{text:?} read as {cents}");
            assert_eq!(money::parse_decimal(&money::decimal(cents)), Ok(cents));
        }
        Err(message) => assert!(!message.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_count_counts_each_kind_of_line_end_once() {
        assert_eq!(line_count(b""), 1);
        assert_eq!(line_count(b"a\r\nb\rc\nd"), 4);
        assert_eq!(line_count(b"a\r\n"), 2);
    }
}
