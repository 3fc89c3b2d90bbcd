//! The emails that tell a user their sign-in changed: a method added or removed, support
//! extending the deadline, resetting MFA, unlocking or signing them out, a password set through
//! a reset link, and the lock after too many wrong codes. A stranger who got in (or is trying)
//! is most often noticed by the owner reading one of these, so every change sends one.
//!
//! The wording lives here, in one place, so no use-case writes its own: it names the change and
//! how to reach support, and never carries a code, a secret, a link or a full phone number
//! (a mailbox is read on many devices and kept for years).

use time::Date;

use crate::mfa::Method;
use crate::sms::PhoneE164;
use crate::user::User;
use crate::{Portal, PortalSettings};

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
fn method_phrase(method: Method, phone: Option<&PhoneE164>) -> String {
    match (method, phone) {
        (Method::Totp, _) => "an authenticator app".to_owned(),
        (Method::Sms, Some(p)) => format!("text messages to {}", p.masked()),
        (Method::Sms, None) => "text messages".to_owned(),
        (Method::Passkey, _) => "a passkey".to_owned(),
    }
}

impl SignInNotice {
    pub fn subject(&self) -> &'static str {
        match self {
            SignInNotice::MethodAdded { .. } => "A verification method was added",
            SignInNotice::MethodRemoved { .. } => "A verification method was removed",
            SignInNotice::DeadlineExtended { .. } => "More time to set up sign-in verification",
            SignInNotice::MfaReset { .. } => "Your sign-in verification was reset",
            SignInNotice::Unlocked => "Sign-in verification unlocked",
            SignInNotice::SessionsEnded => "You were signed out everywhere",
            SignInNotice::PasswordReset => "Your password was changed",
            SignInNotice::Locked => "Sign-in locked after too many wrong codes",
            SignInNotice::RecoveryCodeUsed { .. } => "A recovery code was used to sign in",
            SignInNotice::RecoveryCodesCreated => "New recovery codes were created",
            SignInNotice::DeviceRemembered { .. } => "A device will not be asked for a code",
            SignInNotice::DevicesForgotten { .. } => "Remembered devices were forgotten",
            SignInNotice::SessionsEndedByYou { .. } => "Devices were signed out of your account",
            SignInNotice::PasskeyAdded { .. } => "A passkey was added",
            SignInNotice::PasskeyRemoved { .. } => "A passkey was removed",
            SignInNotice::PasskeyRenamed { .. } => "A passkey was renamed",
        }
    }

    /// The message, before the greeting.
    pub fn text(&self, settings: &PortalSettings) -> String {
        let portal = &settings.portal_name;
        let support = &settings.support_email;
        let zone = settings.mfa.zone.name();
        let not_you = format!("If this was not you, contact support at {support} right away.");
        match self {
            SignInNotice::MethodAdded { method, phone } => format!(
                "Your {portal} account now accepts codes from {} at sign-in.\n\n{not_you}",
                method_phrase(*method, phone.as_ref())
            ),
            SignInNotice::MethodRemoved { method, phone } => format!(
                "Your {portal} account no longer accepts codes from {} at sign-in.\n\n{not_you}",
                method_phrase(*method, phone.as_ref())
            ),
            SignInNotice::DeadlineExtended { deadline } => format!(
                "Support gave you until {deadline} ({zone} time) to set up a verification method (text message or authenticator app) \
                 for your {portal} account. Sign in and follow the steps before then.\n\n\
                 If you did not ask for this, contact support at {support}."
            ),
            SignInNotice::MfaReset { deadline } => format!(
                "Support removed the verification methods (text message, authenticator app) of your {portal} account and signed \
                 you out everywhere. At your next sign-in you will be asked to set one up again; please do so by {deadline} ({zone} time).\n\n\
                 If you did not ask for this, contact support at {support} right away."
            ),
            SignInNotice::Unlocked => format!(
                "Support unlocked sign-in verification for your {portal} account: the count of wrong codes is cleared and you can \
                 sign in with your verification method again.\n\n\
                 If you did not ask for this, contact support at {support} right away."
            ),
            SignInNotice::SessionsEnded => format!(
                "Support signed your {portal} account out on every device. Sign in again to continue.\n\n\
                 If you did not ask for this, contact support at {support} right away."
            ),
            SignInNotice::PasswordReset => format!(
                "The password of your {portal} account was changed with a reset link, and every device signed in to the account \
                 was signed out. Your verification methods did not change.\n\n{not_you}"
            ),
            SignInNotice::Locked => format!(
                "Sign-in to your {portal} account is locked: the verification code was typed wrong too many times in a row. \
                 Someone who knows your password may be trying to sign in.\n\n\
                 Contact support at {support} to unlock it, and choose a new password (\"Forgot your password?\" on the \
                 sign-in page)."
            ),
            SignInNotice::RecoveryCodeUsed { left } => {
                let left = match left {
                    0 => "You have no recovery codes left: create a new set on your security page now.".to_owned(),
                    1 => "You have 1 recovery code left.".to_owned(),
                    n => format!("You have {n} recovery codes left."),
                };
                format!(
                    "A recovery code was used to sign in to your {portal} account. Each code works once. {left}\n\n\
                     If you lost your phone, add a new verification method on your security page.\n\n{not_you}"
                )
            }
            SignInNotice::RecoveryCodesCreated => format!(
                "A new set of recovery codes was created for your {portal} account. The codes you had before no longer \
                 work.\n\n{not_you}"
            ),
            SignInNotice::DeviceRemembered { days } => format!(
                "A device (browser) signed in to your {portal} account and will not be asked for a verification code for \
                 {days} days. You can make the portal forget it on your security page.\n\n{not_you}"
            ),
            SignInNotice::DevicesForgotten { count } => format!(
                "Your {portal} account forgot {count} remembered device(s): they will be asked for a verification code at \
                 the next sign-in.\n\n{not_you}"
            ),
            SignInNotice::SessionsEndedByYou { count } => format!(
                "{count} device(s) signed in to your {portal} account were signed out from your security page.\n\n{not_you}"
            ),
            SignInNotice::PasskeyAdded { name } => format!(
                "A passkey named \"{name}\" was added to your {portal} account. It signs you in on its own device, with \
                 its screen lock or fingerprint.\n\n{not_you}"
            ),
            SignInNotice::PasskeyRemoved { name } => {
                format!("The passkey named \"{name}\" no longer signs in to your {portal} account.\n\n{not_you}")
            }
            SignInNotice::PasskeyRenamed { name } => {
                format!("A passkey of your {portal} account is now named \"{name}\".\n\n{not_you}")
            }
        }
    }
}

