//! A user's own security: recovery codes, remembered devices, open sessions and recent
//! sign-ins, as the security page and the JSON API show and change them. Every change needs a
//! second factor within the last ten minutes (`require_recent_second_factor`) and is told to
//! the user by email.

use time::OffsetDateTime;

use crate::audit::{AuditEvent, AuditFilter, AuditRecord, Outcome, action};
use crate::device::{self, DeviceToken, RememberedDevice};
use crate::mfa::recovery::{RecoveryCode, RecoveryCodeSet};
use crate::mfa::service::MfaError;
use crate::notice::SignInNotice;
use crate::session::{AuthLevel, Session};
use crate::user::User;
use crate::{InternalError, Portal, RequestContext};

/// How many sign-in events the security page lists.
pub const SIGN_IN_HISTORY: usize = 20;
/// Audit actions that are part of signing in, as the security page lists them.
const SIGN_IN_ACTIONS: [&str; 11] = [
    action::LOGIN_PASSWORD,
    action::LOGIN_PASSKEY,
    action::MFA_PASSKEY_ADDED,
    action::MFA_PASSKEY_CLONE_SUSPECTED,
    action::MFA_TOTP_CONFIRMED,
    action::MFA_SMS_CONFIRMED,
    action::LOGIN_REMEMBERED_DEVICE,
    action::LOGIN_MFA_SETUP_EXPIRED,
    action::MFA_VERIFY,
    action::MFA_THROTTLED,
    action::LOGOUT,
];

