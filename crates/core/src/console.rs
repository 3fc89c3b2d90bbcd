//! The support console's rules and use-cases: who may act on whom,
//! step-up before sensitive actions, a per-agent hourly limit, stale-form detection, the
//! enrollment report, and the email a user gets when their MFA changes.

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};

use crate::audit::{AuditEvent, AuditFilter, AuditRecord, Outcome};
use crate::email::Email;
use crate::language::{Language, Localized};
use crate::mail::OutgoingEmail;
use crate::mfa::MfaPolicy;
use crate::mfa::service::{STEP_UP_WINDOW, SupportView};
use crate::mfa::throttle::ThrottleState;
use crate::session::{AuthLevel, Session};
use crate::store::StoreError;
use crate::throttle::limits::CONSOLE_ACTIONS_PER_HOUR;
use crate::user::{Role, User, UserId};
use crate::{InternalError, Portal, RequestContext};

pub const MAX_EXTENSION_DAYS: u16 = 90;
pub const MAX_REASON_CHARS: usize = 500;

pub use crate::overview::{MfaOverview, MfaState, OverviewFilter};

/// Policyholders by MFA state (the report's numbers).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportCounts {
    pub total: u64,
    pub enrolled: u64,
    /// Users with an authenticator app (including those who also have SMS).
    pub enrolled_totp: u64,
    /// Users with text messages (including those who also have an app).
    pub enrolled_sms: u64,
    pub enrolled_both: u64,
    /// Users with at least one passkey.
    pub enrolled_passkey: u64,
    pub setup_pending: u64,
    pub pending_7_days_or_less: u64,
    pub pending_8_to_30_days: u64,
    pub pending_over_30_days: u64,
    pub setup_expired: u64,
    pub locked: u64,
}

#[derive(Debug, Clone, Default)]
pub struct EnrollmentReport {
    pub counts: ReportCounts,
    /// Policyholders past their deadline with no method, oldest deadline first.
    pub past_deadline: Vec<(MfaOverview, Date)>,
}

pub fn report(rows: &[MfaOverview], policy: &MfaPolicy, today: Date) -> EnrollmentReport {
    let mut r = EnrollmentReport::default();
    for row in rows.iter().filter(|o| o.role == Role::Policyholder) {
        let c = &mut r.counts;
        c.total += 1;
        c.enrolled_totp += u64::from(row.has_totp);
        c.enrolled_sms += u64::from(row.has_sms);
        c.enrolled_both += u64::from(row.has_totp && row.has_sms);
        c.enrolled_passkey += u64::from(row.has_passkey);
        match row.state(policy, today) {
            (MfaState::Enrolled, _) => c.enrolled += 1,
            (MfaState::Locked, _) => c.locked += 1,
            (MfaState::SetupExpired, deadline) => {
                c.setup_expired += 1;
                if let Some(d) = deadline {
                    r.past_deadline.push((row.clone(), d));
                }
            }
            (MfaState::SetupPending, deadline) => {
                c.setup_pending += 1;
                match deadline.map(|d| (d - today).whole_days()) {
                    Some(days) if days <= 7 => c.pending_7_days_or_less += 1,
                    Some(days) if days <= 30 => c.pending_8_to_30_days += 1,
                    _ => c.pending_over_30_days += 1,
                }
            }
        }
    }
    r.past_deadline.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.email.cmp(&b.0.email)));
    r
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleAction {
    ExtendDeadline { days: u16 },
    ResetMfa,
    Unlock,
    EndSessions,
}

