//! Passwords (NIST SP 800-63B 5.1.1.2): a new password is NFKC-normalised, 12–256 characters
//! with no composition rules, and not on the blocklist nor built from the account's own words
//! ([`crate::password_policy`]); hashing is argon2id on one thread per core at most
//! ([`PasswordHasher`]), so a login flood cannot take every core.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use subtle::ConstantTimeEq as _;
use tokio::sync::oneshot;

use crate::language::{Language, Localized, MessageArg};
use crate::password_policy::{self, PasswordContext};
use crate::random::{self, SecureRandom};

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 256;

pub use crate::password_policy::nfkc;

/// A password as typed at login. Its `Debug` never shows the text.
#[derive(Clone)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_CHARS} characters")]
    TooShort,
    #[error("a password has at most {MAX_CHARS} characters")]
    TooLong,
    #[error("this password is on a list of common or breached passwords; choose another")]
    Common,
    #[error("a password must not be made of your email address, your name or the portal's name")]
    ContextWords,
}

impl Localized for PasswordError {
    /// The sentence the reset and sign-in pages show under the password field (`Display` keeps
    /// the English fragment the JSON API and logs use).
    fn message_in(&self, language: Language) -> String {
        match self {
            PasswordError::TooShort => {
                language.text_with("password-error-too-short", &[("min", MessageArg::from(MIN_CHARS))])
            }
            PasswordError::TooLong => {
                language.text_with("password-error-too-long", &[("max", MessageArg::from(MAX_CHARS))])
            }
            PasswordError::Common => language.text("password-error-common"),
            PasswordError::ContextWords => language.text("password-error-context-words"),
        }
    }
}

