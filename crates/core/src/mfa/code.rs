//! `OtpCode`: what a person typed as a 6-digit code, accepted only as exactly six ASCII digits
//! once spaces are removed. "١٢٣٤٥٦" (Arabic-Indic digits), "1234567", 123456 as a number:
//! none of them is a code, and none of them is ever compared with one.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpCodeError {
    #[error("enter the 6-digit code")]
    Empty,
    #[error("a code is exactly 6 digits (0–9)")]
    Malformed,
}

impl OtpCode {
    pub fn parse(input: &str) -> Result<Self, OtpCodeError> {
        let compact: String = input.chars().filter(|c| *c != ' ' && *c != '\u{a0}' && *c != '\t').collect();
        if compact.is_empty() {
            return Err(OtpCodeError::Empty);
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(compact))
        } else {
            Err(OtpCodeError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_ascii_digits_with_spaces_removed_are_a_code() {
        assert_eq!(OtpCode::parse("123 456").unwrap().as_str(), "123456");
        assert_eq!(OtpCode::parse(" 005924 ").unwrap().as_str(), "005924");
    }

    #[test]
    fn anything_else_is_not_a_code() {
        for bad in ["12345", "1234567", "12345a", "١٢٣٤٥٦", "１２３４５６", "12-34-56", "+12345", "12345.", "۱۲۳۴۵۶"]
        {
            assert_eq!(OtpCode::parse(bad), Err(OtpCodeError::Malformed), "{bad:?}");
        }
        assert_eq!(OtpCode::parse("  "), Err(OtpCodeError::Empty));
        assert!(!format!("{:?}", OtpCode::parse("123456").unwrap()).contains("123456"));
    }
}
