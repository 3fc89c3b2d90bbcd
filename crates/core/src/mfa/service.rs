//! MFA use-cases on `Portal`, shared by the pages and the JSON API: what a session must do next,
//! authenticator-app and text-message setup, verification of returning users, "remind me
//! later", and the support actions (status, extend, reset, unlock).
//!
//! Every check that can fail because of the user (a wrong code, a pause) is decided here; the
//! store only makes the winning write atomic.

use time::{Date, Duration, OffsetDateTime};
use tracing::{info, warn};

use super::code::OtpCode;
use super::factor::{
    ChallengePurpose, Factor, FactorId, SecondFactorCompletion, SecondFactorProof, SecondFactorState, SmsChallenge,
};
use super::policy::{DeadlineSource, Method, MfaRequirement, SetupDeadline};
use super::recovery::{self, RecoveryCode};
use super::sms_code::{self, ChallengeStatus, SendRefused};
use super::throttle::{self, SecondFactorThrottle, ThrottleState};
use super::totp::{self, TotpCheck, TotpSecret};
use crate::audit::{AuditEvent, Outcome, action};
use crate::email::Email;
use crate::notice::SignInNotice;
use crate::observe::CheckOutcome;
use crate::session::{AuthLevel, OLD_ID_SIGNS_OUT_FOR, Session, SessionToken};
use crate::sms::{DeliveryChannel, PhoneE164, PhoneError};
use crate::store::{CompletionOutcome, StoreError};
use crate::throttle::LimitReached;
use crate::user::{User, UserId, hex_id};
use crate::{InternalError, Portal, RequestContext};

/// A pending authenticator-app setup expires after this long unconfirmed.
pub const TOTP_SETUP_LIFETIME: Duration = Duration::minutes(15);
/// Adding a method while signed in needs a second factor verified this recently.
pub const STEP_UP_WINDOW: Duration = Duration::minutes(10);
/// `Retry-After` when a code was refused by a pause that has already ended by the time the
/// refusal is read back (a moment's race with the clock).
const BUSY_RETRY: Duration = Duration::seconds(1);

