//! The statements of the hot paths (a second factor checked, a session read, touched or
//! started), as text both backends run: through sqlx on PostgreSQL (`shared.rs`, `sql.rs`) and
//! through the SQLite writer's jobs and readers (`sqlite/hot.rs`). A rule written in SQL here
//! (a code claimed once, the pause re-checked at completion, a wrong code counted only while open) has this one
//! home whichever way it is run. One exception: on PostgreSQL a returning user's verification runs
//! as one function call (migration `0010_verification_in_one_call`, one round trip instead of
//! nine), whose body repeats these statements; the contract test
//! `a_returning_users_code_works_once_and_never_while_paused_or_after_the_session_ended` holds
//! both to the same outcomes.

/// Taken first by every per-user write that also touches factors, sessions or the throttle, so
/// those writes queue on one row in one order (PostgreSQL; on SQLite the write lock orders them).
pub(crate) const LOCK_USER_ROW: &str = "UPDATE users SET mfa_preferred = mfa_preferred WHERE id = $1";

/// A new authenticator replaces the old one (one confirmed factor per method).
pub(crate) const DELETE_OTHER_TOTP: &str =
    "DELETE FROM mfa_factors WHERE user_id = $1 AND method = 'totp' AND id <> $2";

/// `$1` now, `$2` the step, `$3` the factor, `$4` the user, `$5` the oldest a setup may be.
pub(crate) const CONFIRM_TOTP: &str = "UPDATE mfa_factors SET confirmed_at = $1, last_step = $2, last_used_at = $1 \
     WHERE id = $3 AND user_id = $4 AND confirmed_at IS NULL AND created_at > $5";

/// The step is claimed once: `$1` the step, `$2` now, `$3` the factor, `$4` the user.
pub(crate) const CLAIM_TOTP_STEP: &str = "UPDATE mfa_factors SET last_step = $1, last_used_at = $2 \
     WHERE id = $3 AND user_id = $4 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $1)";

/// A texted code is claimed once: `$1` now, `$2` the challenge, `$3` the user, `$4` the most
/// wrong tries it may have had.
pub(crate) const CLAIM_CHALLENGE: &str = "UPDATE sms_challenges SET used_at = $1 \
     WHERE id = $2 AND user_id = $3 AND used_at IS NULL AND voided = 0 AND expires_at > $1 AND wrong_tries < $4";

pub(crate) const DELETE_SMS_FACTORS: &str = "DELETE FROM mfa_factors WHERE user_id = $1 AND method = 'sms'";

pub(crate) const INSERT_FACTOR: &str = "INSERT INTO mfa_factors \
     (id, user_id, method, secret_enc, phone, created_at, confirmed_at, last_step, last_used_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// `$1` now, `$2` the user.
pub(crate) const SMS_FACTOR_USED: &str =
    "UPDATE mfa_factors SET last_used_at = $1 WHERE user_id = $2 AND method = 'sms' AND confirmed_at IS NOT NULL";

/// At completion: the pause and the lock are checked again (a right code still in flight when
/// the account was paused or locked does not win) and the wrong-code count cleared, in one
/// statement. `$1` the user, `$2` now. No row changed: throttled, or no throttle row at all
/// (`THROTTLE_ROW_EXISTS` tells which).
pub(crate) const OPEN_THROTTLE_AT_COMPLETION: &str = "UPDATE mfa_throttles SET failures = 0, paused_until = NULL \
     WHERE user_id = $1 AND locked = 0 AND (paused_until IS NULL OR paused_until <= $2)";

pub(crate) const THROTTLE_ROW_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM mfa_throttles WHERE user_id = $1";

/// `$1` the method (NULL for a recovery code, which keeps the preference), `$2` the user, `$3` now.
pub(crate) const USER_AFTER_SECOND_FACTOR: &str = "UPDATE users SET mfa_preferred = COALESCE($1, mfa_preferred), mfa_deadline = NULL, last_login_at = $3 WHERE id = $2";

/// Counts a wrong code, only while the account is neither locked nor paused at `$2` (now);
/// `$1` the user. No row back: refused, nothing written.
pub(crate) const COUNT_WRONG_CODE: &str = "INSERT INTO mfa_throttles (user_id, failures, locked) VALUES ($1, 1, 0) \
     ON CONFLICT (user_id) DO UPDATE SET failures = mfa_throttles.failures + 1 \
     WHERE mfa_throttles.locked = 0 AND (mfa_throttles.paused_until IS NULL OR mfa_throttles.paused_until <= $2) \
     RETURNING failures";

