//! Sending the deadline reminders, daily from `serve` and on demand from `inventory-portal mfa
//! remind`. Each reminder is claimed in the database (with its audit row) before its email goes
//! out, so several instances running at once, or a second run on the same day, send it once.
//! A crash between the claim and the send loses that one email rather than sending it twice.

use time::{Date, Duration};

use super::reminder::{ReminderCandidate, ReminderKind};
use crate::audit::{AuditEvent, Outcome, action};
use crate::mail::OutgoingEmail;
use crate::user::UserId;
use crate::zone::long_date;
use crate::{InternalError, Portal, RequestContext};

/// Candidates read per query: bounded memory whatever the number of policyholders.
const PAGE: u32 = 500;

/// One reminder: sent, or (in a dry run) due and not sent yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub email: String,
    pub kind: ReminderKind,
    pub deadline: Date,
    /// The email could not be handed to the mail provider (the reminder stays claimed).
    pub failed: bool,
}

impl std::fmt::Display for Reminder {
    /// `ann@example.com: 7 days before the deadline of 2026-03-04`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} the deadline of {}", self.email, self.kind.describe(), self.deadline)?;
        if self.failed { write!(f, " (the email could not be sent)") } else { Ok(()) }
    }
}

impl Portal {
    /// Sends every reminder due today (in the portal's time zone) that nobody sent yet; with
    /// `dry_run`, sends and records nothing and lists what would go out.
    pub async fn send_deadline_reminders(
        &self,
        dry_run: bool,
        ctx: &RequestContext,
    ) -> Result<Vec<Reminder>, InternalError> {
        let now = self.clock.now();
        let today = self.settings.mfa.today(now);
        let mut done = Vec::new();
        let mut after: Option<UserId> = None;
        loop {
            let page = self.store.reminder_candidates(after.as_ref(), PAGE).await?;
            after = page.last().map(|c| c.user_id.clone());
            for candidate in &page {
                let Some(due) = self.settings.mfa.reminder_due(candidate, today) else { continue };
                let kind = due.kind.as_str();
                let mut reminder = Reminder {
                    email: candidate.email.as_str().to_owned(),
                    kind: due.kind,
                    deadline: due.deadline,
                    failed: false,
                };
                if dry_run {
                    if !self.store.reminder_claimed(&candidate.user_id, &kind, due.deadline).await? {
                        done.push(reminder);
                    }
                    continue;
                }
                let audit = AuditEvent::new(now, action::MFA_REMINDER_SENT, Outcome::Success, ctx)
                    .subject(Some(&candidate.user_id), candidate.email.as_str())
                    .detail("reminder", kind.clone())
                    .detail("deadline", due.deadline.to_string());
                if !self.store.claim_reminder(&candidate.user_id, &kind, due.deadline, &audit).await? {
                    continue;
                }
                let message = self.reminder_email(candidate, due.kind, due.deadline);
                if let Err(e) = self.mailer.send(&message).await {
                    tracing::warn!(error = %e, user = %candidate.user_id, "deadline reminder email failed");
                    reminder.failed = true;
                }
                done.push(reminder);
            }
            if page.len() < PAGE as usize {
                break;
            }
        }
        Ok(done)
    }

    fn reminder_email(&self, candidate: &ReminderCandidate, kind: ReminderKind, deadline: Date) -> OutgoingEmail {
        let portal = &self.settings.portal_name;
        let last_day = long_date(deadline - Duration::days(1));
        let zone = self.settings.mfa.zone.name();
        let when = match kind {
            ReminderKind::DaysBefore(1) => "Today is the last day".to_owned(),
            ReminderKind::DaysBefore(n) => format!("You have {n} days left"),
            ReminderKind::AfterSupport => "Support set this date for you".to_owned(),
        };
        let body = format!(
            "Hello {},\n\n\
             To keep your {portal} account safe, sign-in now asks for a second step: a code texted to your phone, or one \
             from an authenticator app. Please set one up by the end of {last_day} ({zone} time). {when}.\n\n\
             Sign in at {}/login and follow the steps; it takes a few minutes.\n\n\
             From {} you can no longer sign in until support helps you: {}.\n",
            candidate.name.as_str(),
            self.settings.public_url,
            long_date(deadline),
            self.settings.support_email,
        );
        OutgoingEmail {
            to: candidate.email.clone(),
            subject: format!("Set up sign-in verification by {last_day} — {portal}"),
            body,
        }
    }
}
