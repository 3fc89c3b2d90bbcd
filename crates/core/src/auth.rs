//! Sign-in use-cases shared by the HTML pages and the JSON API: accounts, password login
//! with throttling, sessions with rotation and timeouts, sign-out, forgot/reset password.

use time::{Duration, OffsetDateTime};
use tracing::{info, warn};

use crate::audit::{AuditEvent, Outcome, action};
use crate::device::DeviceToken;
use crate::email::Email;
use crate::language::{Language, Localized, MessageArg};
use crate::mail::OutgoingEmail;
use crate::mfa::{Method, MfaRequirement};
use crate::observe::SignInOutcome;
use crate::password::{LoginMatch, NewPassword, Password, PasswordError};
use crate::password_policy::PasswordContext;
use crate::password_reset::{PasswordReset, RESET_LINK_LIFETIME, ResetToken};
use crate::preferences::language_at_sign_in;
use crate::session::{AuthLevel, OLD_ID_SIGNS_OUT_FOR, Session, SessionState, SessionToken};
use crate::session_view::SessionView;
use crate::store::{PasswordSignIn, StoreError};
use crate::throttle;
use crate::user::{DisplayName, Role, User, UserId};
use crate::{InternalError, Portal, RequestContext};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown email and wrong password look the same (no enumeration).
    #[error("the email or password is not right")]
    InvalidCredentials,
    #[error("too many attempts; try again later")]
    Throttled { retry_after: Duration },
    /// The password was right but the MFA setup deadline has passed: no session, see support.
    #[error("the deadline to set up a verification method has passed")]
    MfaSetupExpired { deadline: time::Date },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<StoreError> for LoginError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// What the signed-in browser or client must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginNext {
    /// Fully signed in (MFA not switched on yet, and no factor).
    Authenticated,
    /// Half signed in: verify with one of these confirmed methods.
    MfaRequired { methods: Vec<Method>, phone_hint: Option<String>, preferred: Option<Method> },
    /// Half signed in: set a method up now. No deadline for staff.
    MfaSetupRequired { deadline: Option<time::Date>, days_left: Option<i64>, can_postpone: bool },
}

#[derive(Debug)]
pub struct LoginSuccess {
    pub user: User,
    pub token: SessionToken,
    pub session: Session,
    pub next: LoginNext,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email already exists")]
    Duplicate,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("this reset link is invalid, used or expired; ask for a new one")]
    InvalidLink,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl Localized for LoginError {
    /// The sentence the sign-in page shows. `Display` stays the short English the JSON API and
    /// the logs use.
    fn message_in(&self, language: Language) -> String {
        match self {
            LoginError::InvalidCredentials => language.text("login-error-invalid"),
            LoginError::Throttled { retry_after } => {
                let minutes = throttle::retry_after_secs(*retry_after).div_ceil(60);
                language.text_with("login-error-throttled", &[("minutes", MessageArg::from(minutes))])
            }
            LoginError::MfaSetupExpired { .. } => language.text("login-error-setup-expired"),
            LoginError::Internal(_) => language.text("auth-error-internal"),
        }
    }
}

impl Localized for ResetError {
    /// The sentence the reset page shows: under the password field for a password the rules
    /// refuse, as the error page's message for a link that cannot be used.
    fn message_in(&self, language: Language) -> String {
        match self {
            ResetError::InvalidLink => language.text("reset-error-invalid-link"),
            ResetError::Password(e) => e.message_in(language),
            ResetError::Internal(_) => language.text("auth-error-internal"),
        }
    }
}

/// The reset-link email in `language`: its subject and body.
pub fn reset_email(language: Language, name: &str, portal: &str, link: &str) -> (String, String) {
    let subject = language.text_with("reset-email-subject", &[("portal", portal.into())]);
    let body = language
        .text_with("reset-email-body", &[("name", name.into()), ("portal", portal.into()), ("link", link.into())]);
    // Fluent trims a message's last line break; an email body ends with one.
    (subject, format!("{body}\n"))
}

pub struct NewAccount {
    pub email: Email,
    pub name: DisplayName,
    pub role: Role,
    pub password: NewPassword,
    /// Keeps the creation date of an account migrated from an earlier system.
    pub created_at: Option<OffsetDateTime>,
    /// A trial account (see [`User::demo`]).
    pub demo: bool,
}

