//! What a new password must not be (NIST SP 800-63B 5.1.1.2): a commonly used or breached
//! password, or one built from the account's own email address, name or the portal's name.
//! Kept apart from hashing so the rules read in one place; [`crate::password::NewPassword::check`]
//! is the one function that applies them, for the pages, the JSON API and the CLI alike.

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization as _;

use crate::email::Email;

/// The 30,000 most common passwords of zxcvbn's `passwords` frequency list (which zxcvbn
/// describes as taken from Xato's ten-million-password corpus of breached passwords), as shipped
/// in the `zxcvbn` 4.5.0 package on PyPI (`zxcvbn/frequency_lists.py`; MIT licence, a port of
/// Dropbox's zxcvbn, also MIT). One entry a line, NFKC-normalised and lower-cased, duplicates
/// removed. Shipped whole: most entries are shorter than our 12-character minimum and are refused
/// by length first, but the list stays the published one rather than a filtered copy of it.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| COMMON_PASSWORDS.lines().collect());

/// How many entries the blocklist has (for the docs' claim and its test).
pub fn common_password_count() -> usize {
    COMMON.len()
}

/// Whether `normalised` (already NFKC) is on the list, compared case-insensitively. Only exact
/// matches count: a listed password with something added is not refused by this rule.
pub fn is_common(normalised: &str) -> bool {
    COMMON.contains(normalised.to_lowercase().as_str())
}

/// Unicode compatibility normalisation (NFKC): a password typed with a composed `é` or a
/// decomposed `e` + accent, or with full-width letters from an East Asian keyboard, is the
/// same password.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// Who the password is for: the words a guesser tries first for this account.
#[derive(Debug, Clone, Copy)]
pub struct PasswordContext<'a> {
    pub email: &'a Email,
    /// The account's display name.
    pub name: &'a str,
    /// `PortalSettings::portal_name`.
    pub portal_name: &'a str,
}

/// Context words shorter than this (after squashing) are ignored: removing an initial or a
/// two-letter name from a password says nothing about it.
const MIN_CONTEXT_WORD: usize = 3;
/// A password is refused when, once every context word is taken out of it, fewer than this many
/// letters and digits are left: the context words were the bulk of it.
pub const MIN_CHARS_BESIDES_CONTEXT: usize = 8;

/// Lower-cased letters and digits only, so `Dana.Demo`, `dana demo` and `DanaDemo!` all compare
/// as `danademo`.
fn squash(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

impl PasswordContext<'_> {
    /// The whole address, its local part, the name, the portal's name, and each word of the
    /// three, squashed; longest first so the address goes before its pieces.
    fn words(&self) -> Vec<String> {
        let email = self.email.as_str();
        let local = email.split('@').next().unwrap_or_default();
        let mut words = Vec::new();
        for whole in [email, local, self.name, self.portal_name] {
            let normalised = nfkc(whole);
            words.push(squash(&normalised));
            words.extend(normalised.split(|c: char| !c.is_alphanumeric()).map(squash));
        }
        words.retain(|w| w.chars().count() >= MIN_CONTEXT_WORD);
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.dedup();
        words
    }

    /// Whether `normalised` (already NFKC) contains at least one context word and has fewer than
    /// [`MIN_CHARS_BESIDES_CONTEXT`] letters and digits left once all of them are removed.
    pub fn is_built_from(&self, normalised: &str) -> bool {
        let mut rest = squash(normalised);
        let mut found = false;
        for word in self.words() {
            if rest.contains(&word) {
                found = true;
                rest = rest.replace(&word, "");
            }
        }
        found && rest.chars().count() < MIN_CHARS_BESIDES_CONTEXT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::DisplayName;

    #[test]
    fn the_shipped_list_has_at_least_ten_thousand_entries_and_matches_ignoring_case() {
        assert!(common_password_count() >= 10_000, "{}", common_password_count());
        assert!(is_common("password1234"));
        assert!(is_common("PassWord1234"));
        assert!(is_common("qwertyuiop123"));
        assert!(!is_common("correct horse battery staple"));
        assert!(!is_common("password1234 and more"), "only exact matches count");
        assert!(!is_common(""), "the list has no empty entry");
    }

    #[test]
    fn context_words_that_make_up_the_bulk_are_found() {
        let email = Email::parse("dana.demo@example.com").unwrap();
        let name = DisplayName::parse("Dana Demo").unwrap();
        let ctx = PasswordContext { email: &email, name: name.as_str(), portal_name: "Acme Claims" };
        for refused in [
            "dana.demo@example.com",
            "Dana.Demo@Example.com!!",
            "danademo2024",
            "DANA DEMO DANA DEMO",
            "Dana-Demo-1234567",
            "acmeclaims2024",
            "Acme Claims !!!!!",
            "dana's acme claims",
        ] {
            assert!(ctx.is_built_from(refused), "{refused}");
        }
        for allowed in [
            "correct horse battery staple",
            "dana rides the blue horse",
            "my claims for the flood",
            "acme claims 12345678",
            "🐴🔋📎🐴🔋📎🐴🔋📎🐴🔋📎",
        ] {
            assert!(!ctx.is_built_from(allowed), "{allowed}");
        }
    }

    #[test]
    fn short_names_and_local_parts_are_not_context_words() {
        let email = Email::parse("al@example.com").unwrap();
        let name = DisplayName::parse("Al B").unwrap();
        let ctx = PasswordContext { email: &email, name: name.as_str(), portal_name: "Portal" };
        assert!(!ctx.is_built_from("alalalalalalal"), "two letters are no context word");
        assert!(ctx.is_built_from("al@example.com"), "the whole address still is");
    }
}
