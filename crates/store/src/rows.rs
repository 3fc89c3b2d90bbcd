//! Rows as both backends return them, for `shared.rs` and `claims.rs`, and their conversion to
//! domain types. Queries select columns in the order these tuples list them.

use portal_core::audit::{AuditEvent, AuditRecord, Outcome};
use portal_core::device::RememberedDevice;
use portal_core::email::Email;
use portal_core::inventory::{
    Attachment, AttachmentId, AttachmentKind, Claim, ClaimId, ClaimStatus, ClaimSummary, Condition, Item, ItemFields,
    ItemId, StatusChange,
};
use portal_core::language::Language;
use portal_core::mfa::Method;
use portal_core::mfa::factor::{ChallengePurpose, Factor, FactorId, SecondFactorState, SmsChallenge};
use portal_core::mfa::passkey::StoredPasskey;
use portal_core::mfa::recovery::StoredRecoveryCode;
use portal_core::mfa::throttle::SecondFactorThrottle;
use portal_core::password::PasswordHashString;
use portal_core::session::{AuthLevel, Session, SessionIdHash};
use portal_core::session_view::SessionView;
use portal_core::sms::PhoneE164;
use portal_core::store::StoreError;
use portal_core::throttle::ThrottleWindow;
use portal_core::user::{DisplayName, Role, User, UserId};
use time::{Date, OffsetDateTime};

pub(crate) const USER_COLUMNS: &str =
    "id, email, name, role, password_hash, created_at, mfa_deadline, mfa_preferred, is_demo, language";
pub(crate) type UserRow =
    (String, String, String, String, String, i64, Option<String>, Option<String>, i64, Option<String>);

pub(crate) type FactorRow =
    (String, String, String, Option<Vec<u8>>, Option<String>, i64, Option<i64>, Option<i64>, Option<i64>);

pub(crate) const CHALLENGE_COLUMNS: &str =
    "id, user_id, session_id, purpose, phone, code_hash, created_at, wrong_tries, used_at, voided";
pub(crate) type ChallengeRow = (String, String, String, String, String, String, i64, i64, Option<i64>, i64);

/// The first column is the session's id, put together from its halves (`queries.rs`, "sessions").
pub(crate) const SESSION_COLUMNS: &str = "session_key || '.' || secret_hash, user_id, auth_level, csrf_token, \
     created_at, last_seen_at, mfa_verified_at, ip, user_agent";
pub(crate) type SessionRow = (String, String, String, String, i64, i64, Option<i64>, Option<String>, Option<String>);

pub(crate) const AUDIT_COLUMNS: &str = "seq, at, actor, subject_id, subject, action, outcome, ip, user_agent, details";
pub(crate) type AuditRow =
    (i64, i64, Option<String>, Option<String>, Option<String>, String, String, Option<String>, Option<String>, String);

pub(crate) const DEVICE_COLUMNS: &str = "id, user_id, token_hash, user_agent, created_at, last_used_at, expires_at";
pub(crate) type DeviceRow = (String, String, String, Option<String>, i64, i64, i64);

pub(crate) const RECOVERY_CODE_COLUMNS: &str = "id, user_id, code_hash, created_at, used_at";
pub(crate) type RecoveryCodeRow = (String, String, String, i64, Option<i64>);

pub(crate) const PASSKEY_COLUMNS: &str =
    "id, user_id, cred_id, name, credential, counter, backup_eligible, backup_state, created_at, last_used_at";
pub(crate) type PasskeyRow = (String, String, String, String, String, i64, i64, i64, i64, Option<i64>);

pub(crate) fn passkey(row: PasskeyRow) -> Result<StoredPasskey, StoreError> {
    let (id, user_id, cred_id, name, credential, counter, backup_eligible, backup_state, created_at, last_used_at) =
        row;
    Ok(StoredPasskey {
        id,
        user_id: UserId::from_stored(user_id),
        cred_id,
        name,
        credential,
        counter: u32::try_from(counter).map_err(|_| StoreError::Corrupt(format!("passkey counter {counter}")))?,
        backup_eligible: backup_eligible != 0,
        backup_state: backup_state != 0,
        created_at: from_ts(created_at)?,
        last_used_at: last_used_at.map(from_ts).transpose()?,
    })
}