impl Portal {
    pub async fn create_account(
        &self,
        new: NewAccount,
        actor: &str,
        ctx: &RequestContext,
    ) -> Result<User, CreateUserError> {
        let now = self.clock.now();
        let password_hash = self.hasher.hash(new.password).await.map_err(InternalError::from)?;
        let user = User {
            id: UserId::generate(self.rng.as_ref()),
            email: new.email,
            name: new.name,
            role: new.role,
            password_hash,
            created_at: new.created_at.unwrap_or(now),
            mfa_deadline: None,
            mfa_preferred: None,
            language: None,
            demo: new.demo,
        };
        let audit = AuditEvent::new(now, action::USER_CREATED, Outcome::Success, ctx)
            .actor(actor)
            .subject(Some(&user.id), user.email.as_str())
            .detail("role", user.role.as_str())
            .detail("demo", user.demo);
        match self.store.insert_user(&user, &audit).await {
            Ok(()) => Ok(user),
            Err(StoreError::Conflict(_)) => Err(CreateUserError::Duplicate),
            Err(e) => Err(InternalError::from(e).into()),
        }
    }

    /// Checks the password and opens a session. `previous` is the browser's current session,
    /// if any: it is replaced, so a session id planted before login is worthless after it.
    /// `device` is the browser's remembered-device token, if any: when it is this user's and
    /// still good, the second factor is not asked for.
    pub async fn login(
        &self,
        email: &Email,
        password: Password,
        previous: Option<&SessionToken>,
        device: Option<&DeviceToken>,
        ctx: &RequestContext,
    ) -> Result<LoginSuccess, LoginError> {
        let result = self.password_sign_in(email, password, previous, device, ctx).await;
        self.observer.password_checked(sign_in_outcome(&result));
        result
    }

    async fn password_sign_in(
        &self,
        email: &Email,
        password: Password,
        previous: Option<&SessionToken>,
        device: Option<&DeviceToken>,
        ctx: &RequestContext,
    ) -> Result<LoginSuccess, LoginError> {
        let now = self.clock.now();
        let policy = self.settings.password_throttle;
        let account_key = throttle::account_key(email);
        let ip_key = ctx.ip.as_deref().map(throttle::ip_key);

        // Every attempt takes a slot under the account's and the address's limits before the
        // password is checked; a wrong password keeps them (they are the failure count).
        let mut limits = vec![(account_key.as_str(), policy.per_account)];
        if let Some(ip_key) = &ip_key {
            limits.push((ip_key.as_str(), policy.per_ip));
        }
        let slots = match self.reserve_all(&limits).await? {
            Ok(slots) => slots,
            Err(refused) => {
                let event =
                    AuditEvent::new(now, action::LOGIN_THROTTLED, Outcome::Refused, ctx).subject(None, email.as_str());
                self.audit_refusal(&refused, event).await;
                return Err(LoginError::Throttled { retry_after: refused.retry_after });
            }
        };

        let user = self.store.user_by_email(email).await?;
        let matched = self
            .hasher
            .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
            .await
            .map_err(InternalError::from)?;

        let Some(user) = user.filter(|_| matched.matched()) else {
            self.audit(
                AuditEvent::new(now, action::LOGIN_PASSWORD, Outcome::Failure, ctx).subject(None, email.as_str()),
            )
            .await;
            return Err(LoginError::InvalidCredentials);
        };

        // The right password: the account's failures are forgiven, and the address's slot was
        // no failure. Both are written with the new session below.
        let released: Vec<_> = slots.into_iter().filter(|s| s.key != account_key).collect();
        if let LoginMatch::MatchedRehashed(new_hash) = &matched {
            self.upgrade_password_hash(&user, new_hash).await;
        }
        let mut user = user;
        let language = language_at_sign_in(&mut user, ctx);
        let status = self.mfa_status(&user).await?;
        let remembered = match (&status.requirement, device) {
            (MfaRequirement::Verify { .. }, Some(token)) => self.device_skipping_code(&user, token, now).await?,
            _ => None,
        };
        let (level, next) = match status.requirement.clone() {
            MfaRequirement::NotRequired => (AuthLevel::Full, LoginNext::Authenticated),
            MfaRequirement::Verify { .. } if remembered.is_some() => (AuthLevel::Full, LoginNext::Authenticated),
            MfaRequirement::Verify { methods } => (
                AuthLevel::PasswordVerified,
                LoginNext::MfaRequired { methods, phone_hint: status.phone_hint(), preferred: user.mfa_preferred },
            ),
            MfaRequirement::Setup { deadline, days_left, can_postpone } => {
                (AuthLevel::PasswordVerified, LoginNext::MfaSetupRequired { deadline, days_left, can_postpone })
            }
            MfaRequirement::SetupExpired { deadline } => {
                if let Some(update) = language {
                    self.store.set_language(&user.id, update.language, update.keep_a_choice).await?;
                }
                self.store.throttle_clear(&account_key).await?;
                for slot in &released {
                    self.release(slot).await;
                }
                // No session is left behind, not even the one the browser came with.
                if let Some(old) = previous {
                    self.store.delete_session(&old.hash(), now - OLD_ID_SIGNS_OUT_FOR).await?;
                }
                self.audit(
                    AuditEvent::new(now, action::LOGIN_MFA_SETUP_EXPIRED, Outcome::Refused, ctx)
                        .actor(user.email.as_str())
                        .subject(Some(&user.id), user.email.as_str())
                        .detail("deadline", deadline.to_string()),
                )
                .await;
                return Err(LoginError::MfaSetupExpired { deadline });
            }
        };
        let (token, session) = Session::start(user.id.clone(), level, now, ctx, self.rng.as_ref());
        self.store
            .start_password_session(&PasswordSignIn {
                forgiven: account_key,
                released,
                language,
                signed_in_at: (level == AuthLevel::Full).then_some(now),
                replaces: previous.map(SessionToken::hash),
                session: session.clone(),
                audit: AuditEvent::new(now, action::LOGIN_PASSWORD, Outcome::Success, ctx)
                    .actor(user.email.as_str())
                    .subject(Some(&user.id), user.email.as_str())
                    .detail("next", level.as_str()),
            })
            .await?;
        if let Some(device) = remembered {
            if let Err(e) = self.store.device_used(&device.id, now).await {
                warn!(error = %e, "could not note a remembered device's use");
            }
            self.audit(
                AuditEvent::new(now, action::LOGIN_REMEMBERED_DEVICE, Outcome::Success, ctx)
                    .actor(user.email.as_str())
                    .subject(Some(&user.id), user.email.as_str())
                    .detail("device", device.id),
            )
            .await;
        }
        info!(user = %user.id, level = level.as_str(), "password verified");
        Ok(LoginSuccess { user, token, session, next })
    }

