//! The languages the portal speaks, and every sentence it says in them.
//!
//! The sentences live in Project Fluent files under `crates/core/locales/<code>/`, built into
//! the binary at compile time, so a page, an email, a text message and a call all read the
//! same translation. Pages, the mail and SMS senders and the CLI ask a [`Language`] for a
//! message by id; nobody keeps a string table of their own.
//!
//! Spanish here is the Spanish of policyholders of a US insurer (`es-US`): dates read
//! "4 de marzo de 2026", while money keeps the `$1,234.56` form that US Spanish (and the
//! insurer's own statements) use.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use time::Date;
use unic_langid::LanguageIdentifier;

static_loader! {
    static MESSAGES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps every argument in Unicode isolation marks by default. Our arguments are
        // dates, names, numbers and codes in left-to-right scripts; the marks would only turn
        // up as stray characters in a text message or an email.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Each language's messages without arguments, as `Language::text` first made them. The loader
/// negotiates the language and formats the message again on every call, and a page asks for
/// dozens: messages took about a twelfth of a worker's CPU on the signed-in page, three
/// quarters of it for these. Only ids the message files define are kept, so the maps stay as
/// small as those files.
static PLAIN_TEXTS: LazyLock<[RwLock<TextsById>; 2]> =
    LazyLock::new(|| [RwLock::new(HashMap::new()), RwLock::new(HashMap::new())]);

/// Formatted messages by id.
type TextsById = HashMap<Box<str>, Box<str>>;

/// A language the portal speaks. English is the default: for a visitor whose browser asks for
/// neither, and for a user who never chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "es")]
    Spanish,
}

/// One argument of a message: text (a name, a date already formatted) or a number, which
/// Fluent uses to pick a plural form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageArg {
    Text(String),
    Number(i64),
}

impl From<&str> for MessageArg {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for MessageArg {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&String> for MessageArg {
    fn from(text: &String) -> Self {
        Self::Text(text.clone())
    }
}

impl From<i64> for MessageArg {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<u32> for MessageArg {
    fn from(n: u32) -> Self {
        Self::Number(i64::from(n))
    }
}

impl From<usize> for MessageArg {
    fn from(n: usize) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u64> for MessageArg {
    fn from(n: u64) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The BCP 47 code: what `<html lang>`, the `lang` cookie, `?lang=` and the API use.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The language's name in itself, as the language picker lists it.
    pub fn own_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Español",
        }
    }

    /// A code as a user, a cookie or the API gives it: `en` or `es`, any case. A regional
    /// form (`es-MX`) is accepted too, since browsers and people write it that way.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The first language of an `Accept-Language` header (in the order of its weights) that the
    /// portal speaks; `None` when it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        accept_language::parse(header).iter().find_map(|tag| Self::from_code(tag))
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Language::English => fluent_templates::langid!("en"),
            Language::Spanish => fluent_templates::langid!("es"),
        }
    }

    /// The message `id` in this language. A message this language lacks falls back to English
    /// (a test keeps both files in step, so that only happens during development).
    pub fn text(self, id: &str) -> String {
        let texts = &PLAIN_TEXTS[self.index()];
        if let Some(text) = texts.read().unwrap_or_else(PoisonError::into_inner).get(id) {
            return String::from(&**text);
        }
        match MESSAGES.try_lookup(&self.id(), id) {
            Some(text) => {
                texts.write().unwrap_or_else(PoisonError::into_inner).insert(id.into(), text.as_str().into());
                text
            }
            // Not kept: an unknown id must not grow the map.
            None => MESSAGES.lookup(&self.id(), id),
        }
    }

    /// This language's place in `PLAIN_TEXTS`.
    fn index(self) -> usize {
        match self {
            Language::English => 0,
            Language::Spanish => 1,
        }
    }