/// `$1` paused until, `$2` locked, `$3` the user.
pub(crate) const SET_PAUSE: &str = "UPDATE mfa_throttles SET paused_until = $1, locked = $2 WHERE user_id = $3";

pub(crate) const COUNT_WRONG_TRY: &str = "UPDATE sms_challenges SET wrong_tries = wrong_tries + 1 WHERE id = $1";

/// Columns as in `rows::FactorRow`.
pub(crate) const FACTORS_OF: &str = "SELECT id, user_id, method, secret_enc, phone, created_at, confirmed_at, last_step, \
       last_used_at FROM mfa_factors WHERE user_id = $1 ORDER BY created_at";

/// Every confirmed method of `$1` in one read: its confirmed factors and each passkey as a factor
/// row, each row carrying the count of unused recovery codes (what the home page shows).
pub(crate) const METHODS_OF: &str = "SELECT id, user_id, method, secret_enc, phone, created_at, confirmed_at, \
       last_step, last_used_at, \
       (SELECT COUNT(*) FROM mfa_recovery_codes r WHERE r.user_id = $1 AND r.used_at IS NULL) \
       FROM mfa_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL \
     UNION ALL \
     SELECT id, user_id, 'passkey', NULL, NULL, created_at, created_at, NULL, last_used_at, \
       (SELECT COUNT(*) FROM mfa_recovery_codes r WHERE r.user_id = $1 AND r.used_at IS NULL) \
       FROM passkeys WHERE user_id = $1 \
     ORDER BY 6, 1";

/// Columns as in `rows::SecondFactorThrottleRow`.
pub(crate) const SECOND_FACTOR_THROTTLE: &str =
    "SELECT failures, paused_until, locked, refusal_audited_at FROM mfa_throttles WHERE user_id = $1";

// ----- the session view --------------------------------------------------------------------
//
// A signed-in request's one read: its session, the user, the user's second factors (passkeys
// among them, as factors of method `passkey`), the second-factor throttle and the count of
// unused recovery codes. Every part is a lookup by primary key or by user; the order of the
// factors is made by the reader. PostgreSQL answers it as one statement (`SESSION_VIEW`), one
// round trip; SQLite, in process, as two in one read transaction (`SESSION_HEAD` and then
// `SECOND_FACTORS_OF` for its user): the one statement repeats the session's, the user's, the
// throttle's and the codes' lookups for its passkey part, and the two cost 16 % fewer
// instructions (docs/performance.md).

/// The session's columns (`rows::SESSION_COLUMNS`), then the user's (`rows::USER_COLUMNS`): the
/// first 19 of both `rows::SessionViewRow` and `rows::SessionHeadRow`.
macro_rules! session_head_columns {
    () => {
        "s.session_key || '.' || s.secret_hash, s.user_id, s.auth_level, s.csrf_token, s.created_at, s.last_seen_at, \
           s.mfa_verified_at, s.ip, s.user_agent, \
           u.id, u.email, u.name, u.role, u.password_hash, u.created_at, u.mfa_deadline, u.mfa_preferred, \
           u.is_demo, u.language, "
    };
}

/// The throttle's columns (NULL without a row) and the count of unused recovery codes.
macro_rules! session_tail_columns {
    () => {
        "t.failures, t.paused_until, t.locked, t.refusal_audited_at, \
           (SELECT COUNT(*) FROM mfa_recovery_codes r WHERE r.user_id = s.user_id AND r.used_at IS NULL) "
    };
}

/// The session by its id, `$1`, joined to its user and the user's throttle.
macro_rules! session_head_from {
    ($more:literal) => {
        concat!(
            "FROM sessions s JOIN users u ON u.id = s.user_id \
             LEFT JOIN mfa_throttles t ON t.user_id = s.user_id ",
            $more,
            " WHERE s.session_key = substr($1, 1, 16) AND s.secret_hash = substr($1, 18)"
        )
    };
}

/// A factor's columns (`rows::FactorRow`), and a passkey's in the same places.
macro_rules! factor_columns {
    () => {
        "f.id, f.user_id, f.method, f.secret_enc, f.phone, f.created_at, f.confirmed_at, f.last_step, f.last_used_at"
    };
}
macro_rules! passkey_as_factor_columns {
    () => {
        "p.id, p.user_id, 'passkey', NULL, NULL, p.created_at, p.created_at, NULL, p.last_used_at"
    };
}

