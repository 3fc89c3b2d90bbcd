//! MFA's errors as sentences people read, in their language (`Localized`): the pages and the JSON
//! API's `message` both say these. `Display` stays the English fragment that logs and the audit
//! trail keep; a message here is the sentence a page shows (in English, exactly what the pages showed before: the fragment with a
//! capital letter, and the wait spelled out when too many wrong codes pause sign-in).

use super::code::OtpCodeError;
use super::passkey::PasskeyNameError;
use super::recovery::RecoveryCodeError;
use super::service::MfaError;
use super::sms_code::SendRefused;
use crate::InternalError;
use crate::language::{Language, Localized};
use crate::store::StoreError;
use crate::throttle::retry_after_secs;

impl Localized for MfaError {
    fn message_in(&self, language: Language) -> String {
        let id = match self {
            MfaError::InvalidCode => "mfa-error-invalid-code",
            MfaError::CodeReplayed => "mfa-error-code-replayed",
            MfaError::CodeExpired => "mfa-error-code-expired",
            MfaError::NoCodeSent => "mfa-error-no-code-sent",
            MfaError::NoPendingSetup => "mfa-error-no-pending-setup",
            MfaError::Throttled { retry_after } => {
                // Seconds under a minute and a half, else whole minutes (rounded up).
                let secs = retry_after_secs(*retry_after);
                return if secs < 90 {
                    language.text_with("mfa-error-throttled-seconds", &[("seconds", secs.into())])
                } else {
                    language.text_with("mfa-error-throttled-minutes", &[("minutes", secs.div_ceil(60).into())])
                };
            }
            MfaError::Locked => "mfa-error-locked",
            MfaError::SetupExpired { .. } => "mfa-error-setup-expired",
            MfaError::Phone(e) => return e.message_in(language),
            MfaError::SendRefused(e) => return e.message_in(language),
            MfaError::SmsFailed => "mfa-error-sms-failed",
            MfaError::StepUpRequired => "mfa-error-step-up-required",
            MfaError::NoSuchMethod(name) => {
                // Named in the code as a method's kind ("text message") or its label ("Text
                // message (SMS)"); English says it as it was named.
                let method = match *name {
                    "text message" => "sms",
                    "Text message (SMS)" => "sms-label",
                    "authenticator app" => "totp",
                    "Authenticator app" => "totp-label",
                    "passkey" => "passkey",
                    "Passkey" => "passkey-label",
                    _ => "other",
                };
                return language
                    .text_with("mfa-error-no-such-method", &[("method", method.into()), ("name", (*name).into())]);
            }
            MfaError::WrongStep => "mfa-error-wrong-step",
            MfaError::LastMethod => "mfa-error-last-method",
            MfaError::RecoveryCodeUsed => "mfa-error-recovery-code-used",
            MfaError::NoMethodYet => "mfa-error-no-method-yet",
            MfaError::NotFound(thing) => match *thing {
                "passkey" => "mfa-error-passkey-not-found",
                "remembered device" => "mfa-error-device-not-found",
                "session" => "mfa-error-session-not-found",
                _ => return language.text_with("mfa-error-not-found", &[("thing", (*thing).into())]),
            },
            MfaError::PasskeysUnavailable => "mfa-error-passkeys-unavailable",
            MfaError::PasskeyExpired => "mfa-error-passkey-expired",
            MfaError::PasskeyRefused => "mfa-error-passkey-refused",
            MfaError::SessionEnded => "mfa-error-session-ended",
            MfaError::Internal(InternalError::Store(StoreError::Busy)) => "mfa-error-busy",
            MfaError::Internal(_) => "mfa-error-internal",
        };
        language.text(id)
    }
}

impl Localized for SendRefused {
    fn message_in(&self, language: Language) -> String {
        let secs = retry_after_secs(self.retry_after());
        match self {
            SendRefused::Cooldown(_) => language.text_with("mfa-error-send-cooldown", &[("seconds", secs.into())]),
            // As `throttle::wait_in_words` rounds it: a minute, minutes, then hours.
            SendRefused::TooMany(_) if secs <= 60 => {
                language.text_with("mfa-error-too-many-texts-minutes", &[("minutes", 1_u64.into())])
            }
            SendRefused::TooMany(_) if secs < 7_200 => {
                language.text_with("mfa-error-too-many-texts-minutes", &[("minutes", secs.div_ceil(60).into())])
            }
            SendRefused::TooMany(_) => {
                language.text_with("mfa-error-too-many-texts-hours", &[("hours", secs.div_ceil(3_600).into())])
            }
        }
    }
}

