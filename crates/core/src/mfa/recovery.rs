//! Recovery codes: ten single-use codes a user keeps on paper for the day their phone is gone.
//! They are look-up secrets, not a method: they never count as "MFA set up", they are offered
//! only once a method is confirmed, and any one of them works once as the second step.
//!
//! A code is 10 characters of Crockford's base32 (50 bits), shown as two groups of five
//! (`7k2mq-x9c4d`). Typing is forgiving the way reading aloud is: case, spaces and dashes are
//! ignored, and the letters Crockford's alphabet leaves out for looking like digits (`i`, `l`,
//! `o`) are read as the digits (`1`, `1`, `0`). Only a keyed hash of each code is stored, bound
//! to the user, so a copy of the database alone can neither be typed in nor brute-forced.

use std::fmt;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::random::{self, SecureRandom};
use crate::secret::SecretKey;
use crate::user::{UserId, hex_id};

/// How many codes a set holds.
pub const SET_SIZE: usize = 10;
/// Characters per code: 10 × 5 bits = 50 bits each.
pub const CODE_LENGTH: usize = 10;
/// Crockford's base32, lower case: no `i`, `l`, `o` or `u`.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const HASH_PURPOSE: &str = "recovery-code";

/// One recovery code, normalised (10 lower-case characters of the alphabet).
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryCodeError {
    #[error("enter one of your recovery codes")]
    Empty,
    #[error("a recovery code is 10 letters and digits, like 7k2mq-x9c4d")]
    Malformed,
}

impl RecoveryCode {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self((0..CODE_LENGTH).map(|_| char::from(ALPHABET[random::below(rng, 32) as usize])).collect())
    }

    /// What a person typed: any case, with spaces and dashes anywhere.
    pub fn parse(input: &str) -> Result<Self, RecoveryCodeError> {
        let mut code = String::with_capacity(CODE_LENGTH);
        for c in input.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{a0}' | '\t')) {
            let c = match c.to_ascii_lowercase() {
                'i' | 'l' => '1',
                'o' => '0',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || code.len() == CODE_LENGTH {
                return Err(RecoveryCodeError::Malformed);
            }
            code.push(c);
        }
        match code.len() {
            0 => Err(RecoveryCodeError::Empty),
            CODE_LENGTH => Ok(Self(code)),
            _ => Err(RecoveryCodeError::Malformed),
        }
    }

    /// As shown and printed: two groups of five.
    pub fn grouped(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }

    /// The keyed hash stored for this code of `user`.
    pub fn hash_for(&self, key: &SecretKey, user: &UserId) -> String {
        key.keyed_hash(HASH_PURPOSE, format!("{}:{}", user.as_str(), self.0).as_bytes())
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

/// A recovery code as stored: its keyed hash and whether it was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecoveryCode {
    pub id: String,
    pub user_id: UserId,
    pub code_hash: String,
    pub created_at: OffsetDateTime,
    /// When it signed someone in; a used code works never again.
    pub used_at: Option<OffsetDateTime>,
}

impl StoredRecoveryCode {
    pub fn is_unused(&self) -> bool {
        self.used_at.is_none()
    }
}

/// A new set of codes: the codes to show once, and what to store.
#[derive(Debug)]
pub struct RecoveryCodeSet {
    pub codes: Vec<RecoveryCode>,
    pub stored: Vec<StoredRecoveryCode>,
}

impl RecoveryCodeSet {
    pub fn generate(key: &SecretKey, user: &UserId, now: OffsetDateTime, rng: &dyn SecureRandom) -> Self {
        let codes: Vec<RecoveryCode> = (0..SET_SIZE).map(|_| RecoveryCode::generate(rng)).collect();
        let stored = codes
            .iter()
            .map(|code| StoredRecoveryCode {
                id: hex_id(rng),
                user_id: user.clone(),
                code_hash: code.hash_for(key, user),
                created_at: now,
                used_at: None,
            })
            .collect();
        Self { codes, stored }
    }
}

/// The code of the set `typed` matches (used or not), compared in constant time against every
/// one of them.
pub fn find_match<'a>(
    key: &SecretKey,
    user: &UserId,
    set: &'a [StoredRecoveryCode],
    typed: &RecoveryCode,
) -> Option<&'a StoredRecoveryCode> {
    let hash = typed.hash_for(key, user);
    // Every stored hash is compared, so how long this takes says nothing about which matched.
    let mut found = None;
    for stored in set {
        if bool::from(stored.code_hash.as_bytes().ct_eq(hash.as_bytes())) {
            found = Some(stored);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;
    use time::macros::datetime;

    #[test]
    fn a_code_carries_fifty_bits_and_reads_back_in_any_case_with_any_dashes() {
        let code = RecoveryCode::generate(&OsRandom);
        assert_eq!(code.0.len(), CODE_LENGTH);
        assert_eq!(ALPHABET.len(), 32, "5 bits per character");
        let shown = code.grouped();
        assert_eq!(shown.len(), 11);
        assert_eq!(&shown[5..6], "-");
        for typed in [shown.clone(), shown.to_uppercase(), shown.replace('-', " "), format!(" {} ", code.0)] {
            assert_eq!(RecoveryCode::parse(&typed).unwrap(), code, "{typed:?}");
        }
    }

    #[test]
    fn letters_that_look_like_digits_read_as_the_digits() {
        assert_eq!(RecoveryCode::parse("IL0OO-11100").unwrap(), RecoveryCode::parse("11000-11100").unwrap());
    }

    #[test]
    fn anything_else_is_refused_before_it_is_compared() {
        assert_eq!(RecoveryCode::parse(" - "), Err(RecoveryCodeError::Empty));
        for bad in ["abcde-fghj", "abcde-fghjkm", "abcde-fghju", "abcde_fghjk", "ａbcde-fghjk", "123456"] {
            assert_eq!(RecoveryCode::parse(bad), Err(RecoveryCodeError::Malformed), "{bad:?}");
        }
        assert!(!format!("{:?}", RecoveryCode::generate(&OsRandom)).contains('-'));
    }

    #[test]
    fn a_set_is_ten_different_codes_stored_only_as_hashes_bound_to_the_user() {
        let key = SecretKey::generate(&OsRandom);
        let user = UserId::generate(&OsRandom);
        let set = RecoveryCodeSet::generate(&key, &user, datetime!(2026-12-03 12:00 UTC), &OsRandom);
        assert_eq!(set.codes.len(), SET_SIZE);
        let mut distinct: Vec<_> = set.codes.iter().map(|c| c.0.clone()).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), SET_SIZE);
        for (code, stored) in set.codes.iter().zip(&set.stored) {
            assert!(!stored.code_hash.contains(&code.0));
            assert_eq!(find_match(&key, &user, &set.stored, code).map(|s| &s.id), Some(&stored.id));
        }
        // The same code is worth nothing to another user or under another key.
        let other = UserId::generate(&OsRandom);
        assert!(find_match(&key, &other, &set.stored, &set.codes[0]).is_none());
        let other_key = SecretKey::generate(&OsRandom);
        assert!(find_match(&other_key, &user, &set.stored, &set.codes[0]).is_none());
    }
}