impl Portal {
    /// Emails `user` about a change to their sign-in; a failed send is logged, never fatal.
    pub async fn tell(&self, user: &User, notice: SignInNotice) {
        self.notify(user, notice.subject(), &notice.text(&self.settings)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_used_recovery_code_tells_how_many_are_left() {
        let settings = PortalSettings::default();
        assert!(SignInNotice::RecoveryCodeUsed { left: 7 }.text(&settings).contains("You have 7 recovery codes left."));
        assert!(SignInNotice::RecoveryCodeUsed { left: 1 }.text(&settings).contains("You have 1 recovery code left."));
        assert!(SignInNotice::RecoveryCodeUsed { left: 0 }.text(&settings).contains("no recovery codes left"));
    }

    #[test]
    fn notices_show_a_phone_number_masked_only() {
        let settings = PortalSettings::default();
        let phone = PhoneE164::parse("US", "201-555-0143", &["US".to_owned()]).unwrap();
        for notice in [
            SignInNotice::MethodAdded { method: Method::Sms, phone: Some(phone.clone()) },
            SignInNotice::MethodRemoved { method: Method::Sms, phone: Some(phone.clone()) },
        ] {
            let text = notice.text(&settings);
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
            let text = notice.text(&settings);
            assert!(text.contains(&settings.support_email), "{text}");
            assert!(!text.contains("http"), "no link in a notice: {text}");
        }
    }
}
