-- A session is found by a key that its rotations keep, and its secret's hash is a column beside
-- it (`crates/store/src/queries.rs`, "sessions"): a second factor's rotation rewrites the row's
-- secret (a HOT update, no index touched) instead of giving the row a new primary key and noting
-- the old id in an index of its own. Cookies issued before hold no key, so the sessions they name
-- end here: everyone signs in again once.
DROP TABLE sessions;
CREATE TABLE sessions (
    session_key          TEXT NOT NULL PRIMARY KEY,
    secret_hash          TEXT NOT NULL,
    user_id              TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_level           TEXT NOT NULL,
    csrf_token           TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    last_seen_at         BIGINT NOT NULL,
    mfa_verified_at      BIGINT,
    ip                   TEXT,
    user_agent           TEXT,
    -- The secret before the last rotation, and when that was: a sign-out sent with the cookie of
    -- a moment before still ends the session, for a short while.
    replaced_secret_hash TEXT,
    replaced_at          BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The one-call verification, over the new columns (`p_old_session` and `p_session_id` are whole
-- ids, split as every statement splits them). The session keeps its key and user.
CREATE OR REPLACE FUNCTION portal_complete_verification(
    p_user TEXT, p_now BIGINT, p_method TEXT,
    p_factor TEXT, p_step BIGINT,
    p_challenge TEXT, p_max_wrong_tries BIGINT,
    p_old_session TEXT,
    p_session_id TEXT, p_session_user TEXT, p_auth_level TEXT, p_csrf_token TEXT, p_created_at BIGINT,
    p_last_seen_at BIGINT, p_mfa_verified_at BIGINT, p_ip TEXT, p_user_agent TEXT,
    p_audit_at BIGINT, p_actor TEXT, p_subject_id TEXT, p_subject TEXT, p_action TEXT, p_outcome TEXT,
    p_audit_ip TEXT, p_audit_user_agent TEXT, p_details TEXT
) RETURNS TEXT LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET mfa_preferred = mfa_preferred WHERE id = p_user;
    -- The proof is still unused (a code is claimed once).
    IF p_challenge IS NULL THEN
        PERFORM 1 FROM mfa_factors
         WHERE id = p_factor AND user_id = p_user AND confirmed_at IS NOT NULL
           AND (last_step IS NULL OR last_step < p_step)
           FOR UPDATE;
    ELSE
        PERFORM 1 FROM sms_challenges
         WHERE id = p_challenge AND user_id = p_user AND used_at IS NULL AND voided = 0
           AND expires_at > p_now AND wrong_tries < p_max_wrong_tries
           FOR UPDATE;
    END IF;
    IF NOT FOUND THEN
        RETURN 'proof_taken';
    END IF;
    -- Neither paused nor locked now (a right code in flight when the account was paused does not win).
    IF EXISTS (SELECT 1 FROM mfa_throttles
                WHERE user_id = p_user AND (locked <> 0 OR (paused_until IS NOT NULL AND paused_until > p_now))) THEN
        RETURN 'throttled';
    END IF;
    -- The session still exists (a sign-out or reset that won the race ends the sign-in for good).
    PERFORM 1 FROM sessions
     WHERE session_key = substr(p_old_session, 1, 16) AND secret_hash = substr(p_old_session, 18)
       AND user_id = p_session_user
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'session_ended';
    END IF;
    IF p_challenge IS NULL THEN
        UPDATE mfa_factors SET last_step = p_step, last_used_at = p_now WHERE id = p_factor;
    ELSE
        UPDATE sms_challenges SET used_at = p_now WHERE id = p_challenge;
        UPDATE mfa_factors SET last_used_at = p_now
         WHERE user_id = p_user AND method = 'sms' AND confirmed_at IS NOT NULL;
    END IF;
    UPDATE mfa_throttles SET failures = 0, paused_until = NULL WHERE user_id = p_user;
    UPDATE sessions SET secret_hash = substr(p_session_id, 18), auth_level = p_auth_level,
           csrf_token = p_csrf_token, created_at = p_created_at, last_seen_at = p_last_seen_at,
           mfa_verified_at = p_mfa_verified_at, ip = p_ip, user_agent = p_user_agent,
           replaced_secret_hash = substr(p_old_session, 18), replaced_at = p_last_seen_at
     WHERE session_key = substr(p_old_session, 1, 16) AND secret_hash = substr(p_old_session, 18);
    UPDATE users SET mfa_preferred = p_method, mfa_deadline = NULL, last_login_at = p_now WHERE id = p_user;
    INSERT INTO audit_log (at, actor, subject_id, subject, action, outcome, ip, user_agent, details)
    VALUES (p_audit_at, p_actor, p_subject_id, p_subject, p_action, p_outcome, p_audit_ip, p_audit_user_agent, p_details);
    RETURN 'completed';
END;
$$;