impl Localized for OtpCodeError {
    fn message_in(&self, language: Language) -> String {
        language.text(match self {
            OtpCodeError::Empty => "mfa-error-code-empty",
            OtpCodeError::Malformed => "mfa-error-code-malformed",
        })
    }
}

impl Localized for RecoveryCodeError {
    fn message_in(&self, language: Language) -> String {
        language.text(match self {
            RecoveryCodeError::Empty => "mfa-error-recovery-empty",
            RecoveryCodeError::Malformed => "mfa-error-recovery-malformed",
        })
    }
}

impl Localized for PasskeyNameError {
    fn message_in(&self, language: Language) -> String {
        language.text(match self {
            PasskeyNameError::Empty => "mfa-error-passkey-name-empty",
            PasskeyNameError::TooLong => "mfa-error-passkey-name-too-long",
            PasskeyNameError::ControlCharacter => "mfa-error-passkey-name-control",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mfa::Method;
    use crate::sms::PhoneError;
    use time::Duration;
    use time::macros::date;

    /// What the pages showed before the messages moved to Fluent: the fragment, capitalised.
    fn as_sentence(display: &str) -> String {
        let mut chars = display.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }

    fn every_error_but_the_wait() -> Vec<MfaError> {
        vec![
            MfaError::InvalidCode,
            MfaError::CodeReplayed,
            MfaError::CodeExpired,
            MfaError::NoCodeSent,
            MfaError::NoPendingSetup,
            MfaError::SetupExpired { deadline: date!(2026 - 04 - 16) },
            MfaError::Phone(PhoneError::CountryNotAllowed),
            MfaError::SendRefused(SendRefused::Cooldown(Duration::seconds(20))),
            MfaError::SendRefused(SendRefused::TooMany(Duration::minutes(58))),
            MfaError::SendRefused(SendRefused::TooMany(Duration::seconds(59))),
            MfaError::SendRefused(SendRefused::TooMany(Duration::hours(21))),
            MfaError::SmsFailed,
            MfaError::StepUpRequired,
            MfaError::NoSuchMethod("text message"),
            MfaError::NoSuchMethod("authenticator app"),
            MfaError::NoSuchMethod("passkey"),
            MfaError::NoSuchMethod(Method::Sms.label()),
            MfaError::NoSuchMethod(Method::Totp.label()),
            MfaError::NoSuchMethod(Method::Passkey.label()),
            MfaError::WrongStep,
            MfaError::LastMethod,
            MfaError::RecoveryCodeUsed,
            MfaError::NoMethodYet,
            MfaError::NotFound("passkey"),
            MfaError::NotFound("remembered device"),
            MfaError::NotFound("session"),
            MfaError::PasskeysUnavailable,
            MfaError::PasskeyExpired,
            MfaError::PasskeyRefused,
            MfaError::SessionEnded,
        ]
    }

    #[test]
    fn english_reads_as_the_pages_always_said_it() {
        for e in every_error_but_the_wait() {
            assert_eq!(e.message_in(Language::English), as_sentence(&e.to_string()), "{e:?}");
        }
        assert_eq!(
            MfaError::Throttled { retry_after: Duration::minutes(5) }.message_in(Language::English),
            "Too many wrong codes. Please wait 5 minutes and try again."
        );
        assert_eq!(
            MfaError::Throttled { retry_after: Duration::seconds(59) }.message_in(Language::English),
            "Too many wrong codes. Please wait 59 seconds and try again."
        );
        assert_eq!(
            MfaError::Locked.message_in(Language::English),
            "Too many wrong codes: sign-in is locked for this account. Contact support to unlock it."
        );
    }

    #[test]
    fn spanish_says_each_error_and_counts_the_wait_in_the_right_form() {
        assert_eq!(MfaError::InvalidCode.message_in(Language::Spanish), "El código no es correcto");
        assert_eq!(
            MfaError::Throttled { retry_after: Duration::minutes(5) }.message_in(Language::Spanish),
            "Demasiados códigos incorrectos. Espere 5 minutos y vuelva a intentarlo."
        );
        assert_eq!(
            MfaError::Throttled { retry_after: Duration::seconds(1) }.message_in(Language::Spanish),
            "Demasiados códigos incorrectos. Espere 1 segundo y vuelva a intentarlo."
        );
        assert_eq!(
            SendRefused::TooMany(Duration::seconds(30)).message_in(Language::Spanish),
            "Se enviaron demasiados códigos; vuelva a intentarlo en un minuto o use la aplicación de autenticación"
        );
        assert_eq!(
            SendRefused::TooMany(Duration::minutes(58)).message_in(Language::Spanish),
            "Se enviaron demasiados códigos; vuelva a intentarlo en 58 minutos o use la aplicación de autenticación"
        );
        assert_eq!(
            SendRefused::TooMany(Duration::hours(21)).message_in(Language::Spanish),
            "Se enviaron demasiados códigos; vuelva a intentarlo en 21 horas o use la aplicación de autenticación"
        );
        assert_eq!(
            MfaError::SendRefused(SendRefused::Cooldown(Duration::seconds(20))).message_in(Language::Spanish),
            "Espere 20 segundos antes de pedir otro código"
        );
        assert_eq!(MfaError::Phone(PhoneError::UnknownCountry).message_in(Language::Spanish), "Elija un país");
        assert_eq!(
            MfaError::NoSuchMethod("text message").message_in(Language::Spanish),
            "Esta cuenta no tiene configurados los mensajes de texto"
        );
        assert_eq!(
            MfaError::NotFound("remembered device").message_in(Language::Spanish),
            "No se encontró el dispositivo recordado"
        );
        // Every error has a Spanish sentence of its own.
        for e in every_error_but_the_wait() {
            assert_ne!(e.message_in(Language::Spanish), e.message_in(Language::English), "{e:?}");
        }
    }

    #[test]
    fn the_one_second_wait_is_singular() {
        assert_eq!(
            SendRefused::Cooldown(Duration::seconds(1)).message_in(Language::English),
            "Wait 1 second before asking for another code"
        );
        assert_eq!(
            SendRefused::Cooldown(Duration::seconds(1)).message_in(Language::Spanish),
            "Espere 1 segundo antes de pedir otro código"
        );
    }

    #[test]
    fn typed_codes_and_passkey_names_are_refused_in_the_readers_language() {
        for (english, spanish) in [
            (OtpCodeError::Empty.message_in(Language::English), OtpCodeError::Empty.message_in(Language::Spanish)),
            (
                RecoveryCodeError::Malformed.message_in(Language::English),
                RecoveryCodeError::Malformed.message_in(Language::Spanish),
            ),
            (
                PasskeyNameError::Empty.message_in(Language::English),
                PasskeyNameError::Empty.message_in(Language::Spanish),
            ),
        ] {
            assert_ne!(english, spanish);
        }
        assert_eq!(OtpCodeError::Malformed.message_in(Language::English), "A code is exactly 6 digits (0–9)");
        assert_eq!(
            OtpCodeError::Malformed.message_in(Language::Spanish),
            "Un código tiene exactamente 6 dígitos (0–9)"
        );
        for e in [OtpCodeError::Empty, OtpCodeError::Malformed] {
            assert_eq!(e.message_in(Language::English), as_sentence(&e.to_string()));
        }
        for e in [RecoveryCodeError::Empty, RecoveryCodeError::Malformed] {
            assert_eq!(e.message_in(Language::English), as_sentence(&e.to_string()));
        }
        for e in [PasskeyNameError::Empty, PasskeyNameError::TooLong, PasskeyNameError::ControlCharacter] {
            assert_eq!(e.message_in(Language::English), as_sentence(&e.to_string()));
        }
    }

    #[test]
    fn methods_are_named_in_the_readers_language() {
        for m in [Method::Sms, Method::Totp, Method::Passkey] {
            assert_eq!(m.label_in(Language::English), m.label());
        }
        assert_eq!(Method::Totp.label_in(Language::Spanish), "Aplicación de autenticación");
    }
}
