//! The emails that tell a user their sign-in changed: a method added or removed, support
//! extending the deadline, resetting MFA, unlocking or signing them out, a password set through
//! a reset link, and the lock after too many wrong codes. A stranger who got in (or is trying)
//! is most often noticed by the owner reading one of these, so every change sends one.
//!
//! The wording lives here, in one place, so no use-case writes its own: it names the change and
//! how to reach support, and never carries a code, a secret, a link or a full phone number
//! (a mailbox is read on many devices and kept for years).

use time::Date;

use crate::language::{Language, MessageArg};
use crate::mail::OutgoingEmail;
use crate::mfa::Method;
use crate::sms::PhoneE164;
use crate::user::User;
use crate::{Portal, PortalSettings, RequestContext};

/// A change to a user's sign-in that they are told about by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInNotice {
    /// A second factor was confirmed; `phone` for text messages (shown masked).
    MethodAdded { method: Method, phone: Option<PhoneE164> },
    /// The user removed one of their methods.
    MethodRemoved { method: Method, phone: Option<PhoneE164> },
    /// Support moved the setup deadline.
    DeadlineExtended { deadline: Date },
    /// Support removed every method and ended every session.
    MfaReset { deadline: Date },
    /// Support cleared the wrong-code count, pause and lock.
    Unlocked,
    /// Support ended every session of the account.
    SessionsEnded,
    /// A reset link was used to choose a new password (every session ended).
    PasswordReset,
    /// The wrong-code count just reached the lock.
    Locked,
    /// A recovery code was used to sign in; `left` unused ones remain.
    RecoveryCodeUsed { left: usize },
    /// A new set of recovery codes was made (the old set no longer works).
    RecoveryCodesCreated,
    /// A device will not be asked for a code for a while.
    DeviceRemembered { days: u16 },
    /// The user made the portal forget remembered devices.
    DevicesForgotten { count: u64 },
    /// The user ended other sessions of theirs.
    SessionsEndedByYou { count: u64 },
    /// A passkey was added.
    PasskeyAdded { name: String },
    /// A passkey was removed.
    PasskeyRemoved { name: String },
    /// A passkey was renamed.
    PasskeyRenamed { name: String },
}

/// How a method is named in a sentence: "an authenticator app", "text messages to •••-•••-0143".
fn method_phrase(method: Method, phone: Option<&PhoneE164>, language: Language) -> String {
    match (method, phone) {
        (Method::Totp, _) => language.text("notice-method-totp"),
        (Method::Sms, Some(p)) => language.text_with("notice-method-sms-to", &[("phone", p.masked().into())]),
        (Method::Sms, None) => language.text("notice-method-sms"),
        (Method::Passkey, _) => language.text("notice-method-passkey"),
    }
}

impl SignInNotice {
    /// The email's subject in `language` (the portal's name is added after it).
    pub fn subject(&self, language: Language) -> String {
        match self {
            SignInNotice::MethodAdded { .. } => language.text("notice-method-added-subject"),
            SignInNotice::MethodRemoved { .. } => language.text("notice-method-removed-subject"),
            SignInNotice::DeadlineExtended { .. } => language.text("notice-deadline-extended-subject"),
            SignInNotice::MfaReset { .. } => language.text("notice-mfa-reset-subject"),
            SignInNotice::Unlocked => language.text("notice-unlocked-subject"),
            SignInNotice::SessionsEnded => language.text("notice-sessions-ended-subject"),
            SignInNotice::PasswordReset => language.text("notice-password-reset-subject"),
            SignInNotice::Locked => language.text("notice-locked-subject"),
            SignInNotice::RecoveryCodeUsed { .. } => language.text("notice-recovery-code-used-subject"),
            SignInNotice::RecoveryCodesCreated => language.text("notice-recovery-codes-created-subject"),
            SignInNotice::DeviceRemembered { .. } => language.text("notice-device-remembered-subject"),
            SignInNotice::DevicesForgotten { .. } => language.text("notice-devices-forgotten-subject"),
            SignInNotice::SessionsEndedByYou { .. } => language.text("notice-sessions-ended-by-you-subject"),
            SignInNotice::PasskeyAdded { .. } => language.text("notice-passkey-added-subject"),
            SignInNotice::PasskeyRemoved { .. } => language.text("notice-passkey-removed-subject"),
            SignInNotice::PasskeyRenamed { .. } => language.text("notice-passkey-renamed-subject"),
        }
    }