impl ConsoleAction {
    pub fn name(self) -> &'static str {
        match self {
            ConsoleAction::ExtendDeadline { .. } => "extend-deadline",
            ConsoleAction::ResetMfa => "reset-mfa",
            ConsoleAction::Unlock => "unlock",
            ConsoleAction::EndSessions => "end-sessions",
        }
    }

    /// The audit action it is logged under, refused or done.
    pub fn audit_action(self) -> &'static str {
        match self {
            ConsoleAction::ExtendDeadline { .. } => crate::audit::action::SUPPORT_EXTEND_DEADLINE,
            ConsoleAction::ResetMfa => crate::audit::action::SUPPORT_RESET_MFA,
            ConsoleAction::Unlock => crate::audit::action::SUPPORT_UNLOCK,
            ConsoleAction::EndSessions => crate::audit::action::SUPPORT_END_SESSIONS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("the support console is for support agents and administrators")]
    NotStaff,
    #[error("no user with this id")]
    NotFound,
    #[error("nobody can act on their own account through the console")]
    OwnAccount,
    #[error("support agents act on policyholders only; ask an administrator")]
    NotPermitted,
    #[error("verify with your second factor first (needed every {} minutes for console actions)", STEP_UP_WINDOW.whole_minutes())]
    StepUpRequired,
    #[error("too many console actions this hour; try again later")]
    RateLimited { retry_after: Duration },
    #[error("this account changed since you opened the page; review it and try again")]
    Changed,
    #[error("days must be between 1 and {MAX_EXTENSION_DAYS}")]
    InvalidDays,
    #[error("give a reason (at most {MAX_REASON_CHARS} characters)")]
    InvalidReason,
    #[error("staff have no setup deadline: they set MFA up at their first sign-in")]
    StaffHaveNoDeadline,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> Self {
        Self::Internal(e.into())
    }
}

/// The refusal in the reader's language, lower-case and without a final stop like `Display`
/// (which stays English for logs, the audit trail and the CLI): pages capitalise it.
impl Localized for ConsoleError {
    fn message_in(&self, language: Language) -> String {
        match self {
            ConsoleError::NotStaff => language.text("console-error-not-staff"),
            ConsoleError::NotFound => language.text("console-error-not-found"),
            ConsoleError::OwnAccount => language.text("console-error-own-account"),
            ConsoleError::NotPermitted => language.text("console-error-not-permitted"),
            ConsoleError::StepUpRequired => {
                language.text_with("console-error-step-up", &[("minutes", STEP_UP_WINDOW.whole_minutes().into())])
            }
            ConsoleError::RateLimited { .. } => language.text("console-error-rate-limited"),
            ConsoleError::Changed => language.text("console-error-changed"),
            ConsoleError::InvalidDays => {
                language.text_with("console-error-invalid-days", &[("max", u32::from(MAX_EXTENSION_DAYS).into())])
            }
            ConsoleError::InvalidReason => {
                language.text_with("console-error-invalid-reason", &[("max", MAX_REASON_CHARS.into())])
            }
            ConsoleError::StaffHaveNoDeadline => language.text("console-error-staff-no-deadline"),
            ConsoleError::Internal(_) => language.text("console-error-internal"),
        }
    }
}

/// Console actions need a second factor verified within [`STEP_UP_WINDOW`]: a session left open
/// on a desk cannot be used to change someone's sign-in.
pub fn require_step_up(actor_session: &Session, now: OffsetDateTime) -> Result<(), ConsoleError> {
    let fresh = actor_session.auth_level == AuthLevel::Full
        && actor_session.mfa_verified_at.is_some_and(|t| now - t < STEP_UP_WINDOW);
    if fresh { Ok(()) } else { Err(ConsoleError::StepUpRequired) }
}

/// Support and admins only.
pub fn ensure_console_user(actor: &User) -> Result<(), ConsoleError> {
    if matches!(actor.role, Role::Support | Role::Admin) { Ok(()) } else { Err(ConsoleError::NotStaff) }
}

/// Support acts on policyholders only; admins on anyone; nobody on themselves.
pub fn may_act_on(actor: &User, subject: &User) -> Result<(), ConsoleError> {
    ensure_console_user(actor)?;
    if actor.id == subject.id {
        return Err(ConsoleError::OwnAccount);
    }
    match (actor.role, subject.role) {
        (Role::Admin, _) | (Role::Support, Role::Policyholder) => Ok(()),
        _ => Err(ConsoleError::NotPermitted),
    }
}