    /// The message `id` with its arguments.
    pub fn text_with(self, id: &str, args: &[(&'static str, MessageArg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    MessageArg::Text(text) => FluentValue::from(text.as_str()),
                    MessageArg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        MESSAGES.lookup_with_args(&self.id(), id, &args)
    }

    /// A date as a sentence writes it: "March 4, 2026", "4 de marzo de 2026".
    pub fn long_date(self, d: Date) -> String {
        let month = self.text(&format!("month-{}", u8::from(d.month())));
        self.text_with(
            "long-date",
            &[("month", month.into()), ("day", d.day().to_string().into()), ("year", d.year().to_string().into())],
        )
    }
}

/// A sentence a person reads (an error, a notice) that exists in every language. `Display` on
/// the same type stays English: it is what logs and the audit trail keep.
pub trait Localized {
    fn message_in(&self, language: Language) -> String;
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A language to store on an account: `keep_a_choice` stores it only where the account has none
/// yet (a choice made meanwhile elsewhere stands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageUpdate {
    pub language: Language,
    pub keep_a_choice: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_regional_forms_are_accepted() {
        for language in Language::ALL {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
        assert_eq!(Language::from_code("ES-mx"), Some(Language::Spanish));
        assert_eq!(Language::from_code("en_GB"), Some(Language::English));
        assert_eq!(Language::from_code("fr"), None);
        assert_eq!(Language::from_code(""), None);
    }

    #[test]
    fn accept_language_follows_the_weights_and_skips_languages_we_do_not_speak() {
        assert_eq!(Language::from_accept_language("es-US,es;q=0.9,en;q=0.8"), Some(Language::Spanish));
        assert_eq!(Language::from_accept_language("fr-FR, en;q=0.5, es;q=0.7"), Some(Language::Spanish));
        assert_eq!(Language::from_accept_language("en;q=0.2, es;q=0.9"), Some(Language::Spanish));
        assert_eq!(Language::from_accept_language("de, fr"), None);
        assert_eq!(Language::from_accept_language(""), None);
    }

    #[test]
    fn a_message_kept_after_its_first_use_reads_as_the_loader_writes_it() {
        for language in Language::ALL {
            for id in ["account-role-policyholder", "claim-col-items", "auth-page-expired-retry"] {
                let fresh = MESSAGES.lookup(&language.id(), id);
                assert_eq!(language.text(id), fresh, "{language:?} {id}, first use");
                assert_eq!(language.text(id), fresh, "{language:?} {id}, kept");
            }
        }
        assert_eq!(Language::English.text("claim-col-items"), "Items");
        assert_ne!(Language::Spanish.text("claim-col-items"), "Items", "each language keeps its own");
    }

    #[test]
    fn an_unknown_id_is_answered_but_not_kept() {
        let id = "no-such-message-anywhere";
        let answer = Language::Spanish.text(id);
        assert_eq!(answer, MESSAGES.lookup(&Language::Spanish.id(), id));
        for language in Language::ALL {
            let texts = PLAIN_TEXTS[language.index()].read().unwrap_or_else(PoisonError::into_inner);
            assert!(!texts.contains_key(id), "{language:?} kept an id no message file defines");
        }
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = time::macros::date!(2026 - 03 - 04);
        assert_eq!(Language::English.long_date(d), "March 4, 2026");
        assert_eq!(Language::Spanish.long_date(d), "4 de marzo de 2026");
        let d = time::macros::date!(2027 - 12 - 31);
        assert_eq!(Language::Spanish.long_date(d), "31 de diciembre de 2027");
    }

    #[test]
    fn a_literal_brace_reaches_the_script_that_fills_it_in() {
        assert_eq!(
            Language::English.text("script-file-too-big"),
            "This file is larger than {mib} MiB; choose a smaller one."
        );
        assert!(Language::Spanish.text("script-file-too-big").contains("{mib} MiB"));
    }

    #[test]
    fn arguments_carry_no_isolation_marks() {
        let text = Language::Spanish.long_date(time::macros::date!(2026 - 01 - 09));
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'), "{text:?}");
    }
}
