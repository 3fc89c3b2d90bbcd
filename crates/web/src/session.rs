//! The signed-in session as handlers and the layout see it. It sits below `extract` (which
//! finds it) and `render` (whose layout shows the user), so neither needs the other.

use portal_core::mfa::factor::SecondFactorState;
use portal_core::session::{Session, SessionToken};
use portal_core::user::User;

/// A session at any level, with its cookie token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: SessionToken,
    pub session: Session,
    pub user: User,
    /// Read with the session: the home page and a code check need nothing more.
    pub second_factor: SecondFactorState,
}