/// Who takes a support action. Staff act in the console or through the admin API, with the
/// session that proves a recent second factor, and count against their hourly limit; an
/// operator acts at the server's command line, where holding the machine (and the database) is
/// the proof, named by their login for the audit log.
#[derive(Debug, Clone, Copy)]
pub enum SupportActor<'a> {
    Staff { user: &'a User, session: &'a Session },
    Operator { login: &'a str },
}

impl SupportActor<'_> {
    /// How the audit log names the actor.
    pub fn name(&self) -> &str {
        match self {
            SupportActor::Staff { user, .. } => user.email.as_str(),
            SupportActor::Operator { login } => login,
        }
    }
}

/// What an operator's action without `--reason` is recorded with.
pub const NO_REASON_GIVEN: &str = "(no reason given)";

/// A reason is required, trimmed, at most 500 characters, without control characters.
pub fn parse_reason(text: &str) -> Result<String, ConsoleError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_REASON_CHARS || t.chars().any(|c| c.is_control() && c != '\n') {
        Err(ConsoleError::InvalidReason)
    } else {
        Ok(t.to_owned())
    }
}

impl SupportView {
    /// A fingerprint of everything an action could change; a form carries it so an action on an
    /// account that changed meanwhile is refused instead of applied blindly.
    pub fn version(&self, sessions: usize) -> String {
        let mut h = Sha256::new();
        for f in &self.confirmed {
            h.update(f.id.as_str().as_bytes());
        }
        h.update(format!(
            "|{:?}|{}|{}|{:?}|{}",
            self.user.mfa_deadline,
            self.throttle.consecutive_failures,
            self.throttle.locked,
            self.throttle.paused_until,
            sessions
        ));
        hex::encode(&h.finalize()[..8])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("only administrators create staff accounts")]
    AdminOnly,
    #[error("choose adjuster, support or admin")]
    NotAStaffRole,
    #[error("an account with this email already exists")]
    Duplicate,
    /// Step-up needed or the hourly action limit reached, as for every console action.
    #[error(transparent)]
    Console(#[from] ConsoleError),
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl Localized for StaffError {
    fn message_in(&self, language: Language) -> String {
        match self {
            StaffError::AdminOnly => language.text("console-error-admin-only"),
            StaffError::NotAStaffRole => language.text("console-error-not-a-staff-role"),
            StaffError::Duplicate => language.text("console-error-duplicate"),
            StaffError::Console(e) => e.message_in(language),
            StaffError::Internal(_) => language.text("console-error-internal"),
        }
    }
}

/// What an action did, for the command line (English, like its other lines).
#[derive(Debug, Clone)]
pub struct ActionDone {
    pub summary: String,
}

impl Portal {
    /// Support's view of one user, by id, checked against the actor's rights to see it.
    pub async fn console_user(
        &self,
        actor: &User,
        subject: &UserId,
    ) -> Result<(SupportView, Vec<Session>), ConsoleError> {
        ensure_console_user(actor)?;
        let user = self.store.user_by_id(subject).await?.ok_or(ConsoleError::NotFound)?;
        let view = self.support_view(&user.email).await?.ok_or(ConsoleError::NotFound)?;
        let sessions = self.store.sessions_of(subject).await?;
        Ok((view, sessions))
    }

    /// Runs a support action (extend the deadline, reset MFA, unlock, end sessions) after every
    /// check, for every front end: the console pages, the admin API and the CLI. Staff need the
    /// right to act on the subject, a reason, a second factor within the step-up window and room
    /// under their hourly limit; an operator at the command line may leave the reason out. For
    /// anyone: 1–90 days, no deadline for staff accounts, and a refusal when the account changed
    /// since `expected_version` was read.
    pub async fn support_act(
        &self,
        actor: SupportActor<'_>,
        subject: &UserId,
        action: ConsoleAction,
        reason: &str,
        expected_version: Option<&str>,
        ctx: &RequestContext,
    ) -> Result<ActionDone, ConsoleError> {
        let reason = match actor {
            SupportActor::Operator { .. } if reason.trim().is_empty() => NO_REASON_GIVEN.to_owned(),
            SupportActor::Staff { user, .. } => {
                ensure_console_user(user)?;
                parse_reason(reason)?
            }
            SupportActor::Operator { .. } => parse_reason(reason)?,
        };
        if let ConsoleAction::ExtendDeadline { days } = action
            && !(1..=MAX_EXTENSION_DAYS).contains(&days)
        {
            return Err(ConsoleError::InvalidDays);
        }
        let now = self.clock.now();
        if let SupportActor::Staff { session, .. } = actor {
            require_step_up(session, now)?;
        }
        let user = self.store.user_by_id(subject).await?.ok_or(ConsoleError::NotFound)?;
        if let SupportActor::Staff { user: staff, .. } = actor {
            may_act_on(staff, &user)?;
        }
        if matches!(action, ConsoleAction::ExtendDeadline { .. }) && user.role.is_staff() {
            return Err(ConsoleError::StaffHaveNoDeadline);
        }
        if let Some(expected) = expected_version {
            let view = self.support_view(&user.email).await?.ok_or(ConsoleError::NotFound)?;
            let sessions = self.store.sessions_of(subject).await?;
            if expected != view.version(sessions.len()) {
                return Err(ConsoleError::Changed);
            }
        }
        if let SupportActor::Staff { user: staff, .. } = actor {
            let refused = AuditEvent::new(now, action.audit_action(), Outcome::Refused, ctx)
                .actor(staff.email.as_str())
                .subject(Some(&user.id), user.email.as_str())
                .detail("reason", reason.as_str());
            self.reserve_console_action(staff, refused).await?;
        }
        let actor_email = actor.name();
        let user = &user;
        let summary = match action {
            ConsoleAction::ExtendDeadline { days } => {
                let deadline = self.extend_mfa_deadline(user, days, actor_email, &reason, ctx).await?;
                format!("{} now has until {deadline} to set up MFA.", user.email)
            }
            ConsoleAction::ResetMfa => {
                let (deadline, ended) = self.reset_user_mfa(user, actor_email, &reason, ctx).await?;
                format!(
                    "Reset MFA for {}: every method removed, {ended} session(s) ended, new deadline {deadline}.",
                    user.email
                )
            }
            ConsoleAction::Unlock => {
                self.unlock_user_mfa(user, actor_email, &reason, ctx).await?;
                format!("Unlocked {}: wrong-code count, pause and lock cleared.", user.email)
            }
            ConsoleAction::EndSessions => {
                let ended = self.end_user_sessions(user, actor_email, &reason, ctx).await?;
                format!("Ended {ended} session(s) of {}.", user.email)
            }
        };
        Ok(ActionDone { summary })
    }

    /// Takes a slot under the agent's hourly action limit before the action is done; the
    /// refusal is audited with `refused` (the action the agent attempted).
    async fn reserve_console_action(&self, actor: &User, refused: AuditEvent) -> Result<(), ConsoleError> {
        let key = format!("console:{}", actor.id);
        match self.reserve_all(&[(key.as_str(), CONSOLE_ACTIONS_PER_HOUR)]).await? {
            Ok(_) => Ok(()),
            Err(limit) => {
                // Every refusal is audited: staff are signed in with a second factor and
                // answerable for each attempt (anonymous refusals are audited once a minute).
                self.audit(refused.detail("refused", "hourly action limit reached")).await;
                Err(ConsoleError::RateLimited { retry_after: limit.retry_after })
            }
        }
    }

    /// Tells the user about a change to their sign-in; never a secret, code or full number.
    /// `subject` and `text` are already in the user's language (the one they chose, else
    /// English: the email is read later, not by the person making the request); the greeting is
    /// written in it too.
    pub async fn notify(&self, user: &User, subject: &str, text: &str) {
        self.notify_in(user, user.language.unwrap_or_default(), subject, text).await;
    }

    /// [`Portal::notify`] with the greeting in `language`: for a caller that wrote `subject` and
    /// `text` in a language of its choosing (say the one of the request, for a user who never
    /// chose one).
    pub async fn notify_in(&self, user: &User, language: Language, subject: &str, text: &str) {
        let message = OutgoingEmail::greeted(user, &self.settings.portal_name, language, subject, text);
        if let Err(e) = self.mailer.send(&message).await {
            tracing::warn!(error = %e, user = %user.id, "notification email failed");
        }
    }

    pub async fn console_overview(
        &self,
        actor: &User,
        filter: &OverviewFilter,
    ) -> Result<(Vec<MfaOverview>, u64), ConsoleError> {
        ensure_console_user(actor)?;
        Ok(self.store.mfa_overview(filter).await?)
    }

    /// Policyholders by MFA state today, from one aggregate read (for metrics; no actor: it
    /// names nobody).
    pub async fn policyholders_by_state(&self) -> Result<crate::overview::StateCounts, crate::InternalError> {
        let groups = self.store.policyholder_groups().await?;
        Ok(crate::overview::StateCounts::of(&groups, &self.settings.mfa, self.settings.mfa.today(self.clock.now())))
    }

    pub async fn enrollment_report(&self, actor: &User) -> Result<EnrollmentReport, ConsoleError> {
        ensure_console_user(actor)?;
        let filter = OverviewFilter { role: Some(Role::Policyholder), limit: u32::MAX, ..OverviewFilter::default() };
        let (rows, _) = self.store.mfa_overview(&filter).await?;
        Ok(report(&rows, &self.settings.mfa, self.settings.mfa.today(self.clock.now())))
    }

    /// The enrollment chart around today, from one aggregate read of the policyholders.
    pub async fn enrollment_chart(
        &self,
        actor: &User,
    ) -> Result<crate::enrollment_chart::EnrollmentChart, ConsoleError> {
        ensure_console_user(actor)?;
        let groups = self.store.policyholder_groups().await?;
        let policy = &self.settings.mfa;
        Ok(crate::enrollment_chart::enrollment_chart(&groups, policy, policy.today(self.clock.now())))
    }

    /// The second factor's pause/lock for display, in `language`.
    pub fn throttle_label(&self, view: &SupportView, language: Language) -> String {
        let failures = ("count", view.throttle.consecutive_failures.into());
        match view.throttle.state(self.clock.now()) {
            ThrottleState::Open if view.throttle.consecutive_failures == 0 => language.text("console-throttle-none"),
            ThrottleState::Open => language.text_with("console-throttle-failures", &[failures]),
            ThrottleState::Paused { retry_after } => language
                .text_with("console-throttle-paused", &[("seconds", retry_after.whole_seconds().into()), failures]),
            ThrottleState::Locked => language.text("console-throttle-locked"),
        }
    }

    /// An administrator creates a staff account. It gets no usable password: the new colleague
    /// receives a link (valid 7 days) to choose one, and sets MFA up at the first sign-in.
    /// Like every console action it needs a second factor within the last minutes and a slot
    /// under the administrator's hourly limit.
    pub async fn create_staff_account(
        &self,
        actor_session: &Session,
        actor: &User,
        email: Email,
        name: crate::user::DisplayName,
        role: Role,
        ctx: &RequestContext,
    ) -> Result<User, StaffError> {
        if actor.role != Role::Admin {
            return Err(StaffError::AdminOnly);
        }
        if !role.is_staff() {
            return Err(StaffError::NotAStaffRole);
        }
        let now = self.clock.now();
        require_step_up(actor_session, now)?;
        let refused = AuditEvent::new(now, crate::audit::action::USER_CREATED, Outcome::Refused, ctx)
            .actor(actor.email.as_str())
            .subject(None, email.as_str())
            .detail("role", role.as_str());
        self.reserve_console_action(actor, refused).await?;
        let unusable = crate::password::NewPassword::unusable(self.rng.as_ref());
        let new = crate::auth::NewAccount { email, name, role, password: unusable, created_at: None, demo: false };
        let user = match self.create_account(new, actor.email.as_str(), ctx).await {
            Ok(u) => u,
            Err(crate::auth::CreateUserError::Duplicate) => return Err(StaffError::Duplicate),
            Err(crate::auth::CreateUserError::Internal(e)) => return Err(StaffError::Internal(e)),
        };
        let link = self.password_link(&user, Duration::days(7)).await?;
        // Someone else's email: the language they chose, else English.
        let language = user.language.unwrap_or_default();
        let (subject, text) =
            staff_account_email(language, actor.email.as_str(), role, &self.settings.portal_name, &link);
        self.notify_in(&user, language, &subject, &text).await;
        Ok(user)
    }

    /// Finds a user by email for staff tools.
    /// The audit log as support searches it: newest first, filtered as asked.
    pub async fn audit_search(&self, actor: &User, filter: &AuditFilter) -> Result<Vec<AuditRecord>, ConsoleError> {
        ensure_console_user(actor)?;
        Ok(self.store.audit_events(filter).await?)
    }

    pub async fn console_find(&self, actor: &User, email: &Email) -> Result<Option<User>, ConsoleError> {
        ensure_console_user(actor)?;
        Ok(self.store.user_by_email(email).await?)
    }
}

/// The email a new staff member gets: subject and text (the greeting is `notify`'s).
fn staff_account_email(language: Language, actor: &str, role: Role, portal: &str, link: &str) -> (String, String) {
    let text = language.text_with(
        "console-staff-email-text",
        &[("actor", actor.into()), ("role", role.as_str().into()), ("portal", portal.into()), ("link", link.into())],
    );
    (language.text("console-staff-email-subject"), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;
    use crate::password::PasswordHashString;
    use crate::random::OsRandom;
    use crate::user::DisplayName;
    use time::macros::{date, datetime};

    fn user(role: Role) -> User {
        User {
            id: UserId::generate(&OsRandom),
            email: Email::parse("x@example.com").unwrap(),
            name: DisplayName::parse("X").unwrap(),
            role,
            password_hash: PasswordHashString(String::new()),
            created_at: datetime!(2022-01-01 0:00 UTC),
            mfa_deadline: None,
            mfa_preferred: None,
            language: None,
            demo: false,
        }
    }

    #[test]
    fn support_acts_on_policyholders_only_and_admins_on_anyone_but_themselves() {
        let support = user(Role::Support);
        let admin = user(Role::Admin);
        assert!(may_act_on(&support, &user(Role::Policyholder)).is_ok());
        for staff in [Role::Adjuster, Role::Support, Role::Admin] {
            assert!(matches!(may_act_on(&support, &user(staff)), Err(ConsoleError::NotPermitted)));
            assert!(may_act_on(&admin, &user(staff)).is_ok());
        }
        assert!(matches!(may_act_on(&support, &support), Err(ConsoleError::OwnAccount)));
        assert!(matches!(may_act_on(&admin, &admin), Err(ConsoleError::OwnAccount)));
        assert!(matches!(may_act_on(&user(Role::Adjuster), &user(Role::Policyholder)), Err(ConsoleError::NotStaff)));
        assert!(matches!(
            may_act_on(&user(Role::Policyholder), &user(Role::Policyholder)),
            Err(ConsoleError::NotStaff)
        ));
    }

    #[test]
    fn console_errors_read_in_english_as_their_display_and_in_spanish() {
        let all = [
            ConsoleError::NotStaff,
            ConsoleError::NotFound,
            ConsoleError::OwnAccount,
            ConsoleError::NotPermitted,
            ConsoleError::StepUpRequired,
            ConsoleError::RateLimited { retry_after: Duration::minutes(5) },
            ConsoleError::Changed,
            ConsoleError::InvalidDays,
            ConsoleError::InvalidReason,
            ConsoleError::StaffHaveNoDeadline,
        ];
        for e in all {
            assert_eq!(e.message_in(Language::English), e.to_string());
            let spanish = e.message_in(Language::Spanish);
            assert_ne!(spanish, e.to_string(), "{e:?} has a Spanish sentence");
        }
        assert_eq!(ConsoleError::InvalidDays.message_in(Language::English), "days must be between 1 and 90");
        assert_eq!(ConsoleError::InvalidDays.message_in(Language::Spanish), "los días deben estar entre 1 y 90");
        assert_eq!(
            ConsoleError::StepUpRequired.message_in(Language::English),
            "verify with your second factor first (needed every 10 minutes for console actions)"
        );
        assert!(
            ConsoleError::StepUpRequired.message_in(Language::Spanish).contains("cada 10 minutos"),
            "{}",
            ConsoleError::StepUpRequired.message_in(Language::Spanish)
        );
        for e in [StaffError::AdminOnly, StaffError::NotAStaffRole, StaffError::Duplicate] {
            assert_eq!(e.message_in(Language::English), e.to_string());
        }
        assert_eq!(
            StaffError::Duplicate.message_in(Language::Spanish),
            "ya existe una cuenta con este correo electrónico"
        );
        assert_eq!(
            StaffError::Console(ConsoleError::Changed).message_in(Language::Spanish),
            ConsoleError::Changed.message_in(Language::Spanish)
        );
    }

    #[test]
    fn the_staff_account_email_reads_as_before_in_english_and_in_spanish() {
        let link = "https://portal.example/password?token=abc";
        let (subject, text) = staff_account_email(Language::English, "root@example.com", Role::Support, "Portal", link);
        assert_eq!(subject, "Your staff account");
        assert_eq!(
            text,
            format!(
                "root@example.com created a support agent account for you on Portal.\n\nChoose your password within 7 days \
                 with this link (it works once):\n\n{link}\n\nAt your first sign-in you will set up a verification method \
                 (authenticator app or text message); staff always need one."
            )
        );
        let (subject, text) =
            staff_account_email(Language::Spanish, "root@example.com", Role::Adjuster, "Portal", link);
        assert_eq!(subject, "Su cuenta del personal");
        assert!(text.starts_with("root@example.com creó para usted una cuenta de ajustador en Portal.\n\n"), "{text}");
        assert!(text.contains(&format!("\n\n{link}\n\n")), "{text}");
        assert_eq!(Language::Spanish.text_with("email-greeting", &[("name", "Ana".into())]), "Hola, Ana:");
        assert_eq!(Language::English.text_with("email-greeting", &[("name", "Ann".into())]), "Hello Ann,");
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(matches!(parse_reason("  "), Err(ConsoleError::InvalidReason)));
        assert!(matches!(parse_reason(&"x".repeat(501)), Err(ConsoleError::InvalidReason)));
        assert_eq!(parse_reason(" lost phone ").unwrap(), "lost phone");
    }

    fn row(has_totp: bool, has_sms: bool, locked: bool, created: OffsetDateTime) -> MfaOverview {
        MfaOverview {
            user_id: UserId::generate(&OsRandom),
            email: format!("{}@example.com", hex::encode(crate::random::bytes::<4>(&OsRandom))),
            name: "n".into(),
            role: Role::Policyholder,
            created_at: created,
            mfa_deadline: None,
            has_totp,
            has_sms,
            has_passkey: false,
            locked,
            last_login_at: None,
            demo: false,
        }
    }

    #[test]
    fn the_report_counts_each_policyholder_once_by_state() {
        let policy = MfaPolicy::new(date!(2023 - 01 - 18));
        let today = date!(2023 - 03 - 01);
        let old = datetime!(2022-01-01 0:00 UTC);
        let rows = vec![
            row(true, false, false, old),
            row(false, true, false, old),
            row(true, true, false, old),
            row(false, false, false, old), // deadline 2023-03-04: 3 days left
            row(false, false, false, datetime!(2023-02-20 0:00 UTC)), // 2023-04-06: 36 days
            row(false, false, true, old),
            MfaOverview { mfa_deadline: Some(date!(2023 - 02 - 01)), ..row(false, false, false, old) },
        ];
        let r = report(&rows, &policy, today);
        let c = &r.counts;
        assert_eq!((c.total, c.enrolled, c.enrolled_totp, c.enrolled_sms, c.enrolled_both), (7, 3, 2, 2, 1));
        assert_eq!((c.setup_pending, c.pending_7_days_or_less, c.pending_over_30_days), (2, 1, 1));
        assert_eq!((c.setup_expired, c.locked), (1, 1));
        assert_eq!(r.past_deadline.len(), 1);
        assert_eq!(r.past_deadline[0].1, date!(2023 - 02 - 01));
    }
}
