//! The storage contract: every behaviour the portal relies on from its `Store`, checked against
//! every backend (SQLite always, PostgreSQL when `PORTAL_TEST_POSTGRES_URL` is set), so the
//! two can never drift apart.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // tests fail loudly

use std::str::FromStr;
use std::sync::Arc;

use portal_core::RequestContext;
use portal_core::audit::{AuditEvent, AuditFilter, Outcome, action};
use portal_core::device::RememberedDevice;
use portal_core::email::Email;
use portal_core::language::{Language, LanguageUpdate};
use portal_core::mfa::Method;
use portal_core::mfa::factor::PasskeyUse;
use portal_core::mfa::factor::{Factor, FactorId, SecondFactorCompletion, SecondFactorProof, SecondFactorState};
use portal_core::mfa::passkey::StoredPasskey;
use portal_core::mfa::recovery::StoredRecoveryCode;
use portal_core::password::PasswordHashString;
use portal_core::password_reset::{PasswordReset, RESET_LINK_LIFETIME, ResetToken};
use portal_core::random::OsRandom;
use portal_core::session::{AuthLevel, Session};
use portal_core::session_view::SessionView;
use portal_core::store::{CompletionOutcome, PasswordSignIn, Store, StoreError};
use portal_core::throttle::{Slot, ThrottleLimit, ThrottleWindow};
use portal_core::user::{DisplayName, Role, User, UserId};
use portal_testkit::{Backend, TestDb, backends, burst};
use time::{Duration, OffsetDateTime};

/// Every test starts at this moment (whole seconds: the database keeps Unix seconds).
const T0: OffsetDateTime = portal_testkit::TEST_START;

/// One `#[tokio::test]` per check, each run against every backend in turn.
macro_rules! on_every_backend {
    ($($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                for backend in backends() {
                    eprintln!("{}: on {backend:?}", stringify!($check));
                    let db = TestDb::new(backend).await;
                    checks::$check(&db).await;
                }
            }
        )*
    };
}

on_every_backend!(
    a_user_is_found_by_email_and_by_id,
    a_users_language_is_kept_and_a_choice_is_not_undone_by_a_sign_in,
    a_duplicate_email_is_a_conflict_and_leaves_no_audit_row,
    users_are_listed_by_email_and_counted,
    a_session_is_read_back_exactly_as_stored,
    a_session_is_read_back_with_its_user_and_second_factors_in_one_call,
    policyholders_are_grouped_by_what_their_mfa_state_depends_on,
    reminders_go_to_policyholders_without_a_second_factor_and_are_claimed_once,
    a_replaced_session_whose_old_row_is_gone_is_still_stored,
    an_old_cookie_never_signs_out_the_next_sign_in_on_its_browser,
    a_second_factor_rotates_the_session_and_an_ended_session_stays_ended,
    a_second_factor_is_refused_inside_the_transaction_when_the_account_is_paused,
    a_returning_users_code_works_once_and_never_while_paused_or_after_the_session_ended,
    of_wrong_codes_sent_at_once_only_those_up_to_the_pause_are_counted,
    a_throttled_refusal_is_audited_once_per_window_even_when_racing,
    touching_a_session_moves_only_its_last_seen_time,
    a_password_sign_in_replaces_the_session_forgives_failures_and_is_audited_in_one_go,
    a_password_sign_in_that_cannot_start_its_session_writes_nothing,
    sessions_are_ended_one_at_a_time_or_all_of_a_user_at_once,
    purging_removes_idle_and_too_old_sessions_and_keeps_the_rest,
    throttle_reservations_count_up_and_a_cleared_key_starts_over,
    twenty_racing_reservations_take_exactly_the_limit,
    several_limits_are_reserved_all_or_none,
    racing_reservations_of_two_limits_take_both_slots_or_neither,
    a_throttle_window_restarts_once_it_has_passed,
    a_released_slot_is_given_back_only_in_its_own_window,
    racing_sms_reservations_send_exactly_what_the_limits_allow,
    meta_init_keeps_the_first_value,
    a_password_reset_completes_only_once,
    an_expired_or_unknown_reset_token_changes_nothing,
    a_reset_link_names_its_user_only_while_usable_and_is_not_consumed_by_looking,
    a_password_hash_is_replaced_only_while_it_is_still_the_old_one,
    completing_a_reset_ends_sessions_voids_other_links_and_is_audited,
    audit_events_are_filtered_by_subject_actor_action_outcome_and_time,
    audit_events_come_newest_first_and_the_limit_keeps_the_newest,
    the_audit_log_refuses_updates_and_deletes_at_the_database_level,
    a_recovery_code_signs_in_once_of_many_racing_and_a_new_set_replaces_the_old,
    remembered_devices_are_found_by_token_and_forgotten_one_or_all_and_by_a_reset,
    a_user_ends_one_of_their_sessions_or_all_others_but_never_someone_elses,
    a_passkey_is_registered_and_used_once_per_ceremony_and_its_counter_moves_on,
    of_racing_passwordless_sign_ins_with_one_ceremony_exactly_one_opens_a_session,
    a_passkey_is_not_the_last_method_to_go_while_another_is_left,
);

// ---------------------------------------------------------------------------------------------
// Builders

fn ctx() -> RequestContext {
    RequestContext::new(Some("203.0.113.7".to_owned()), Some("contract-test"))
}

fn new_user(email: &str, role: Role, created_at: OffsetDateTime) -> User {
    let local = email.split('@').next().unwrap_or("user");
    User {
        id: UserId::generate(&OsRandom),
        email: Email::parse(email).expect("test email"),
        name: DisplayName::parse(&format!("Test {local}")).expect("test name"),
        role,
        password_hash: PasswordHashString(format!("$argon2id$v=19$m=19456,t=2,p=1$fake${local}")),
        created_at,
        mfa_deadline: None,
        mfa_preferred: None,
        language: None,
        demo: false,
    }
}

fn created_event(user: &User) -> AuditEvent {
    AuditEvent::new(T0, action::USER_CREATED, Outcome::Success, &ctx())
        .actor("cli")
        .subject(Some(&user.id), user.email.as_str())
        .detail("role", user.role.as_str())
}

async fn stored_user(store: &dyn Store, email: &str) -> User {
    let user = new_user(email, Role::Policyholder, T0);
    store.insert_user(&user, &created_event(&user)).await.expect("insert user");
    user
}

fn session_for(user: &User, started: OffsetDateTime) -> Session {
    Session::start(user.id.clone(), AuthLevel::Full, started, &ctx(), &OsRandom).1
}

/// The session that takes `old`'s place after a second factor: the same key and user.
fn successor_of(old: &Session, started: OffsetDateTime) -> Session {
    let mut new = Session::succeed(old, AuthLevel::Full, started, &ctx(), &OsRandom).1;
    new.created_at = started;
    new
}

async fn stored_session(store: &dyn Store, user: &User, started: OffsetDateTime) -> Session {
    let session = session_for(user, started);
    store.insert_session(&session).await.expect("insert session");
    session
}

/// One slot under one limit (`throttle_reserve_all` of a single limit).
async fn reserve_one(
    store: &dyn Store,
    key: &str,
    now: OffsetDateTime,
    limit: ThrottleLimit,
) -> Result<Result<ThrottleWindow, ThrottleWindow>, StoreError> {
    Ok(match store.throttle_reserve_all(&[(key, limit)], now).await? {
        Ok(windows) => Ok(windows.into_iter().next().expect("one window for one limit")),
        Err((_, full)) => Err(full),
    })
}

/// The two limits a password sign-in counts against (the account's and the address's).
const SIGN_IN_ACCOUNT: &str = "pw:acct:ann@example.com";
const SIGN_IN_ADDRESS: &str = "pw:ip:203.0.113.7";

/// `attempts` slots taken under both sign-in limits; the slots of the last attempt.
async fn reserved_sign_in_slots(store: &dyn Store, limit: ThrottleLimit, attempts: usize) -> Vec<Slot> {
    let mut windows = Vec::new();
    for _ in 0..attempts {
        windows = store
            .throttle_reserve_all(&[(SIGN_IN_ACCOUNT, limit), (SIGN_IN_ADDRESS, limit)], T0)
            .await
            .unwrap()
            .unwrap();
    }
    [SIGN_IN_ACCOUNT, SIGN_IN_ADDRESS]
        .into_iter()
        .zip(windows)
        .map(|(key, w)| Slot { key: key.to_owned(), window_started: w.started_at })
        .collect()
}

/// A right password for `user`: `new` in place of `old`, the account's failures forgiven and the
/// address's slot among `slots` given back, as the portal writes it.
fn password_sign_in(user: &User, old: Option<&Session>, new: &Session, slots: &[Slot]) -> PasswordSignIn {
    PasswordSignIn {
        forgiven: SIGN_IN_ACCOUNT.to_owned(),
        released: slots.iter().filter(|s| s.key != SIGN_IN_ACCOUNT).cloned().collect(),
        language: Some(LanguageUpdate { language: Language::Spanish, keep_a_choice: true }),
        signed_in_at: (new.auth_level == AuthLevel::Full).then_some(new.created_at),
        replaces: old.map(|s| s.id.clone()),
        session: new.clone(),
        audit: AuditEvent::new(new.created_at, action::LOGIN_PASSWORD, Outcome::Success, &ctx())
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str()),
    }
}

async fn stored_reset(store: &dyn Store, user: &User, created_at: OffsetDateTime) -> ResetToken {
    let token = ResetToken::generate(&OsRandom);
    let reset = PasswordReset {
        token_hash: token.hash(),
        user_id: user.id.clone(),
        created_at,
        expires_at: created_at + RESET_LINK_LIFETIME,
    };
    store.insert_password_reset(&reset).await.expect("insert reset");
    token
}

fn reset_completed_event(at: OffsetDateTime) -> AuditEvent {
    AuditEvent::new(at, action::PASSWORD_RESET_COMPLETED, Outcome::Success, &ctx())
}

fn all_events() -> AuditFilter {
    AuditFilter { limit: 1000, ..AuditFilter::default() }
}