impl Password {
    /// A password typed at login. Only the upper bound is checked (before any hashing, so an
    /// attacker cannot make us hash megabytes); a too-short password simply fails to match.
    pub fn for_login(text: String) -> Result<Self, PasswordError> {
        if text.chars().count() > MAX_CHARS { Err(PasswordError::TooLong) } else { Ok(Self(text)) }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The texts to try against a stored hash, in order: the NFKC form, which every hash made
    /// since normalisation was introduced is of, then the text as typed, which a hash made
    /// before may be of. The second is tried only when the two differ, which depends on the text
    /// alone, never on the account, so an unknown email costs what a known one does.
    fn login_forms(&self) -> (String, Option<&str>) {
        let normalised = nfkc(&self.0);
        let raw = (normalised != self.0).then_some(self.0.as_str());
        (normalised, raw)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A password that may be stored: NFKC-normalised and through [`NewPassword::check`]. The only
/// thing the hasher hashes, so no code path can store a password that skipped the rules.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// The rule for every password someone chooses (CLI `user add`, the reset / set-password
    /// link, demo accounts): NFKC, then 12–256 characters, then not on the blocklist of common
    /// and breached passwords (exact match, ignoring case), then not built from `context`.
    pub fn check(text: &str, context: &PasswordContext<'_>) -> Result<Self, PasswordError> {
        let text = nfkc(text);
        let chars = text.chars().count();
        if chars < MIN_CHARS {
            Err(PasswordError::TooShort)
        } else if chars > MAX_CHARS {
            Err(PasswordError::TooLong)
        } else if password_policy::is_common(&text) {
            Err(PasswordError::Common)
        } else if context.is_built_from(&text) {
            Err(PasswordError::ContextWords)
        } else {
            Ok(Self(text))
        }
    }

    /// 48 random hex characters nobody knows: the placeholder for accounts whose owner chooses
    /// a password later through a set-password link.
    pub fn unusable(rng: &dyn SecureRandom) -> Self {
        Self(hex::encode(random::bytes::<24>(rng)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// A PHC-format argon2id hash string.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHashString(pub String);

impl fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHashString(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HashingError {
    #[error("password hashing failed: {0}")]
    Argon2(String),
    #[error("the password hashing pool is closed")]
    PoolClosed,
}

/// argon2id with the OWASP-recommended m=19 MiB, t=2, p=1.
fn params() -> Result<Params, HashingError> {
    Params::new(19_456, 2, 1, None).map_err(|e| HashingError::Argon2(e.to_string()))
}

thread_local! {
    /// argon2's working memory (19 MiB at our parameters), kept per thread and reused. Allocating
    /// and zeroing it for every hash cost page faults on each login and let RSS swing by 19 MiB
    /// per concurrent hash; every block is overwritten in the first pass, so reuse is safe.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Where argon2's working memory comes from.
#[derive(Clone, Copy)]
enum Memory {
    /// This thread's kept buffer: for the hashing threads, which hash again and again.
    Reused,
    /// A buffer freed afterwards: for one-off hashes on a thread that must not keep 19 MiB
    /// (the dummy hash at startup runs on the caller's thread, the CLI hashes once).
    Fresh,
}

/// Runs argon2 over `memory`.
fn hash_into(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: Memory,
) -> Result<(), argon2::Error> {
    let needed = argon.params().block_count();
    match memory {
        Memory::Fresh => argon.hash_password_into_with_memory(password, salt, out, vec![Block::new(); needed]),
        Memory::Reused => BLOCKS.with(|cell| {
            let mut blocks = cell.borrow_mut();
            if blocks.len() < needed {
                blocks.resize(needed, Block::new());
            }
            argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
        }),
    }
}

/// Hashes synchronously; for CLI tools and seeding. Servers use [`PasswordHasher`].
pub fn hash_blocking(password: &NewPassword, rng: &dyn SecureRandom) -> Result<PasswordHashString, HashingError> {
    hash_with(password, rng, Memory::Fresh)
}

fn hash_with(
    password: &NewPassword,
    rng: &dyn SecureRandom,
    memory: Memory,
) -> Result<PasswordHashString, HashingError> {
    let error = |e: &dyn fmt::Display| HashingError::Argon2(e.to_string());
    let salt_bytes = random::bytes::<16>(rng);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| error(&e))?;
    let params = params()?;
    let mut out = [0u8; 32];
    hash_into(
        &Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()),
        password.expose().as_bytes(),
        &salt_bytes,
        &mut out,
        memory,
    )
    .map_err(|e| error(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| error(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| error(&e))?),
    };
    Ok(PasswordHashString(phc.to_string()))
}

/// Verifies the text exactly as given, one argon2 run, in constant time. The parameters, salt
/// and length come from the stored hash (as `PasswordVerifier` would take them), so older hashes
/// keep verifying. The calling thread keeps argon2's working memory for its next verification:
/// call it from threads that verify repeatedly (the hashing threads), not from a runtime worker.
/// Logins go through [`verify_login_blocking`], which also tries the normalised form.
pub fn verify_blocking(password: &Password, hash: &PasswordHashString) -> bool {
    verify_text(password.expose(), hash)
}

fn verify_text(text: &str, hash: &PasswordHashString) -> bool {
    let Ok(parsed) = PasswordHash::new(&hash.0) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if hash_into(&Argon2::new(algorithm, version, params), text.as_bytes(), salt_bytes, &mut out, Memory::Reused)
        .is_err()
    {
        return false;
    }
    bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Whether `hash` was made with today's algorithm, version, parameters and length.
fn is_current(hash: &PasswordHashString) -> bool {
    let Ok(parsed) = PasswordHash::new(&hash.0) else {
        return false;
    };
    let (Ok(params), Ok(current)) = (Params::try_from(&parsed), params()) else {
        return false;
    };
    parsed.algorithm == Algorithm::Argon2id.ident()
        && parsed.version == Some(Version::V0x13.into())
        && (params.m_cost(), params.t_cost(), params.p_cost()) == (current.m_cost(), current.t_cost(), current.p_cost())
        && parsed.hash.is_some_and(|h| h.len() == 32)
}

/// The outcome of a login's password check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginMatch {
    NoMatch,
    Matched,
    /// Matched a hash made before normalisation (of the text as typed, which NFKC changes) or
    /// with older argon2 parameters: store this hash of the normalised text in its place.
    MatchedRehashed(PasswordHashString),
}

impl LoginMatch {
    pub fn matched(&self) -> bool {
        !matches!(self, Self::NoMatch)
    }
}

/// Checks a login's password against `hash`: the NFKC form first (what every hash made since
/// normalisation is of, so an up-to-date account costs one argon2 run), then, only when NFKC
/// changes the text, the text as typed (what a hash made before may be of). On a match with an
/// outdated hash, hashes the normalised text with today's parameters.
pub fn verify_login_blocking(
    password: &Password,
    hash: &PasswordHashString,
    rng: &dyn SecureRandom,
) -> Result<LoginMatch, HashingError> {
    let (normalised, raw) = password.login_forms();
    let legacy = if verify_text(&normalised, hash) {
        false
    } else if raw.is_some_and(|raw| verify_text(raw, hash)) {
        true
    } else {
        return Ok(LoginMatch::NoMatch);
    };
    if !legacy && is_current(hash) {
        return Ok(LoginMatch::Matched);
    }
    hash_with(&NewPassword(normalised), rng, Memory::Reused).map(LoginMatch::MatchedRehashed)
}

/// Runs argon2 on threads of its own, one per permit, in the order asked.
///
/// Not on tokio's blocking pool: between two hashes there a permit was handed on through the
/// async runtime (the finished task wakes, drops its permit, the next task wakes and asks the
/// pool for a thread), and each wake-up could wait behind the hash running on the other core
/// while this one stood idle: under a flood of sign-ins the two cores were 6–9 % idle. Here a
/// thread that finishes a hash takes the next one from the queue at once (2–9 % idle, about 5 %
/// more sign-ins per second). And only these threads keep argon2's 19 MiB of working memory,
/// however many threads the blocking pool grows to.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    jobs: mpsc::Sender<HashJob>,
    load: Arc<HashingLoad>,
    rng: random::SharedRandom,
    /// Verified against for unknown emails so both paths cost the same argon2id runs.
    dummy: PasswordHashString,
}

/// A hash or verification waiting for a hashing thread.
type HashJob = Box<dyn FnOnce() + Send>;

/// How many argon2 runs are under way and how many wait (for metrics).
#[derive(Debug, Default)]
struct HashingLoad {
    running: AtomicUsize,
    waiting: AtomicUsize,
}

impl PasswordHasher {
    /// Starts `permits` hashing threads (at least one); they end when the last clone is dropped.
    pub fn new(permits: usize, rng: random::SharedRandom) -> Result<Self, HashingError> {
        let dummy = hash_blocking(&NewPassword::unusable(rng.as_ref()), rng.as_ref())?;
        let (jobs, queue) = mpsc::channel::<HashJob>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..permits.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name("portal-argon2".into())
                .spawn(move || hash_jobs(&queue))
                .map_err(|e| HashingError::Argon2(format!("starting a hashing thread: {e}")))?;
        }
        Ok(Self { jobs, load: Arc::default(), rng, dummy })
    }

    /// Argon2id runs under way now, and callers waiting for one to finish.
    pub fn load(&self) -> (usize, usize) {
        (self.load.running.load(Ordering::Relaxed), self.load.waiting.load(Ordering::Relaxed))
    }

    /// Runs `work` on a hashing thread once one is free; a caller that has gone by then (a
    /// closed connection) costs no argon2 run.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashingError> {
        let (tell, answer) = oneshot::channel();
        let load = self.load.clone();
        let job: HashJob = Box::new(move || {
            load.waiting.fetch_sub(1, Ordering::Relaxed);
            if tell.is_closed() {
                return;
            }
            load.running.fetch_add(1, Ordering::Relaxed);
            let result = {
                let _counted = Running(&load.running);
                work()
            };
            // The caller may have gone meanwhile; nothing is left to do for it.
            let _ = tell.send(result);
        });
        self.load.waiting.fetch_add(1, Ordering::Relaxed);
        if self.jobs.send(job).is_err() {
            self.load.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(HashingError::PoolClosed);
        }
        // A job whose run panicked has dropped `tell`.
        answer.await.map_err(|_| HashingError::Argon2("the hashing run did not finish".to_owned()))
    }

    pub async fn hash(&self, password: NewPassword) -> Result<PasswordHashString, HashingError> {
        let rng = self.rng.clone();
        self.run(move || hash_with(&password, rng.as_ref(), Memory::Reused)).await?
    }

    /// Verifies `password` against `hash`, or against the dummy hash when there is no account,
    /// so an unknown email costs the same time as a wrong password (the dummy never matches,
    /// so both forms are tried for it exactly as for a wrong password on a real account).
    pub async fn verify(
        &self,
        password: Password,
        hash: Option<PasswordHashString>,
    ) -> Result<LoginMatch, HashingError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.clone());
        let rng = self.rng.clone();
        let outcome = self.run(move || verify_login_blocking(&password, &hash, rng.as_ref())).await??;
        Ok(if known { outcome } else { LoginMatch::NoMatch })
    }
}

/// Counts one argon2 run until dropped, also when the run panics.
struct Running<'a>(&'a AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A hashing thread: takes the next job as soon as it is free, until the hasher is dropped. A
/// job that panics drops its caller's answer (an error for that request) and the thread goes on.
fn hash_jobs(queue: &Mutex<mpsc::Receiver<HashJob>>) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else { return };
        if std::panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
            tracing::error!("a password hashing job panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;
    use crate::random::OsRandom;
    use crate::user::DisplayName;

    fn check(text: &str) -> Result<NewPassword, PasswordError> {
        let email = Email::parse("dana.demo@example.com").unwrap();
        let name = DisplayName::parse("Dana Demo").unwrap();
        NewPassword::check(
            text,
            &PasswordContext { email: &email, name: name.as_str(), portal_name: "Inventory Portal" },
        )
    }

    fn login(text: &str) -> Password {
        Password::for_login(text.to_owned()).unwrap()
    }

    #[test]
    fn length_rules_count_characters_not_bytes() {
        assert_eq!(check("short").unwrap_err(), PasswordError::TooShort);
        assert!(check("ééééééééééé").is_err(), "11 characters");
        assert!(check("éééééééééééé").is_ok(), "12 characters, 24 bytes");
        assert_eq!(check(&"x".repeat(257)).unwrap_err(), PasswordError::TooLong);
        assert!(Password::for_login("x".repeat(257)).is_err());
        assert!(Password::for_login("short".into()).is_ok());
    }

    #[test]
    fn new_passwords_are_refused_when_common_or_built_from_the_accounts_words() {
        assert_eq!(check("password1234").unwrap_err(), PasswordError::Common);
        assert_eq!(check("QWERTYUIOP123").unwrap_err(), PasswordError::Common, "case is ignored");
        assert_eq!(
            check("ｐａｓｓｗｏｒｄ１２３４").unwrap_err(),
            PasswordError::Common,
            "full-width is normalised first"
        );
        assert_eq!(check("dana.demo@example.com").unwrap_err(), PasswordError::ContextWords);
        assert_eq!(check("DanaDemo2024!").unwrap_err(), PasswordError::ContextWords);
        assert_eq!(check("inventory portal 1").unwrap_err(), PasswordError::ContextWords);
        assert!(check("correct horse battery staple").is_ok());
        assert!(check("password1234 is what dana used").is_ok(), "only exact list matches are refused");
    }

    #[test]
    fn new_passwords_are_stored_in_nfkc_form() {
        // "ｃａｆｅ" full-width, and "è" decomposed (e + U+0300).
        let typed = "ｃａｆｅ cre\u{300}me brûlée";
        assert_eq!(check(typed).unwrap().expose(), "cafe crème brûlée");
    }

    #[test]
    fn a_password_verifies_however_its_characters_are_typed() {
        let composed = "crème brûlée au café";
        let decomposed = "cre\u{300}me bru\u{302}le\u{301}e au cafe\u{301}";
        let full_width = "ｃｒèｍｅ ｂｒûｌéｅ ａｕ ｃａｆé";
        let hash = hash_blocking(&check(decomposed).unwrap(), &OsRandom).unwrap();
        for typed in [composed, decomposed, full_width] {
            assert_eq!(verify_login_blocking(&login(typed), &hash, &OsRandom).unwrap(), LoginMatch::Matched, "{typed}");
        }
        assert!(!verify_login_blocking(&login("creme brulee au cafe"), &hash, &OsRandom).unwrap().matched());
    }

    /// A hash of the text as typed, made with today's parameters, as stored before normalisation.
    fn legacy_hash(text: &str) -> PasswordHashString {
        hash_blocking(&NewPassword(text.to_owned()), &OsRandom).unwrap()
    }

    #[test]
    fn a_hash_made_before_normalisation_verifies_and_is_replaced_by_a_normalised_one() {
        let decomposed = "cre\u{300}me bru\u{302}le\u{301}e au cafe\u{301}";
        let old = legacy_hash(decomposed);
        let LoginMatch::MatchedRehashed(new) = verify_login_blocking(&login(decomposed), &old, &OsRandom).unwrap()
        else {
            panic!("the old hash should match and be replaced");
        };
        assert!(is_current(&new));
        // The new hash is of the normalised text, so every way of typing it now matches.
        assert_eq!(
            verify_login_blocking(&login("crème brûlée au café"), &new, &OsRandom).unwrap(),
            LoginMatch::Matched
        );
        assert_eq!(verify_login_blocking(&login(decomposed), &new, &OsRandom).unwrap(), LoginMatch::Matched);
        // An ASCII password needs no migration: its hash already is of its NFKC form.
        let ascii = legacy_hash("correct horse battery");
        assert_eq!(
            verify_login_blocking(&login("correct horse battery"), &ascii, &OsRandom).unwrap(),
            LoginMatch::Matched
        );
    }

    #[test]
    fn a_hash_with_older_parameters_is_replaced_on_a_match() {
        let older = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8_192, 3, 1, None).unwrap());
        let salt = SaltString::encode_b64(&[9u8; 16]).unwrap();
        use argon2::password_hash::PasswordHasher as _;
        let stored = PasswordHashString(older.hash_password(b"correct horse battery", &salt).unwrap().to_string());
        assert!(!is_current(&stored));
        let outcome = verify_login_blocking(&login("correct horse battery"), &stored, &OsRandom).unwrap();
        assert!(matches!(outcome, LoginMatch::MatchedRehashed(ref h) if is_current(h)), "{outcome:?}");
        assert_eq!(
            verify_login_blocking(&login("wrong horse battery"), &stored, &OsRandom).unwrap(),
            LoginMatch::NoMatch
        );
    }

    #[test]
    fn a_hash_verifies_only_its_password_and_is_argon2id() {
        let pw = check("correct horse battery").unwrap();
        let hash = hash_blocking(&pw, &OsRandom).unwrap();
        assert!(hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", hash.0);
        assert!(is_current(&hash));
        assert!(verify_blocking(&login("correct horse battery"), &hash));
        assert!(!verify_blocking(&login("correct horse battery!"), &hash));
    }

    #[test]
    fn the_reused_buffer_agrees_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let pw = check("correct horse battery").unwrap();
        let typed = login("correct horse battery");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params().unwrap());
        // A hash stored before this code existed, made by the crate's own allocating path.
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let stored = PasswordHashString(argon.hash_password(pw.expose().as_bytes(), &salt).unwrap().to_string());
        // Twice on one thread: the second run starts from the first run's leftover blocks.
        assert!(verify_blocking(&typed, &stored));
        assert!(verify_blocking(&typed, &stored));
        let ours = hash_blocking(&pw, &OsRandom).unwrap();
        assert!(argon.verify_password(pw.expose().as_bytes(), &PasswordHash::new(&ours.0).unwrap()).is_ok());
        // Other parameters in a stored hash are honoured (and the buffer grows for them).
        let bigger = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(20_000, 1, 1, None).unwrap());
        let other = PasswordHashString(bigger.hash_password(pw.expose().as_bytes(), &salt).unwrap().to_string());
        assert!(verify_blocking(&typed, &other));
        assert!(!verify_blocking(&login("wrong horse battery"), &other));
    }

    #[test]
    fn password_errors_read_as_sentences_in_each_language() {
        for e in [PasswordError::TooShort, PasswordError::TooLong, PasswordError::Common, PasswordError::ContextWords] {
            let english = e.message_in(Language::English);
            let fragment = e.to_string();
            let mut first = fragment.chars();
            let capitalised: String = first.next().into_iter().flat_map(char::to_uppercase).chain(first).collect();
            assert_eq!(english, capitalised, "the page shows the English it showed before");
        }
        assert_eq!(PasswordError::TooShort.message_in(Language::English), "A password needs at least 12 characters");
        assert_eq!(
            PasswordError::TooShort.message_in(Language::Spanish),
            "La contraseña debe tener al menos 12 caracteres"
        );
        assert!(PasswordError::Common.message_in(Language::Spanish).contains("contraseñas comunes o filtradas"));
    }

    #[test]
    fn debug_output_hides_the_password() {
        assert!(!format!("{:?}", check("correct horse battery").unwrap()).contains("horse"));
        assert!(!format!("{:?}", login("correct horse battery")).contains("horse"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn verifications_asked_at_once_each_get_their_own_answer() {
        let rng: random::SharedRandom = Arc::new(OsRandom);
        let hasher = PasswordHasher::new(2, rng.clone()).unwrap();
        let stored = hash_blocking(&check("correct horse battery").unwrap(), rng.as_ref()).unwrap();
        let asked: Vec<_> = (0..6)
            .map(|i| {
                let (hasher, stored) = (hasher.clone(), stored.clone());
                let typed = if i % 2 == 0 { "correct horse battery" } else { "correct horse battery!" };
                tokio::spawn(async move { (i, hasher.verify(login(typed), Some(stored)).await.unwrap()) })
            })
            .collect();
        for task in asked {
            let (i, outcome) = task.await.unwrap();
            assert_eq!(outcome.matched(), i % 2 == 0, "verification {i}");
        }
        assert_eq!(hasher.load(), (0, 0), "nothing runs or waits afterwards");
    }

    #[tokio::test]
    async fn a_run_that_panics_fails_its_caller_only_and_the_thread_goes_on() {
        let hasher = PasswordHasher::new(1, Arc::new(OsRandom)).unwrap();
        let failed = hasher.run(|| -> u8 { std::panic::panic_any("argon2 broke") }).await;
        assert!(matches!(failed, Err(HashingError::Argon2(_))), "{failed:?}");
        assert_eq!(hasher.load(), (0, 0), "the run is no longer counted");
        let after = hasher.verify(login("anything at all"), None).await.unwrap();
        assert_eq!(after, LoginMatch::NoMatch, "the one hashing thread still answers");
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify_even_with_the_dummy_password() {
        let hasher = PasswordHasher::new(2, std::sync::Arc::new(OsRandom)).unwrap();
        let pw = Password::for_login("anything at all".into()).unwrap();
        assert_eq!(hasher.verify(pw, None).await.unwrap(), LoginMatch::NoMatch);
    }
}