#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    #[error("the code is not right")]
    InvalidCode,
    #[error("this code was already used; wait for the next one in your app")]
    CodeReplayed,
    #[error("this code has expired or was replaced by a newer one; send a new code")]
    CodeExpired,
    #[error("send a verification code first")]
    NoCodeSent,
    #[error("start the setup again: it expired after 15 minutes")]
    NoPendingSetup,
    #[error("too many wrong codes; wait and try again")]
    Throttled { retry_after: Duration },
    #[error("too many wrong codes: this account is locked; contact support")]
    Locked,
    #[error("the deadline to set up a verification method has passed; contact support")]
    SetupExpired { deadline: Date },
    #[error("{0}")]
    Phone(#[from] PhoneError),
    #[error("{0}")]
    SendRefused(SendRefused),
    #[error("we could not send a text message; try again, or use the authenticator app")]
    SmsFailed,
    #[error("verify with your current method first")]
    StepUpRequired,
    #[error("this account has no {0} method")]
    NoSuchMethod(&'static str),
    #[error("this is not possible at this step of sign-in")]
    WrongStep,
    #[error("this is your only verification method; add another before removing it")]
    LastMethod,
    #[error("this recovery code was already used; use another one")]
    RecoveryCodeUsed,
    #[error("set up a verification method first")]
    NoMethodYet,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("passkeys are not available on this portal")]
    PasskeysUnavailable,
    #[error("the passkey request expired or was already used; start again")]
    PasskeyExpired,
    #[error("the passkey was not accepted; try again or choose another way to verify")]
    PasskeyRefused,
    #[error("this sign-in was ended (signed out elsewhere or by support); sign in again")]
    SessionEnded,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<StoreError> for MfaError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// Where a session stands with MFA, for pages and the API to present.
#[derive(Debug, Clone)]
pub struct MfaStatus {
    pub requirement: MfaRequirement,
    pub confirmed: Vec<Factor>,
    pub preferred: Option<Method>,
}

impl MfaStatus {
    pub fn methods(&self) -> Vec<Method> {
        let mut m: Vec<Method> = self.confirmed.iter().map(|f| f.method).collect();
        m.sort();
        m.dedup();
        m
    }

    pub fn phone_hint(&self) -> Option<String> {
        self.confirmed.iter().find_map(|f| f.phone.as_ref()).map(PhoneE164::masked)
    }

    /// The text-message number is a desk phone: its codes come by call (see `send_code`).
    pub fn phone_is_landline(&self) -> bool {
        self.confirmed.iter().find_map(|f| f.phone.as_ref()).is_some_and(PhoneE164::is_landline)
    }
}

/// A started authenticator-app setup: shown until confirmed, then never again.
#[derive(Debug, Clone)]
pub struct TotpSetup {
    pub secret: TotpSecret,
    pub otpauth_uri: String,
    /// The account name to type into a desktop app (the email).
    pub account: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct SmsSent {
    pub phone_hint: String,
    pub resend_after: Duration,
    /// How the code went: a call also when a text was asked for but the number is a landline.
    pub channel: DeliveryChannel,
    /// The number is a landline (and so was called).
    pub landline: bool,
}

/// A completed second factor: the new fully signed-in session.
#[derive(Debug)]
pub struct MfaCompleted {
    pub token: SessionToken,
    pub session: Session,
    /// After a recovery code: how many unused codes the user has left.
    pub recovery_codes_left: Option<usize>,
}

/// A user's MFA situation as support sees it.
#[derive(Debug, Clone)]
pub struct SupportView {
    pub user: User,
    pub confirmed: Vec<Factor>,
    pub deadline: Option<SetupDeadline>,
    pub requirement: MfaRequirement,
    pub throttle: SecondFactorThrottle,
    pub last_sign_in: Option<OffsetDateTime>,
    pub recovery_codes_left: usize,
    /// Devices that skip the code, unexpired.
    pub remembered_devices: Vec<crate::device::RememberedDevice>,
}

impl Portal {
    fn requirement_for(&self, user: &User, confirmed: &[Factor], now: OffsetDateTime) -> MfaRequirement {
        let methods: Vec<Method> = confirmed.iter().map(|f| f.method).collect();
        self.settings.mfa.requirement(user.role, user.created_at, user.mfa_deadline, &methods, now)
    }

    /// Every confirmed method of the user: factors, and each passkey as a factor of its own.
    pub(crate) async fn confirmed_factors(&self, user: &UserId) -> Result<Vec<Factor>, StoreError> {
        Ok(self.store.methods_of(user).await?.0)
    }

    /// What a signed-in page shows about MFA, from what its session's read brought: the status
    /// and the unused recovery codes.
    pub fn account_methods(&self, user: &User, state: &SecondFactorState) -> (MfaStatus, usize) {
        (self.status_from(user, state.confirmed()), state.recovery_codes_left)
    }

    /// Whether MFA is in force for the user whatever their methods (so the last one must stay).
    pub(crate) fn mfa_in_force(&self, user: &User) -> bool {
        self.requirement_for(user, &[], self.clock.now()) != MfaRequirement::NotRequired
    }

    /// What `user` must do about MFA now.
    pub async fn mfa_status(&self, user: &User) -> Result<MfaStatus, InternalError> {
        let confirmed = self.confirmed_factors(&user.id).await?;
        Ok(self.status_from(user, confirmed))
    }

    fn status_from(&self, user: &User, confirmed: Vec<Factor>) -> MfaStatus {
        let requirement = self.requirement_for(user, &confirmed, self.clock.now());
        MfaStatus { requirement, confirmed, preferred: user.mfa_preferred }
    }

    /// The session's status, ending a half-signed-in session whose setup deadline has passed
    /// (a session opened before the deadline stops working at the deadline).
    pub async fn mfa_session_status(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<MfaStatus, MfaError> {
        let status = self.mfa_status(user).await?;
        self.end_if_setup_expired(session, user, status, ctx).await
    }

    /// The session's status for a page shown on GET, which never changes state: a passed setup
    /// deadline is reported (the page clears the cookie) but the session is neither ended nor
    /// audited here; the next POST of that session does both, and otherwise it times out.
    pub async fn mfa_session_view(&self, session: &Session, user: &User) -> Result<MfaStatus, MfaError> {
        let status = self.mfa_status(user).await?;
        if let (AuthLevel::PasswordVerified, MfaRequirement::SetupExpired { deadline }) =
            (session.auth_level, &status.requirement)
        {
            return Err(MfaError::SetupExpired { deadline: *deadline });
        }
        Ok(status)
    }

    /// Ends a half-signed-in session whose setup deadline has passed; else passes `status` on.
    async fn end_if_setup_expired(
        &self,
        session: &Session,
        user: &User,
        status: MfaStatus,
        ctx: &RequestContext,
    ) -> Result<MfaStatus, MfaError> {
        if let (AuthLevel::PasswordVerified, MfaRequirement::SetupExpired { deadline }) =
            (session.auth_level, &status.requirement)
        {
            self.store.delete_session(&session.id, self.clock.now() - OLD_ID_SIGNS_OUT_FOR).await?;
            self.audit(
                AuditEvent::new(self.clock.now(), action::LOGIN_MFA_SETUP_EXPIRED, Outcome::Refused, ctx)
                    .actor(user.email.as_str())
                    .subject(Some(&user.id), user.email.as_str())
                    .detail("deadline", deadline.to_string()),
            )
            .await;
            return Err(MfaError::SetupExpired { deadline: *deadline });
        }
        Ok(status)
    }

    /// May this session add a method now? Half-signed-in sessions that must set one up may;
    /// fully signed-in users may add another after a recent second factor (or when they have none).
    pub(super) async fn ensure_may_set_up(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<MfaStatus, MfaError> {
        let status = self.mfa_session_status(session, user, ctx).await?;
        self.may_set_up(session, &status)?;
        Ok(status)
    }

    /// Changes to a signed-in user's security (removing a method, new recovery codes, ending
    /// sessions, forgetting devices) need a second factor verified in this session within the
    /// last [`STEP_UP_WINDOW`].
    pub(crate) fn require_recent_second_factor(&self, session: &Session) -> Result<(), MfaError> {
        if session.auth_level != AuthLevel::Full {
            return Err(MfaError::WrongStep);
        }
        if self.has_recent_second_factor(session) { Ok(()) } else { Err(MfaError::StepUpRequired) }
    }

    /// Whether this session verified a second factor within the [`STEP_UP_WINDOW`] (pages say
    /// up front whether a change will ask for a code).
    pub fn has_recent_second_factor(&self, session: &Session) -> bool {
        session.mfa_verified_at.is_some_and(|t| self.clock.now() - t < STEP_UP_WINDOW)
    }

    /// The rule behind [`Self::ensure_may_set_up`], on a status already read.
    fn may_set_up(&self, session: &Session, status: &MfaStatus) -> Result<(), MfaError> {
        match (session.auth_level, &status.requirement) {
            (AuthLevel::PasswordVerified, MfaRequirement::Setup { .. }) => Ok(()),
            (AuthLevel::PasswordVerified, _) => Err(MfaError::WrongStep),
            (AuthLevel::Full, _) if status.confirmed.is_empty() => Ok(()),
            (AuthLevel::Full, _) => self.require_recent_second_factor(session),
        }
    }

    pub(super) async fn ensure_not_throttled(&self, user: &User, ctx: &RequestContext) -> Result<(), MfaError> {
        let throttle = self.store.second_factor_throttle(&user.id).await?;
        self.refuse_if_throttled(user, &throttle, ctx).await
    }

    /// Refuses while the account is paused or locked. The refusal is audited at most once per
    /// account per `REFUSAL_AUDIT_INTERVAL` (security.md): the check on the row just read skips
    /// the write in the common case, and the store's compare-and-set settles racing refusals.
    async fn refuse_if_throttled(
        &self,
        user: &User,
        throttle: &SecondFactorThrottle,
        ctx: &RequestContext,
    ) -> Result<(), MfaError> {
        let now = self.clock.now();
        let refused = match throttle.state(now) {
            ThrottleState::Open => return Ok(()),
            ThrottleState::Paused { retry_after } => MfaError::Throttled { retry_after },
            ThrottleState::Locked => MfaError::Locked,
        };
        if throttle.refusal_needs_audit(now) {
            let audit = AuditEvent::new(now, action::MFA_THROTTLED, Outcome::Refused, ctx)
                .actor(user.email.as_str())
                .subject(Some(&user.id), user.email.as_str())
                .detail("locked", matches!(refused, MfaError::Locked));
            let audited_before = now - throttle::REFUSAL_AUDIT_INTERVAL;
            if let Err(e) = self.store.audit_throttled_refusal(&user.id, now, audited_before, &audit).await {
                // Like `Portal::audit`: a failed audit write does not change the answer.
                warn!(error = %e, user = %user.id, "could not audit a throttled attempt");
            }
        }
        Err(refused)
    }

    pub(super) async fn count_failure(
        &self,
        user: &User,
        method: &str,
        challenge: Option<&str>,
        step: &str,
        ctx: &RequestContext,
    ) -> MfaError {
        let now = self.clock.now();
        let audit = AuditEvent::new(now, action::MFA_VERIFY, Outcome::Failure, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("method", method)
            .detail("step", step);
        match self.store.record_second_factor_failure(&user.id, now, throttle::after_failure, challenge, &audit).await {
            Ok(Ok(state)) => {
                if state.locked {
                    warn!(user = %user.id, "second factor locked after 100 failures");
                }
                // Only the failure that made the count reach the lock tells the user (the counter
                // is one atomic upsert, so exactly one request sees this number).
                if state.locked && state.consecutive_failures == throttle::LOCK_AFTER {
                    self.tell(user, SignInNotice::Locked).await;
                }
                MfaError::InvalidCode
            }
            // Paused or locked by the time this code was counted (other wrong codes sent at the
            // same moment got there first): refused like any code during a pause, so whether
            // this one was right or wrong is never told.
            Ok(Err(throttle)) => match self.refuse_if_throttled(user, &throttle, ctx).await {
                Err(refused) => refused,
                Ok(()) => MfaError::Throttled { retry_after: BUSY_RETRY },
            },
            Err(e) => e.into(),
        }
    }

    pub(super) async fn complete(
        &self,
        session: &Session,
        user: &User,
        method: Option<Method>,
        proof: SecondFactorProof,
        audit_action: &str,
        ctx: &RequestContext,
    ) -> Result<Option<MfaCompleted>, MfaError> {
        let now = self.clock.now();
        let (token, mut new_session) = Session::succeed(session, AuthLevel::Full, now, ctx, self.rng.as_ref());
        new_session.mfa_verified_at = Some(now);
        // A new id, the same age: the absolute session limit runs from the password, so verifying
        // again (step-up) can never extend a session without it.
        new_session.created_at = session.created_at;
        let audit = AuditEvent::new(now, audit_action, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("method", method.map_or("recovery", Method::as_str));
        let completion = SecondFactorCompletion {
            user_id: user.id.clone(),
            proof,
            method,
            now,
            old_session: session.id.clone(),
            new_session: new_session.clone(),
            audit,
        };
        let added = match &completion.proof {
            SecondFactorProof::ConfirmTotp { .. } => {
                Some(SignInNotice::MethodAdded { method: Method::Totp, phone: None })
            }
            SecondFactorProof::ConfirmSms { factor, .. } => {
                Some(SignInNotice::MethodAdded { method: Method::Sms, phone: factor.phone.clone() })
            }
            _ => None,
        };
        match self.store.complete_second_factor(&completion).await? {
            CompletionOutcome::Completed => {}
            // Someone else used the code first.
            CompletionOutcome::ProofTaken => return Ok(None),
            CompletionOutcome::Throttled => {
                let throttle = self.store.second_factor_throttle(&user.id).await?;
                self.refuse_if_throttled(user, &throttle, ctx).await?;
                return Err(MfaError::Throttled { retry_after: BUSY_RETRY });
            }
            CompletionOutcome::SessionEnded => return Err(MfaError::SessionEnded),
        }
        {
            info!(user = %user.id, method = method.map_or("recovery", Method::as_str), "second factor completed");
            if let Some(notice) = added {
                self.tell_reader(user, notice, ctx).await;
            }
            Ok(Some(MfaCompleted { token, session: new_session, recovery_codes_left: None }))
        }
    }

    // ----- Authenticator app -------------------------------------------------------------

    /// The authenticator-app setup this user has pending, if one is still fresh. Reads only:
    /// this is what the setup page shows on GET (a reload shows the same secret).
    pub async fn totp_pending(&self, session: &Session, user: &User) -> Result<Option<TotpSetup>, MfaError> {
        let status = self.mfa_session_view(session, user).await?;
        self.may_set_up(session, &status)?;
        let now = self.clock.now();
        match self.pending_totp(&user.id, now).await? {
            Some(pending) => Ok(Some(self.shown_setup(user, &pending)?)),
            None => Ok(None),
        }
    }

    fn shown_setup(&self, user: &User, pending: &Factor) -> Result<TotpSetup, MfaError> {
        let account = user.email.as_str().to_owned();
        let secret = self.open_secret(pending)?;
        let otpauth_uri = secret.otpauth_uri(&self.settings.portal_name, &account);
        Ok(TotpSetup { secret, otpauth_uri, account, expires_at: pending.created_at + TOTP_SETUP_LIFETIME })
    }

    /// Starts an authenticator-app setup (a POST): keeps the pending one if still fresh, so a
    /// double submit does not change the secret under the user, unless `restart` asks for a new one.
    pub async fn totp_start(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
        restart: bool,
    ) -> Result<TotpSetup, MfaError> {
        self.ensure_may_set_up(session, user, ctx).await?;
        let now = self.clock.now();
        let account = user.email.as_str().to_owned();
        if let Some(pending) = self.pending_totp(&user.id, now).await?.filter(|_| !restart) {
            return self.shown_setup(user, &pending);
        }
        let secret = TotpSecret::generate(self.rng.as_ref());
        let id = FactorId::generate(self.rng.as_ref());
        let factor = Factor {
            secret_enc: Some(self.secret_key.encrypt(secret.bytes(), id.as_str().as_bytes(), self.rng.as_ref())),
            id,
            user_id: user.id.clone(),
            method: Method::Totp,
            phone: None,
            created_at: now,
            confirmed_at: None,
            last_step: None,
            last_used_at: None,
        };
        self.store.insert_pending_factor(&factor).await?;
        self.audit(
            AuditEvent::new(now, action::MFA_TOTP_SETUP_STARTED, Outcome::Success, ctx)
                .actor(user.email.as_str())
                .subject(Some(&user.id), user.email.as_str()),
        )
        .await;
        let otpauth_uri = secret.otpauth_uri(&self.settings.portal_name, &account);
        Ok(TotpSetup { secret, otpauth_uri, account, expires_at: now + TOTP_SETUP_LIFETIME })
    }

    async fn pending_totp(&self, user: &UserId, now: OffsetDateTime) -> Result<Option<Factor>, StoreError> {
        Ok(self
            .store
            .factors_of(user)
            .await?
            .into_iter()
            .filter(|f| f.method == Method::Totp && !f.is_confirmed() && now < f.created_at + TOTP_SETUP_LIFETIME)
            .max_by_key(|f| f.created_at))
    }

    fn open_secret(&self, factor: &Factor) -> Result<TotpSecret, MfaError> {
        let sealed = factor.secret_enc.as_deref().unwrap_or_default();
        let bytes = self
            .secret_key
            .decrypt(sealed, factor.id.as_str().as_bytes())
            .map_err(|e| InternalError::Store(StoreError::Corrupt(format!("factor {}: {e}", factor.id.as_str()))))?;
        Ok(TotpSecret::from_bytes(bytes))
    }

    /// Confirms the pending authenticator with its first code; signs the session in fully.
    pub async fn totp_confirm(
        &self,
        session: &Session,
        user: &User,
        code: &OtpCode,
        ctx: &RequestContext,
    ) -> Result<MfaCompleted, MfaError> {
        self.ensure_may_set_up(session, user, ctx).await?;
        self.ensure_not_throttled(user, ctx).await?;
        let now = self.clock.now();
        let pending = self.pending_totp(&user.id, now).await?.ok_or(MfaError::NoPendingSetup)?;
        let secret = self.open_secret(&pending)?;
        match totp::check(&secret, code, now, None) {
            TotpCheck::Accepted(step) => {
                let proof = SecondFactorProof::ConfirmTotp {
                    factor_id: pending.id.clone(),
                    step,
                    created_after: now - TOTP_SETUP_LIFETIME,
                };
                self.complete(session, user, Some(Method::Totp), proof, action::MFA_TOTP_CONFIRMED, ctx)
                    .await?
                    .ok_or(MfaError::NoPendingSetup)
            }
            TotpCheck::Replayed | TotpCheck::Wrong => {
                Err(self.count_failure(user, "totp", None, "totp_setup", ctx).await)
            }
        }
    }

    // ----- Text message --------------------------------------------------------------------

    /// Parses the number, then texts (or reads out, by `channel`) a setup code to it.
    pub async fn sms_setup_send(
        &self,
        session: &Session,
        user: &User,
        country: &str,
        number: &str,
        channel: DeliveryChannel,
        ctx: &RequestContext,
    ) -> Result<SmsSent, MfaError> {
        self.ensure_may_set_up(session, user, ctx).await?;
        let phone = PhoneE164::parse(country, number, &self.settings.sms_allowed_countries)?;
        self.send_code(session, user, ChallengePurpose::Setup, phone, channel, ctx).await
    }

    /// Sends a new code to the number of the session's current setup or sign-in.
    pub async fn sms_resend(
        &self,
        session: &Session,
        user: &User,
        purpose: ChallengePurpose,
        channel: DeliveryChannel,
        ctx: &RequestContext,
    ) -> Result<SmsSent, MfaError> {
        match purpose {
            ChallengePurpose::Setup => {
                self.ensure_may_set_up(session, user, ctx).await?;
                let last = self
                    .store
                    .latest_sms_challenge(&session.id, ChallengePurpose::Setup)
                    .await?
                    .ok_or(MfaError::NoCodeSent)?;
                self.send_code(session, user, purpose, last.phone, channel, ctx).await
            }
            ChallengePurpose::Login => self.sms_login_send(session, user, channel, ctx).await,
        }
    }

    /// "Send a code" without saying which kind: a new setup code while this session is setting
    /// text messages up (also a signed-in user adding them), else a sign-in code.
    pub async fn sms_send_next(
        &self,
        session: &Session,
        user: &User,
        channel: DeliveryChannel,
        ctx: &RequestContext,
    ) -> Result<SmsSent, MfaError> {
        let status = self.mfa_session_status(session, user, ctx).await?;
        let setting_up = match (session.auth_level, &status.requirement) {
            (AuthLevel::PasswordVerified, MfaRequirement::Verify { .. }) => false,
            (AuthLevel::PasswordVerified, _) => true,
            (AuthLevel::Full, _) => {
                self.store.latest_sms_challenge(&session.id, ChallengePurpose::Setup).await?.is_some()
            }
        };
        let purpose = if setting_up { ChallengePurpose::Setup } else { ChallengePurpose::Login };
        self.sms_resend(session, user, purpose, channel, ctx).await
    }

    /// The number a setup code was last sent to in this session, masked.
    pub async fn sms_setup_phone_hint(&self, session: &Session) -> Result<Option<String>, InternalError> {
        Ok(self.store.latest_sms_challenge(&session.id, ChallengePurpose::Setup).await?.map(|c| c.phone.masked()))
    }

    /// Seconds until another code may be sent for this session's current number (0 = now).
    pub async fn sms_resend_wait(
        &self,
        session: &Session,
        purpose: ChallengePurpose,
    ) -> Result<Option<i64>, InternalError> {
        let Some(last) = self.store.latest_sms_challenge(&session.id, purpose).await? else { return Ok(None) };
        let wait = (last.created_at + sms_code::RESEND_COOLDOWN - self.clock.now()).whole_seconds();
        Ok(Some(wait.max(0)))
    }

    async fn send_code(
        &self,
        session: &Session,
        user: &User,
        purpose: ChallengePurpose,
        phone: PhoneE164,
        channel: DeliveryChannel,
        ctx: &RequestContext,
    ) -> Result<SmsSent, MfaError> {
        // A paused or locked account gets no texts: it could not use the code anyway.
        self.ensure_not_throttled(user, ctx).await?;
        // A text to a desk phone never arrives; a call does.
        let landline = phone.is_landline();
        let channel = if landline { DeliveryChannel::Voice } else { channel };
        let now = self.clock.now();
        let phone_key = sms_code::phone_key(&self.secret_key, phone.as_str());
        let sent_action = match channel {
            DeliveryChannel::Sms => action::MFA_SMS_SENT,
            DeliveryChannel::Voice => action::MFA_VOICE_CALLED,
        };
        let audit = AuditEvent::new(now, sent_action, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("purpose", purpose.as_str())
            .detail("phone", phone.masked());
        // The send is reserved (counted) before the provider is called, so parallel requests
        // cannot all pass the limits; one that the provider refuses is given back. A call counts
        // as a text: the limits are about what a number costs and how often it is disturbed.
        let reserved =
            self.store.reserve_sms_send(&user.id, &phone_key, ctx.ip.as_deref(), now, sms_code::may_send).await?;
        let send_id = match reserved {
            Ok(id) => id,
            Err(refused) => {
                // Audited once a minute per user, like every refusal: a burst of refused
                // sends cannot flood the log.
                let limit =
                    LimitReached { key: format!("sms-refused:{}", user.id), retry_after: refused.retry_after() };
                let event = AuditEvent { outcome: Outcome::Refused, ..audit }.detail("reason", refused.to_string());
                self.audit_refusal(&limit, event).await;
                return Err(MfaError::SendRefused(refused));
            }
        };
        let id = hex_id(self.rng.as_ref());
        let code = sms_code::generate_code(self.rng.as_ref());
        // Texts and calls speak the language of the person asking for the code.
        let language = ctx.language;
        let delivered = match channel {
            DeliveryChannel::Sms => {
                let body = sms_code::message(language, &self.settings.portal_name, self.settings.public_host(), &code);
                self.sms.send(&phone, &body).await
            }
            DeliveryChannel::Voice => {
                let spoken = sms_code::spoken_message(language, &self.settings.portal_name, &code);
                self.sms.call(&phone, &spoken, language).await
            }
        };
        if let Err(e) = delivered {
            // Nothing is stored and the reservation is given back: a failed send costs the user
            // nothing.
            warn!(error = %e, phone = %phone.masked(), "text message failed");
            if let Err(e) = self.store.release_sms_send(send_id).await {
                warn!(error = %e, "could not give back a reserved text");
            }
            self.audit(AuditEvent { outcome: Outcome::Failure, ..audit }.detail("reason", "provider error")).await;
            return Err(MfaError::SmsFailed);
        }
        let challenge = SmsChallenge {
            code_hash: sms_code::code_hash(&self.secret_key, &id, &code),
            id,
            user_id: user.id.clone(),
            session_id: session.id.clone(),
            purpose,
            phone: phone.clone(),
            created_at: now,
            wrong_tries: 0,
            used: false,
            voided: false,
        };
        self.store.insert_sms_challenge(&challenge, now + sms_code::CODE_LIFETIME).await?;
        self.audit(audit).await;
        Ok(SmsSent { phone_hint: phone.masked(), resend_after: sms_code::RESEND_COOLDOWN, channel, landline })
    }

    /// Confirms the number with the texted code; signs the session in fully.
    pub async fn sms_setup_confirm(
        &self,
        session: &Session,
        user: &User,
        code: &OtpCode,
        ctx: &RequestContext,
    ) -> Result<MfaCompleted, MfaError> {
        self.ensure_may_set_up(session, user, ctx).await?;
        self.ensure_not_throttled(user, ctx).await?;
        let challenge =
            self.store.latest_sms_challenge(&session.id, ChallengePurpose::Setup).await?.ok_or(MfaError::NoCodeSent)?;
        let now = self.clock.now();
        if challenge.status(now) != ChallengeStatus::Live {
            return Err(MfaError::CodeExpired);
        }
        if !sms_code::code_matches(&self.secret_key, &challenge.id, &challenge.code_hash, code) {
            return Err(self.count_failure(user, "sms", Some(&challenge.id), "sms_setup", ctx).await);
        }
        let factor = Factor {
            id: FactorId::generate(self.rng.as_ref()),
            user_id: user.id.clone(),
            method: Method::Sms,
            secret_enc: None,
            phone: Some(challenge.phone.clone()),
            created_at: now,
            confirmed_at: Some(now),
            last_step: None,
            last_used_at: Some(now),
        };
        let proof = SecondFactorProof::ConfirmSms { challenge_id: challenge.id.clone(), factor };
        self.complete(session, user, Some(Method::Sms), proof, action::MFA_SMS_CONFIRMED, ctx)
            .await?
            .ok_or(MfaError::CodeExpired)
    }

    // ----- Returning users ----------------------------------------------------------------

    /// A session that must verify (half-signed-in with factors), or a signed-in one stepping up.
    async fn ensure_may_verify(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<MfaStatus, MfaError> {
        let status = self.mfa_session_status(session, user, ctx).await?;
        match (session.auth_level, &status.requirement) {
            (_, MfaRequirement::Verify { .. }) => Ok(status),
            _ => Err(MfaError::WrongStep),
        }
    }

    /// `ensure_may_verify` then the throttle check, on the path every returning user (and every
    /// attacker) takes. `state` is what the session's one read brought
    /// (`Portal::resolve_session`): checking a code reads nothing more before its one write.
    pub(super) async fn ensure_may_verify_now(
        &self,
        session: &Session,
        user: &User,
        state: &SecondFactorState,
        ctx: &RequestContext,
    ) -> Result<MfaStatus, MfaError> {
        let status = self.end_if_setup_expired(session, user, self.status_from(user, state.confirmed()), ctx).await?;
        if !matches!(status.requirement, MfaRequirement::Verify { .. }) {
            return Err(MfaError::WrongStep);
        }
        self.refuse_if_throttled(user, &state.throttle, ctx).await?;
        Ok(status)
    }

    /// "Send verification code" for a returning user who chose TEXT.
    pub async fn sms_login_send(
        &self,
        session: &Session,
        user: &User,
        channel: DeliveryChannel,
        ctx: &RequestContext,
    ) -> Result<SmsSent, MfaError> {
        let status = self.ensure_may_verify(session, user, ctx).await?;
        let phone =
            status.confirmed.iter().find_map(|f| f.phone.clone()).ok_or(MfaError::NoSuchMethod("text message"))?;
        self.send_code(session, user, ChallengePurpose::Login, phone, channel, ctx).await
    }

    /// A returning user's code, by the method they chose.
    pub async fn mfa_verify(
        &self,
        session: &Session,
        user: &User,
        state: &SecondFactorState,
        method: Method,
        code: &OtpCode,
        ctx: &RequestContext,
    ) -> Result<MfaCompleted, MfaError> {
        let result: Result<MfaCompleted, MfaError> = async {
            let status = self.ensure_may_verify_now(session, user, state, ctx).await?;
            let now = self.clock.now();
            match method {
                Method::Totp => {
                    let factor = status
                        .confirmed
                        .iter()
                        .find(|f| f.method == Method::Totp)
                        .ok_or(MfaError::NoSuchMethod("authenticator app"))?;
                    let secret = self.open_secret(factor)?;
                    match totp::check(&secret, code, now, factor.last_step) {
                        TotpCheck::Accepted(step) => {
                            let proof = SecondFactorProof::VerifyTotp { factor_id: factor.id.clone(), step };
                            // Losing the compare-and-set means another request used this step first.
                            self.complete(session, user, Some(Method::Totp), proof, action::MFA_VERIFY, ctx)
                                .await?
                                .ok_or(MfaError::CodeReplayed)
                        }
                        // A replay is refused but is no guess: it does not count toward the pause.
                        TotpCheck::Replayed => Err(MfaError::CodeReplayed),
                        TotpCheck::Wrong => Err(self.count_failure(user, "totp", None, "verify", ctx).await),
                    }
                }
                Method::Sms => {
                    if !status.confirmed.iter().any(|f| f.method == Method::Sms) {
                        return Err(MfaError::NoSuchMethod("text message"));
                    }
                    let challenge = self
                        .store
                        .latest_sms_challenge(&session.id, ChallengePurpose::Login)
                        .await?
                        .ok_or(MfaError::NoCodeSent)?;
                    if challenge.status(now) != ChallengeStatus::Live {
                        return Err(MfaError::CodeExpired);
                    }
                    if !sms_code::code_matches(&self.secret_key, &challenge.id, &challenge.code_hash, code) {
                        return Err(self.count_failure(user, "sms", Some(&challenge.id), "verify", ctx).await);
                    }
                    let proof = SecondFactorProof::VerifySms { challenge_id: challenge.id.clone() };
                    self.complete(session, user, Some(Method::Sms), proof, action::MFA_VERIFY, ctx)
                        .await?
                        .ok_or(MfaError::CodeExpired)
                }
                // A passkey answers a challenge, not a code (`passkey_verify_start` / `_finish`).
                Method::Passkey => Err(MfaError::WrongStep),
            }
        }
        .await;
        self.observer.second_factor_checked(method.as_str(), check_outcome(&result));
        result
    }

    /// A returning user's recovery code, in place of a method's code. A wrong one counts in the
    /// second-factor throttle like any wrong code; a right one is used up, and the user is told
    /// (by email and in the answer) how many are left.
    pub async fn mfa_verify_recovery(
        &self,
        session: &Session,
        user: &User,
        state: &SecondFactorState,
        code: &RecoveryCode,
        ctx: &RequestContext,
    ) -> Result<MfaCompleted, MfaError> {
        let result: Result<MfaCompleted, MfaError> = async {
            self.ensure_may_verify_now(session, user, state, ctx).await?;
            let set = self.store.recovery_codes(&user.id).await?;
            let Some(found) = recovery::find_match(&self.secret_key, &user.id, &set, code) else {
                return Err(self.count_failure(user, "recovery", None, "verify", ctx).await);
            };
            // A code of the set that was used already is refused like a replayed app code, and like
            // one it is no guess: whoever typed it knew it.
            if !found.is_unused() {
                return Err(MfaError::RecoveryCodeUsed);
            }
            let proof = SecondFactorProof::UseRecoveryCode { code_id: found.id.clone() };
            let done = self
                .complete(session, user, None, proof, action::MFA_VERIFY, ctx)
                .await?
                .ok_or(MfaError::RecoveryCodeUsed)?;
            // Read again rather than counted down: another code may have been used at the same time.
            let left = self.recovery_codes_left(user).await?;
            self.tell_reader(user, SignInNotice::RecoveryCodeUsed { left }, ctx).await;
            Ok(MfaCompleted { recovery_codes_left: Some(left), ..done })
        }
        .await;
        self.observer.second_factor_checked("recovery", check_outcome(&result));
        result
    }

    /// "Remind me later": only when the operator allows it and the deadline has not passed.
    pub async fn mfa_postpone(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<MfaCompleted, MfaError> {
        let status = self.mfa_session_status(session, user, ctx).await?;
        let (AuthLevel::PasswordVerified, MfaRequirement::Setup { can_postpone: true, .. }) =
            (session.auth_level, &status.requirement)
        else {
            return Err(MfaError::WrongStep);
        };
        let now = self.clock.now();
        let (token, new_session) = Session::succeed(session, AuthLevel::Full, now, ctx, self.rng.as_ref());
        // Only while the session still exists: a sign-out or reset racing "Remind me later"
        // must not leave a full session behind.
        if !self.store.rotate_session(&session.id, &new_session).await? {
            return Err(MfaError::SessionEnded);
        }
        self.store.record_sign_in(&user.id, now).await?;
        self.audit(
            AuditEvent::new(now, action::MFA_POSTPONED, Outcome::Success, ctx)
                .actor(user.email.as_str())
                .subject(Some(&user.id), user.email.as_str()),
        )
        .await;
        Ok(MfaCompleted { token, session: new_session, recovery_codes_left: None })
    }

    /// Removes one of a signed-in user's methods (after a recent second factor). The last one
    /// cannot go while MFA is in force for the user: that would switch their MFA off.
    pub async fn remove_method(
        &self,
        session: &Session,
        user: &User,
        method: Method,
        ctx: &RequestContext,
    ) -> Result<(), MfaError> {
        self.require_recent_second_factor(session)?;
        let now = self.clock.now();
        // Passkeys are removed one by one (`remove_passkey`), never as a kind.
        if method == Method::Passkey {
            return Err(MfaError::WrongStep);
        }
        let confirmed = self.confirmed_factors(&user.id).await?;
        if !confirmed.iter().any(|f| f.method == method) {
            return Err(MfaError::NoSuchMethod(method.label()));
        }
        let in_force = self.mfa_in_force(user);
        if in_force && confirmed.iter().all(|f| f.method == method) {
            return Err(MfaError::LastMethod);
        }
        let audit = AuditEvent::new(now, action::MFA_METHOD_REMOVED, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
            .detail("method", method.as_str());
        let phone = confirmed.iter().filter(|f| f.method == method).find_map(|f| f.phone.clone());
        // The store re-checks under a lock: a concurrent removal of the other method loses.
        if self.store.delete_factor(&user.id, method, in_force, &audit).await? {
            self.tell_reader(user, SignInNotice::MethodRemoved { method, phone }, ctx).await;
            Ok(())
        } else {
            Err(MfaError::LastMethod)
        }
    }

    // ----- Support -------------------------------------------------------------------------

    pub async fn support_view(&self, email: &Email) -> Result<Option<SupportView>, InternalError> {
        let Some(user) = self.store.user_by_email(email).await? else { return Ok(None) };
        let confirmed = self.confirmed_factors(&user.id).await?;
        let now = self.clock.now();
        let deadline = self.settings.mfa.setup_deadline(user.role, user.created_at, user.mfa_deadline);
        let requirement = self.requirement_for(&user, &confirmed, now);
        let throttle = self.store.second_factor_throttle(&user.id).await?;
        let last_sign_in = self.store.last_sign_in(&user.id).await?;
        let recovery_codes_left = self.recovery_codes_left(&user).await?;
        let remembered_devices = self.remembered_devices(&user).await?;
        Ok(Some(SupportView {
            user,
            confirmed,
            deadline,
            requirement,
            throttle,
            last_sign_in,
            recovery_codes_left,
            remembered_devices,
        }))
    }

    fn support_audit(&self, name: &str, user: &User, actor: &str, reason: &str, ctx: &RequestContext) -> AuditEvent {
        AuditEvent::new(self.clock.now(), name, Outcome::Success, ctx)
            .actor(actor)
            .subject(Some(&user.id), user.email.as_str())
            .detail("reason", reason)
    }

    /// Gives the user until `days` days from today to set MFA up. Every front end reaches this
    /// (and the three below) through `Portal::support_act`, which checks the range and the rest.
    pub(crate) async fn extend_mfa_deadline(
        &self,
        user: &User,
        days: u16,
        actor: &str,
        reason: &str,
        ctx: &RequestContext,
    ) -> Result<Date, InternalError> {
        let deadline = self.settings.mfa.today(self.clock.now()).saturating_add(Duration::days(i64::from(days)));
        let previous = self.settings.mfa.setup_deadline(user.role, user.created_at, user.mfa_deadline);
        let audit = self
            .support_audit(action::SUPPORT_EXTEND_DEADLINE, user, actor, reason, ctx)
            .detail("days", days)
            .detail("old_deadline", previous.map(|d| d.date.to_string()))
            .detail("new_deadline", deadline.to_string());
        self.store.set_mfa_deadline(&user.id, Some(deadline), &audit).await?;
        self.tell(user, SignInNotice::DeadlineExtended { deadline }).await;
        Ok(deadline)
    }

    /// Removes every factor and ends every session; the user enrolls again within the support
    /// grace period. Returns the new deadline and the number of sessions ended.
    pub(crate) async fn reset_user_mfa(
        &self,
        user: &User,
        actor: &str,
        reason: &str,
        ctx: &RequestContext,
    ) -> Result<(Date, u64), InternalError> {
        let deadline = self
            .settings
            .mfa
            .today(self.clock.now())
            .saturating_add(Duration::days(i64::from(self.settings.mfa.support_grace_days)));
        let audit = self
            .support_audit(action::SUPPORT_RESET_MFA, user, actor, reason, ctx)
            .detail("new_deadline", deadline.to_string());
        let ended = self.store.reset_mfa(&user.id, deadline, &audit).await?;
        self.tell(user, SignInNotice::MfaReset { deadline }).await;
        Ok((deadline, ended))
    }

    pub(crate) async fn unlock_user_mfa(
        &self,
        user: &User,
        actor: &str,
        reason: &str,
        ctx: &RequestContext,
    ) -> Result<(), InternalError> {
        let audit = self.support_audit(action::SUPPORT_UNLOCK, user, actor, reason, ctx);
        self.store.unlock_second_factor(&user.id, &audit).await?;
        self.tell(user, SignInNotice::Unlocked).await;
        Ok(())
    }

    /// Ends every session of the user (say a lost laptop). Returns how many were ended.
    pub(crate) async fn end_user_sessions(
        &self,
        user: &User,
        actor: &str,
        reason: &str,
        ctx: &RequestContext,
    ) -> Result<u64, InternalError> {
        let audit = self.support_audit(action::SUPPORT_END_SESSIONS, user, actor, reason, ctx);
        let ended = self.store.end_sessions(&user.id, &audit).await?;
        self.tell(user, SignInNotice::SessionsEnded).await;
        Ok(ended)
    }
}

impl SupportView {
    /// Where the deadline comes from, in English (the CLI).
    pub fn deadline_source_label(&self) -> &'static str {
        match self.deadline.map(|d| d.source) {
            None => "none (staff set MFA up at first sign-in)",
            Some(DeadlineSource::SwitchOn) => "switch-on date + grace days",
            Some(DeadlineSource::AccountCreated) => "account creation + grace days",
            Some(DeadlineSource::Support) => "set by support",
        }
    }

    /// Where the deadline comes from, in `language` (the console's user page).
    pub fn deadline_source_label_in(&self, language: crate::language::Language) -> String {
        language.text(match self.deadline.map(|d| d.source) {
            None => "mfa-deadline-source-none",
            Some(DeadlineSource::SwitchOn) => "mfa-deadline-source-switch-on",
            Some(DeadlineSource::AccountCreated) => "mfa-deadline-source-account-created",
            Some(DeadlineSource::Support) => "mfa-deadline-source-support",
        })
    }
}

/// How a second-factor check ended, for the observer (metrics).
pub(crate) fn check_outcome(result: &Result<MfaCompleted, MfaError>) -> CheckOutcome {
    match result {
        Ok(_) => CheckOutcome::Success,
        Err(MfaError::InvalidCode | MfaError::PasskeyRefused) => CheckOutcome::WrongCode,
        Err(MfaError::CodeReplayed | MfaError::RecoveryCodeUsed) => CheckOutcome::Replay,
        Err(MfaError::Throttled { .. }) => CheckOutcome::Throttled,
        Err(MfaError::Locked) => CheckOutcome::Locked,
        Err(MfaError::Internal(_)) => CheckOutcome::Error,
        Err(_) => CheckOutcome::Refused,
    }
}