    /// Replaces a hash made before normalisation (or with older argon2 parameters) by the one
    /// just made from the normalised password. Only if the stored hash is still the one that
    /// matched, so a password reset in between is never undone; a failure leaves the old hash,
    /// which keeps verifying, and the next login tries again.
    async fn upgrade_password_hash(&self, user: &User, new_hash: &crate::password::PasswordHashString) {
        match self.store.replace_password_hash(&user.id, &user.password_hash, new_hash).await {
            Ok(true) => info!(user = %user.id, "password hash upgraded to the normalised form"),
            Ok(false) => {}
            Err(e) => warn!(error = %e, user = %user.id, "could not upgrade the password hash"),
        }
    }

    /// The live session behind `token`, with its user and their second factors; expired
    /// sessions are deleted on sight.
    pub async fn resolve_session(&self, token: &SessionToken) -> Result<Option<SessionView>, InternalError> {
        let id = token.hash();
        let Some(view) = self.store.session_view(&id).await? else {
            return Ok(None);
        };
        let session = &view.session;
        let now = self.clock.now();
        match self.settings.sessions.state(session, now) {
            SessionState::IdleExpired | SessionState::AbsoluteExpired => {
                self.store.delete_session(&id, now - OLD_ID_SIGNS_OUT_FOR).await?;
                return Ok(None);
            }
            SessionState::Active { needs_touch: true } => self.store.touch_session(&id, now),
            SessionState::Active { needs_touch: false } => {}
        }
        Ok(Some(view))
    }

    pub async fn logout(&self, token: &SessionToken, ctx: &RequestContext) -> Result<(), InternalError> {
        let signed_out_after = self.clock.now() - OLD_ID_SIGNS_OUT_FOR;
        if let Some(user_id) = self.store.delete_session(&token.hash(), signed_out_after).await? {
            self.audit(
                AuditEvent::new(self.clock.now(), action::LOGOUT, Outcome::Success, ctx)
                    .subject(Some(&user_id), user_id.as_str()),
            )
            .await;
        }
        Ok(())
    }

