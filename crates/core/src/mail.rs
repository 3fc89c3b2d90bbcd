//! The Mailer port: where password-reset links and account notices leave the portal.
//! Adapters (outbox file, SMTP) live in the `portal-mail` crate.

use async_trait::async_trait;

use crate::email::Email;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: Email,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
#[error("could not send email: {0}")]
pub struct MailError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    async fn send(&self, message: &OutgoingEmail) -> Result<(), MailError>;
}
