//! The storage port: every piece of state the portal keeps, as one trait composed of one trait
//! per area, each in its own module beside the types it stores. `portal-store` implements them
//! for SQLite and PostgreSQL; each method that changes more than one row is one transaction, so a
//! crash mid-request never leaves half an operation behind.

mod accounts;
mod audit;
mod claims;
mod devices;
mod limits;
mod mfa;
mod sessions;
mod support;

pub use accounts::AccountStore;
pub use audit::AuditStore;
pub use claims::ClaimStore;
pub use devices::DeviceStore;
pub use limits::LimitStore;
pub use mfa::{CompletionOutcome, MfaStore};
pub use sessions::{PasswordSignIn, SessionStore};
pub use support::SupportStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the string names what (e.g. "email").
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Too many writes are waiting: refused at once rather than queued without bound. The
    /// request may be repeated in a moment (503 with `Retry-After`).
    #[error("the database is busy; try again in a moment")]
    Busy,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the portal stores. A `dyn Store` reaches every area's methods without importing
/// the area traits. An adapter implements each area, then declares `impl Store for … {}`.
/// How busy the database connections are (metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreLoad {
    pub connections_in_use: usize,
    pub connections_idle: usize,
    /// Hot writes queued for SQLite's one writer (0 on PostgreSQL, which has no such queue).
    pub write_queue: usize,
}

pub trait Store:
    AccountStore
    + SessionStore
    + LimitStore
    + MfaStore
    + SupportStore
    + AuditStore
    + ClaimStore
    + DeviceStore
    + Send
    + Sync
    + std::fmt::Debug
{
}