/// A connection of our own onto the test database, bypassing the store (as an operator with
/// a SQL shell would).
enum RawPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl RawPool {
    async fn open(db: &TestDb) -> RawPool {
        match db.backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(&db.url).expect("SQLite URL");
                RawPool::Sqlite(sqlx::SqlitePool::connect_with(options).await.expect("open SQLite"))
            }
            Backend::Postgres => {
                let schema = db.schema.as_deref().expect("PostgreSQL test databases have a schema");
                let options = sqlx::postgres::PgConnectOptions::from_str(&db.url)
                    .expect("PostgreSQL URL")
                    .options([("search_path", schema)]);
                RawPool::Postgres(sqlx::PgPool::connect_with(options).await.expect("open PostgreSQL"))
            }
        }
    }

    async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match self {
            RawPool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()),
            RawPool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()),
        }
    }

    async fn close(self) {
        match self {
            RawPool::Sqlite(pool) => pool.close().await,
            RawPool::Postgres(pool) => pool.close().await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The checks

mod checks {
    use super::*;

    pub async fn a_user_is_found_by_email_and_by_id(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = new_user("ann.lee@example.com", Role::Adjuster, T0 - Duration::days(400));
        store.insert_user(&ann, &created_event(&ann)).await.unwrap();

        let by_email = store.user_by_email(&Email::parse("Ann.Lee@Example.com").unwrap()).await.unwrap();
        assert_eq!(by_email.as_ref(), Some(&ann), "every field comes back, including role and creation date");
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().as_ref(), Some(&ann));

        assert_eq!(store.user_by_email(&Email::parse("bob@example.com").unwrap()).await.unwrap(), None);
        assert_eq!(store.user_by_id(&UserId::generate(&OsRandom)).await.unwrap(), None);

        // The last completed sign-in, for support: none yet, then the latest recorded.
        assert_eq!(store.last_sign_in(&ann.id).await.unwrap(), None);
        store.record_sign_in(&ann.id, T0).await.unwrap();
        store.record_sign_in(&ann.id, T0 + Duration::minutes(5)).await.unwrap();
        assert_eq!(store.last_sign_in(&ann.id).await.unwrap(), Some(T0 + Duration::minutes(5)));
        assert_eq!(store.last_sign_in(&UserId::generate(&OsRandom)).await.unwrap(), None);

        let audit =
            store.audit_events(&AuditFilter { subject_id: Some(ann.id.clone()), ..all_events() }).await.unwrap();
        assert_eq!(audit.len(), 1, "creating a user writes its audit row: {audit:?}");
        assert_eq!(audit[0].event, created_event(&ann));
    }

    pub async fn a_users_language_is_kept_and_a_choice_is_not_undone_by_a_sign_in(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let language_of = |id: UserId| async move { store.user_by_id(&id).await.unwrap().unwrap().language };
        assert_eq!(language_of(ann.id.clone()).await, None, "nobody has chosen yet");

        // A first sign-in keeps the language it was made in.
        assert!(store.set_language(&ann.id, Language::Spanish, true).await.unwrap());
        assert_eq!(language_of(ann.id.clone()).await, Some(Language::Spanish));
        // A later sign-in in another language does not undo it...
        assert!(!store.set_language(&ann.id, Language::English, true).await.unwrap());
        assert_eq!(language_of(ann.id.clone()).await, Some(Language::Spanish));
        // ...a choice does.
        assert!(store.set_language(&ann.id, Language::English, false).await.unwrap());
        assert_eq!(language_of(ann.id.clone()).await, Some(Language::English));
        // It comes with the session too.
        let session = stored_session(store, &ann, T0).await;
        let view = store.session_view(&session.id).await.unwrap().unwrap();
        assert_eq!(view.user.language, Some(Language::English));
        // Nobody else is touched, and an unknown user is no error.
        let bob = stored_user(store, "bob@example.com").await;
        assert_eq!(language_of(bob.id.clone()).await, None);
        assert!(!store.set_language(&UserId::generate(&OsRandom), Language::Spanish, false).await.unwrap());
    }

    pub async fn a_duplicate_email_is_a_conflict_and_leaves_no_audit_row(db: &TestDb) {
        let store = db.store.as_ref();
        let first = stored_user(store, "ann@example.com").await;

        let second = new_user("ann@example.com", Role::Admin, T0 + Duration::hours(1));
        let attempt = created_event(&second).detail("attempt", "second");
        let err = store.insert_user(&second, &attempt).await.expect_err("a second account with the same email");
        assert!(matches!(err, StoreError::Conflict("email")), "expected Conflict(\"email\"), got {err:?}");

        let audit = store.audit_events(&all_events()).await.unwrap();
        assert_eq!(audit.len(), 1, "only the first account's audit row exists: {audit:?}");
        assert_eq!(audit[0].event.subject_id.as_ref(), Some(&first.id));
        let second_audit =
            store.audit_events(&AuditFilter { subject_id: Some(second.id.clone()), ..all_events() }).await.unwrap();
        assert!(second_audit.is_empty(), "the failed insert left an audit row: {second_audit:?}");

        assert_eq!(store.count_users().await.unwrap(), 1);
        assert_eq!(store.user_by_email(&first.email).await.unwrap(), Some(first), "the first account is untouched");
        assert_eq!(store.user_by_id(&second.id).await.unwrap(), None);
    }

    pub async fn users_are_listed_by_email_and_counted(db: &TestDb) {
        let store = db.store.as_ref();
        assert_eq!(store.count_users().await.unwrap(), 0);
        assert!(store.list_users().await.unwrap().is_empty());

        let carol = stored_user(store, "carol@example.com").await;
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;

        assert_eq!(store.count_users().await.unwrap(), 3);
        assert_eq!(store.list_users().await.unwrap(), vec![ann, bob, carol]);
    }

    pub async fn a_session_is_read_back_exactly_as_stored(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let mut session = session_for(&ann, T0);
        session.auth_level = AuthLevel::PasswordVerified;
        session.mfa_verified_at = Some(T0 + Duration::seconds(5));
        store.insert_session(&session).await.unwrap();

        assert_eq!(store.session(&session.id).await.unwrap(), Some(session.clone()));
        let unknown = session_for(&ann, T0).id;
        assert_eq!(store.session(&unknown).await.unwrap(), None);

        let again = store.insert_session(&session).await.expect_err("the same session id twice");
        assert!(matches!(again, StoreError::Conflict(_)), "expected a conflict, got {again:?}");
    }

    pub async fn a_session_is_read_back_with_its_user_and_second_factors_in_one_call(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let mut session = session_for(&ann, T0);
        session.mfa_verified_at = Some(T0 + Duration::seconds(5));
        store.insert_session(&session).await.unwrap();

        let view = |id| async move { store.session_view(id).await.unwrap() };
        let fresh =
            SessionView { session: session.clone(), user: ann.clone(), second_factor: SecondFactorState::default() };
        assert_eq!(view(&session.id).await, Some(fresh));
        let unknown = session_for(&ann, T0).id;
        assert_eq!(view(&unknown).await, None, "no such session");

        // A passkey (registered through another session), a pending app set up later, three
        // recovery codes of which one is used, then two wrong codes.
        let key = passkey_for(&ann, 1);
        let register = SecondFactorProof::RegisterPasskey {
            ceremony: "ceremony-1".into(),
            ceremony_expires_at: T0 + Duration::minutes(5),
            passkey: key.clone(),
        };
        let other = stored_session(store, &ann, T0).await;
        let done = passkey_completion(&ann, &other, register);
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        let app = Factor {
            id: FactorId::generate(&OsRandom),
            user_id: ann.id.clone(),
            method: Method::Totp,
            secret_enc: Some(vec![7, 7]),
            phone: None,
            created_at: T0 + Duration::minutes(1),
            confirmed_at: None,
            last_step: None,
            last_used_at: None,
        };
        store.insert_pending_factor(&app).await.unwrap();
        let audit = AuditEvent::new(T0, action::MFA_RECOVERY_CODES_CREATED, Outcome::Success, &ctx());
        store.replace_recovery_codes(&ann.id, &recovery_set(&ann, 3), &audit).await.unwrap();
        let use_one = SecondFactorCompletion {
            method: None,
            ..passkey_completion(
                &ann,
                &stored_session(store, &ann, T0).await,
                SecondFactorProof::UseRecoveryCode { code_id: format!("{:032x}", 2) },
            )
        };
        assert_eq!(store.complete_second_factor(&use_one).await.unwrap(), CompletionOutcome::Completed);
        let failure = AuditEvent::new(T0, action::MFA_VERIFY, Outcome::Failure, &ctx());
        let schedule = portal_core::mfa::throttle::after_failure;
        for _ in 0..2 {
            store.record_second_factor_failure(&ann.id, T0, schedule, None, &failure).await.unwrap().unwrap();
        }
        // Bob's methods are his own.
        let bob = stored_user(store, "bob@example.com").await;
        let bobs: Vec<_> = recovery_set(&bob, 10)
            .into_iter()
            .map(|c| StoredRecoveryCode { id: format!("b{}", &c.id[1..]), ..c })
            .collect();
        store.replace_recovery_codes(&bob.id, &bobs, &audit).await.unwrap();

        let seen = view(&session.id).await.unwrap();
        assert_eq!(seen.session, session);
        assert_eq!(Some(&seen.user), store.user_by_id(&ann.id).await.unwrap().as_ref(), "the user as stored now");
        let f = &seen.second_factor;
        let listed: Vec<(Method, bool)> = f.factors.iter().map(|f| (f.method, f.is_confirmed())).collect();
        assert_eq!(listed, vec![(Method::Passkey, true), (Method::Totp, false)], "oldest first");
        assert_eq!((f.factors[0].id.as_str(), f.factors[1].id.as_str()), (key.id.as_str(), app.id.as_str()));
        assert_eq!(f.factors[1].secret_enc.as_deref(), Some(&[7, 7][..]));
        assert_eq!(f.confirmed().len(), 1);
        assert_eq!(f.recovery_codes_left, 2);
        assert_eq!(f.throttle, store.second_factor_throttle(&ann.id).await.unwrap());
        assert_eq!(f.throttle.consecutive_failures, 2);
    }

    pub async fn reminders_go_to_policyholders_without_a_second_factor_and_are_claimed_once(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        enrolled_with_a_passkey(store, &ann, "ceremony-r", 9).await;
        let mut waiting = Vec::new();
        for n in 0..5 {
            waiting.push(stored_user(store, &format!("p{n}@example.com")).await);
        }
        let sue = new_user("sue@example.com", Role::Support, T0);
        store.insert_user(&sue, &created_event(&sue)).await.unwrap();
        // Support gives p0 a date: when is kept for the reminder the day after.
        let extended = T0.date() + Duration::days(10);
        let later = T0 + Duration::hours(5);
        let audit = AuditEvent::new(later, action::SUPPORT_EXTEND_DEADLINE, Outcome::Success, &ctx());
        store.set_mfa_deadline(&waiting[0].id, Some(extended), &audit).await.unwrap();

        // Paged by id: two pages of two and one of one, only those without a second factor.
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store.reminder_candidates(after.as_ref(), 2).await.unwrap();
            assert!(page.len() <= 2);
            let Some(last) = page.last() else { break };
            after = Some(last.user_id.clone());
            seen.extend(page);
        }
        let mut expected: Vec<_> = waiting.iter().map(|u| u.id.clone()).collect();
        expected.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        assert_eq!(
            seen.iter().map(|c| c.user_id.clone()).collect::<Vec<_>>(),
            expected,
            "staff and ann are not candidates"
        );
        let p0 = seen.iter().find(|c| c.user_id == waiting[0].id).unwrap();
        assert_eq!((p0.mfa_deadline, p0.mfa_deadline_set_at), (Some(extended), Some(later)));
        assert_eq!(p0.email, waiting[0].email);
        assert_eq!(p0.created_at, T0);

        // Sixteen claims of one reminder at once: exactly one wins, with one audit row.
        let deadline = T0.date() + Duration::days(7);
        let user = waiting[1].id.clone();
        let audit = AuditEvent::new(T0, action::MFA_REMINDER_SENT, Outcome::Success, &ctx())
            .subject(Some(&user), waiting[1].email.as_str());
        let claims = burst(16, |_| {
            let (store, user, audit) = (db.store.clone(), user.clone(), audit.clone());
            async move { store.claim_reminder(&user, "7_days", deadline, &audit).await.unwrap() }
        })
        .await;
        assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");
        assert!(store.reminder_claimed(&user, "7_days", deadline).await.unwrap());
        assert!(!store.reminder_claimed(&user, "1_day", deadline).await.unwrap(), "another reminder is another claim");
        assert!(
            !store.reminder_claimed(&user, "7_days", deadline + Duration::days(1)).await.unwrap(),
            "and another deadline"
        );
        let rows = store
            .audit_events(&AuditFilter {
                action: Some(action::MFA_REMINDER_SENT.into()),
                limit: 100,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
    }

    pub async fn policyholders_are_grouped_by_what_their_mfa_state_depends_on(db: &TestDb) {
        use portal_core::overview::PolicyholderGroup;
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        enrolled_with_a_passkey(store, &ann, "ceremony-g", 7).await;
        for email in ["bob@example.com", "ben@example.com"] {
            stored_user(store, email).await;
        }
        let later = new_user("cat@example.com", Role::Policyholder, T0 + Duration::days(3) + Duration::minutes(7));
        store.insert_user(&later, &created_event(&later)).await.unwrap();
        let dan = stored_user(store, "dan@example.com").await;
        let extended = T0.date() + Duration::days(60);
        let audit = AuditEvent::new(T0, action::SUPPORT_EXTEND_DEADLINE, Outcome::Success, &ctx());
        store.set_mfa_deadline(&dan.id, Some(extended), &audit).await.unwrap();
        let sue = new_user("sue@example.com", Role::Support, T0);
        store.insert_user(&sue, &created_event(&sue)).await.unwrap();

        let mut groups = store.policyholder_groups().await.unwrap();
        groups.sort_by_key(|g| (g.created_around, g.mfa_deadline, g.enrolled));
        // Creation times come back to the quarter hour (T0 is on one).
        let group = |created_around, mfa_deadline, enrolled, count| PolicyholderGroup {
            created_around,
            mfa_deadline,
            enrolled,
            locked: false,
            count,
        };
        assert_eq!(
            groups,
            vec![
                group(T0, None, false, 2),
                group(T0, None, true, 1),
                group(T0, Some(extended), false, 1),
                group(T0 + Duration::days(3), None, false, 1),
            ],
            "staff are not counted"
        );
    }

    pub async fn a_replaced_session_whose_old_row_is_gone_is_still_stored(db: &TestDb) {
        // The sign-in ends the browser's old session; a sign-out that ended it first must not
        // lose the new one.
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let old = stored_session(store, &ann, T0).await;
        store.delete_session(&old.id, T0).await.unwrap();
        let new = session_for(&ann, T0 + Duration::minutes(1));
        store.start_password_session(&password_sign_in(&ann, Some(&old), &new, &[])).await.unwrap();
        assert_eq!(store.session(&new.id).await.unwrap(), Some(new.clone()));
        assert_eq!(store.session(&old.id).await.unwrap(), None);
    }

    pub async fn an_old_cookie_never_signs_out_the_next_sign_in_on_its_browser(db: &TestDb) {
        // Ann's session, then Bob signs in on the same browser: his session has a key of its own,
        // so a sign-out sent with Ann's cookie, however soon, reaches nothing of his.
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;
        let anns = stored_session(store, &ann, T0).await;
        let bobs = session_for(&bob, T0 + Duration::minutes(1));
        store.start_password_session(&password_sign_in(&bob, Some(&anns), &bobs, &[])).await.unwrap();
        assert_ne!(bobs.id.key(), anns.id.key());
        assert_eq!(store.delete_session(&anns.id, T0 - Duration::hours(1)).await.unwrap(), None);
        assert_eq!(store.session(&bobs.id).await.unwrap(), Some(bobs.clone()), "Bob stays signed in");
        assert_eq!(store.sessions_of(&ann.id).await.unwrap(), vec![], "Ann's session ended with the sign-in");
    }

    pub async fn a_second_factor_rotates_the_session_and_an_ended_session_stays_ended(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let pending = |id: FactorId| Factor {
            id,
            user_id: ann.id.clone(),
            method: Method::Totp,
            secret_enc: Some(vec![1, 2, 3]),
            phone: None,
            created_at: T0,
            confirmed_at: None,
            last_step: None,
            last_used_at: None,
        };
        let completion = |factor: &FactorId, old: &Session, step: i64| {
            let mut new = successor_of(old, T0 + Duration::minutes(1));
            new.mfa_verified_at = Some(T0 + Duration::minutes(1));
            SecondFactorCompletion {
                user_id: ann.id.clone(),
                proof: SecondFactorProof::ConfirmTotp {
                    factor_id: factor.clone(),
                    step,
                    created_after: T0 - Duration::minutes(15),
                },
                method: Some(Method::Totp),
                now: T0 + Duration::minutes(1),
                old_session: old.id.clone(),
                new_session: new,
                audit: AuditEvent::new(T0, action::MFA_TOTP_CONFIRMED, Outcome::Success, &ctx()),
            }
        };

        // The usual case: the old row becomes the new session.
        let first = FactorId::generate(&OsRandom);
        store.insert_pending_factor(&pending(first.clone())).await.unwrap();
        let old = stored_session(store, &ann, T0).await;
        let done = completion(&first, &old, 100);
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        assert_eq!(store.session(&old.id).await.unwrap(), None, "the old token stops working");
        assert_eq!(store.session(&done.new_session.id).await.unwrap(), Some(done.new_session.clone()));
        assert_eq!(store.sessions_of(&ann.id).await.unwrap().len(), 1);

        // Signed out (or ended by support) in the meantime: the sign-in ends with it, and
        // nothing of the completion is written.
        let second = FactorId::generate(&OsRandom);
        store.insert_pending_factor(&pending(second.clone())).await.unwrap();
        let gone = session_for(&ann, T0);
        let done = completion(&second, &gone, 200);
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::SessionEnded);
        assert_eq!(store.session(&done.new_session.id).await.unwrap(), None);
        assert_eq!(store.sessions_of(&ann.id).await.unwrap().len(), 1);
        let factors = store.factors_of(&ann.id).await.unwrap();
        assert!(factors.iter().any(|f| f.id == second && f.confirmed_at.is_none()), "the setup stays pending");
        let filter = AuditFilter { action: Some(action::MFA_TOTP_CONFIRMED.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&filter).await.unwrap().len(), 1);

        // The same proof twice: the second loses the compare-and-set.
        let third = FactorId::generate(&OsRandom);
        store.insert_pending_factor(&pending(third.clone())).await.unwrap();
        let old = stored_session(store, &ann, T0).await;
        assert_eq!(
            store.complete_second_factor(&completion(&third, &old, 300)).await.unwrap(),
            CompletionOutcome::Completed
        );
        let again = stored_session(store, &ann, T0).await;
        assert_eq!(
            store.complete_second_factor(&completion(&third, &again, 300)).await.unwrap(),
            CompletionOutcome::ProofTaken
        );
        assert!(store.session(&again.id).await.unwrap().is_some(), "a lost race leaves the session as it was");

        // A sign-out sent with the cookie from before the rotation still ends the rotated session.
        let fourth = FactorId::generate(&OsRandom);
        store.insert_pending_factor(&pending(fourth.clone())).await.unwrap();
        let before = stored_session(store, &ann, T0).await;
        let done = completion(&fourth, &before, 400);
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        // The rotation happened at T0 + 1 min: a sign-out that counts only rotations after
        // T0 + 2 min (it came too long after) reaches nothing; one that counts those after T0 does.
        assert_eq!(store.delete_session(&before.id, T0 + Duration::minutes(2)).await.unwrap(), None);
        assert!(store.session(&done.new_session.id).await.unwrap().is_some(), "an old cookie long after: no effect");
        assert_eq!(store.delete_session(&before.id, T0).await.unwrap(), Some(ann.id.clone()));
        assert_eq!(store.session(&done.new_session.id).await.unwrap(), None, "the sign-out reached the new id");
        assert_eq!(store.delete_session(&before.id, T0).await.unwrap(), None, "nothing left to end");

        // The new session must be the old one's successor (its key and user): the row is
        // rewritten in place, so a session under another key would answer to an id nobody holds.
        let fifth = FactorId::generate(&OsRandom);
        store.insert_pending_factor(&pending(fifth.clone())).await.unwrap();
        let old = stored_session(store, &ann, T0).await;
        let mut stranger = completion(&fifth, &old, 500);
        stranger.new_session = session_for(&ann, T0 + Duration::minutes(1));
        assert!(matches!(store.complete_second_factor(&stranger).await, Err(StoreError::Corrupt(_))));
        assert_eq!(store.session(&old.id).await.unwrap(), Some(old.clone()), "nothing was written");
        assert!(store.factors_of(&ann.id).await.unwrap().iter().any(|f| f.id == fifth && f.confirmed_at.is_none()));
        let done = completion(&fifth, &old, 500);
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        assert_eq!(done.new_session.id.key(), old.id.key(), "rotated in place, under the same key");
        assert!(matches!(
            store.rotate_session(&done.new_session.id, &stranger.new_session).await,
            Err(StoreError::Corrupt(_))
        ));
    }

    pub async fn a_second_factor_is_refused_inside_the_transaction_when_the_account_is_paused(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let factor = FactorId::generate(&OsRandom);
        store
            .insert_pending_factor(&Factor {
                id: factor.clone(),
                user_id: ann.id.clone(),
                method: Method::Totp,
                secret_enc: Some(vec![1]),
                phone: None,
                created_at: T0,
                confirmed_at: None,
                last_step: None,
                last_used_at: None,
            })
            .await
            .unwrap();
        let old = stored_session(store, &ann, T0).await;
        // A right code was being checked when five wrong ones paused the account.
        let schedule = portal_core::mfa::throttle::after_failure;
        let failure = AuditEvent::new(T0, action::MFA_VERIFY, Outcome::Failure, &ctx());
        for _ in 0..5 {
            store.record_second_factor_failure(&ann.id, T0, schedule, None, &failure).await.unwrap().unwrap();
        }
        let mut new = successor_of(&old, T0);
        new.mfa_verified_at = Some(T0);
        let done = SecondFactorCompletion {
            user_id: ann.id.clone(),
            proof: SecondFactorProof::ConfirmTotp {
                factor_id: factor.clone(),
                step: 1,
                created_after: T0 - Duration::minutes(15),
            },
            method: Some(Method::Totp),
            now: T0 + Duration::seconds(1),
            old_session: old.id.clone(),
            new_session: new.clone(),
            audit: AuditEvent::new(T0, action::MFA_TOTP_CONFIRMED, Outcome::Success, &ctx()),
        };
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Throttled);
        assert_eq!(store.session(&old.id).await.unwrap(), Some(old.clone()), "nothing was written");
        assert!(store.factors_of(&ann.id).await.unwrap().iter().all(|f| f.confirmed_at.is_none()));
        assert_eq!(store.second_factor_throttle(&ann.id).await.unwrap().consecutive_failures, 5);

        // Once the pause is over the same proof completes and clears the count.
        let after_pause = SecondFactorCompletion { now: T0 + Duration::minutes(2), ..done };
        assert_eq!(store.complete_second_factor(&after_pause).await.unwrap(), CompletionOutcome::Completed);
        assert_eq!(store.second_factor_throttle(&ann.id).await.unwrap().consecutive_failures, 0);
    }

    pub async fn a_returning_users_code_works_once_and_never_while_paused_or_after_the_session_ended(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let factor = FactorId::generate(&OsRandom);
        let app = Factor {
            id: factor.clone(),
            user_id: ann.id.clone(),
            method: Method::Totp,
            secret_enc: Some(vec![1]),
            phone: None,
            created_at: T0,
            confirmed_at: None,
            last_step: None,
            last_used_at: None,
        };
        store.insert_pending_factor(&app).await.unwrap();
        let verify = |old: &Session, step: i64, now: OffsetDateTime| {
            let mut new = successor_of(old, old.created_at);
            new.mfa_verified_at = Some(now);
            SecondFactorCompletion {
                user_id: ann.id.clone(),
                proof: SecondFactorProof::VerifyTotp { factor_id: factor.clone(), step },
                method: Some(Method::Totp),
                now,
                old_session: old.id.clone(),
                new_session: new,
                audit: AuditEvent::new(now, action::MFA_VERIFY, Outcome::Success, &ctx()),
            }
        };
        let last_step = || async { store.factors_of(&ann.id).await.unwrap()[0].last_step };
        let successes = || async {
            let filter = AuditFilter { action: Some(action::MFA_VERIFY.to_owned()), ..all_events() };
            store.audit_events(&filter).await.unwrap().iter().filter(|e| e.event.outcome == Outcome::Success).count()
        };
        // Confirmed at step 100.
        let setup = stored_session(store, &ann, T0).await;
        let confirm = SecondFactorCompletion {
            proof: SecondFactorProof::ConfirmTotp {
                factor_id: factor.clone(),
                step: 100,
                created_after: T0 - Duration::minutes(15),
            },
            audit: AuditEvent::new(T0, action::MFA_TOTP_CONFIRMED, Outcome::Success, &ctx()),
            ..verify(&setup, 100, T0)
        };
        assert_eq!(store.complete_second_factor(&confirm).await.unwrap(), CompletionOutcome::Completed);

        // A later step signs in once: the session is rotated, the step recorded, the row audited.
        let first = stored_session(store, &ann, T0).await;
        let done = verify(&first, 101, T0 + Duration::seconds(30));
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        assert_eq!(store.session(&first.id).await.unwrap(), None);
        assert_eq!(store.session(&done.new_session.id).await.unwrap(), Some(done.new_session.clone()));
        assert_eq!(last_step().await, Some(101));
        assert_eq!(successes().await, 1);

        // The same step again, or an older one, from another session: refused, nothing written.
        let second = stored_session(store, &ann, T0).await;
        for step in [101, 100] {
            let again = verify(&second, step, T0 + Duration::seconds(31));
            assert_eq!(store.complete_second_factor(&again).await.unwrap(), CompletionOutcome::ProofTaken);
        }
        assert_eq!(store.session(&second.id).await.unwrap(), Some(second.clone()));

        // Paused by five wrong codes: a right, new step is refused and not recorded.
        let schedule = portal_core::mfa::throttle::after_failure;
        let failure = AuditEvent::new(T0, action::MFA_VERIFY, Outcome::Failure, &ctx());
        let at = T0 + Duration::seconds(40);
        for _ in 0..5 {
            store.record_second_factor_failure(&ann.id, at, schedule, None, &failure).await.unwrap().unwrap();
        }
        let paused = verify(&second, 102, at + Duration::seconds(1));
        assert_eq!(store.complete_second_factor(&paused).await.unwrap(), CompletionOutcome::Throttled);
        assert_eq!(last_step().await, Some(101), "the step was not used up by the refusal");
        assert_eq!(store.session(&second.id).await.unwrap(), Some(second.clone()));

        // After the pause, a session signed out meanwhile: the sign-in ends, the step is not used.
        let later = at + Duration::minutes(2);
        store.delete_session(&second.id, later).await.unwrap();
        let ended = verify(&second, 102, later);
        assert_eq!(store.complete_second_factor(&ended).await.unwrap(), CompletionOutcome::SessionEnded);
        assert_eq!(last_step().await, Some(101));
        assert_eq!(store.second_factor_throttle(&ann.id).await.unwrap().consecutive_failures, 5);

        // The same step from a live session completes and clears the wrong-code count.
        let third = stored_session(store, &ann, T0).await;
        let done = verify(&third, 102, later);
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        assert_eq!(last_step().await, Some(102));
        assert_eq!(store.second_factor_throttle(&ann.id).await.unwrap().consecutive_failures, 0);
        assert_eq!(successes().await, 2);
    }

    pub async fn of_wrong_codes_sent_at_once_only_those_up_to_the_pause_are_counted(db: &TestDb) {
        let store = db.store.clone();
        let ann = stored_user(store.as_ref(), "ann@example.com").await;
        let schedule = portal_core::mfa::throttle::after_failure;
        let failure = AuditEvent::new(T0, action::MFA_VERIFY, Outcome::Failure, &ctx());
        let outcomes = burst(20, |_| {
            let (store, id, failure) = (store.clone(), ann.id.clone(), failure.clone());
            async move { store.record_second_factor_failure(&id, T0, schedule, None, &failure).await.unwrap() }
        })
        .await;
        let counted: Vec<u32> =
            outcomes.iter().filter_map(|o| o.as_ref().ok()).map(|t| t.consecutive_failures).collect();
        assert_eq!(counted.len(), 5, "five wrong codes are judged before the pause, the rest refused: {outcomes:?}");
        let mut sorted = counted.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 2, 3, 4, 5], "each counted code saw its own count");
        assert!(
            outcomes.iter().filter_map(|o| o.as_ref().err()).all(|t| t.paused_until.is_some()),
            "the refused ones were refused by the pause"
        );
        let filter = AuditFilter { action: Some(action::MFA_VERIFY.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&filter).await.unwrap().len(), 5, "a refused code writes no failure row");
        assert_eq!(store.second_factor_throttle(&ann.id).await.unwrap().consecutive_failures, 5);

        // While paused a wrong code is refused and not counted; after the pause it counts again.
        let refused =
            store.record_second_factor_failure(&ann.id, T0 + Duration::seconds(30), schedule, None, &failure).await;
        assert!(refused.unwrap().is_err_and(|t| t.consecutive_failures == 5));
        let after = T0 + Duration::minutes(2);
        let counted = store.record_second_factor_failure(&ann.id, after, schedule, None, &failure).await.unwrap();
        assert_eq!(counted.map(|t| t.consecutive_failures), Ok(6));
    }

    pub async fn a_throttled_refusal_is_audited_once_per_window_even_when_racing(db: &TestDb) {
        let store = db.store.clone();
        let ann = stored_user(store.as_ref(), "ann@example.com").await;
        let schedule = portal_core::mfa::throttle::after_failure;
        let failure = AuditEvent::new(T0, action::MFA_VERIFY, Outcome::Failure, &ctx());
        for _ in 0..5 {
            store.record_second_factor_failure(&ann.id, T0, schedule, None, &failure).await.unwrap().unwrap();
        }
        let throttle = store.second_factor_throttle(&ann.id).await.unwrap();
        assert_eq!(throttle.consecutive_failures, 5);
        assert_eq!(throttle.refusal_audited_at, None);

        let refused =
            AuditEvent::new(T0, action::MFA_THROTTLED, Outcome::Refused, &ctx()).subject(Some(&ann.id), "ann");
        let window = Duration::minutes(1);
        let racers = (0..10).map(|_| {
            let (store, id, refused) = (store.clone(), ann.id.clone(), refused.clone());
            tokio::spawn(async move { store.audit_throttled_refusal(&id, T0, T0 - window, &refused).await.unwrap() })
        });
        let mut won = 0;
        for racer in racers.collect::<Vec<_>>() {
            won += usize::from(racer.await.unwrap());
        }
        assert_eq!(won, 1, "exactly one of the racing refusals writes");
        let later = T0 + Duration::seconds(59);
        assert!(!store.audit_throttled_refusal(&ann.id, later, later - window, &refused).await.unwrap());
        let later = T0 + Duration::seconds(60);
        assert!(store.audit_throttled_refusal(&ann.id, later, later - window, &refused).await.unwrap());
        let filter = AuditFilter { action: Some(action::MFA_THROTTLED.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&filter).await.unwrap().len(), 2);
        assert_eq!(store.second_factor_throttle(&ann.id).await.unwrap().refusal_audited_at, Some(later));
    }

    pub async fn touching_a_session_moves_only_its_last_seen_time(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let touched = stored_session(store, &ann, T0).await;
        let other = stored_session(store, &ann, T0).await;

        store.touch_session(&touched.id, T0 + Duration::minutes(7));
        store.flush_touches().await.unwrap();

        let after = store.session(&touched.id).await.unwrap().unwrap();
        assert_eq!(after.last_seen_at, T0 + Duration::minutes(7));
        assert_eq!(after.created_at, T0, "the absolute lifetime still counts from the start");
        assert_eq!(after, Session { last_seen_at: T0 + Duration::minutes(7), ..touched.clone() });
        assert_eq!(store.session(&other.id).await.unwrap(), Some(other), "other sessions are not touched");

        // Touches written late, in any order, never move a session back in time.
        store.touch_session(&touched.id, T0 + Duration::minutes(9));
        store.touch_session(&touched.id, T0 + Duration::minutes(8));
        store.flush_touches().await.unwrap();
        assert_eq!(store.session(&touched.id).await.unwrap().unwrap().last_seen_at, T0 + Duration::minutes(9));
    }

    pub async fn a_password_sign_in_replaces_the_session_forgives_failures_and_is_audited_in_one_go(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let old = stored_session(store, &ann, T0).await;
        let mut new = session_for(&ann, T0 + Duration::minutes(1));
        new.auth_level = AuthLevel::Full;
        let limit = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        let slots = reserved_sign_in_slots(store, limit, 3).await;

        store.start_password_session(&password_sign_in(&ann, Some(&old), &new, &slots)).await.unwrap();

        assert_eq!(store.session(&old.id).await.unwrap(), None, "the old id no longer signs anyone in");
        assert_eq!(store.session(&new.id).await.unwrap(), Some(new.clone()));
        assert_eq!(store.sessions_of(&ann.id).await.unwrap(), vec![new]);
        assert_eq!(store.throttle(SIGN_IN_ACCOUNT).await.unwrap(), None, "the account's failures are forgiven");
        assert_eq!(
            store.throttle(SIGN_IN_ADDRESS).await.unwrap().map(|w| w.failures),
            Some(2),
            "the address's slot of this attempt is given back, its earlier ones kept"
        );
        assert_eq!(store.last_sign_in(&ann.id).await.unwrap(), Some(T0 + Duration::minutes(1)));
        let ann_now = store.user_by_id(&ann.id).await.unwrap().unwrap();
        assert_eq!(ann_now.language, Some(Language::Spanish), "an account with no language keeps the browser's");
        let audited = store
            .audit_events(&AuditFilter { action: Some(action::LOGIN_PASSWORD.to_owned()), ..all_events() })
            .await
            .unwrap();
        assert_eq!(audited.len(), 1, "{audited:?}");
    }

    pub async fn a_password_sign_in_that_cannot_start_its_session_writes_nothing(db: &TestDb) {
        // A session id already taken (by anyone) fails the sign-in; the failures it would have
        // forgiven and the slot it would have given back stay, and nothing is audited.
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;
        let bobs = stored_session(store, &bob, T0).await;
        let clash = Session { user_id: ann.id.clone(), ..bobs.clone() };
        let limit = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        let slots = reserved_sign_in_slots(store, limit, 2).await;
        let mut sign_in = password_sign_in(&ann, None, &clash, &slots);
        sign_in.signed_in_at = Some(T0 + Duration::minutes(1));

        let refused = store.start_password_session(&sign_in).await;

        assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
        assert_eq!(store.throttle(SIGN_IN_ACCOUNT).await.unwrap().map(|w| w.failures), Some(2));
        assert_eq!(store.throttle(SIGN_IN_ADDRESS).await.unwrap().map(|w| w.failures), Some(2));
        assert_eq!(store.last_sign_in(&ann.id).await.unwrap(), None);
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().language, None);
        assert_eq!(store.sessions_of(&ann.id).await.unwrap(), vec![]);
        assert_eq!(store.session(&bobs.id).await.unwrap(), Some(bobs));
        let audited = store
            .audit_events(&AuditFilter { action: Some(action::LOGIN_PASSWORD.to_owned()), ..all_events() })
            .await
            .unwrap();
        assert!(audited.is_empty(), "{audited:?}");
    }

    pub async fn sessions_are_ended_one_at_a_time_or_all_of_a_user_at_once(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;
        let ann_later = stored_session(store, &ann, T0 + Duration::minutes(2)).await;
        let ann_first = stored_session(store, &ann, T0).await;
        let ann_third = stored_session(store, &ann, T0 + Duration::minutes(5)).await;
        let bobs = stored_session(store, &bob, T0).await;

        assert_eq!(
            store.sessions_of(&ann.id).await.unwrap(),
            vec![ann_first.clone(), ann_later.clone(), ann_third.clone()],
            "a user's sessions are listed oldest first"
        );

        store.delete_session(&ann_later.id, T0).await.unwrap();
        assert_eq!(store.session(&ann_later.id).await.unwrap(), None);
        assert_eq!(store.sessions_of(&ann.id).await.unwrap(), vec![ann_first, ann_third]);

        assert_eq!(store.delete_sessions_of(&ann.id).await.unwrap(), 2, "reports how many sessions ended");
        assert!(store.sessions_of(&ann.id).await.unwrap().is_empty());
        assert_eq!(store.sessions_of(&bob.id).await.unwrap(), vec![bobs.clone()], "another user's session survives");
        assert_eq!(store.session(&bobs.id).await.unwrap(), Some(bobs));
        assert_eq!(store.delete_sessions_of(&ann.id).await.unwrap(), 0);
    }

    pub async fn purging_removes_idle_and_too_old_sessions_and_keeps_the_rest(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let now = T0 + Duration::days(1);
        let (idle_before, created_before) = (now - Duration::minutes(30), now - Duration::hours(12));

        let fresh = stored_session(store, &ann, now - Duration::minutes(5)).await;
        let mut idle = session_for(&ann, now - Duration::hours(1));
        idle.last_seen_at = now - Duration::minutes(31);
        let mut too_old = session_for(&ann, now - Duration::hours(13));
        too_old.last_seen_at = now - Duration::minutes(1);
        let mut idle_just_now = session_for(&ann, now - Duration::hours(2));
        idle_just_now.last_seen_at = idle_before;
        let mut started_just_now = session_for(&ann, created_before);
        started_just_now.last_seen_at = now - Duration::minutes(1);
        for s in [&idle, &too_old, &idle_just_now, &started_just_now] {
            store.insert_session(s).await.unwrap();
        }

        assert_eq!(store.purge_sessions(idle_before, created_before).await.unwrap(), 2);

        assert_eq!(store.session(&idle.id).await.unwrap(), None, "idle past the cutoff");
        assert_eq!(store.session(&too_old.id).await.unwrap(), None, "busy but started before the absolute cutoff");
        assert_eq!(store.session(&fresh.id).await.unwrap(), Some(fresh));
        assert_eq!(store.session(&idle_just_now.id).await.unwrap(), Some(idle_just_now), "the cutoffs are exclusive");
        assert_eq!(store.session(&started_just_now.id).await.unwrap(), Some(started_just_now));
        assert_eq!(store.purge_sessions(idle_before, created_before).await.unwrap(), 0);
    }

    pub async fn throttle_reservations_count_up_and_a_cleared_key_starts_over(db: &TestDb) {
        let store = db.store.as_ref();
        let key = "pw:acct:ann@example.com";
        let limit = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        assert_eq!(store.throttle(key).await.unwrap(), None);

        assert_eq!(
            reserve_one(store, key, T0, limit).await.unwrap(),
            Ok(ThrottleWindow { started_at: T0, failures: 1 })
        );
        let second = reserve_one(store, key, T0 + Duration::minutes(3), limit).await.unwrap().unwrap();
        assert_eq!(second, ThrottleWindow { started_at: T0, failures: 2 }, "the window keeps its first failure's time");
        assert_eq!(store.throttle(key).await.unwrap(), Some(second));
        assert_eq!(store.throttle("pw:ip:203.0.113.7").await.unwrap(), None, "keys are counted apart");

        store.throttle_clear(key).await.unwrap();
        assert_eq!(store.throttle(key).await.unwrap(), None);
        let restarted = reserve_one(store, key, T0 + Duration::minutes(4), limit).await.unwrap();
        assert_eq!(restarted, Ok(ThrottleWindow { started_at: T0 + Duration::minutes(4), failures: 1 }));
    }

    pub async fn twenty_racing_reservations_take_exactly_the_limit(db: &TestDb) {
        let key = "pw:ip:198.51.100.1";
        let limit = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        let outcomes = burst(20, |i| {
            let store: Arc<dyn Store> = db.store.clone();
            let at = T0 + Duration::seconds(i64::try_from(i).unwrap());
            async move { reserve_one(store.as_ref(), key, at, limit).await }
        })
        .await;
        let mut counts = Vec::new();
        let mut refused = 0;
        for outcome in outcomes {
            match outcome.expect("reserve_one") {
                Ok(w) => counts.push(w.failures),
                Err(full) => {
                    assert_eq!(full.failures, 5, "a refusal sees the full window");
                    refused += 1;
                }
            }
        }
        counts.sort_unstable();
        assert_eq!(counts, (1..=5).collect::<Vec<u32>>(), "each slot saw its own count; none was lost or doubled");
        assert_eq!(refused, 15);
        let stored = store_window(db, key).await;
        assert_eq!(stored.failures, 5, "refusals write nothing");
        assert!(stored.started_at >= T0 && stored.started_at < T0 + Duration::seconds(20), "one window: {stored:?}");
    }

    pub async fn several_limits_are_reserved_all_or_none(db: &TestDb) {
        let store = db.store.as_ref();
        let roomy = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        let tight = ThrottleLimit { max_failures: 1, window: Duration::minutes(15) };
        let both = [(SIGN_IN_ACCOUNT, roomy), (SIGN_IN_ADDRESS, tight)];

        let taken = store.throttle_reserve_all(&both, T0).await.unwrap().unwrap();
        assert_eq!(taken, vec![ThrottleWindow { started_at: T0, failures: 1 }; 2]);

        let at = T0 + Duration::minutes(1);
        let refused = store.throttle_reserve_all(&both, at).await.unwrap();
        assert_eq!(refused, Err((1, ThrottleWindow { started_at: T0, failures: 1 })), "the second limit is full");
        assert_eq!(
            store.throttle(SIGN_IN_ACCOUNT).await.unwrap().map(|w| w.failures),
            Some(1),
            "the first limit's slot was not kept"
        );
    }

    pub async fn racing_reservations_of_two_limits_take_both_slots_or_neither(db: &TestDb) {
        // Twenty accounts signing in from one address at once: the address's limit of five lets
        // exactly five through, and the fifteen refused take no slot under their account.
        let address = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        let account = ThrottleLimit { max_failures: 5, window: Duration::minutes(15) };
        let outcomes = burst(20, |i| {
            let store: Arc<dyn Store> = db.store.clone();
            async move {
                let key = format!("pw:acct:user{i}@example.com");
                let reserved =
                    store.throttle_reserve_all(&[(key.as_str(), account), (SIGN_IN_ADDRESS, address)], T0).await;
                (key, reserved.expect("throttle_reserve_all"))
            }
        })
        .await;
        let mut granted = 0;
        for (key, outcome) in outcomes {
            let held = db.store.throttle(&key).await.unwrap().map(|w| w.failures);
            match outcome {
                Ok(windows) => {
                    granted += 1;
                    assert_eq!(held, Some(1), "{key} holds its slot");
                    assert_eq!(windows.len(), 2);
                }
                Err((index, full)) => {
                    assert_eq!((index, full.failures), (1, 5), "refused by the full address");
                    assert_eq!(held, None, "{key} was refused and holds nothing");
                }
            }
        }
        assert_eq!(granted, 5);
        assert_eq!(store_window(db, SIGN_IN_ADDRESS).await.failures, 5);
    }

    pub async fn a_released_slot_is_given_back_only_in_its_own_window(db: &TestDb) {
        let store = db.store.as_ref();
        let key = "reset:ann@example.com";
        let limit = ThrottleLimit { max_failures: 2, window: Duration::hours(1) };
        let first = reserve_one(store, key, T0, limit).await.unwrap().unwrap();
        reserve_one(store, key, T0, limit).await.unwrap().unwrap();
        assert!(reserve_one(store, key, T0, limit).await.unwrap().is_err(), "full");
        store.throttle_release(key, first.started_at).await.unwrap();
        assert_eq!(reserve_one(store, key, T0, limit).await.unwrap().map(|w| w.failures), Ok(2), "the slot came back");
        // A slot of an earlier window never frees one in the current window.
        let later = T0 + Duration::hours(1);
        assert_eq!(reserve_one(store, key, later, limit).await.unwrap().map(|w| w.failures), Ok(1));
        store.throttle_release(key, first.started_at).await.unwrap();
        assert_eq!(store.throttle(key).await.unwrap().map(|w| w.failures), Some(1));
    }

    pub async fn racing_sms_reservations_send_exactly_what_the_limits_allow(db: &TestDb) {
        let store = db.store.clone();
        let ann = stored_user(store.as_ref(), "ann@example.com").await;
        let rule = portal_core::mfa::sms_code::may_send;
        let outcomes = burst(20, |_| {
            let (store, id) = (store.clone(), ann.id.clone());
            async move { store.reserve_sms_send(&id, "phone-key", Some("203.0.113.7"), T0, rule).await.unwrap() }
        })
        .await;
        let sent: Vec<_> = outcomes.into_iter().filter_map(Result::ok).collect();
        assert_eq!(sent.len(), 1, "the 30-second cooldown lets one text through");
        // Given back (the provider refused it), the next one may go.
        store.release_sms_send(sent[0]).await.unwrap();
        assert!(store.reserve_sms_send(&ann.id, "phone-key", None, T0, rule).await.unwrap().is_ok());
        assert!(store.reserve_sms_send(&ann.id, "phone-key", None, T0, rule).await.unwrap().is_err());
    }

    async fn store_window(db: &TestDb, key: &str) -> ThrottleWindow {
        db.store.throttle(key).await.unwrap().expect("a window exists")
    }

    pub async fn a_throttle_window_restarts_once_it_has_passed(db: &TestDb) {
        let store = db.store.as_ref();
        let key = "pw:acct:ann@example.com";
        let window = Duration::minutes(15);
        let limit = ThrottleLimit { max_failures: 5, window };
        for _ in 0..3 {
            reserve_one(store, key, T0, limit).await.unwrap().unwrap();
        }
        let late_in_window = reserve_one(store, key, T0 + Duration::minutes(14), limit).await.unwrap();
        assert_eq!(late_in_window, Ok(ThrottleWindow { started_at: T0, failures: 4 }));

        let next = T0 + window;
        let restarted = reserve_one(store, key, next, limit).await.unwrap().unwrap();
        assert_eq!(restarted, ThrottleWindow { started_at: next, failures: 1 }, "a passed window starts afresh");
        assert_eq!(store.throttle(key).await.unwrap(), Some(restarted));
        let counted = reserve_one(store, key, next + Duration::minutes(1), limit).await.unwrap();
        assert_eq!(counted, Ok(ThrottleWindow { started_at: next, failures: 2 }));
    }

    pub async fn meta_init_keeps_the_first_value(db: &TestDb) {
        let store = db.store.as_ref();
        assert_eq!(store.meta("instance_id").await.unwrap(), None);
        assert_eq!(store.meta_init("instance_id", "first").await.unwrap(), "first");
        assert_eq!(store.meta_init("instance_id", "second").await.unwrap(), "first", "the stored value wins");
        assert_eq!(store.meta("instance_id").await.unwrap().as_deref(), Some("first"));
        assert_eq!(store.meta_init("other", "x").await.unwrap(), "x");
    }

    pub async fn a_password_reset_completes_only_once(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let token = stored_reset(store, &ann, T0).await;
        let new_hash = PasswordHashString("$argon2id$new-hash".to_owned());

        let at = T0 + Duration::minutes(5);
        let done =
            store.complete_password_reset(&token.hash(), &new_hash, at, reset_completed_event(at)).await.unwrap();
        let done = done.expect("a fresh token completes");
        assert_eq!(done.id, ann.id);
        assert_eq!(done.password_hash, new_hash, "returns the user with the new password");
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, new_hash);

        let replay_hash = PasswordHashString("$argon2id$replayed".to_owned());
        let at = T0 + Duration::minutes(6);
        let replay =
            store.complete_password_reset(&token.hash(), &replay_hash, at, reset_completed_event(at)).await.unwrap();
        assert_eq!(replay, None, "a used link does nothing");
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, new_hash);
        let completed = AuditFilter { action: Some(action::PASSWORD_RESET_COMPLETED.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&completed).await.unwrap().len(), 1, "only the real completion is audited");
    }

    pub async fn a_reset_link_names_its_user_only_while_usable_and_is_not_consumed_by_looking(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let token = stored_reset(store, &ann, T0).await;
        let at = T0 + Duration::minutes(1);
        let found = store.password_reset_user(&token.hash(), at).await.unwrap().expect("a fresh link names its user");
        assert_eq!(found.id, ann.id);
        assert_eq!(store.password_reset_user(&token.hash(), at).await.unwrap().map(|u| u.id), Some(ann.id.clone()));
        assert_eq!(store.password_reset_user(&token.hash(), T0 + RESET_LINK_LIFETIME).await.unwrap(), None, "expired");
        assert_eq!(store.password_reset_user(&ResetToken::generate(&OsRandom).hash(), at).await.unwrap(), None);
        let new_hash = PasswordHashString("$argon2id$new-hash".to_owned());
        assert!(
            store
                .complete_password_reset(&token.hash(), &new_hash, at, reset_completed_event(at))
                .await
                .unwrap()
                .is_some(),
            "looking did not use the link up"
        );
        assert_eq!(store.password_reset_user(&token.hash(), at).await.unwrap(), None, "a used link names no one");
    }

    pub async fn a_password_hash_is_replaced_only_while_it_is_still_the_old_one(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let upgraded = PasswordHashString("$argon2id$upgraded".to_owned());
        let stale = PasswordHashString("$argon2id$stale".to_owned());
        assert!(!store.replace_password_hash(&ann.id, &stale, &upgraded).await.unwrap(), "not the stored hash");
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, ann.password_hash);
        assert!(store.replace_password_hash(&ann.id, &ann.password_hash, &upgraded).await.unwrap());
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, upgraded);
        // A second upgrade racing the first (or one after a reset) finds the hash changed.
        assert!(!store.replace_password_hash(&ann.id, &ann.password_hash, &stale).await.unwrap());
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, upgraded);
    }

    pub async fn an_expired_or_unknown_reset_token_changes_nothing(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let session = stored_session(store, &ann, T0).await;
        let token = stored_reset(store, &ann, T0).await;
        let new_hash = PasswordHashString("$argon2id$new-hash".to_owned());

        let expired_at = T0 + RESET_LINK_LIFETIME;
        let expired = store
            .complete_password_reset(&token.hash(), &new_hash, expired_at, reset_completed_event(expired_at))
            .await;
        assert_eq!(expired.unwrap(), None, "a link is dead from the moment it expires");
        let unknown = ResetToken::generate(&OsRandom).hash();
        let at = T0 + Duration::minutes(1);
        assert_eq!(
            store.complete_password_reset(&unknown, &new_hash, at, reset_completed_event(at)).await.unwrap(),
            None
        );

        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, ann.password_hash);
        assert_eq!(store.session(&session.id).await.unwrap(), Some(session), "no session was ended");
        let completed = AuditFilter { action: Some(action::PASSWORD_RESET_COMPLETED.to_owned()), ..all_events() };
        assert!(store.audit_events(&completed).await.unwrap().is_empty(), "nothing completed, nothing audited");

        // Still usable before it expires: the failed attempts did not burn it.
        let at = T0 + Duration::minutes(29);
        assert!(
            store
                .complete_password_reset(&token.hash(), &new_hash, at, reset_completed_event(at))
                .await
                .unwrap()
                .is_some()
        );
    }

    pub async fn completing_a_reset_ends_sessions_voids_other_links_and_is_audited(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;
        stored_session(store, &ann, T0).await;
        stored_session(store, &ann, T0 + Duration::minutes(1)).await;
        let bobs_session = stored_session(store, &bob, T0).await;
        let used = stored_reset(store, &ann, T0).await;
        let other_link = stored_reset(store, &ann, T0 + Duration::minutes(2)).await;
        let bobs_link = stored_reset(store, &bob, T0).await;
        let new_hash = PasswordHashString("$argon2id$new-hash".to_owned());

        let at = T0 + Duration::minutes(10);
        let done = store.complete_password_reset(&used.hash(), &new_hash, at, reset_completed_event(at)).await.unwrap();
        assert_eq!(done.map(|u| u.id), Some(ann.id.clone()));

        assert!(store.sessions_of(&ann.id).await.unwrap().is_empty(), "every session of the user ended");
        assert_eq!(store.session(&bobs_session.id).await.unwrap(), Some(bobs_session), "other users stay signed in");

        let at = T0 + Duration::minutes(11);
        let other_hash = PasswordHashString("$argon2id$other".to_owned());
        let via_other =
            store.complete_password_reset(&other_link.hash(), &other_hash, at, reset_completed_event(at)).await;
        assert_eq!(via_other.unwrap(), None, "the user's other outstanding link died with the reset");
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().password_hash, new_hash);
        let bobs =
            store.complete_password_reset(&bobs_link.hash(), &other_hash, at, reset_completed_event(at)).await.unwrap();
        assert_eq!(bobs.map(|u| u.id), Some(bob.id.clone()), "another user's link still works");

        let audit = store
            .audit_events(&AuditFilter {
                subject_id: Some(ann.id.clone()),
                action: Some(action::PASSWORD_RESET_COMPLETED.to_owned()),
                ..all_events()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1, "{audit:?}");
        let event = &audit[0].event;
        assert_eq!(event.at, T0 + Duration::minutes(10));
        assert_eq!(event.outcome, Outcome::Success);
        assert_eq!(event.subject_id.as_ref(), Some(&ann.id));
        assert_eq!(event.subject.as_deref(), Some("ann@example.com"));
        assert_eq!(event.actor.as_deref(), Some("ann@example.com"));
        assert_eq!(event.details["sessions_ended"], 2);
        assert_eq!(event.ip.as_deref(), Some("203.0.113.7"));
    }

    pub async fn audit_events_are_filtered_by_subject_actor_action_outcome_and_time(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = UserId::generate(&OsRandom);
        let bob = UserId::generate(&OsRandom);
        let event = |minutes: i64, who: &UserId, email: &str, act: &str, outcome: Outcome| {
            AuditEvent::new(T0 + Duration::minutes(minutes), act, outcome, &ctx())
                .actor(email)
                .subject(Some(who), email)
                .detail("minute", minutes)
        };
        let events = [
            event(0, &ann, "ann@example.com", action::LOGIN_PASSWORD, Outcome::Failure),
            event(1, &ann, "ann@example.com", action::LOGIN_PASSWORD, Outcome::Success),
            event(2, &bob, "bob@example.com", action::LOGIN_PASSWORD, Outcome::Failure),
            event(3, &bob, "bob@example.com", action::LOGIN_THROTTLED, Outcome::Refused),
            event(4, &ann, "ann@example.com", action::LOGOUT, Outcome::Success),
        ];
        for e in &events {
            store.append_audit(e).await.unwrap();
        }
        let minutes = |filter: AuditFilter| async move {
            store
                .audit_events(&filter)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.event.details["minute"].as_i64().unwrap())
                .collect::<Vec<_>>()
        };

        assert_eq!(minutes(all_events()).await, vec![4, 3, 2, 1, 0]);
        assert_eq!(minutes(AuditFilter { subject_id: Some(ann.clone()), ..all_events() }).await, vec![4, 1, 0]);
        assert_eq!(minutes(AuditFilter { actor: Some("bob@example.com".into()), ..all_events() }).await, vec![3, 2]);
        assert_eq!(
            minutes(AuditFilter { action: Some(action::LOGIN_PASSWORD.into()), ..all_events() }).await,
            vec![2, 1, 0]
        );
        assert_eq!(minutes(AuditFilter { outcome: Some(Outcome::Failure), ..all_events() }).await, vec![2, 0]);
        assert_eq!(minutes(AuditFilter { outcome: Some(Outcome::Refused), ..all_events() }).await, vec![3]);
        assert_eq!(
            minutes(AuditFilter {
                from: Some(T0 + Duration::minutes(1)),
                until: Some(T0 + Duration::minutes(3)),
                ..all_events()
            })
            .await,
            vec![2, 1],
            "from is inclusive, until exclusive"
        );
        assert_eq!(
            minutes(AuditFilter {
                subject_id: Some(ann.clone()),
                action: Some(action::LOGIN_PASSWORD.into()),
                outcome: Some(Outcome::Success),
                ..all_events()
            })
            .await,
            vec![1],
            "filters combine"
        );
        assert!(
            minutes(AuditFilter { subject_id: Some(UserId::generate(&OsRandom)), ..all_events() }).await.is_empty()
        );

        let stored = store.audit_events(&AuditFilter { subject_id: Some(bob), ..all_events() }).await.unwrap();
        assert_eq!(stored[1].event, events[2], "every field round-trips");
    }

    pub async fn audit_events_come_newest_first_and_the_limit_keeps_the_newest(db: &TestDb) {
        let store = db.store.as_ref();
        for i in 0..10 {
            let e = AuditEvent::new(T0 + Duration::seconds(i), action::LOGIN_PASSWORD, Outcome::Failure, &ctx())
                .detail("n", i);
            store.append_audit(&e).await.unwrap();
        }

        let all = store.audit_events(&all_events()).await.unwrap();
        let ns: Vec<i64> = all.iter().map(|r| r.event.details["n"].as_i64().unwrap()).collect();
        assert_eq!(ns, (0..10).rev().collect::<Vec<_>>());
        assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "sequence numbers descend");

        let newest = store.audit_events(&AuditFilter { limit: 3, ..AuditFilter::default() }).await.unwrap();
        let ns: Vec<i64> = newest.iter().map(|r| r.event.details["n"].as_i64().unwrap()).collect();
        assert_eq!(ns, vec![9, 8, 7]);
    }

    pub async fn the_audit_log_refuses_updates_and_deletes_at_the_database_level(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let before = store.audit_events(&all_events()).await.unwrap();
        assert_eq!(before.len(), 1);

        let raw = RawPool::open(db).await;
        let mut attempts = vec![
            "UPDATE audit_log SET outcome = 'failure'",
            "UPDATE audit_log SET details = '{}' WHERE action = 'user.created'",
            "DELETE FROM audit_log",
            "DELETE FROM audit_log WHERE action = 'user.created'",
        ];
        if db.backend == Backend::Postgres {
            attempts.push("TRUNCATE audit_log");
        }
        for sql in attempts {
            let result = raw.execute(sql).await;
            assert!(result.is_err(), "{sql:?} succeeded ({result:?}) on {:?}", db.backend);
            let message = result.unwrap_err().to_string();
            assert!(message.contains("append-only"), "{sql:?} failed for another reason: {message}");
        }
        // The raw pool itself works: other tables accept edits.
        assert_eq!(raw.execute("UPDATE users SET name = 'Ann Edited'").await.unwrap(), 1);
        raw.close().await;

        assert_eq!(store.audit_events(&all_events()).await.unwrap(), before, "the row is unchanged");
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().name.as_str(), "Ann Edited");
    }

    fn recovery_set(user: &User, n: usize) -> Vec<StoredRecoveryCode> {
        (0..n)
            .map(|i| StoredRecoveryCode {
                id: format!("{:032x}", i + 1),
                user_id: user.id.clone(),
                code_hash: format!("hash-{i}-{}", user.id.as_str()),
                created_at: T0,
                used_at: None,
            })
            .collect()
    }

    pub async fn a_recovery_code_signs_in_once_of_many_racing_and_a_new_set_replaces_the_old(db: &TestDb) {
        let store: Arc<dyn Store> = db.store.clone();
        let ann = stored_user(store.as_ref(), "ann@example.com").await;
        let audit = AuditEvent::new(T0, action::MFA_RECOVERY_CODES_CREATED, Outcome::Success, &ctx());
        store.replace_recovery_codes(&ann.id, &recovery_set(&ann, 10), &audit).await.unwrap();
        assert_eq!(store.recovery_codes(&ann.id).await.unwrap(), recovery_set(&ann, 10));

        // Eight sessions send the same code at once: exactly one signs in, the rest lose the
        // compare-and-set and keep their sessions.
        let mut sessions = Vec::new();
        for _ in 0..8 {
            let mut s = session_for(&ann, T0);
            s.auth_level = AuthLevel::PasswordVerified;
            store.insert_session(&s).await.unwrap();
            sessions.push(s);
        }
        let completion = |old: &Session| {
            let mut new = successor_of(old, T0);
            new.mfa_verified_at = Some(T0);
            SecondFactorCompletion {
                user_id: ann.id.clone(),
                proof: SecondFactorProof::UseRecoveryCode { code_id: format!("{:032x}", 1) },
                method: None,
                now: T0 + Duration::seconds(5),
                old_session: old.id.clone(),
                new_session: new,
                audit: AuditEvent::new(T0, action::MFA_VERIFY, Outcome::Success, &ctx()).detail("method", "recovery"),
            }
        };
        let outcomes = burst(sessions.len(), |i| {
            let (store, c) = (store.clone(), completion(&sessions[i]));
            async move { store.complete_second_factor(&c).await.unwrap() }
        })
        .await;
        assert_eq!(outcomes.iter().filter(|o| **o == CompletionOutcome::Completed).count(), 1, "{outcomes:?}");
        assert!(outcomes.iter().all(|o| matches!(o, CompletionOutcome::Completed | CompletionOutcome::ProofTaken)));
        let set = store.recovery_codes(&ann.id).await.unwrap();
        assert_eq!(set.iter().filter(|c| c.used_at == Some(T0 + Duration::seconds(5))).count(), 1);
        assert_eq!(set.iter().filter(|c| c.is_unused()).count(), 9);
        let still_open = futures_count(store.as_ref(), &sessions).await;
        assert_eq!(still_open, 7, "the losers' sessions are untouched");
        // A recovery code changes no preference.
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().mfa_preferred, None);

        // A new set replaces every code, used or not; an empty set clears them.
        let mut fresh = recovery_set(&ann, 3);
        for c in &mut fresh {
            c.id = format!("f{}", &c.id[1..]);
        }
        store.replace_recovery_codes(&ann.id, &fresh, &audit).await.unwrap();
        assert_eq!(store.recovery_codes(&ann.id).await.unwrap().len(), 3);
        store.replace_recovery_codes(&ann.id, &[], &audit).await.unwrap();
        assert!(store.recovery_codes(&ann.id).await.unwrap().is_empty());
        let created = AuditFilter { action: Some(action::MFA_RECOVERY_CODES_CREATED.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&created).await.unwrap().len(), 3);
    }

    async fn futures_count(store: &dyn Store, sessions: &[Session]) -> usize {
        let mut open = 0;
        for s in sessions {
            if store.session(&s.id).await.unwrap().is_some() {
                open += 1;
            }
        }
        open
    }

    pub async fn remembered_devices_are_found_by_token_and_forgotten_one_or_all_and_by_a_reset(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;
        let remember = |user: &User, at: OffsetDateTime| {
            RememberedDevice::start(&user.id, Some("Firefox".to_owned()), at, Duration::days(30), &OsRandom)
        };
        let audit = AuditEvent::new(T0, action::DEVICE_REMEMBERED, Outcome::Success, &ctx());
        let (token1, first) = remember(&ann, T0);
        let (_, second) = remember(&ann, T0 + Duration::hours(1));
        let (_, bobs) = remember(&bob, T0);
        for d in [&first, &second, &bobs] {
            store.remember_device(d, &audit).await.unwrap();
        }
        assert_eq!(store.remembered_device(&token1.hash()).await.unwrap(), Some(first.clone()));
        assert_eq!(store.remembered_device("no-such-hash").await.unwrap(), None);
        assert_eq!(store.devices_of(&ann.id).await.unwrap(), vec![second.clone(), first.clone()], "newest first");

        store.device_used(&first.id, T0 + Duration::days(2)).await.unwrap();
        let used = store.remembered_device(&token1.hash()).await.unwrap().unwrap();
        assert_eq!(used.last_used_at, T0 + Duration::days(2));

        let forget = AuditEvent::new(T0, action::DEVICE_FORGOTTEN, Outcome::Success, &ctx());
        // Bob's device is not Ann's to forget.
        assert_eq!(store.forget_devices(&ann.id, Some(&bobs.id), &forget).await.unwrap(), 0);
        assert_eq!(store.forget_devices(&ann.id, Some(&first.id), &forget).await.unwrap(), 1);
        assert_eq!(store.devices_of(&ann.id).await.unwrap(), vec![second.clone()]);
        assert_eq!(store.forget_devices(&ann.id, None, &forget).await.unwrap(), 1);
        assert!(store.devices_of(&ann.id).await.unwrap().is_empty());
        let forgotten = AuditFilter { action: Some(action::DEVICE_FORGOTTEN.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&forgotten).await.unwrap().len(), 2, "only changes are audited");

        // A support reset forgets Bob's too, with his recovery codes.
        store.replace_recovery_codes(&bob.id, &recovery_set(&bob, 2), &audit).await.unwrap();
        let reset = AuditEvent::new(T0, action::SUPPORT_RESET_MFA, Outcome::Success, &ctx());
        store.reset_mfa(&bob.id, T0.date() + Duration::days(7), &reset).await.unwrap();
        assert!(store.devices_of(&bob.id).await.unwrap().is_empty());
        assert!(store.recovery_codes(&bob.id).await.unwrap().is_empty());
    }

    pub async fn a_user_ends_one_of_their_sessions_or_all_others_but_never_someone_elses(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let bob = stored_user(store, "bob@example.com").await;
        let here = stored_session(store, &ann, T0).await;
        let phone = stored_session(store, &ann, T0).await;
        let tablet = stored_session(store, &ann, T0).await;
        let bobs = stored_session(store, &bob, T0).await;
        let audit = AuditEvent::new(T0, action::SESSION_ENDED_BY_USER, Outcome::Success, &ctx());

        assert!(!store.end_session_of(&ann.id, &bobs.id, &audit).await.unwrap(), "not hers");
        assert!(store.session(&bobs.id).await.unwrap().is_some());
        assert!(store.end_session_of(&ann.id, &phone.id, &audit).await.unwrap());
        assert!(!store.end_session_of(&ann.id, &phone.id, &audit).await.unwrap(), "already ended");
        assert_eq!(store.end_other_sessions(&ann.id, &here.id, &audit).await.unwrap(), 1);
        assert_eq!(store.session(&tablet.id).await.unwrap(), None);
        assert!(store.session(&here.id).await.unwrap().is_some());
        assert!(store.session(&bobs.id).await.unwrap().is_some());
        assert_eq!(store.end_other_sessions(&ann.id, &here.id, &audit).await.unwrap(), 0);
        let ended = AuditFilter { action: Some(action::SESSION_ENDED_BY_USER.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&ended).await.unwrap().len(), 2, "one per change");
    }

    /// Registers a passkey for `user` (their second factor from then on).
    async fn enrolled_with_a_passkey(store: &dyn Store, user: &User, ceremony: &str, n: u8) {
        let done = passkey_completion(
            user,
            &stored_session(store, user, T0).await,
            SecondFactorProof::RegisterPasskey {
                ceremony: ceremony.into(),
                ceremony_expires_at: T0 + Duration::minutes(5),
                passkey: passkey_for(user, n),
            },
        );
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
    }

    fn passkey_for(user: &User, n: u8) -> StoredPasskey {
        StoredPasskey {
            id: format!("{:032x}", u32::from(n) + 100),
            user_id: user.id.clone(),
            cred_id: format!("cred-{n}-{}", &user.id.as_str()[..8]),
            name: format!("Key {n}"),
            credential: format!("{{\"key\":{n}}}"),
            counter: 1,
            backup_eligible: true,
            backup_state: false,
            created_at: T0,
            last_used_at: None,
        }
    }

    fn passkey_completion(user: &User, old: &Session, proof: SecondFactorProof) -> SecondFactorCompletion {
        let mut new = successor_of(old, old.created_at);
        new.mfa_verified_at = Some(T0);
        SecondFactorCompletion {
            user_id: user.id.clone(),
            proof,
            method: Some(Method::Passkey),
            now: T0 + Duration::seconds(10),
            old_session: old.id.clone(),
            new_session: new,
            audit: AuditEvent::new(T0, action::MFA_PASSKEY_ADDED, Outcome::Success, &ctx()),
        }
    }

    pub async fn a_passkey_is_registered_and_used_once_per_ceremony_and_its_counter_moves_on(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        let key = passkey_for(&ann, 1);
        let register = |ceremony: &str| SecondFactorProof::RegisterPasskey {
            ceremony: ceremony.to_owned(),
            ceremony_expires_at: T0 + Duration::minutes(5),
            passkey: key.clone(),
        };
        let s1 = stored_session(store, &ann, T0).await;
        let done = passkey_completion(&ann, &s1, register("ceremony-1"));
        assert_eq!(store.complete_second_factor(&done).await.unwrap(), CompletionOutcome::Completed);
        assert_eq!(store.passkeys_of(&ann.id).await.unwrap(), vec![key.clone()]);
        assert_eq!(store.passkey_by_cred_id(&key.cred_id).await.unwrap(), Some(key.clone()));
        assert_eq!(store.user_by_id(&ann.id).await.unwrap().unwrap().mfa_preferred, Some(Method::Passkey));

        // The same ceremony again finishes nothing, and writes nothing.
        let s2 = stored_session(store, &ann, T0).await;
        let again = passkey_completion(&ann, &s2, register("ceremony-1"));
        assert_eq!(store.complete_second_factor(&again).await.unwrap(), CompletionOutcome::ProofTaken);
        assert!(store.session(&s2.id).await.unwrap().is_some());

        // Used in another ceremony: the counter and credential move on, once.
        let used =
            PasskeyUse { passkey_id: key.id.clone(), credential: "{\"key\":2}".into(), counter: 7, backup_state: true };
        let verify = |ceremony: &str| SecondFactorProof::VerifyPasskey {
            ceremony: ceremony.to_owned(),
            ceremony_expires_at: T0 + Duration::minutes(5),
            used: used.clone(),
        };
        assert_eq!(
            store.complete_second_factor(&passkey_completion(&ann, &s2, verify("ceremony-2"))).await.unwrap(),
            CompletionOutcome::Completed
        );
        let after = store.passkey_by_cred_id(&key.cred_id).await.unwrap().unwrap();
        assert_eq!((after.counter, after.backup_state, after.credential.as_str()), (7, true, "{\"key\":2}"));
        assert_eq!(after.last_used_at, Some(T0 + Duration::seconds(10)));
        let s3 = stored_session(store, &ann, T0).await;
        assert_eq!(
            store.complete_second_factor(&passkey_completion(&ann, &s3, verify("ceremony-2"))).await.unwrap(),
            CompletionOutcome::ProofTaken
        );

        // A credential id belongs to one account.
        let bob = stored_user(store, "bob@example.com").await;
        let sb = stored_session(store, &bob, T0).await;
        let stolen = SecondFactorProof::RegisterPasskey {
            ceremony: "ceremony-3".into(),
            ceremony_expires_at: T0 + Duration::minutes(5),
            passkey: StoredPasskey { id: format!("{:032x}", 999), user_id: bob.id.clone(), ..key.clone() },
        };
        assert!(matches!(
            store.complete_second_factor(&passkey_completion(&bob, &sb, stolen)).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(store.passkeys_of(&bob.id).await.unwrap().is_empty());

        // Renamed only by its owner; a support reset removes it.
        let rename = AuditEvent::new(T0, action::MFA_PASSKEY_RENAMED, Outcome::Success, &ctx());
        assert!(!store.rename_passkey(&bob.id, &key.id, "Mine now", &rename).await.unwrap());
        assert!(store.rename_passkey(&ann.id, &key.id, "Work laptop", &rename).await.unwrap());
        assert_eq!(store.passkeys_of(&ann.id).await.unwrap()[0].name, "Work laptop");
        let reset = AuditEvent::new(T0, action::SUPPORT_RESET_MFA, Outcome::Success, &ctx());
        store.reset_mfa(&ann.id, T0.date() + Duration::days(7), &reset).await.unwrap();
        assert!(store.passkeys_of(&ann.id).await.unwrap().is_empty());
    }

    pub async fn of_racing_passwordless_sign_ins_with_one_ceremony_exactly_one_opens_a_session(db: &TestDb) {
        let store: Arc<dyn Store> = db.store.clone();
        let ann = stored_user(store.as_ref(), "ann@example.com").await;
        let key = passkey_for(&ann, 1);
        let s0 = stored_session(store.as_ref(), &ann, T0).await;
        let register = SecondFactorProof::RegisterPasskey {
            ceremony: "setup".into(),
            ceremony_expires_at: T0 + Duration::minutes(5),
            passkey: key.clone(),
        };
        store.complete_second_factor(&passkey_completion(&ann, &s0, register)).await.unwrap();
        let used = PasskeyUse {
            passkey_id: key.id.clone(),
            credential: key.credential.clone(),
            counter: 2,
            backup_state: false,
        };
        let sessions: Vec<Session> = (0..8).map(|_| session_for(&ann, T0)).collect();
        let won = burst(sessions.len(), |i| {
            let (store, used, session) = (store.clone(), used.clone(), sessions[i].clone());
            async move {
                let audit = AuditEvent::new(T0, action::LOGIN_PASSKEY, Outcome::Success, &ctx());
                store
                    .complete_passkey_login("login-1", T0 + Duration::minutes(5), &used, &session, None, T0, &audit)
                    .await
                    .unwrap()
            }
        })
        .await;
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
        let mut open = 0;
        for s in &sessions {
            open += usize::from(store.session(&s.id).await.unwrap().is_some());
        }
        assert_eq!(open, 1, "exactly the winner's session exists");
        let signed_in = AuditFilter { action: Some(action::LOGIN_PASSKEY.to_owned()), ..all_events() };
        assert_eq!(store.audit_events(&signed_in).await.unwrap().len(), 1);

        // A removed passkey signs nobody in, even with a fresh ceremony.
        let gone = AuditEvent::new(T0, action::MFA_METHOD_REMOVED, Outcome::Success, &ctx());
        assert!(store.delete_passkey(&ann.id, &key.id, false, &gone).await.unwrap());
        let late = session_for(&ann, T0);
        let audit = AuditEvent::new(T0, action::LOGIN_PASSKEY, Outcome::Success, &ctx());
        assert!(!store.complete_passkey_login("login-2", T0, &used, &late, None, T0, &audit).await.unwrap());
        assert!(store.session(&late.id).await.unwrap().is_none());
    }

    pub async fn a_passkey_is_not_the_last_method_to_go_while_another_is_left(db: &TestDb) {
        let store = db.store.as_ref();
        let ann = stored_user(store, "ann@example.com").await;
        for (n, ceremony) in [(1u8, "c1"), (2, "c2")] {
            let proof = SecondFactorProof::RegisterPasskey {
                ceremony: ceremony.into(),
                ceremony_expires_at: T0 + Duration::minutes(5),
                passkey: passkey_for(&ann, n),
            };
            let old = stored_session(store, &ann, T0).await;
            assert_eq!(
                store.complete_second_factor(&passkey_completion(&ann, &old, proof)).await.unwrap(),
                CompletionOutcome::Completed
            );
        }
        let removed = AuditEvent::new(T0, action::MFA_METHOD_REMOVED, Outcome::Success, &ctx());
        let (first, second) = (passkey_for(&ann, 1).id, passkey_for(&ann, 2).id);
        assert!(store.delete_passkey(&ann.id, &first, true, &removed).await.unwrap(), "another passkey is left");
        assert!(!store.delete_passkey(&ann.id, &second, true, &removed).await.unwrap(), "the last method stays");
        assert_eq!(store.passkeys_of(&ann.id).await.unwrap().len(), 1);
        assert!(store.delete_passkey(&ann.id, &second, false, &removed).await.unwrap(), "when MFA is not in force");
        // A factor's removal counts passkeys as methods too.
        let bob = stored_user(store, "bob@example.com").await;
        let sb = stored_session(store, &bob, T0).await;
        let proof = SecondFactorProof::RegisterPasskey {
            ceremony: "c3".into(),
            ceremony_expires_at: T0 + Duration::minutes(5),
            passkey: passkey_for(&bob, 3),
        };
        store.complete_second_factor(&passkey_completion(&bob, &sb, proof)).await.unwrap();
        let app = Factor {
            id: FactorId::generate(&OsRandom),
            user_id: bob.id.clone(),
            method: Method::Totp,
            secret_enc: Some(vec![1]),
            phone: None,
            created_at: T0,
            confirmed_at: Some(T0),
            last_step: Some(1),
            last_used_at: None,
        };
        // Stored as given, here already confirmed.
        store.insert_pending_factor(&app).await.unwrap();
        assert!(store.delete_factor(&bob.id, Method::Totp, true, &removed).await.unwrap(), "the passkey is left");
    }
}
