//! Wiring: configuration in, a ready `Portal` out. Picks the storage backend, the mailer and
//! the secret key once, at startup.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use base64::Engine as _;
use portal_core::clock::{Clock, SystemClock};
use portal_core::mail::Mailer;
use portal_core::mfa::MfaPolicy;
use portal_core::password::PasswordHasher;
use portal_core::random::{OsRandom, SecureRandom};
use portal_core::secret::SecretKey;
use portal_core::sms::SmsSender;
use portal_core::{Portal, PortalParts, PortalSettings};
use portal_mail::{OutboxMailer, SmtpMailer};
use portal_sms::{OutboxSms, TwilioSms};
use portal_store::ConnectOptions;

use crate::config::{Config, MailProvider, SmsProvider};

pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn portal_core::store::Store>> {
    let options = ConnectOptions {
        max_connections: config.database_max_connections,
        sqlite_full_sync: config.database_full_sync,
        write_queue_capacity: config.database_write_queue,
        ..ConnectOptions::default()
    };
    portal_store::connect(&config.database_url, &options).await.context("opening the database")
}

pub async fn build(config: &Config, public_url: &str) -> anyhow::Result<Portal> {
    let store = open_store(config).await?;
    let clock = Arc::new(SystemClock);
    let rng: Arc<dyn SecureRandom> = Arc::new(OsRandom);
    let secret_key = match config.secret_key {
        Some(bytes) => SecretKey::from_bytes(bytes),
        None => load_or_create_key(&config.data_dir, rng.as_ref())?,
    };
    let mailer: Arc<dyn Mailer> = match &config.mail {
        MailProvider::Outbox(path) => Arc::new(OutboxMailer::new(path.clone(), clock.clone())),
        MailProvider::Smtp { url, from } => Arc::new(SmtpMailer::new(url, from).context("PORTAL_MAIL_SMTP_URL")?),
    };
    // One argon2id run per core at a time; more would only queue inside the CPU.
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let hasher = PasswordHasher::new(cores, rng.clone()).context("preparing password hashing")?;
    let sms: Arc<dyn SmsSender> = match &config.sms {
        SmsProvider::Outbox(path) => Arc::new(OutboxSms::new(path.clone(), clock.clone())),
        SmsProvider::Twilio(twilio) => Arc::new(TwilioSms::new(twilio.clone()).context("PORTAL_SMS_TWILIO_*")?),
    };
    let enforce_from = match config.mfa.enforce_from {
        Some(date) => date,
        None => database_created_on(store.as_ref(), clock.now().date()).await?,
    };
    let mfa = MfaPolicy {
        enforce_from,
        grace_days: config.mfa.grace_days,
        support_grace_days: config.mfa.support_grace_days,
        allow_postpone: config.mfa.allow_postpone,
        remember_device_days: config.mfa.remember_days,
        zone: config.mfa.zone.clone(),
    };
    let settings = PortalSettings {
        portal_name: config.portal_name.clone(),
        public_url: public_url.trim_end_matches('/').to_owned(),
        support_email: config.support_email.clone(),
        support_chat_url: config.support_chat_url.clone(),
        mfa,
        sms_allowed_countries: config.sms_allowed_countries.clone(),
        ..PortalSettings::default()
    };
    let files = config.attachments.open(&config.s3).context("PORTAL_ATTACHMENTS_URL")?;
    Ok(Portal::new(PortalParts { store, clock, rng, hasher, mailer, sms, files, secret_key, settings }))
}

/// Without `PORTAL_MFA_ENFORCE_FROM`, MFA is switched on from the day the database
/// was created (recorded once, so restarts do not move it).
async fn database_created_on(store: &dyn portal_core::store::Store, today: time::Date) -> anyhow::Result<time::Date> {
    let stored = store.meta_init("database_created_on", &today.to_string()).await?;
    crate::config::parse_date("database_created_on", &stored).map_err(|e| anyhow::anyhow!("stored value: {e}"))
}

/// The key from `<data dir>/secret.key`, created (mode 0600) on first run.
fn load_or_create_key(data_dir: &Path, rng: &dyn SecureRandom) -> anyhow::Result<SecretKey> {
    let path = data_dir.join("secret.key");
    let engine = base64::engine::general_purpose::STANDARD;
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let bytes = engine.decode(text.trim()).with_context(|| format!("{} is not base64", path.display()))?;
        let bytes = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| anyhow::anyhow!("{} must hold 32 bytes of base64", path.display()))?;
        return Ok(SecretKey::from_bytes(bytes));
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let key = SecretKey::generate(rng);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, format!("{}\n", engine.encode(key.to_bytes())).as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new secret key; back it up with the database");
    Ok(key)
}
