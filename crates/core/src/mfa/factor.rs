//! Stored second factors and texted-code challenges, and the one atomic step that completes a
//! second-factor check (claim the code, record the factor, rotate the session, audit).

use std::fmt;
use time::OffsetDateTime;

use super::passkey::StoredPasskey;
use super::policy::Method;
use super::sms_code::{ChallengeStatus, SmsChallengeState};
use crate::audit::AuditEvent;
use crate::random::SecureRandom;
use crate::session::{Session, SessionIdHash};
use crate::sms::PhoneE164;
use crate::user::{UserId, hex_id};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FactorId(String);

impl FactorId {
    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(hex_id(rng))
    }
    pub fn from_stored(v: String) -> Self {
        Self(v)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A TOTP or SMS factor. Pending (unconfirmed) until its first code is verified.
#[derive(Clone, PartialEq, Eq)]
pub struct Factor {
    pub id: FactorId,
    pub user_id: UserId,
    pub method: Method,
    /// TOTP: the secret, encrypted with the portal key (context: the factor id).
    pub secret_enc: Option<Vec<u8>>,
    /// SMS: where codes go.
    pub phone: Option<PhoneE164>,
    pub created_at: OffsetDateTime,
    pub confirmed_at: Option<OffsetDateTime>,
    pub last_step: Option<i64>,
    pub last_used_at: Option<OffsetDateTime>,
}

impl fmt::Debug for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Factor")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("method", &self.method)
            .field("phone", &self.phone)
            .field("confirmed_at", &self.confirmed_at)
            .finish_non_exhaustive()
    }
}

impl Factor {
    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

/// The user's second factors as a request sees them, read with its session: what a signed-in
/// page shows and what checking a code needs, so neither reads again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecondFactorState {
    /// Every factor, confirmed and pending, and each passkey as a confirmed factor of method
    /// `passkey`; oldest first.
    pub factors: Vec<Factor>,
    pub throttle: crate::mfa::throttle::SecondFactorThrottle,
    pub recovery_codes_left: usize,
}

impl SecondFactorState {
    /// The confirmed methods, oldest first.
    pub fn confirmed(&self) -> Vec<Factor> {
        self.factors.iter().filter(|f| f.is_confirmed()).cloned().collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengePurpose {
    /// Confirming a new phone number.
    Setup,
    /// Signing in with a confirmed phone.
    Login,
}

impl ChallengePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengePurpose::Setup => "setup",
            ChallengePurpose::Login => "login",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "setup" => Some(Self::Setup),
            "login" => Some(Self::Login),
            _ => None,
        }
    }
}

/// A texted code as stored: only its keyed hash, bound to one session and purpose.
#[derive(Clone, PartialEq, Eq)]
pub struct SmsChallenge {
    pub id: String,
    pub user_id: UserId,
    pub session_id: SessionIdHash,
    pub purpose: ChallengePurpose,
    pub phone: PhoneE164,
    pub code_hash: String,
    pub created_at: OffsetDateTime,
    pub wrong_tries: u32,
    pub used: bool,
    pub voided: bool,
}

impl fmt::Debug for SmsChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsChallenge")
            .field("id", &self.id)
            .field("purpose", &self.purpose)
            .field("phone", &self.phone)
            .field("wrong_tries", &self.wrong_tries)
            .finish_non_exhaustive()
    }
}

impl SmsChallenge {
    pub fn status(&self, now: OffsetDateTime) -> ChallengeStatus {
        SmsChallengeState {
            created_at: self.created_at,
            wrong_tries: self.wrong_tries,
            used: self.used,
            voided: self.voided,
        }
        .status(now)
    }
}

/// What a right code proves, to be recorded atomically. Each variant's first statement is a
/// compare-and-set that only one request can win, so a code works once even when two requests
/// (or two instances) race.
#[derive(Debug, Clone)]
pub enum SecondFactorProof {
    /// A pending TOTP factor is confirmed at `step` (if still pending and created after `created_after`).
    ConfirmTotp { factor_id: FactorId, step: i64, created_after: OffsetDateTime },
    /// A confirmed TOTP factor accepted `step` (if newer than its last step).
    VerifyTotp { factor_id: FactorId, step: i64 },
    /// A setup challenge was answered: `factor` (an SMS factor, confirmed) is stored.
    ConfirmSms { challenge_id: String, factor: Factor },
    /// A login challenge was answered.
    VerifySms { challenge_id: String },
    /// An unused recovery code was typed (it is used up).
    UseRecoveryCode { code_id: String },
    /// A passkey was registered in the ceremony `ceremony` (claimed once) and is stored.
    RegisterPasskey { ceremony: String, ceremony_expires_at: OffsetDateTime, passkey: StoredPasskey },
    /// A passkey answered the ceremony `ceremony` (claimed once); its counter and flags move on.
    VerifyPasskey { ceremony: String, ceremony_expires_at: OffsetDateTime, used: PasskeyUse },
}

/// A passkey's state after it was used: webauthn-rs's updated credential, its counter and
/// backup state.
#[derive(Debug, Clone)]
pub struct PasskeyUse {
    pub passkey_id: String,
    pub credential: String,
    pub counter: u32,
    pub backup_state: bool,
}

#[derive(Debug, Clone)]
pub struct SecondFactorCompletion {
    pub user_id: UserId,
    pub proof: SecondFactorProof,
    /// The method used, remembered as the user's preferred one; `None` for a recovery code,
    /// which is no method and changes no preference.
    pub method: Option<Method>,
    pub now: OffsetDateTime,
    pub old_session: SessionIdHash,
    /// The fully signed-in session that replaces `old_session` in place: its successor
    /// (`Session::succeed`), under the same key.
    pub new_session: Session,
    pub audit: AuditEvent,
}
