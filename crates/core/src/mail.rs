//! The Mailer port: where password-reset links and account notices leave the portal.
//! Adapters (outbox file, SMTP) live in the `portal-mail` crate.

use async_trait::async_trait;

use crate::email::Email;
use crate::language::Language;
use crate::user::User;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: Email,
    pub subject: String,
    pub body: String,
}

impl OutgoingEmail {
    /// An email to `user` as the portal's notices read: `subject` with the portal's name after
    /// it, and `text` (already in `language`) after a greeting in `language`.
    pub fn greeted(user: &User, portal_name: &str, language: Language, subject: &str, text: &str) -> Self {
        let greeting = language.text_with("email-greeting", &[("name", user.name.as_str().into())]);
        Self {
            to: user.email.clone(),
            subject: format!("{subject} — {portal_name}"),
            body: format!("{greeting}\n\n{text}\n"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("could not send email: {0}")]
pub struct MailError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    async fn send(&self, message: &OutgoingEmail) -> Result<(), MailError>;
}
