//! Second factors: methods, the second-factor throttle, texted codes and their send log.

use crate::audit::AuditEvent;
use crate::mfa::factor::{ChallengePurpose, Factor, PasskeyUse, SecondFactorCompletion, SmsChallenge};
use crate::mfa::passkey::StoredPasskey;
use crate::mfa::recovery::StoredRecoveryCode;
use crate::mfa::sms_code::{SendRefused, SendRule};
use crate::mfa::throttle::SecondFactorThrottle;
use crate::session::SessionIdHash;
use crate::user::UserId;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreResult;
/// How a second-factor completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionOutcome {
    Completed,
    /// The compare-and-set lost: the code or step was used by another request first.
    ProofTaken,
    /// The account is paused or locked (it changed while the code was being checked).
    Throttled,
    /// The session was ended (sign-out, "end sessions", reset) while the code was checked.
    SessionEnded,
}

#[async_trait]
pub trait MfaStore: Send + Sync {
    /// Every factor of the user, confirmed and pending.
    async fn factors_of(&self, user: &UserId) -> StoreResult<Vec<Factor>>;

    /// Every confirmed method of the user (each passkey as a factor of method `passkey`) and how
    /// many unused recovery codes they have, in one round trip: what a signed-in page shows.
    async fn methods_of(&self, user: &UserId) -> StoreResult<(Vec<Factor>, usize)>;

    /// Stores a pending factor, replacing any pending one of the same method.
    async fn insert_pending_factor(&self, factor: &Factor) -> StoreResult<()>;

    /// In one transaction: the proof's compare-and-set (a code is claimed once), the re-check
    /// that the account is neither paused nor locked, the rotation of the session (which must
    /// still exist: a sign-out or "end sessions" that won the race ends it for good), the factor
    /// change, the reset of the failure count, the preferred method
    /// and the audit row. Anything but `Completed` writes nothing.
    async fn complete_second_factor(&self, completion: &SecondFactorCompletion) -> StoreResult<CompletionOutcome>;

    async fn second_factor_throttle(&self, user: &UserId) -> StoreResult<SecondFactorThrottle>;

    /// Appends `audit` for a refused attempt on a throttled account and notes `now` as the last
    /// audited refusal, but only if no refusal was audited after `audited_before`; a
    /// compare-and-set, so of racing refusals exactly one writes. `true` when it wrote.
    async fn audit_throttled_refusal(
        &self,
        user: &UserId,
        now: OffsetDateTime,
        audited_before: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// In one transaction, only while the account is neither paused nor locked at `now`: counts
    /// a wrong code (and a wrong try on `challenge_id`), applies `schedule` to the new count,
    /// appends `audit`; `Ok` with the new state. While paused or locked nothing is written and
    /// the answer is `Err` with the throttle as it stands. The check and the count are one step
    /// under the user's row lock (and, on SQLite, in the writer's queue order), so of any number
    /// of wrong codes sent at once, exactly the ones up to the pause are counted and judged; the
    /// rest are refused as throttled and tell the sender nothing about their code.
    async fn record_second_factor_failure(
        &self,
        user: &UserId,
        now: OffsetDateTime,
        schedule: fn(u32, OffsetDateTime) -> SecondFactorThrottle,
        challenge_id: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<Result<SecondFactorThrottle, SecondFactorThrottle>>;

    /// Reserves one text before it is sent: in one transaction, serialized with every other
    /// reservation (so the counts cannot change between the check and the write), reads the send
    /// history of `user`, `phone_key` and `ip`, asks `rule` whether another send is allowed, and
    /// if so records the send. `Ok(id)` of the recorded send, or the rule's refusal.
    async fn reserve_sms_send(
        &self,
        user: &UserId,
        phone_key: &str,
        ip: Option<&str>,
        now: OffsetDateTime,
        rule: SendRule,
    ) -> StoreResult<Result<i64, SendRefused>>;

    /// Gives a reserved send back (the provider did not take the text).
    async fn release_sms_send(&self, id: i64) -> StoreResult<()>;

    /// After a text was sent, in one transaction: voids the session's older codes for the same
    /// purpose and stores the challenge.
    async fn insert_sms_challenge(&self, challenge: &SmsChallenge, expires_at: OffsetDateTime) -> StoreResult<()>;

    /// The newest challenge sent for `session` with `purpose`.
    async fn latest_sms_challenge(
        &self,
        session: &SessionIdHash,
        purpose: ChallengePurpose,
    ) -> StoreResult<Option<SmsChallenge>>;

    /// Removes the user's factor of `method`, with its audit row; `false` if there was none, or
    /// if `keep_one` is set and it is the user's last confirmed factor. The check and the delete
    /// happen under the user row's lock, so two removals at once cannot both succeed.
    async fn delete_factor(
        &self,
        user: &UserId,
        method: crate::mfa::Method,
        keep_one: bool,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// The user's current set of recovery codes, used and unused.
    async fn recovery_codes(&self, user: &UserId) -> StoreResult<Vec<StoredRecoveryCode>>;

    /// In one transaction: voids every recovery code of the user, stores `codes` (may be
    /// empty), appends `audit`.
    async fn replace_recovery_codes(
        &self,
        user: &UserId,
        codes: &[StoredRecoveryCode],
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// The user's passkeys, oldest first.
    async fn passkeys_of(&self, user: &UserId) -> StoreResult<Vec<StoredPasskey>>;

    /// The passkey with this credential id (base64url), whoever's it is.
    async fn passkey_by_cred_id(&self, cred_id: &str) -> StoreResult<Option<StoredPasskey>>;

    /// Renames the user's passkey `id`, with `audit`; `false` if they have none by that id.
    async fn rename_passkey(&self, user: &UserId, id: &str, name: &str, audit: &AuditEvent) -> StoreResult<bool>;

    /// Removes the user's passkey `id`, with its audit row; `false` if there is none, or if
    /// `keep_one` is set and it is the user's last method (passkey or factor). Checked and
    /// deleted under the user row's lock, as `delete_factor`.
    async fn delete_passkey(&self, user: &UserId, id: &str, keep_one: bool, audit: &AuditEvent) -> StoreResult<bool>;

    /// "Sign in with a passkey", in one transaction: claims the ceremony `ceremony` (once ever),
    /// moves the passkey's counter on (it must still exist), replaces the browser's `replaced`
    /// session (if any) with `session`, notes the sign-in, appends `audit`. `false`, writing
    /// nothing, when the ceremony was claimed already or the passkey is gone.
    #[allow(clippy::too_many_arguments)]
    async fn complete_passkey_login(
        &self,
        ceremony: &str,
        ceremony_expires_at: OffsetDateTime,
        used: &PasskeyUse,
        session: &crate::session::Session,
        replaced: Option<&SessionIdHash>,
        now: OffsetDateTime,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}