/// The session view in one statement (`rows::SessionViewRow`): one row per factor (NULL factor
/// columns when there is none) and one per passkey.
pub(crate) const SESSION_VIEW: &str = concat!(
    "SELECT ",
    session_head_columns!(),
    factor_columns!(),
    ", ",
    session_tail_columns!(),
    session_head_from!("LEFT JOIN mfa_factors f ON f.user_id = s.user_id"),
    " UNION ALL SELECT ",
    session_head_columns!(),
    passkey_as_factor_columns!(),
    ", ",
    session_tail_columns!(),
    session_head_from!("JOIN passkeys p ON p.user_id = s.user_id"),
);

/// The session view's first part (`rows::SessionHeadRow`): no row when there is no such session.
pub(crate) const SESSION_HEAD: &str =
    concat!("SELECT ", session_head_columns!(), session_tail_columns!(), session_head_from!(""));

/// The session view's second part: the factors and passkeys of the user `$1` (`rows::FactorRow`).
pub(crate) const SECOND_FACTORS_OF: &str = concat!(
    "SELECT ",
    factor_columns!(),
    " FROM mfa_factors f WHERE f.user_id = $1 UNION ALL SELECT ",
    passkey_as_factor_columns!(),
    " FROM passkeys p WHERE p.user_id = $1"
);

// ----- sessions ------------------------------------------------------------------------------
//
// A session's id (`portal_core::session::SessionIdHash`) is `<key>.<hash of the secret>`, and
// `sessions` keeps it as its two halves: `session_key`, the primary key, which a second factor's
// rotation keeps, and `secret_hash`, which it replaces. A rotation then rewrites the one row
// where it is, instead of moving the session to its new id's place in the index (and the old id
// into an index of its own): on SQLite one page written instead of about five. Every
// statement binds whole ids and splits them here, at the key's length
// (`portal_core::session::SESSION_KEY_CHARS`, 16): `substr(id, 1, 16)` is the key and
// `substr(id, 18)` the hash.

// The statements below are written for keys of this length.
const _: () = assert!(portal_core::session::SESSION_KEY_CHARS == 16);

/// `$1` now, `$2` the session.
pub(crate) const TOUCH_SESSION: &str = "UPDATE sessions SET last_seen_at = $1 \
     WHERE session_key = substr($2, 1, 16) AND secret_hash = substr($2, 18) AND last_seen_at < $1";

/// `$1` to `$9` in `rows::SESSION_COLUMNS` order.
pub(crate) const INSERT_SESSION: &str = "INSERT INTO sessions \
     (session_key, secret_hash, user_id, auth_level, csrf_token, created_at, last_seen_at, mfa_verified_at, ip, user_agent) \
     VALUES (substr($1, 1, 16), substr($1, 18), $2, $3, $4, $5, $6, $7, $8, $9)";

/// A session by its id, `$1`.
pub(crate) static SESSION_BY_ID: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {} FROM sessions WHERE session_key = substr($1, 1, 16) AND secret_hash = substr($1, 18)",
        crate::rows::SESSION_COLUMNS
    )
});

/// Gives the session `$10` (if it is still there, and `$2`'s) the new secret and contents of its
/// successor, `$1`–`$9` as in `INSERT_SESSION`, under the same key (the caller checks
/// `rows::check_successor`). The old secret is kept beside the new one for a sign-out sent with
/// the old cookie (`SIGN_OUT`). No column of an index changes, so the row is rewritten in place.
pub(crate) const ROTATE_SESSION: &str = "UPDATE sessions SET secret_hash = substr($1, 18), auth_level = $3, \
     csrf_token = $4, created_at = $5, last_seen_at = $6, mfa_verified_at = $7, ip = $8, user_agent = $9, \
     replaced_secret_hash = substr($10, 18), replaced_at = $6 \
     WHERE session_key = substr($10, 1, 16) AND secret_hash = substr($10, 18) AND user_id = $2";

/// A sign-out with the cookie `$1`: its session, or the session it was rotated into after `$2`.
pub(crate) const SIGN_OUT: &str = "DELETE FROM sessions WHERE session_key = substr($1, 1, 16) \
     AND (secret_hash = substr($1, 18) OR (replaced_secret_hash = substr($1, 18) AND replaced_at > $2)) \
     RETURNING user_id";

/// The session `$1`, exactly (a sign-in or a passkey ending the browser's previous session).
pub(crate) const DELETE_SESSION: &str =
    "DELETE FROM sessions WHERE session_key = substr($1, 1, 16) AND secret_hash = substr($1, 18)";