/// One of the user's open sessions, as they see it.
#[derive(Debug, Clone)]
pub struct OpenSession {
    /// Names the session in "end this one" without revealing what the database looks it up by.
    pub id: String,
    pub current: bool,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Portal {
    fn security_audit(&self, name: &str, user: &User, ctx: &RequestContext) -> AuditEvent {
        AuditEvent::new(self.clock.now(), name, Outcome::Success, ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str())
    }

    /// How many of the user's recovery codes are unused.
    pub async fn recovery_codes_left(&self, user: &User) -> Result<usize, InternalError> {
        Ok(self.store.recovery_codes(&user.id).await?.iter().filter(|c| c.is_unused()).count())
    }

    /// A new set of recovery codes, shown once; the old set stops working. Only for a user with
    /// a confirmed method: recovery codes stand in for a method's code, never for the method.
    pub async fn create_recovery_codes(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<Vec<RecoveryCode>, MfaError> {
        if self.mfa_status(user).await?.confirmed.is_empty() {
            return Err(MfaError::NoMethodYet);
        }
        self.require_recent_second_factor(session)?;
        let set = RecoveryCodeSet::generate(&self.secret_key, &user.id, self.clock.now(), self.rng.as_ref());
        let audit = self.security_audit(action::MFA_RECOVERY_CODES_CREATED, user, ctx).detail("codes", set.codes.len());
        self.store.replace_recovery_codes(&user.id, &set.stored, &audit).await?;
        self.tell_reader(user, SignInNotice::RecoveryCodesCreated, ctx).await;
        Ok(set.codes)
    }

    /// "Don't ask for a code on this device": right after a second factor, for a policyholder,
    /// when the operator allows it. `None` when this user or portal does not remember devices.
    pub async fn remember_device(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<Option<DeviceToken>, MfaError> {
        let Some(days) = self.remember_days_for(user) else { return Ok(None) };
        self.require_recent_second_factor(session)?;
        let now = self.clock.now();
        let lifetime = time::Duration::days(i64::from(days));
        let (token, device) =
            RememberedDevice::start(&user.id, ctx.user_agent.clone(), now, lifetime, self.rng.as_ref());
        let audit = self.security_audit(action::DEVICE_REMEMBERED, user, ctx).detail("days", days);
        self.store.remember_device(&device, &audit).await?;
        self.tell_reader(user, SignInNotice::DeviceRemembered { days }, ctx).await;
        Ok(Some(token))
    }

    /// How many days "Don't ask for a code on this device" lasts for `user`; `None` when it is
    /// not offered to them (staff, or switched off by the operator).
    pub fn remember_days_for(&self, user: &User) -> Option<u16> {
        let days = self.settings.mfa.remember_device_days;
        device::may_remember(user.role, days).then_some(days)
    }

    /// The remembered device behind `token` if it lets `user` sign in without a code now.
    pub(crate) async fn device_skipping_code(
        &self,
        user: &User,
        token: &DeviceToken,
        now: OffsetDateTime,
    ) -> Result<Option<RememberedDevice>, InternalError> {
        let found = self.store.remembered_device(&token.hash()).await?;
        Ok(found
            .filter(|d| device::lets_skip_code(d, &user.id, user.role, self.settings.mfa.remember_device_days, now)))
    }

    /// The user's remembered devices that have not expired, newest first.
    pub async fn remembered_devices(&self, user: &User) -> Result<Vec<RememberedDevice>, InternalError> {
        let now = self.clock.now();
        Ok(self.store.devices_of(&user.id).await?.into_iter().filter(|d| now < d.expires_at).collect())
    }

    /// Forgets one remembered device (`only`) or all of them.
    pub async fn forget_devices(
        &self,
        session: &Session,
        user: &User,
        only: Option<&str>,
        ctx: &RequestContext,
    ) -> Result<u64, MfaError> {
        self.require_recent_second_factor(session)?;
        let audit = self.security_audit(action::DEVICE_FORGOTTEN, user, ctx).detail("which", only.unwrap_or("all"));
        let count = self.store.forget_devices(&user.id, only, &audit).await?;
        if only.is_some() && count == 0 {
            return Err(MfaError::NotFound("remembered device"));
        }
        if count > 0 {
            self.tell_reader(user, SignInNotice::DevicesForgotten { count }, ctx).await;
        }
        Ok(count)
    }

    /// The user's open sessions, the current one first.
    pub async fn open_sessions(&self, session: &Session, user: &User) -> Result<Vec<OpenSession>, InternalError> {
        let now = self.clock.now();
        let policy = self.settings.sessions;
        let mut open: Vec<OpenSession> = self
            .store
            .sessions_of(&user.id)
            .await?
            .into_iter()
            .filter(|s| s.auth_level == AuthLevel::Full)
            .filter(|s| matches!(policy.state(s, now), crate::session::SessionState::Active { .. }))
            .map(|s| OpenSession {
                id: s.id.public_id(),
                current: s.id == session.id,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect();
        open.sort_by_key(|s| (!s.current, std::cmp::Reverse(s.last_seen_at)));
        Ok(open)
    }

    /// Ends one of the user's other sessions, named by its `OpenSession::id`.
    pub async fn end_session(
        &self,
        session: &Session,
        user: &User,
        public_id: &str,
        ctx: &RequestContext,
    ) -> Result<(), MfaError> {
        self.require_recent_second_factor(session)?;
        let target = self.store.sessions_of(&user.id).await?.into_iter().find(|s| s.id.public_id() == public_id);
        // The current session ends by signing out, which needs no second factor.
        let target = target.filter(|s| s.id != session.id).ok_or(MfaError::NotFound("session"))?;
        let audit = self.security_audit(action::SESSION_ENDED_BY_USER, user, ctx).detail("sessions_ended", 1);
        if !self.store.end_session_of(&user.id, &target.id, &audit).await? {
            return Err(MfaError::NotFound("session"));
        }
        self.tell_reader(user, SignInNotice::SessionsEndedByYou { count: 1 }, ctx).await;
        Ok(())
    }

    /// Ends every session of the user but this one; how many it ended.
    pub async fn end_other_sessions(
        &self,
        session: &Session,
        user: &User,
        ctx: &RequestContext,
    ) -> Result<u64, MfaError> {
        self.require_recent_second_factor(session)?;
        let audit = self.security_audit(action::SESSION_ENDED_BY_USER, user, ctx).detail("which", "others");
        let count = self.store.end_other_sessions(&user.id, &session.id, &audit).await?;
        if count > 0 {
            self.tell_reader(user, SignInNotice::SessionsEndedByYou { count }, ctx).await;
        }
        Ok(count)
    }

    /// The user's last sign-in events (password, codes, refusals, sign-outs), newest first.
    pub async fn sign_in_history(&self, user: &User) -> Result<Vec<AuditRecord>, InternalError> {
        // Sign-in events are most of what is audited about a user; reading a few times the number
        // shown leaves room for the rest (claims, support actions) between them.
        let filter = AuditFilter { subject_id: Some(user.id.clone()), limit: 200, ..AuditFilter::default() };
        let events = self.store.audit_events(&filter).await?;
        Ok(events
            .into_iter()
            .filter(|e| SIGN_IN_ACTIONS.contains(&e.event.action.as_str()))
            .take(SIGN_IN_HISTORY)
            .collect())
    }
}