    /// Takes the slots a reset request needs (per address and per client) before anything is
    /// looked up or sent. Whether the account exists plays no part, so a refusal (with the wait
    /// until the limit lifts) reveals nothing about it.
    pub async fn reserve_password_reset(
        &self,
        email: &Email,
        ctx: &RequestContext,
    ) -> Result<Result<(), Duration>, InternalError> {
        let now = self.clock.now();
        let address_key = format!("reset:{}", email.as_str());
        let ip_key = ctx.ip.as_deref().map(|ip| format!("reset-ip:{ip}"));
        let mut limits = vec![(address_key.as_str(), throttle::limits::RESET_EMAILS_PER_ADDRESS)];
        if let Some(ip_key) = &ip_key {
            limits.push((ip_key.as_str(), throttle::limits::RESET_REQUESTS_PER_IP));
        }
        if let Err(refused) = self.reserve_all(&limits).await? {
            let event = AuditEvent::new(now, action::PASSWORD_RESET_REQUESTED, Outcome::Refused, ctx)
                .subject(None, email.as_str())
                .detail("refused", "request limit reached");
            self.audit_refusal(&refused, event).await;
            return Ok(Err(refused.retry_after));
        }
        Ok(Ok(()))
    }

    /// Sends a reset link when the account exists, after [`Portal::reserve_password_reset`]
    /// granted the request. Callers answer the same either way and should not wait for this
    /// (so response time does not reveal the answer either).
    pub async fn send_password_reset(&self, email: &Email, ctx: &RequestContext) -> Result<(), InternalError> {
        let now = self.clock.now();
        let user = self.store.user_by_email(email).await?;
        let event = AuditEvent::new(now, action::PASSWORD_RESET_REQUESTED, Outcome::Success, ctx)
            .subject(user.as_ref().map(|u| &u.id), email.as_str())
            .detail("account_exists", user.is_some());
        let Some(user) = user else {
            self.audit(event).await;
            return Ok(());
        };
        let link = self.password_link(&user, RESET_LINK_LIFETIME).await?;
        // The owner asked (or so the request says): their language, else the one the form was
        // read in.
        let language = user.language.unwrap_or(ctx.language);
        let (subject, body) = reset_email(language, user.name.as_str(), &self.settings.portal_name, &link);
        let message = OutgoingEmail { to: user.email.clone(), subject, body };
        if let Err(e) = self.mailer.send(&message).await {
            warn!(error = %e, user = %user.id, "password reset email failed");
            self.audit(AuditEvent { outcome: Outcome::Failure, ..event }.detail("error", "mail delivery failed")).await;
            return Ok(());
        }
        self.audit(event).await;
        Ok(())
    }

    /// A single-use link to choose a password, valid for `lifetime`; only its hash is stored.
    pub async fn password_link(&self, user: &User, lifetime: Duration) -> Result<String, InternalError> {
        let now = self.clock.now();
        let token = ResetToken::generate(self.rng.as_ref());
        self.store
            .insert_password_reset(&PasswordReset {
                token_hash: token.hash(),
                user_id: user.id.clone(),
                created_at: now,
                expires_at: now + lifetime,
            })
            .await?;
        Ok(format!("{}/reset-password?token={}", self.settings.public_url, token.expose()))
    }