/// The session `$1` of the user `$2` (the user ending one of their own sessions).
pub(crate) const END_SESSION_OF: &str =
    "DELETE FROM sessions WHERE session_key = substr($1, 1, 16) AND secret_hash = substr($1, 18) AND user_id = $2";

/// Every session of the user `$1` but the one under the key of `$2`.
pub(crate) const END_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND session_key <> substr($2, 1, 16)";

/// The audit row written in the same transaction as the change it records.
pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log (at, actor, subject_id, subject, action, outcome, ip, user_agent, details) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Uses a recovery code, once: `$1` now, `$2` the code's id, `$3` the user.
pub(crate) const CLAIM_RECOVERY_CODE: &str =
    "UPDATE mfa_recovery_codes SET used_at = $1 WHERE id = $2 AND user_id = $3 AND used_at IS NULL";

/// Claims a passkey ceremony, once ever: `$1` its id, `$2` when it would have expired. One row
/// inserted: this request finishes it.
pub(crate) const CLAIM_CEREMONY: &str =
    "INSERT INTO passkey_ceremonies_used (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";

/// A new passkey, in `rows::PASSKEY_COLUMNS` order.
pub(crate) const INSERT_PASSKEY: &str = "INSERT INTO passkeys (id, user_id, cred_id, name, credential, counter, \
     backup_eligible, backup_state, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// A passkey after use: `$1` the credential, `$2` the counter, `$3` the backup state, `$4` now,
/// `$5` its id, `$6` the user. No row: it was removed meanwhile.
pub(crate) const PASSKEY_USED: &str = "UPDATE passkeys SET credential = $1, counter = $2, backup_state = $3, \
     last_used_at = $4 WHERE id = $5 AND user_id = $6";

// ----- the password's limits (a login's writes) ----------------------------------------------

/// Takes a slot under a limit in one statement: the count is tested and raised under the row's
/// lock (PostgreSQL) or the write lock (SQLite), so racing requests on any instance take at most
/// the limit. A window that has ended starts over with this slot; a full one matches no row,
/// writes nothing and returns nothing. `$1` the key, `$2` now, `$3` when a window that started
/// then or before has ended, `$4` the limit.
pub(crate) const RESERVE_THROTTLE_SLOT: &str = "INSERT INTO throttles (key, started_at, failures) VALUES ($1, $2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
       failures = CASE WHEN throttles.started_at <= $3 THEN 1 ELSE throttles.failures + 1 END, \
       started_at = CASE WHEN throttles.started_at <= $3 THEN $2 ELSE throttles.started_at END \
     WHERE throttles.started_at <= $3 OR throttles.failures < $4 \
     RETURNING started_at, failures";

/// A limit's window: `$1` the key.
pub(crate) const THROTTLE_WINDOW: &str = "SELECT started_at, failures FROM throttles WHERE key = $1";

/// Gives a slot back to the window it was taken from (`$1` the key, `$2` that window's start),
/// never below zero and never to a window that started over since.
pub(crate) const RELEASE_THROTTLE_SLOT: &str =
    "UPDATE throttles SET failures = failures - 1 WHERE key = $1 AND started_at = $2 AND failures > 0";

/// Forgets a limit's window (a right password forgives the account's failures): `$1` the key.
pub(crate) const CLEAR_THROTTLE: &str = "DELETE FROM throttles WHERE key = $1";

/// Notes a sign-in on the account: `$1` when, `$2` the user.
pub(crate) const RECORD_SIGN_IN: &str = "UPDATE users SET last_login_at = $1 WHERE id = $2";

/// A user by their email address: `$1` the address.
pub(crate) static USER_BY_EMAIL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("SELECT {} FROM users WHERE email = $1", crate::rows::USER_COLUMNS));

/// Stores a user's language: `$1` its code, `$2` the user. `SET_LANGUAGE_IF_UNSET` only where
/// the account has none yet.
pub(crate) const SET_LANGUAGE: &str = "UPDATE users SET language = $1 WHERE id = $2";
pub(crate) const SET_LANGUAGE_IF_UNSET: &str = "UPDATE users SET language = $1 WHERE id = $2 AND language IS NULL";

/// The statement that stores `update`.
pub(crate) fn set_language(update: portal_core::language::LanguageUpdate) -> &'static str {
    if update.keep_a_choice { SET_LANGUAGE_IF_UNSET } else { SET_LANGUAGE }
}
