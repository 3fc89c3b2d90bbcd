//! A sentence of the inventory in no language yet. A rule that refuses something (a field, a
//! line of an imported file, a step of the review) says why with a [`Sentence`]: a message id of
//! `locales/*/claims.ftl` and its arguments, read in whichever language the person reads. Its
//! `Display` is the English sentence, which logs, the audit trail and the JSON API keep.

use std::fmt;

use crate::language::{Language, Localized, MessageArg};

/// One argument of a [`Sentence`]: text (a value as typed, a name), a number (which picks a
/// plural form), or claim statuses by their label's message id (`ClaimStatus::label_id`),
/// named in lower case in the sentence's language ("in review", "en revisión"; several are
/// joined with "or").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Plain(MessageArg),
    Statuses(Vec<&'static str>),
}

impl<T: Into<MessageArg>> From<T> for Arg {
    fn from(value: T) -> Self {
        Self::Plain(value.into())
    }
}

/// A sentence of the inventory, in no language yet: a message id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Sentence {
    /// The message `id` (from `claims.ftl`); add its arguments with [`Sentence::arg`]. (Named
    /// like `Language::text` so that the test finding every id the code asks for finds these.)
    pub fn text(id: &'static str) -> Self {
        Self { id, args: Vec::new() }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The sentence in `language`.
    pub fn in_language(&self, language: Language) -> String {
        if self.args.is_empty() {
            return language.text(self.id);
        }
        let args: Vec<(&'static str, MessageArg)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Plain(value) => value.clone(),
                    Arg::Statuses(statuses) => MessageArg::Text(statuses_in(statuses, language)),
                };
                (*name, value)
            })
            .collect();
        language.text_with(self.id, &args)
    }
}

impl fmt::Display for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_language(Language::English))
    }
}

impl Localized for Sentence {
    fn message_in(&self, language: Language) -> String {
        self.in_language(language)
    }
}

/// The English sentence, for code that wants a `String` (an error page's message).
impl From<Sentence> for String {
    fn from(sentence: Sentence) -> Self {
        sentence.to_string()
    }
}

/// Claim statuses (their label ids) in a sentence, lower case, in `language`: "submitted or in
/// review", "enviado o en revisión".
fn statuses_in(labels: &[&'static str], language: Language) -> String {
    let or = format!(" {} ", language.text("claim-status-or"));
    labels.iter().map(|id| language.text(id).to_lowercase()).collect::<Vec<_>>().join(&or)
}
