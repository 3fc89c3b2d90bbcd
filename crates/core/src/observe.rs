//! What the portal reports as it works, for an operator's metrics: how each sign-in and each
//! second-factor check ended — never who asked, from where, or with what. The port is called in
//! the one place each outcome is decided, so every front end (pages, JSON API) is counted alike.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::mail::{MailError, Mailer, OutgoingEmail};
use crate::sms::{PhoneE164, SmsError, SmsSender};

pub trait Observer: Send + Sync + fmt::Debug {
    /// A password sign-in ended so.
    fn password_checked(&self, outcome: SignInOutcome);
    /// A returning user's second factor (`method`: `totp`, `sms`, `recovery` or `passkey`) was
    /// checked and ended so.
    fn second_factor_checked(&self, method: &'static str, outcome: CheckOutcome);
    /// A text or an email was handed to its provider (`sent`) or not, taking `took`.
    fn message_sent(&self, channel: Channel, sent: bool, took: Duration);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Sms,
    Voice,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Voice => "voice",
            Self::Email => "email",
        }
    }
}

/// A text-message or mail provider whose every send is reported: how it ended and how long the
/// provider took. Timing is the adapter's business, so the domain never reads a clock for it.
#[derive(Debug)]
pub(crate) struct Observed<P: ?Sized> {
    pub(crate) inner: Arc<P>,
    pub(crate) observer: Arc<dyn Observer>,
}

impl<P: ?Sized> Observed<P> {
    async fn timed<E>(&self, channel: Channel, send: impl Future<Output = Result<(), E>>) -> Result<(), E> {
        let started = Instant::now();
        let sent = send.await;
        self.observer.message_sent(channel, sent.is_ok(), started.elapsed());
        sent
    }
}

#[async_trait]
impl SmsSender for Observed<dyn SmsSender> {
    async fn send(&self, to: &PhoneE164, body: &str) -> Result<(), SmsError> {
        self.timed(Channel::Sms, self.inner.send(to, body)).await
    }

    async fn call(&self, to: &PhoneE164, spoken: &str, language: crate::language::Language) -> Result<(), SmsError> {
        self.timed(Channel::Voice, self.inner.call(to, spoken, language)).await
    }
}

#[async_trait]
impl Mailer for Observed<dyn Mailer> {
    async fn send(&self, message: &OutgoingEmail) -> Result<(), MailError> {
        self.timed(Channel::Email, self.inner.send(message)).await
    }
}

/// Reports nothing: the default until a metrics adapter is attached.
#[derive(Debug, Default)]
pub struct Unobserved;

impl Observer for Unobserved {
    fn password_checked(&self, _: SignInOutcome) {}
    fn second_factor_checked(&self, _: &'static str, _: CheckOutcome) {}
    fn message_sent(&self, _: Channel, _: bool, _: Duration) {}
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignInOutcome {
    /// Signed in fully (no second factor needed, or a remembered device).
    SignedIn,
    /// The password was right; a second factor comes next.
    SecondFactorNext,
    /// Unknown account or wrong password (one outcome, as the user is told).
    WrongPassword,
    Throttled,
    /// The password was right but the setup deadline has passed.
    PastDeadline,
    Error,
}

impl SignInOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SecondFactorNext => "second_factor_next",
            Self::WrongPassword => "wrong_password",
            Self::Throttled => "throttled",
            Self::PastDeadline => "past_deadline",
            Self::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckOutcome {
    Success,
    WrongCode,
    /// A code (or step) already used.
    Replay,
    /// Paused after wrong codes.
    Throttled,
    Locked,
    /// Expired, not sent, or refused for another reason a user can fix.
    Refused,
    Error,
}

impl CheckOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::WrongCode => "wrong_code",
            Self::Replay => "replay",
            Self::Throttled => "throttled",
            Self::Locked => "locked",
            Self::Refused => "refused",
            Self::Error => "error",
        }
    }
}