pub(crate) fn device(row: DeviceRow) -> Result<RememberedDevice, StoreError> {
    let (id, user_id, token_hash, user_agent, created_at, last_used_at, expires_at) = row;
    Ok(RememberedDevice {
        id,
        user_id: UserId::from_stored(user_id),
        token_hash,
        user_agent,
        created_at: from_ts(created_at)?,
        last_used_at: from_ts(last_used_at)?,
        expires_at: from_ts(expires_at)?,
    })
}

pub(crate) fn recovery_code(row: RecoveryCodeRow) -> Result<StoredRecoveryCode, StoreError> {
    let (id, user_id, code_hash, created_at, used_at) = row;
    Ok(StoredRecoveryCode {
        id,
        user_id: UserId::from_stored(user_id),
        code_hash,
        created_at: from_ts(created_at)?,
        used_at: used_at.map(from_ts).transpose()?,
    })
}

/// A rotation rewrites the old session's row in place, so the new session must be its
/// successor (`Session::succeed`): the same key and the same user. Anything else is a caller's
/// mistake, refused before anything is written.
pub(crate) fn check_successor(old: &SessionIdHash, new: &Session, user: &UserId) -> Result<(), StoreError> {
    if new.id.key() == old.key() && new.id != *old && new.user_id == *user {
        Ok(())
    } else {
        Err(StoreError::Corrupt("a rotated session must keep its key and its user, with a new secret".into()))
    }
}

pub(crate) fn ts(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn from_ts(secs: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(secs).map_err(|e| StoreError::Corrupt(format!("timestamp {secs}: {e}")))
}

pub(crate) fn user(row: UserRow) -> Result<User, StoreError> {
    let (id, email, name, role, password_hash, created_at, mfa_deadline, mfa_preferred, is_demo, language) = row;
    Ok(User {
        id: UserId::from_stored(id),
        email: Email::parse(&email).map_err(|e| StoreError::Corrupt(format!("email: {e}")))?,
        name: DisplayName::from_stored(name),
        role: role.parse::<Role>().map_err(|e| StoreError::Corrupt(e.to_string()))?,
        password_hash: PasswordHashString(password_hash),
        created_at: from_ts(created_at)?,
        mfa_deadline: mfa_deadline.as_deref().map(date).transpose()?,
        mfa_preferred: mfa_preferred.as_deref().and_then(Method::parse),
        demo: is_demo != 0,
        language: language.as_deref().and_then(Language::from_code),
    })
}

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(crate) fn date_text(d: Date) -> String {
    d.format(DATE_FORMAT).unwrap_or_default()
}

fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text, DATE_FORMAT).map_err(|e| StoreError::Corrupt(format!("date {text:?}: {e}")))
}

fn method(text: &str) -> Result<Method, StoreError> {
    Method::parse(text).ok_or_else(|| StoreError::Corrupt(format!("method {text:?}")))
}

/// A factor row with the user's count of unused recovery codes (`queries::METHODS_OF`).
pub(crate) type MethodRow =
    (String, String, String, Option<Vec<u8>>, Option<String>, i64, Option<i64>, Option<i64>, Option<i64>, i64);

/// The rows of `queries::METHODS_OF`: the methods, and the unused recovery codes (0 without rows).
pub(crate) fn methods(found: Vec<MethodRow>) -> Result<(Vec<Factor>, usize), StoreError> {
    let left = found.first().map_or(0, |r| usize::try_from(r.9).unwrap_or(0));
    let factors = found
        .into_iter()
        .map(|(a, b, c, d, e, f, g, h, i, _)| factor((a, b, c, d, e, f, g, h, i)))
        .collect::<Result<_, _>>()?;
    Ok((factors, left))
}

pub(crate) fn factor(row: FactorRow) -> Result<Factor, StoreError> {
    let (id, user_id, method_text, secret_enc, phone, created_at, confirmed_at, last_step, last_used_at) = row;
    Ok(Factor {
        id: FactorId::from_stored(id),
        user_id: UserId::from_stored(user_id),
        method: method(&method_text)?,
        secret_enc,
        phone: phone.map(PhoneE164::from_stored),
        created_at: from_ts(created_at)?,
        confirmed_at: confirmed_at.map(from_ts).transpose()?,
        last_step,
        last_used_at: last_used_at.map(from_ts).transpose()?,
    })
}

