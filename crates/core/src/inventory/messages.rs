//! The inventory's sentences in every language. A rule that refuses something (a field, a line
//! of an imported file, a step of the review) says why with a [`Sentence`]: a message id of
//! `locales/*/claims.ftl` and its arguments, read in whichever language the person reads. Its
//! `Display` is the English sentence, which logs, the audit trail and the JSON API keep.

use std::fmt;

use super::csv::ImportError;
use super::model::{ClaimStatus, FieldError, WrongClaimStatus};
use super::service::InventoryError;
use crate::language::{Language, Localized, MessageArg};

/// One argument of a [`Sentence`]: text (a value as typed, a name), a number (which picks a
/// plural form), or claim statuses, named in lower case in the sentence's language ("in
/// review", "en revisión"; several are joined with "or").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
    Statuses(Vec<ClaimStatus>),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Self::Number(i64::from(n))
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Self::Number(i64::try_from(n).unwrap_or(i64::MAX))
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

    pub fn id(&self) -> &'static str {
        self.id
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
                    Arg::Text(text) => MessageArg::Text(text.clone()),
                    Arg::Number(n) => MessageArg::Number(*n),
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

/// "field: reason", as `Display` writes it (the field is the API's name for it).
impl Localized for FieldError {
    fn message_in(&self, language: Language) -> String {
        format!("{}: {}", self.field, self.reason_in(language))
    }
}

/// "line 3, column quantity: reason".
impl Localized for ImportError {
    fn message_in(&self, language: Language) -> String {
        Sentence::text("claim-csv-problem-at")
            .arg("line", self.line)
            .arg("column", self.column.as_str())
            .arg("problem", self.reason_in(language))
            .in_language(language)
    }
}

impl Localized for WrongClaimStatus {
    fn message_in(&self, language: Language) -> String {
        self.sentence().in_language(language)
    }
}

impl WrongClaimStatus {
    /// "the claim is draft; this needs it to be submitted or in review".
    pub fn sentence(&self) -> Sentence {
        Sentence::text("claim-wrong-status")
            .arg("current", Arg::Statuses(vec![self.current]))
            .arg("needed", Arg::Statuses(self.needed.to_vec()))
    }
}

/// The statuses in a sentence, lower case, in `language`: "submitted or in review",
/// "enviado o en revisión".
pub fn statuses_in(needed: &[ClaimStatus], language: Language) -> String {
    let or = format!(" {} ", language.text("claim-status-or"));
    needed.iter().map(|s| s.label_in(language).to_lowercase()).collect::<Vec<_>>().join(&or)
}

/// A wait as a person reads it, rounded up as `throttle::wait_in_words` does: "a minute",
/// "58 minutes", "21 hours"; "un minuto", "58 minutos", "21 horas".
pub fn wait_in(d: time::Duration, language: Language) -> String {
    let secs = crate::throttle::retry_after_secs(d);
    match secs {
        0..=60 => Sentence::text("claim-wait-minutes").arg("count", 1_u64),
        61..=7_199 => Sentence::text("claim-wait-minutes").arg("count", secs.div_ceil(60)),
        _ => Sentence::text("claim-wait-hours").arg("count", secs.div_ceil(3_600)),
    }
    .in_language(language)
}

