//! A live session as one read gives it (`Store::session_view`): what a signed-in request needs
//! to know about who is asking, read once.

use crate::mfa::factor::SecondFactorState;
use crate::session::Session;
use crate::user::User;

/// The session, its user and the user's second factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    pub session: Session,
    pub user: User,
    pub second_factor: SecondFactorState,
}