pub(crate) fn challenge(row: ChallengeRow) -> Result<SmsChallenge, StoreError> {
    let (id, user_id, session_id, purpose, phone, code_hash, created_at, wrong_tries, used_at, voided) = row;
    Ok(SmsChallenge {
        id,
        user_id: UserId::from_stored(user_id),
        session_id: SessionIdHash::from_stored(session_id),
        purpose: ChallengePurpose::parse(&purpose)
            .ok_or_else(|| StoreError::Corrupt(format!("purpose {purpose:?}")))?,
        phone: PhoneE164::from_stored(phone),
        code_hash,
        created_at: from_ts(created_at)?,
        wrong_tries: u32::try_from(wrong_tries).unwrap_or(u32::MAX),
        used: used_at.is_some(),
        voided: voided != 0,
    })
}

pub(crate) type SecondFactorThrottleRow = (i64, Option<i64>, i64, Option<i64>);

pub(crate) fn second_factor_throttle(row: Option<SecondFactorThrottleRow>) -> Result<SecondFactorThrottle, StoreError> {
    let Some((failures, paused_until, locked, refusal_audited_at)) = row else {
        return Ok(SecondFactorThrottle::default());
    };
    Ok(SecondFactorThrottle {
        consecutive_failures: u32::try_from(failures).unwrap_or(u32::MAX),
        paused_until: paused_until.map(from_ts).transpose()?,
        locked: locked != 0,
        refusal_audited_at: refusal_audited_at.map(from_ts).transpose()?,
    })
}

/// Factor columns (NULL when the user has no factor) then throttle columns (NULL without a row).
pub(crate) type FactorAndThrottleRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Splits the rows of the one-query factors-and-throttle read; the throttle repeats on each row.
pub(crate) fn factors_and_throttle(
    found: Vec<FactorAndThrottleRow>,
) -> Result<(Vec<Factor>, SecondFactorThrottle), StoreError> {
    let mut factors = Vec::with_capacity(found.len());
    let mut throttle = None;
    for (
        id,
        user_id,
        method,
        secret_enc,
        phone,
        created_at,
        confirmed_at,
        last_step,
        last_used_at,
        failures,
        paused,
        locked,
        audited,
    ) in found
    {
        if let (Some(id), Some(user_id), Some(method), Some(created_at)) = (id, user_id, method, created_at) {
            factors.push(factor((
                id,
                user_id,
                method,
                secret_enc,
                phone,
                created_at,
                confirmed_at,
                last_step,
                last_used_at,
            ))?);
        }
        if throttle.is_none() {
            throttle = failures.map(|f| (f, paused, locked.unwrap_or(0), audited));
        }
    }
    Ok((factors, second_factor_throttle(throttle)?))
}

/// A row of `queries::SESSION_VIEW`: the session, the user, one factor with the throttle (as in
/// `FactorAndThrottleRow`), and the count of unused recovery codes.
pub(crate) type SessionViewRow = (SessionRow, UserRow, FactorAndThrottleRow, i64);

/// Reads the session's and the user's columns, the first 19 of a `SessionViewRow` and of a
/// `SessionHeadRow` (`queries`, `session_head_columns!`), as their two tuples, by column index
/// from a row of either driver: `$get` is its by-index getter (`get` for rusqlite, `try_get` for
/// sqlx), used where `?` returns its error.
macro_rules! session_and_user_row {
    ($row:expr, $get:ident) => {
        (
            (
                $row.$get(0)?,
                $row.$get(1)?,
                $row.$get(2)?,
                $row.$get(3)?,
                $row.$get(4)?,
                $row.$get(5)?,
                $row.$get(6)?,
                $row.$get(7)?,
                $row.$get(8)?,
            ),
            (
                $row.$get(9)?,
                $row.$get(10)?,
                $row.$get(11)?,
                $row.$get(12)?,
                $row.$get(13)?,
                $row.$get(14)?,
                $row.$get(15)?,
                $row.$get(16)?,
                $row.$get(17)?,
                $row.$get(18)?,
            ),
        )
    };
}
pub(crate) use session_and_user_row;

/// Reads a `SessionViewRow`, its first columns by `session_and_user_row!`. 33 columns:
/// more than either driver decodes as one tuple.
macro_rules! session_view_row {
    ($row:expr, $get:ident) => {{
        let (session, user) = $crate::rows::session_and_user_row!($row, $get);
        (
            session,
            user,
            (
                $row.$get(19)?,
                $row.$get(20)?,
                $row.$get(21)?,
                $row.$get(22)?,
                $row.$get(23)?,
                $row.$get(24)?,
                $row.$get(25)?,
                $row.$get(26)?,
                $row.$get(27)?,
                $row.$get(28)?,
                $row.$get(29)?,
                $row.$get(30)?,
                $row.$get(31)?,
            ),
            $row.$get(32)?,
        )
    }};
}
pub(crate) use session_view_row;

