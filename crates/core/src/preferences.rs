//! What users choose for themselves: the language the portal speaks to them in. It needs no
//! second factor and is not audited: it changes how things are said, never what a user may do.

use crate::language::{Language, LanguageUpdate};
use crate::user::{User, UserId};
use crate::{InternalError, Portal, RequestContext};

impl Portal {
    /// Stores the language a user chose (the footer's picker, `PATCH /api/v1/me`).
    pub async fn choose_language(&self, user: &UserId, language: Language) -> Result<(), InternalError> {
        self.store.set_language(user, language, false).await?;
        Ok(())
    }

    /// At sign-in, the language the account keeps (see [`language_at_sign_in`]), written now.
    /// Returns the user as stored.
    pub(crate) async fn settle_language(&self, mut user: User, ctx: &RequestContext) -> Result<User, InternalError> {
        if let Some(update) = language_at_sign_in(&mut user, ctx) {
            self.store.set_language(&user.id, update.language, update.keep_a_choice).await?;
        }
        Ok(user)
    }
}

/// At sign-in, the language the account keeps: one chosen in this browser (the picker on the
/// sign-in page, a `?lang=` link) becomes the account's, as the page they signed in on spoke it;
/// otherwise a stored choice stands, and an account with none keeps the browser's language, so
/// its reminder emails speak it. Sets it on `user` and says what to write, if anything changes.
pub fn language_at_sign_in(user: &mut User, ctx: &RequestContext) -> Option<LanguageUpdate> {
    let reading = ctx.language;
    let update = if ctx.language_chosen && user.language != Some(reading) {
        LanguageUpdate { language: reading, keep_a_choice: false }
    } else if user.language.is_none() {
        LanguageUpdate { language: reading, keep_a_choice: true }
    } else {
        return None;
    };
    user.language = Some(reading);
    Some(update)
}
