-- A returning user's second factor (the app's step or a texted code) checked and recorded in one
-- round trip, instead of BEGIN, seven statements and COMMIT: with PostgreSQL on the same cores as
-- the portal, the round trips were most of what a verification cost. The rules are the ones
-- SQLite runs as a writer job (crates/store/src/queries.rs), in the same order of locks every
-- per-user writer follows (the user's row, then the session's). Every condition is checked before
-- anything is written, so an outcome other than 'completed' changes nothing.
-- Returns 'completed', 'proof_taken', 'throttled' or 'session_ended' (`CompletionOutcome`).
CREATE FUNCTION portal_complete_verification(
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
    PERFORM 1 FROM sessions WHERE id_hash = p_old_session FOR UPDATE;
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
    UPDATE sessions SET id_hash = p_session_id, user_id = p_session_user, auth_level = p_auth_level,
           csrf_token = p_csrf_token, created_at = p_created_at, last_seen_at = p_last_seen_at,
           mfa_verified_at = p_mfa_verified_at, ip = p_ip, user_agent = p_user_agent,
           replaced_id_hash = CASE WHEN user_id = p_session_user THEN p_old_session ELSE NULL END,
           replaced_at = CASE WHEN user_id = p_session_user THEN p_last_seen_at ELSE NULL END
     WHERE id_hash = p_old_session;
    UPDATE users SET mfa_preferred = p_method, mfa_deadline = NULL, last_login_at = p_now WHERE id = p_user;
    INSERT INTO audit_log (at, actor, subject_id, subject, action, outcome, ip, user_agent, details)
    VALUES (p_audit_at, p_actor, p_subject_id, p_subject, p_action, p_outcome, p_audit_ip, p_audit_user_agent, p_details);
    RETURN 'completed';
END;
$$;
