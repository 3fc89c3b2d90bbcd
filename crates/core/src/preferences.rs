//! What users choose for themselves: the language the portal speaks to them in. It needs no
//! second factor and is not audited: it changes how things are said, never what a user may do.

use crate::language::Language;
use crate::user::{User, UserId};
use crate::{InternalError, Portal};

impl Portal {
    /// Stores the language a user chose (the footer's picker, `PATCH /api/v1/me`).
    pub async fn choose_language(&self, user: &UserId, language: Language) -> Result<(), InternalError> {
        self.store.set_language(user, language, false).await?;
        Ok(())
    }

    /// At sign-in: a user who never chose keeps the language they signed in with, so their
    /// reminder emails speak it. A stored choice is left alone. Returns the user as stored.
    pub(crate) async fn keep_first_language(&self, mut user: User, reading: Language) -> Result<User, InternalError> {
        if user.language.is_none() {
            self.store.set_language(&user.id, reading, true).await?;
            user.language = Some(reading);
        }
        Ok(user)
    }
}