/// The rows of `queries::SESSION_VIEW` as a `SessionView`; `None` without rows (no such session).
pub(crate) fn session_view(found: Vec<SessionViewRow>) -> Result<Option<SessionView>, StoreError> {
    let mut found = found.into_iter();
    let Some((session_row, user_row, first, recovery_codes_left)) = found.next() else {
        return Ok(None);
    };
    let factor_rows: Vec<FactorAndThrottleRow> = std::iter::once(first).chain(found.map(|(_, _, f, _)| f)).collect();
    let (factors, throttle) = factors_and_throttle(factor_rows)?;
    assemble_session_view(session_row, user_row, factors, throttle, recovery_codes_left).map(Some)
}

/// `queries::SESSION_HEAD`'s row: the session, the user, the throttle's columns (NULL without a
/// row) and the count of unused recovery codes.
pub(crate) type SessionHeadRow = (SessionRow, UserRow, (Option<i64>, Option<i64>, Option<i64>, Option<i64>), i64);

/// Reads a `SessionHeadRow` as `session_view_row!` does: its first columns by `session_and_user_row!`.
macro_rules! session_head_row {
    ($row:expr, $get:ident) => {{
        let (session, user) = $crate::rows::session_and_user_row!($row, $get);
        (session, user, ($row.$get(19)?, $row.$get(20)?, $row.$get(21)?, $row.$get(22)?), $row.$get(23)?)
    }};
}
pub(crate) use session_head_row;

/// The session view read in two parts: `queries::SESSION_HEAD`'s row and the user's factors
/// (`queries::SECOND_FACTORS_OF`).
pub(crate) fn session_view_of(head: SessionHeadRow, factor_rows: Vec<FactorRow>) -> Result<SessionView, StoreError> {
    let (session_row, user_row, (failures, paused, locked, audited), recovery_codes_left) = head;
    let factors = factor_rows.into_iter().map(factor).collect::<Result<Vec<_>, _>>()?;
    let throttle = second_factor_throttle(failures.map(|f| (f, paused, locked.unwrap_or(0), audited)))?;
    assemble_session_view(session_row, user_row, factors, throttle, recovery_codes_left)
}

fn assemble_session_view(
    session_row: SessionRow,
    user_row: UserRow,
    mut factors: Vec<Factor>,
    throttle: SecondFactorThrottle,
    recovery_codes_left: i64,
) -> Result<SessionView, StoreError> {
    // Oldest first, whichever table a factor came from.
    factors.sort_by(|a, b| (a.created_at, a.id.as_str()).cmp(&(b.created_at, b.id.as_str())));
    Ok(SessionView {
        session: session(session_row)?,
        user: user(user_row)?,
        second_factor: SecondFactorState {
            factors,
            throttle,
            recovery_codes_left: usize::try_from(recovery_codes_left).unwrap_or(0),
        },
    })
}

/// A policyholder without a second factor: id, email, name, created, support-set deadline and
/// when it was set.
pub(crate) type ReminderCandidateRow = (String, String, String, i64, Option<String>, Option<i64>, Option<String>);

pub(crate) fn reminder_candidate(
    row: ReminderCandidateRow,
) -> Result<portal_core::mfa::reminder::ReminderCandidate, StoreError> {
    let (id, email, name, created_at, mfa_deadline, set_at, language) = row;
    Ok(portal_core::mfa::reminder::ReminderCandidate {
        user_id: UserId::from_stored(id),
        email: Email::parse(&email).map_err(|e| StoreError::Corrupt(format!("email: {e}")))?,
        name: DisplayName::from_stored(name),
        created_at: from_ts(created_at)?,
        mfa_deadline: mfa_deadline.as_deref().map(date).transpose()?,
        mfa_deadline_set_at: set_at.map(from_ts).transpose()?,
        language: language.as_deref().and_then(Language::from_code),
    })
}

/// The policyholder grouping buckets creation times by this many seconds: a quarter hour, the
/// unit of every time zone's offset.
pub(crate) const CREATION_BUCKET_SECONDS: i64 = 900;

