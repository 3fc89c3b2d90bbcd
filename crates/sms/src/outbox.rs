//! The development outbox: one JSON line per text, so no SMS provider is needed to sign in with
//! a phone on a laptop or in a test.

use std::path::PathBuf;

use async_trait::async_trait;
use portal_core::clock::SharedClock;
use portal_core::language::Language;
use portal_core::sms::{DeliveryChannel, PhoneE164, SmsError, SmsSender};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// One line of the outbox file.
#[derive(Debug, Serialize)]
struct OutboxLine<'a> {
    to: &'a str,
    /// The text, or what the call says.
    body: &'a str,
    /// `sms` or `voice`.
    channel: &'static str,
    /// For a call, the language its voice speaks (`en-US`, `es-US`).
    #[serde(skip_serializing_if = "Option::is_none")]
    voice_language: Option<&'static str>,
    sent_at: String,
}

/// Appends `{"to","body","channel","sent_at"}` lines to a file (creating it and its directory).
#[derive(Debug)]
pub struct OutboxSms {
    path: PathBuf,
    clock: SharedClock,
    // One writer at a time so lines never interleave.
    lock: Mutex<()>,
}

impl OutboxSms {
    pub fn new(path: PathBuf, clock: SharedClock) -> Self {
        Self { path, clock, lock: Mutex::new(()) }
    }
}

#[async_trait]
impl SmsSender for OutboxSms {
    async fn send(&self, to: &PhoneE164, body: &str) -> Result<(), SmsError> {
        self.write(to, body, DeliveryChannel::Sms, None).await
    }

    async fn call(&self, to: &PhoneE164, spoken: &str, language: Language) -> Result<(), SmsError> {
        self.write(to, spoken, DeliveryChannel::Voice, Some(language)).await
    }
}

impl OutboxSms {
    async fn write(
        &self,
        to: &PhoneE164,
        body: &str,
        channel: DeliveryChannel,
        language: Option<Language>,
    ) -> Result<(), SmsError> {
        let line = OutboxLine {
            to: to.as_str(),
            body,
            channel: channel.as_str(),
            voice_language: language.map(portal_core::sms::voice_language),
            sent_at: self.clock.now().format(&Rfc3339).map_err(|e| SmsError(e.to_string()))?,
        };
        let mut text = serde_json::to_string(&line).map_err(|e| SmsError(e.to_string()))?;
        text.push('\n');
        self.append(&text).await.map_err(|e| SmsError(format!("outbox {}: {e}", self.path.display())))?;
        tracing::debug!(to = %to.masked(), channel = channel.as_str(), path = %self.path.display(), "written to the outbox");
        Ok(())
    }

    async fn append(&self, line: &str) -> std::io::Result<()> {
        let _guard = self.lock.lock().await;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir).await?;
        }
        let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await?;
        file.write_all(line.as_bytes()).await?;
        file.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_core::clock::ManualClock;
    use std::path::Path;
    use std::sync::Arc;
    use time::macros::datetime;

    fn read_lines(path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[tokio::test]
    async fn the_outbox_appends_one_json_line_per_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/sms-outbox.jsonl");
        let clock = ManualClock::new(datetime!(2026-03-01 12:00 UTC));
        let sms = OutboxSms::new(path.clone(), Arc::new(clock.clone()));
        let phone = PhoneE164::from_stored("+12015550123".into());

        sms.send(&phone, "Your code is 493817").await.unwrap();
        clock.advance(time::Duration::seconds(90));
        sms.send(&phone, "two \"quoted\"\nline").await.unwrap();

        let lines = read_lines(&path);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["to"], "+12015550123");
        assert_eq!(lines[0]["body"], "Your code is 493817");
        assert_eq!(lines[0]["sent_at"], "2026-03-01T12:00:00Z");
        assert_eq!(lines[1]["body"], "two \"quoted\"\nline");
        assert_eq!(lines[1]["sent_at"], "2026-03-01T12:01:30Z");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_texts_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sms-outbox.jsonl");
        let sms = Arc::new(OutboxSms::new(path.clone(), Arc::new(ManualClock::new(datetime!(2026-03-01 12:00 UTC)))));
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let sms = Arc::clone(&sms);
                tokio::spawn(async move {
                    let phone = PhoneE164::from_stored("+12015550123".into());
                    sms.send(&phone, &format!("{i}:{}", "x".repeat(4096))).await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(read_lines(&path).len(), 40);
    }
}