    /// The message in `language`, before the greeting.
    pub fn text(&self, settings: &PortalSettings, language: Language) -> String {
        let portal = || ("portal", MessageArg::from(settings.portal_name.as_str()));
        let support = || ("support", MessageArg::from(settings.support_email.as_str()));
        let zone = || ("zone", MessageArg::from(settings.mfa.zone.name()));
        // English has always written the date as 2026-04-01; Spanish writes it as a sentence does.
        let deadline = |d: &Date| {
            let text = match language {
                Language::English => d.to_string(),
                Language::Spanish => language.long_date(*d),
            };
            ("deadline", MessageArg::from(text))
        };
        let not_you = language.text_with("notice-not-you", &[support()]);
        let with_not_you = |text: String| format!("{text}\n\n{not_you}");
        match self {
            SignInNotice::MethodAdded { method, phone } => with_not_you(language.text_with(
                "notice-method-added",
                &[portal(), ("method", method_phrase(*method, phone.as_ref(), language).into())],
            )),
            SignInNotice::MethodRemoved { method, phone } => with_not_you(language.text_with(
                "notice-method-removed",
                &[portal(), ("method", method_phrase(*method, phone.as_ref(), language).into())],
            )),
            SignInNotice::DeadlineExtended { deadline: d } => {
                language.text_with("notice-deadline-extended", &[portal(), support(), zone(), deadline(d)])
            }
            SignInNotice::MfaReset { deadline: d } => {
                language.text_with("notice-mfa-reset", &[portal(), support(), zone(), deadline(d)])
            }
            SignInNotice::Unlocked => language.text_with("notice-unlocked", &[portal(), support()]),
            SignInNotice::SessionsEnded => language.text_with("notice-sessions-ended", &[portal(), support()]),
            SignInNotice::PasswordReset => with_not_you(language.text_with("notice-password-reset", &[portal()])),
            SignInNotice::Locked => language.text_with("notice-locked", &[portal(), support()]),
            SignInNotice::RecoveryCodeUsed { left } => with_not_you(
                language.text_with("notice-recovery-code-used", &[portal(), ("left", MessageArg::from(*left))]),
            ),
            SignInNotice::RecoveryCodesCreated => {
                with_not_you(language.text_with("notice-recovery-codes-created", &[portal()]))
            }
            SignInNotice::DeviceRemembered { days } => with_not_you(
                language
                    .text_with("notice-device-remembered", &[portal(), ("days", MessageArg::from(u32::from(*days)))]),
            ),
            SignInNotice::DevicesForgotten { count } => with_not_you(
                language.text_with("notice-devices-forgotten", &[portal(), ("count", MessageArg::from(*count))]),
            ),
            SignInNotice::SessionsEndedByYou { count } => with_not_you(
                language.text_with("notice-sessions-ended-by-you", &[portal(), ("count", MessageArg::from(*count))]),
            ),
            SignInNotice::PasskeyAdded { name } => {
                with_not_you(language.text_with("notice-passkey-added", &[portal(), ("name", name.into())]))
            }
            SignInNotice::PasskeyRemoved { name } => {
                with_not_you(language.text_with("notice-passkey-removed", &[portal(), ("name", name.into())]))
            }
            SignInNotice::PasskeyRenamed { name } => {
                with_not_you(language.text_with("notice-passkey-renamed", &[portal(), ("name", name.into())]))
            }
        }
    }

    /// The whole email to `user` in `language`: the subject with the portal's name after it, and
    /// the message after a greeting.
    pub fn email(&self, user: &User, settings: &PortalSettings, language: Language) -> OutgoingEmail {
        OutgoingEmail::greeted(
            user,
            &settings.portal_name,
            language,
            &self.subject(language),
            &self.text(settings, language),
        )
    }
}

impl Portal {
    /// Emails `user` about a change to their sign-in, in the language they keep with their
    /// account (English if they never chose): for a change someone else made, such as support.
    /// A failed send is logged, never fatal.
    pub async fn tell(&self, user: &User, notice: SignInNotice) {
        self.tell_in(user, notice, user.language.unwrap_or_default()).await;
    }

    /// Emails `user` about a change they made themselves in this request: in the language they
    /// keep with their account, else the one they are reading (`ctx.language`).
    pub async fn tell_reader(&self, user: &User, notice: SignInNotice, ctx: &RequestContext) {
        self.tell_in(user, notice, user.language.unwrap_or(ctx.language)).await;
    }

