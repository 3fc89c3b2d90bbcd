//! What users choose for themselves: the language the portal speaks to them in. It needs no
//! second factor and is not audited: it changes how things are said, never what a user may do.

use crate::language::Language;
use crate::user::{User, UserId};
use crate::{InternalError, Portal, RequestContext};

impl Portal {
    /// Stores the language a user chose (the footer's picker, `PATCH /api/v1/me`).
    pub async fn choose_language(&self, user: &UserId, language: Language) -> Result<(), InternalError> {
        self.store.set_language(user, language, false).await?;
        Ok(())
    }

    /// At sign-in, the language the account keeps: one chosen in this browser (the picker on the
    /// sign-in page, a `?lang=` link) becomes the account's, as the page they signed in on spoke
    /// it; otherwise a stored choice stands, and an account with none keeps the browser's
    /// language, so its reminder emails speak it. Writes only when something changes. Returns the
    /// user as stored.
    pub(crate) async fn settle_language(&self, mut user: User, ctx: &RequestContext) -> Result<User, InternalError> {
        let reading = ctx.language;
        if ctx.language_chosen && user.language != Some(reading) {
            self.store.set_language(&user.id, reading, false).await?;
            user.language = Some(reading);
        } else if user.language.is_none() {
            self.store.set_language(&user.id, reading, true).await?;
            user.language = Some(reading);
        }
        Ok(user)
    }
}