/// A row of the policyholder grouping: the creation bucket (quarter hours since the epoch), the
/// support-set deadline, enrolled, locked, how many.
pub(crate) fn policyholder_group(
    row: (i64, Option<String>, i64, i64, i64),
) -> Result<portal_core::overview::PolicyholderGroup, StoreError> {
    let (bucket, mfa_deadline, enrolled, locked, count) = row;
    Ok(portal_core::overview::PolicyholderGroup {
        created_around: from_ts(bucket.saturating_mul(CREATION_BUCKET_SECONDS))?,
        mfa_deadline: mfa_deadline.as_deref().map(date).transpose()?,
        enrolled: enrolled != 0,
        locked: locked != 0,
        count: u64::try_from(count).unwrap_or(0),
    })
}

pub(crate) fn session(row: SessionRow) -> Result<Session, StoreError> {
    let (id, user_id, level, csrf_token, created_at, last_seen_at, mfa_verified_at, ip, user_agent) = row;
    Ok(Session {
        id: SessionIdHash::from_stored(id),
        user_id: UserId::from_stored(user_id),
        auth_level: AuthLevel::parse(&level).ok_or_else(|| StoreError::Corrupt(format!("auth level {level:?}")))?,
        csrf_token,
        created_at: from_ts(created_at)?,
        last_seen_at: from_ts(last_seen_at)?,
        mfa_verified_at: mfa_verified_at.map(from_ts).transpose()?,
        ip,
        user_agent,
    })
}

pub(crate) fn throttle((started_at, failures): (i64, i64)) -> Result<ThrottleWindow, StoreError> {
    Ok(ThrottleWindow { started_at: from_ts(started_at)?, failures: u32::try_from(failures).unwrap_or(u32::MAX) })
}

pub(crate) fn outcome(s: &str) -> Result<Outcome, StoreError> {
    match s {
        "success" => Ok(Outcome::Success),
        "failure" => Ok(Outcome::Failure),
        "refused" => Ok(Outcome::Refused),
        other => Err(StoreError::Corrupt(format!("outcome {other:?}"))),
    }
}

pub(crate) fn audit(row: AuditRow) -> Result<AuditRecord, StoreError> {
    let (seq, at, actor, subject_id, subject, action, outcome_text, ip, user_agent, details) = row;
    Ok(AuditRecord {
        seq,
        event: AuditEvent {
            at: from_ts(at)?,
            actor,
            subject_id: subject_id.map(UserId::from_stored),
            subject,
            action,
            outcome: outcome(&outcome_text)?,
            ip,
            user_agent,
            details: serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(format!("audit details: {e}")))?,
        },
    })
}

pub(crate) type OverviewRow =
    (String, String, String, String, i64, Option<String>, i64, i64, i64, i64, Option<i64>, i64);

pub(crate) fn overview(row: OverviewRow) -> Result<portal_core::console::MfaOverview, StoreError> {
    let (
        id,
        email,
        name,
        role,
        created_at,
        mfa_deadline,
        has_totp,
        has_sms,
        has_passkey,
        locked,
        last_login_at,
        is_demo,
    ) = row;
    Ok(portal_core::console::MfaOverview {
        user_id: UserId::from_stored(id),
        email,
        name,
        role: role.parse::<Role>().map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_at: from_ts(created_at)?,
        mfa_deadline: mfa_deadline.as_deref().map(date).transpose()?,
        has_totp: has_totp != 0,
        has_sms: has_sms != 0,
        has_passkey: has_passkey != 0,
        locked: locked != 0,
        last_login_at: last_login_at.map(from_ts).transpose()?,
        demo: is_demo != 0,
    })
}

// The inventory's rows are structs: their many columns read better by name than by position.

pub(crate) const CLAIM_SELECT: &str = "SELECT c.id, c.claim_number, c.loss_date, c.loss_address, c.status, \
     c.policyholder_id, c.adjuster_id, c.created_at, c.updated_at, p.name AS policyholder_name, \
     p.email AS policyholder_email, a.name AS adjuster_name, \
     (SELECT COUNT(*) FROM claim_items i WHERE i.claim_id = c.id) AS item_count, \
     (SELECT CAST(COALESCE(SUM(i.quantity * i.cost_cents), 0) AS BIGINT) FROM claim_items i WHERE i.claim_id = c.id) AS total_cents \
     FROM claims c JOIN users p ON p.id = c.policyholder_id JOIN users a ON a.id = c.adjuster_id";