    /// Sets a new password from a reset link. Ends every session of the account; signs no one in.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: String,
        ctx: &RequestContext,
    ) -> Result<User, ResetError> {
        let token = ResetToken::parse(token).ok_or(ResetError::InvalidLink)?;
        let now = self.clock.now();
        // The rules need the account's own words, so the link is looked up first; it is only
        // consumed below, in the same transaction that stores the new hash.
        let user = self.store.password_reset_user(&token.hash(), now).await.map_err(InternalError::from)?;
        let user = user.ok_or(ResetError::InvalidLink)?;
        let password = NewPassword::check(&new_password, &self.password_context(&user.email, &user.name))?;
        let hash = self.hasher.hash(password).await.map_err(InternalError::from)?;
        let audit = AuditEvent::new(now, action::PASSWORD_RESET_COMPLETED, Outcome::Success, ctx);
        let user = self
            .store
            .complete_password_reset(&token.hash(), &hash, now, audit)
            .await
            .map_err(InternalError::from)?
            .ok_or(ResetError::InvalidLink)?;
        // The person who used the link is told, in the language they read the page in unless the
        // account keeps its own.
        self.tell_reader(&user, crate::notice::SignInNotice::PasswordReset, ctx).await;
        Ok(user)
    }

    /// The words a new password for this account must not be built from.
    pub fn password_context<'a>(&'a self, email: &'a Email, name: &'a DisplayName) -> PasswordContext<'a> {
        PasswordContext { email, name: name.as_str(), portal_name: &self.settings.portal_name }
    }

    /// Appends to the audit log. A failed audit write is logged loudly but does not undo what
    /// the user already did; actions that must be audited atomically go through the store.
    pub async fn audit(&self, event: AuditEvent) {
        if let Err(e) = self.store.append_audit(&event).await {
            warn!(error = %e, action = %event.action, "could not write audit event");
        }
    }
}

/// How a password sign-in ended, for the observer (metrics).
fn sign_in_outcome(result: &Result<LoginSuccess, LoginError>) -> SignInOutcome {
    match result {
        Ok(s) if s.session.auth_level == AuthLevel::Full => SignInOutcome::SignedIn,
        Ok(_) => SignInOutcome::SecondFactorNext,
        Err(LoginError::InvalidCredentials) => SignInOutcome::WrongPassword,
        Err(LoginError::Throttled { .. }) => SignInOutcome::Throttled,
        Err(LoginError::MfaSetupExpired { .. }) => SignInOutcome::PastDeadline,
        Err(LoginError::Internal(_)) => SignInOutcome::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_email_reads_as_before_in_english_and_in_spanish_for_a_spanish_reader() {
        let link = "https://portal.example/reset-password?token=abc";
        let (subject, body) = reset_email(Language::English, "Ann Lee", "Inventory Portal", link);
        assert_eq!(subject, "Reset your Inventory Portal password");
        let before = format!(
            "Hello {name},\n\nSomeone (hopefully you) asked to reset the password of your {portal} account.\n\
             Open this link within 30 minutes to choose a new password:\n\n{link}\n\n\
             The link works once. If you did not ask for this, ignore this email: your password stays as it is.\n\
             Your verification methods (text message, authenticator app) are not changed by a reset.\n",
            name = "Ann Lee",
            portal = "Inventory Portal",
        );
        assert_eq!(body, before);

        let (subject, body) = reset_email(Language::Spanish, "Ann Lee", "Inventory Portal", link);
        assert_eq!(subject, "Restablezca su contraseña de Inventory Portal");
        assert!(body.starts_with("Hola, Ann Lee:\n\n"), "{body}");
        assert!(body.contains(&format!(":\n\n{link}\n\n")), "the link alone on its line: {body}");
        assert!(body.contains("30 minutos") && body.ends_with(".\n"), "{body}");
    }

    #[test]
    fn sign_in_errors_read_as_the_page_shows_them() {
        assert_eq!(
            LoginError::InvalidCredentials.message_in(Language::English),
            "The email or password is not right. Check them and try again."
        );
        assert_eq!(
            LoginError::InvalidCredentials.message_in(Language::Spanish),
            "El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo."
        );
        let wait = |secs| LoginError::Throttled { retry_after: Duration::seconds(secs) };
        assert_eq!(
            wait(840).message_in(Language::English),
            "Too many sign-in attempts. Please wait 14 minutes and try again."
        );
        assert_eq!(
            wait(30).message_in(Language::English),
            "Too many sign-in attempts. Please wait 1 minute and try again."
        );
        assert_eq!(
            wait(30).message_in(Language::Spanish),
            "Demasiados intentos de inicio de sesión. Espere 1 minuto e inténtelo de nuevo."
        );
        assert_eq!(
            wait(900).message_in(Language::Spanish),
            "Demasiados intentos de inicio de sesión. Espere 15 minutos e inténtelo de nuevo."
        );
        assert!(
            ResetError::InvalidLink.message_in(Language::English).starts_with("This password reset link is invalid")
        );
        assert_eq!(
            ResetError::Password(PasswordError::TooShort).message_in(Language::Spanish),
            "La contraseña debe tener al menos 12 caracteres"
        );
    }
}