    /// Emails `user` about a change to their sign-in in `language`. A failed send is logged.
    pub async fn tell_in(&self, user: &User, notice: SignInNotice, language: Language) {
        let message = notice.email(user, &self.settings, language);
        if let Err(e) = self.mailer.send(&message).await {
            tracing::warn!(error = %e, user = %user.id, "notification email failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn english(notice: SignInNotice) -> String {
        notice.text(&PortalSettings::default(), Language::English)
    }

    fn spanish(notice: SignInNotice) -> String {
        notice.text(&PortalSettings::default(), Language::Spanish)
    }

    #[test]
    fn a_used_recovery_code_tells_how_many_are_left() {
        assert!(english(SignInNotice::RecoveryCodeUsed { left: 7 }).contains("You have 7 recovery codes left."));
        assert!(english(SignInNotice::RecoveryCodeUsed { left: 1 }).contains("You have 1 recovery code left."));
        assert!(english(SignInNotice::RecoveryCodeUsed { left: 0 }).contains("no recovery codes left"));
        assert!(spanish(SignInNotice::RecoveryCodeUsed { left: 7 }).contains("Le quedan 7 códigos de recuperación."));
        assert!(spanish(SignInNotice::RecoveryCodeUsed { left: 1 }).contains("Le queda 1 código de recuperación."));
        assert!(spanish(SignInNotice::RecoveryCodeUsed { left: 0 }).contains("Ya no le quedan códigos"));
    }

    #[test]
    fn a_notice_reads_as_before_in_english_and_as_a_sentence_in_spanish() {
        assert_eq!(
            english(SignInNotice::RecoveryCodeUsed { left: 7 }),
            "A recovery code was used to sign in to your Inventory Portal account. Each code works once. You have 7 \
             recovery codes left.\n\nIf you lost your phone, add a new verification method on your security page.\n\n\
             If this was not you, contact support at support@example.com right away."
        );
        assert_eq!(
            english(SignInNotice::DeadlineExtended { deadline: date!(2026 - 04 - 01) }),
            "Support gave you until 2026-04-01 (UTC time) to set up a verification method (text message or \
             authenticator app) for your Inventory Portal account. Sign in and follow the steps before then.\n\n\
             If you did not ask for this, contact support at support@example.com."
        );
        assert_eq!(
            spanish(SignInNotice::PasswordReset),
            "La contraseña de su cuenta de Inventory Portal se cambió con un enlace para restablecerla, y se cerró la \
             sesión en todos los dispositivos conectados a la cuenta. Sus métodos de verificación no cambiaron.\n\n\
             Si no fue usted, comuníquese de inmediato con soporte en support@example.com."
        );
        let extended = spanish(SignInNotice::MfaReset { deadline: date!(2026 - 04 - 01) });
        assert!(extended.contains("a más tardar el 1 de abril de 2026 (zona horaria UTC)"), "{extended}");
        assert!(spanish(SignInNotice::DevicesForgotten { count: 1 }).contains("olvidó 1 dispositivo recordado:"));
        assert!(spanish(SignInNotice::DevicesForgotten { count: 3 }).contains("olvidó 3 dispositivos recordados:"));
    }

    #[test]
    fn the_email_greets_the_user_in_the_notices_language() {
        let user = User {
            id: crate::user::UserId::from_stored("0".repeat(32)),
            email: crate::email::Email::parse("ann@example.com").unwrap(),
            name: crate::user::DisplayName::parse("Ann Lee").unwrap(),
            role: crate::user::Role::Policyholder,
            password_hash: crate::password::PasswordHashString(String::new()),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            mfa_deadline: None,
            mfa_preferred: None,
            demo: false,
            language: Some(Language::Spanish),
        };
        let settings = PortalSettings::default();
        let english = SignInNotice::Unlocked.email(&user, &settings, Language::English);
        assert_eq!(english.subject, "Sign-in verification unlocked — Inventory Portal");
        assert!(english.body.starts_with("Hello Ann Lee,\n\nSupport unlocked"), "{}", english.body);
        assert!(english.body.ends_with("right away.\n"), "{}", english.body);
        let spanish = SignInNotice::Unlocked.email(&user, &settings, Language::Spanish);
        assert_eq!(spanish.subject, "Se desbloqueó la verificación del inicio de sesión — Inventory Portal");
        assert!(spanish.body.starts_with("Hola, Ann Lee:\n\nSoporte desbloqueó"), "{}", spanish.body);
    }

    #[test]
    fn notices_show_a_phone_number_masked_only() {
        let settings = PortalSettings::default();
        let phone = PhoneE164::parse("US", "201-555-0143", &["US".to_owned()]).unwrap();
        for notice in [
            SignInNotice::MethodAdded { method: Method::Sms, phone: Some(phone.clone()) },
            SignInNotice::MethodRemoved { method: Method::Sms, phone: Some(phone.clone()) },
        ] {
            let text = notice.text(&settings, Language::English);
            assert!(text.contains(&phone.masked()), "{text}");
            assert!(!text.contains("555") && !text.contains("2015550143"), "{text}");
        }
        let all = [
            SignInNotice::DeadlineExtended { deadline: date!(2026 - 04 - 01) },
            SignInNotice::MfaReset { deadline: date!(2026 - 04 - 01) },
            SignInNotice::Unlocked,
            SignInNotice::SessionsEnded,
            SignInNotice::PasswordReset,
            SignInNotice::Locked,
            SignInNotice::RecoveryCodeUsed { left: 0 },
            SignInNotice::RecoveryCodeUsed { left: 1 },
            SignInNotice::RecoveryCodesCreated,
            SignInNotice::DeviceRemembered { days: 30 },
            SignInNotice::DevicesForgotten { count: 2 },
            SignInNotice::SessionsEndedByYou { count: 1 },
            SignInNotice::PasskeyAdded { name: "Phone".into() },
            SignInNotice::PasskeyRemoved { name: "Phone".into() },
            SignInNotice::PasskeyRenamed { name: "Phone".into() },
        ];
        for notice in all {
            let text = notice.text(&settings, Language::English);
            assert!(text.contains(&settings.support_email), "{text}");
            assert!(!text.contains("http"), "no link in a notice: {text}");
        }
    }
}