#[derive(sqlx::FromRow)]
pub(crate) struct ClaimRow {
    id: String,
    claim_number: String,
    loss_date: String,
    loss_address: String,
    status: String,
    policyholder_id: String,
    adjuster_id: String,
    created_at: i64,
    updated_at: i64,
    policyholder_name: String,
    policyholder_email: String,
    adjuster_name: String,
    item_count: i64,
    total_cents: i64,
}

fn status(text: &str) -> Result<ClaimStatus, StoreError> {
    ClaimStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("claim status {text:?}")))
}

pub(crate) fn claim(row: ClaimRow) -> Result<ClaimSummary, StoreError> {
    Ok(ClaimSummary {
        claim: Claim {
            id: ClaimId::from_stored(row.id),
            claim_number: row.claim_number,
            loss_date: Date::parse(&row.loss_date, DATE_FORMAT)
                .map_err(|e| StoreError::Corrupt(format!("loss date {:?}: {e}", row.loss_date)))?,
            loss_address: row.loss_address,
            status: status(&row.status)?,
            policyholder_id: UserId::from_stored(row.policyholder_id),
            adjuster_id: UserId::from_stored(row.adjuster_id),
            created_at: from_ts(row.created_at)?,
            updated_at: from_ts(row.updated_at)?,
        },
        policyholder_name: row.policyholder_name,
        policyholder_email: row.policyholder_email,
        adjuster_name: row.adjuster_name,
        item_count: row.item_count,
        total_cents: row.total_cents,
    })
}

pub(crate) const ITEM_COLUMNS: &str = "id, claim_id, seq_no, description, brand, model, quantity, age_years, age_months, \
     item_condition, cost_cents, business_use, room, category, notes, adjuster_comment, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ItemRow {
    id: String,
    claim_id: String,
    seq_no: i64,
    description: String,
    brand: String,
    model: String,
    quantity: i64,
    age_years: i64,
    age_months: i64,
    item_condition: String,
    cost_cents: i64,
    business_use: i64,
    room: String,
    category: String,
    notes: String,
    adjuster_comment: String,
    created_at: i64,
    updated_at: i64,
}

pub(crate) fn item(row: ItemRow) -> Result<Item, StoreError> {
    Ok(Item {
        id: ItemId::from_stored(row.id),
        claim_id: ClaimId::from_stored(row.claim_id),
        seq_no: row.seq_no,
        fields: ItemFields {
            description: row.description,
            brand: row.brand,
            model: row.model,
            quantity: row.quantity,
            age_years: row.age_years,
            age_months: row.age_months,
            condition: Condition::parse(&row.item_condition)
                .ok_or_else(|| StoreError::Corrupt(format!("condition {:?}", row.item_condition)))?,
            replacement_cost_cents: row.cost_cents,
            business_use: row.business_use != 0,
            room: row.room,
            category: row.category,
            notes: row.notes,
        },
        adjuster_comment: row.adjuster_comment,
        created_at: from_ts(row.created_at)?,
        updated_at: from_ts(row.updated_at)?,
    })
}

pub(crate) const ATTACHMENT_COLUMNS: &str =
    "id, claim_id, item_id, kind, file_name, size_bytes, sha256, has_thumbnail, uploaded_by, created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct AttachmentRow {
    id: String,
    claim_id: String,
    item_id: String,
    kind: String,
    file_name: String,
    size_bytes: i64,
    sha256: String,
    has_thumbnail: i64,
    uploaded_by: String,
    created_at: i64,
}

pub(crate) fn attachment(row: AttachmentRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: AttachmentId::from_stored(row.id),
        claim_id: ClaimId::from_stored(row.claim_id),
        item_id: ItemId::from_stored(row.item_id),
        kind: AttachmentKind::parse(&row.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("attachment kind {:?}", row.kind)))?,
        file_name: row.file_name,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        has_thumbnail: row.has_thumbnail != 0,
        uploaded_by: UserId::from_stored(row.uploaded_by),
        created_at: from_ts(row.created_at)?,
    })
}

pub(crate) type HistoryRow = (i64, Option<String>, String, String, String);

pub(crate) fn history(row: HistoryRow) -> Result<StatusChange, StoreError> {
    let (at, from, to, actor, message) = row;
    Ok(StatusChange {
        at: from_ts(at)?,
        from: from.as_deref().map(status).transpose()?,
        to: status(&to)?,
        actor,
        message,
    })
}
