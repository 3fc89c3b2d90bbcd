//! The inventory's errors in every language (`Localized`), said with the [`Sentence`]s the
//! rules build.

use super::csv::ImportError;
use super::model::{FieldError, WrongClaimStatus};
use super::sentence::{Arg, Sentence};
use super::service::InventoryError;
use crate::language::{Language, Localized};

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
            .arg("current", Arg::Statuses(vec![self.current.label_id()]))
            .arg("needed", Arg::Statuses(self.needed.iter().map(|s| s.label_id()).collect()))
    }
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
    use crate::inventory::model::{ClaimStatus, ClaimTransition, Condition, ItemDraft, room_suggestions_in};
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
