//! Sending the deadline reminders, daily from `serve` and on demand from `inventory-portal mfa
//! remind`. Each reminder is claimed in the database (with its audit row) before its email goes
//! out, so several instances running at once, or a second run on the same day, send it once.
//! A crash between the claim and the send loses that one email rather than sending it twice.

use time::{Date, Duration};

use super::reminder::{ReminderCandidate, ReminderKind};
use crate::audit::{AuditEvent, Outcome, action};
use crate::language::Language;
use crate::mail::OutgoingEmail;
use crate::user::UserId;
use crate::{InternalError, Portal, PortalSettings, RequestContext};

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
                // The email goes in the language the user chose (English if they never did).
                let language = candidate.language.unwrap_or_default();
                let audit = AuditEvent::new(now, action::MFA_REMINDER_SENT, Outcome::Success, ctx)
                    .subject(Some(&candidate.user_id), candidate.email.as_str())
                    .detail("reminder", kind.clone())
                    .detail("deadline", due.deadline.to_string());
                if !self.store.claim_reminder(&candidate.user_id, &kind, due.deadline, &audit).await? {
                    continue;
                }
                let message = reminder_email(&self.settings, language, candidate, due.kind, due.deadline);
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
}

/// The reminder in `language`: the last day to set up and the deadline as that language writes
/// dates, in the portal's time zone, with the sign-in link.
fn reminder_email(
    settings: &PortalSettings,
    language: Language,
    candidate: &ReminderCandidate,
    kind: ReminderKind,
    deadline: Date,
) -> OutgoingEmail {
    let last_day = language.long_date(deadline - Duration::days(1));
    let (kind_name, days) = match kind {
        ReminderKind::DaysBefore(1) => ("last-day", 1),
        ReminderKind::DaysBefore(n) => ("days", n),
        ReminderKind::AfterSupport => ("support", 0),
    };
    let body = language.text_with(
        "reminder-email-body",
        &[
            ("name", candidate.name.as_str().into()),
            ("portal", settings.portal_name.as_str().into()),
            ("last-day", last_day.as_str().into()),
            ("zone", settings.mfa.zone.name().into()),
            ("kind", kind_name.into()),
            ("days", days.into()),
            ("url", settings.public_url.as_str().into()),
            ("deadline", language.long_date(deadline).into()),
            ("support", settings.support_email.as_str().into()),
        ],
    );
    let subject = language.text_with("reminder-email-subject", &[("last-day", last_day.into())]);
    OutgoingEmail {
        to: candidate.email.clone(),
        subject: format!("{subject} — {}", settings.portal_name),
        body: format!("{body}\n"),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;
    use crate::email::Email;
    use crate::user::DisplayName;

    fn ann() -> ReminderCandidate {
        ReminderCandidate {
            language: None,
            user_id: UserId::from_stored("u1".into()),
            email: Email::parse("ann@example.com").unwrap(),
            name: DisplayName::parse("Ann").unwrap(),
            created_at: datetime!(2020-06-01 12:00 UTC),
            mfa_deadline: None,
            mfa_deadline_set_at: None,
        }
    }

    #[test]
    fn the_english_reminder_reads_as_it_always_has() {
        let settings = PortalSettings::default();
        let mail =
            reminder_email(&settings, Language::English, &ann(), ReminderKind::DaysBefore(14), date!(2026 - 03 - 04));
        let portal = &settings.portal_name;
        assert_eq!(mail.subject, format!("Set up sign-in verification by March 3, 2026 — {portal}"));
        assert_eq!(
            mail.body,
            format!(
                "Hello Ann,\n\n\
                 To keep your {portal} account safe, sign-in now asks for a second step: a code texted to your phone, or one \
                 from an authenticator app. Please set one up by the end of March 3, 2026 ({} time). You have 14 days left.\n\n\
                 Sign in at {}/login and follow the steps; it takes a few minutes.\n\n\
                 From March 4, 2026 you can no longer sign in until support helps you: {}.\n",
                settings.mfa.zone.name(),
                settings.public_url,
                settings.support_email,
            )
        );
        let last =
            reminder_email(&settings, Language::English, &ann(), ReminderKind::DaysBefore(1), date!(2026 - 03 - 04));
        assert!(last.body.contains("(UTC time). Today is the last day.\n"), "{}", last.body);
        let support =
            reminder_email(&settings, Language::English, &ann(), ReminderKind::AfterSupport, date!(2026 - 03 - 04));
        assert!(support.body.contains(". Support set this date for you.\n"), "{}", support.body);
    }

    #[test]
    fn the_spanish_reminder_writes_dates_and_days_in_spanish() {
        let settings = PortalSettings::default();
        let mail =
            reminder_email(&settings, Language::Spanish, &ann(), ReminderKind::DaysBefore(7), date!(2026 - 03 - 04));
        assert_eq!(
            mail.subject,
            format!(
                "Configure la verificación de inicio de sesión a más tardar el 3 de marzo de 2026 — {}",
                settings.portal_name
            )
        );
        assert!(mail.body.starts_with("Hola, Ann:\n\n"), "{}", mail.body);
        assert!(
            mail.body.contains("al final del 3 de marzo de 2026 (hora de UTC). Le quedan 7 días."),
            "{}",
            mail.body
        );
        assert!(mail.body.contains(&format!("{}/login", settings.public_url)), "{}", mail.body);
        assert!(mail.body.contains("A partir del 4 de marzo de 2026, ya no podrá iniciar sesión"), "{}", mail.body);
        let last =
            reminder_email(&settings, Language::Spanish, &ann(), ReminderKind::DaysBefore(1), date!(2026 - 03 - 04));
        assert!(last.body.contains("Hoy es el último día."), "{}", last.body);
        let support =
            reminder_email(&settings, Language::Spanish, &ann(), ReminderKind::AfterSupport, date!(2026 - 03 - 04));
        assert!(support.body.contains("Soporte fijó esta fecha para usted."), "{}", support.body);
    }
}
