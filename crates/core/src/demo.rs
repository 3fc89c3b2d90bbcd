//! Demo accounts: a local trial starts with a policyholder, an adjuster and a support agent so
//! every part of the portal has something to show. They are marked in the database
//! ([`crate::user::User::demo`]) so that a trial left running, or a database promoted from a
//! trial, can be cleaned: [`Portal::remove_demo_accounts`] deletes them and their claims.

use crate::audit::{AuditEvent, Outcome, action};
use crate::{InternalError, Portal, RequestContext};

pub use crate::user::{DemoRemoval, RemovedAccount};

impl Portal {
    /// Deletes every demo account and every claim one of them takes part in, in one transaction
    /// with an audit row per account (`actor` names who asked), then the claims' attachment
    /// files. Accounts that are not demo accounts are never touched.
    pub async fn remove_demo_accounts(&self, actor: &str, ctx: &RequestContext) -> Result<DemoRemoval, InternalError> {
        let audit = AuditEvent::new(self.clock.now(), action::DEMO_REMOVED, Outcome::Success, ctx).actor(actor);
        let removal = self.store.remove_demo_accounts(&audit).await?;
        for attachment in &removal.attachments {
            self.remove_files(attachment).await;
        }
        Ok(removal)
    }
}