impl Localized for InventoryError {
    fn message_in(&self, language: Language) -> String {
        match self {
            InventoryError::NotFound => language.text("claim-error-not-found"),
            InventoryError::Forbidden(why) | InventoryError::WrongStatus(why) => why.in_language(language),
            InventoryError::Locked => language.text("claim-error-locked"),
            InventoryError::Invalid(f) => f.message_in(language),
            InventoryError::Import(errors) => {
                language.text_with("claim-error-import", &[("count", errors.len().into())])
            }
            InventoryError::RateLimited { retry_after } => {
                language.text_with("claim-error-rate-limited", &[("wait", wait_in(*retry_after, language).into())])
            }
            // Never the internal detail: that is for the log.
            InventoryError::Internal(_) => language.text("claim-error-internal"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::model::{ClaimTransition, Condition, ItemDraft, room_suggestions_in};
    use crate::inventory::money;
    use crate::inventory::service::{invitation, reopened_notice, submitted_notice};

    fn known(text: &str) -> &str {
        assert!(!text.starts_with("Unknown localization"), "{text}");
        text
    }

    #[test]
    fn field_errors_keep_their_english_and_read_in_spanish() {
        let e =
            ItemDraft { description: "Toaster".into(), room: "Kitchen".into(), quantity: 0, ..ItemDraft::default() }
                .validate()
                .unwrap_err();
        assert_eq!(e.to_string(), "quantity: must be a whole number from 1 to 10000");
        assert_eq!(e.message, "must be a whole number from 1 to 10000");
        assert_eq!(e.message_in(Language::English), e.to_string());
        assert_eq!(e.reason_in(Language::Spanish), "debe ser un número entero del 1 al 10000");
        assert_eq!(e.message_in(Language::Spanish), "quantity: debe ser un número entero del 1 al 10000");

        let long = crate::inventory::model::text("notes", &"n".repeat(2001), 0, 2000, true).unwrap_err();
        assert_eq!(long.message, "at most 2000 characters (this has 2001)");
        assert_eq!(long.reason_in(Language::Spanish), "como máximo 2000 caracteres (tiene 2001)");
    }

    #[test]
    fn money_and_import_problems_keep_the_typed_value_and_the_line_and_column() {
        assert_eq!(
            money::parse_decimal("12,00").unwrap_err(),
            "\"12,00\" is not an amount; write it like 1234.56 (no $ or commas)"
        );
        assert_eq!(
            money::read_decimal("12,00").unwrap_err().in_language(Language::Spanish),
            "\"12,00\" no es una cantidad; escríbala así: 1234.56 (sin $ ni comas)"
        );
        let header = "room,description,brand,model,quantity,age_years,age_months,condition,replacement_cost,business_use,category,notes\n";
        let errors =
            crate::inventory::csv::parse(format!("{header}Kitchen,Toaster,,,two,0,0,good,1,no,,\n").as_bytes())
                .unwrap_err();
        assert_eq!(errors[0].to_string(), "line 2, column quantity: \"two\" is not a whole number");
        assert_eq!(errors[0].message_in(Language::English), errors[0].to_string());
        assert_eq!(
            errors[0].message_in(Language::Spanish),
            "línea 2, columna quantity: \"two\" no es un número entero"
        );
        let json = serde_json::to_value(&errors[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "line": 2, "column": "quantity", "message": "\"two\" is not a whole number" }),
            "the API's form is unchanged"
        );
        let errors = crate::inventory::csv::parse(b"room,description\n").unwrap_err();
        assert_eq!(errors[0].message, "column \"brand\" is missing");
        assert_eq!(errors[0].reason_in(Language::Spanish), "falta la columna \"brand\"");
    }

    #[test]
    fn inventory_errors_read_in_english_as_displayed_and_in_spanish() {
        let refused = ClaimTransition::Reopen.apply(ClaimStatus::Draft).unwrap_err();
        let e = InventoryError::WrongStatus(refused.sentence());
        assert_eq!(e.to_string(), refused.to_string());
        assert_eq!(e.message_in(Language::English), "the claim is draft; this needs it to be submitted or in review");
        assert_eq!(
            e.message_in(Language::Spanish),
            "el reclamo está en estado borrador; para esto debe estar en estado enviado o en revisión"
        );
        let e = InventoryError::Locked;
        assert_eq!(e.message_in(Language::English), e.to_string());
        assert_eq!(
            e.message_in(Language::Spanish),
            "este inventario ya se envió; no se puede modificar hasta que su ajustador lo vuelva a abrir"
        );
        let e = InventoryError::only_policyholder_changes();
        assert_eq!(e.to_string(), "only the policyholder changes the inventory");
        assert_eq!(e.message_in(Language::Spanish), "solo el asegurado modifica el inventario");
        let e = InventoryError::NotFound;
        assert_eq!(e.message_in(Language::English), e.to_string());
        assert_eq!(e.message_in(Language::Spanish), "no existe ese reclamo o artículo");

        let problems = |n: usize| {
            InventoryError::Import(vec![ImportError::new(1, "row", Sentence::text("claim-csv-empty-file")); n])
        };
        assert_eq!(problems(2).message_in(Language::English), problems(2).to_string());
        assert_eq!(problems(1).message_in(Language::Spanish), "el archivo tiene 1 problema; no se guardó nada");
        assert_eq!(problems(3).message_in(Language::Spanish), "el archivo tiene 3 problemas; no se guardó nada");

        let internal = InventoryError::Internal(crate::store::StoreError::Corrupt("row 7".into()).into());
        assert!(!internal.message_in(Language::English).contains("row 7"), "internal detail stays in the log");
    }

    #[test]
    fn a_wait_reads_as_the_throttles_words_and_in_spanish() {
        for secs in [1, 60, 61, 3_450, 7_140, 7_199, 7_200, 72_001] {
            let d = time::Duration::seconds(secs);
            assert_eq!(wait_in(d, Language::English), crate::throttle::wait_in_words(d), "{secs}s");
            let e = InventoryError::RateLimited { retry_after: d };
            assert_eq!(e.message_in(Language::English), e.to_string());
        }
        assert_eq!(wait_in(time::Duration::seconds(30), Language::Spanish), "un minuto");
        assert_eq!(wait_in(time::Duration::seconds(3_450), Language::Spanish), "58 minutos");
        assert_eq!(wait_in(time::Duration::hours(21), Language::Spanish), "21 horas");
    }

    #[test]
    fn every_label_and_suggestion_exists_in_both_languages() {
        for language in Language::ALL {
            for s in ClaimStatus::ALL {
                known(&s.label_in(language));
            }
            for c in Condition::ALL {
                known(&c.label_in(language));
            }
            for room in room_suggestions_in(language) {
                known(&room);
            }
        }
        for s in ClaimStatus::ALL {
            assert_eq!(s.label_in(Language::English), s.label(), "English labels are unchanged");
        }
        for c in Condition::ALL {
            assert_eq!(c.label_in(Language::English), c.label());
        }
        assert_eq!(room_suggestions_in(Language::English), crate::inventory::model::ROOM_SUGGESTIONS);
        assert_eq!(ClaimStatus::InReview.label_in(Language::Spanish), "En revisión");
        assert_eq!(Condition::LikeNew.label_in(Language::Spanish), "Como nuevo");
        assert_eq!(room_suggestions_in(Language::Spanish)[0], "Cocina");
    }

    #[test]
    fn the_emails_english_is_unchanged_and_spanish_is_whole_sentences() {
        let mail = invitation(Language::English, "Ada", "CLM-7", "Inventory Portal", "https://x/reset?token=t", true);
        assert_eq!(mail.subject, "Claim CLM-7");
        assert_eq!(
            mail.text,
            "Ada opened claim CLM-7 for you on Inventory Portal, where you list what was lost.\n\n\
             Choose your password within 7 days with this link (it works once):\n\nhttps://x/reset?token=t\n\n\
             Then sign in and open the claim to build your inventory."
        );
        let mail = invitation(Language::English, "Ada", "CLM-7", "Inventory Portal", "https://x/claims/1", false);
        assert_eq!(
            mail.text,
            "Ada opened claim CLM-7 for you on Inventory Portal. Sign in and open it here to build your inventory:\n\nhttps://x/claims/1"
        );
        let mail = invitation(Language::Spanish, "Ada", "CLM-7", "Inventory Portal", "https://x/claims/1", false);
        assert_eq!(mail.subject, "Reclamo CLM-7");
        assert!(mail.text.starts_with("Ada abrió el reclamo CLM-7 a su nombre en Inventory Portal."), "{}", mail.text);
        assert!(mail.text.ends_with(":\n\nhttps://x/claims/1"), "{}", mail.text);

        let summary = |items: i64| crate::inventory::ClaimSummary {
            claim: crate::inventory::Claim {
                id: crate::inventory::ClaimId::from_stored("c1".into()),
                claim_number: "CLM-7".into(),
                loss_date: time::macros::date!(2026 - 02 - 20),
                loss_address: String::new(),
                status: ClaimStatus::Submitted,
                policyholder_id: crate::user::UserId::from_stored("p".into()),
                adjuster_id: crate::user::UserId::from_stored("a".into()),
                created_at: time::OffsetDateTime::UNIX_EPOCH,
                updated_at: time::OffsetDateTime::UNIX_EPOCH,
            },
            policyholder_name: "Ann".into(),
            policyholder_email: "ann@example.com".into(),
            adjuster_name: "Ada".into(),
            item_count: items,
            total_cents: 135_954,
        };
        let mail = submitted_notice(Language::English, &summary(3), "https://x/claims/c1");
        assert_eq!(mail.subject, "Inventory submitted for claim CLM-7");
        assert_eq!(
            mail.text,
            "Ann submitted the inventory of claim CLM-7 (3 items, $1,359.54). Open it to review:\n\nhttps://x/claims/c1"
        );
        let mail = submitted_notice(Language::Spanish, &summary(1), "https://x/claims/c1");
        assert_eq!(mail.subject, "Se envió el inventario del reclamo CLM-7");
        assert_eq!(
            mail.text,
            "Ann envió el inventario del reclamo CLM-7 (1 artículo, $1,359.54). Ábralo para revisarlo:\n\nhttps://x/claims/c1"
        );

        let mail = reopened_notice(Language::English, "Ada", "CLM-7", "Add the receipt\nplease", "https://x/claims/1");
        assert_eq!(mail.subject, "Claim CLM-7 reopened");
        assert_eq!(
            mail.text,
            "Ada reopened the inventory of claim CLM-7 so you can change it. Their message:\n\n\
             Add the receipt\nplease\n\nOpen the claim: https://x/claims/1"
        );
        let mail = reopened_notice(Language::Spanish, "Ada", "CLM-7", "Falta el recibo", "https://x/claims/1");
        assert_eq!(mail.subject, "Se reabrió el reclamo CLM-7");
        assert!(
            mail.text.contains("Mensaje del ajustador:\n\nFalta el recibo\n\nAbra el reclamo: https://x/claims/1"),
            "{}",
            mail.text
        );
    }
}
