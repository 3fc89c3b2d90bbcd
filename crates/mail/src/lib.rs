//! Mailer adapters: `outbox` appends each message as a JSON line to a file (the default, for
//! development and tests); `smtp` sends through a real mail server with lettre.

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portal_core::mail::{MailError, Mailer, OutgoingEmail};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// One line of the outbox file.
#[derive(Debug, Serialize)]
struct OutboxLine<'a> {
    to: &'a str,
    subject: &'a str,
    body: &'a str,
    sent_at: String,
}

/// Appends `{"to","subject","body","sent_at"}` lines to a file; a developer reads the reset
/// link there, a test reads it with `portal_testkit`.
#[derive(Debug)]
pub struct OutboxMailer {
    path: PathBuf,
    clock: portal_core::clock::SharedClock,
    // One writer at a time so lines never interleave.
    lock: Mutex<()>,
}

impl OutboxMailer {
    pub fn new(path: PathBuf, clock: portal_core::clock::SharedClock) -> Self {
        Self { path, clock, lock: Mutex::new(()) }
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, message: &OutgoingEmail) -> Result<(), MailError> {
        let line = OutboxLine {
            to: message.to.as_str(),
            subject: &message.subject,
            body: &message.body,
            sent_at: self.clock.now().format(&Rfc3339).map_err(|e| MailError(e.to_string()))?,
        };
        let mut text = serde_json::to_string(&line).map_err(|e| MailError(e.to_string()))?;
        text.push('\n');
        append_line(&self.lock, &self.path, &text)
            .await
            .map_err(|e| MailError(format!("outbox {}: {e}", self.path.display())))
    }
}

/// Appends one line to `path` (creating it and its directory), under `lock`.
pub async fn append_line(lock: &Mutex<()>, path: &std::path::Path, line: &str) -> std::io::Result<()> {
    let _guard = lock.lock().await;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(dir).await?;
    }
    let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(path).await?;
    file.write_all(line.as_bytes()).await?;
    file.flush().await
}

/// SMTP via lettre, configured by URL (`smtp://user:pass@host:587?tls=required`, `smtps://…`).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address {0:?}")]
    From(String),
}

impl SmtpMailer {
    pub fn new(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SmtpConfigError::Url(e.to_string()))?
            .build();
        let from = from.parse::<Mailbox>().map_err(|_| SmtpConfigError::From(from.to_owned()))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &OutgoingEmail) -> Result<(), MailError> {
        let to = message.to.as_str().parse::<Mailbox>().map_err(|e| MailError(e.to_string()))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .body(message.body.clone())
            .map_err(|e| MailError(e.to_string()))?;
        self.transport.send(email).await.map_err(|e| MailError(e.to_string()))?;
        Ok(())
    }
}

/// The current time as the outbox writes it; shared with the SMS outbox.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_core::clock::ManualClock;
    use portal_core::email::Email;
    use std::sync::Arc;
    use time::macros::datetime;

    #[tokio::test]
    async fn the_outbox_appends_one_json_line_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/mail-outbox.jsonl");
        let mailer = OutboxMailer::new(path.clone(), Arc::new(ManualClock::new(datetime!(2026-03-01 12:00 UTC))));
        for subject in ["one", "two \"quoted\"\nline"] {
            mailer
                .send(&OutgoingEmail {
                    to: Email::parse("ann@example.com").unwrap(),
                    subject: subject.into(),
                    body: "hi".into(),
                })
                .await
                .unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["subject"], "two \"quoted\"\nline");
        assert_eq!(lines[0]["to"], "ann@example.com");
        assert_eq!(lines[0]["sent_at"], "2026-03-01T12:00:00Z");
    }

    #[tokio::test]
    async fn smtp_configuration_errors_are_named() {
        assert!(matches!(SmtpMailer::new("nonsense", "portal@example.com"), Err(SmtpConfigError::Url(_))));
        assert!(matches!(SmtpMailer::new("smtp://localhost:2525", "not an address"), Err(SmtpConfigError::From(_))));
    }
}
