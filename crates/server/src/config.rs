//! Configuration: built-in defaults, then `portal.toml` (from `--config` or `PORTAL_CONFIG`),
//! then environment variables, later wins (figment, as lldap does). Every setting has an
//! environment variable: `PORTAL_` + its upper-case key with `_`; the names the README's
//! configuration table lists are among them. Values are checked here, once, and a bad one stops startup with
//! a message that names it.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use portal_store::{FileLocation, S3Access};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// Settings as written in a file or the environment, before checking.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawConfig {
    pub database_url: String,
    pub database_max_connections: u32,
    /// SQLite only: `normal` or `full` (see docs/performance.md, "Durability").
    pub database_sync: String,
    /// SQLite only: hot writes waiting for the one writer at most; more are answered 503.
    pub database_write_queue: usize,
    pub listen: String,
    pub public_url: String,
    pub data_dir: String,
    /// `file:///path` or `s3://bucket/prefix`; empty means `<data_dir>/attachments`.
    pub attachments_url: String,
    /// The older way to name a directory for attachments (a plain path).
    pub attachments_dir: String,
    pub secret_key: String,
    pub log_format: String,
    pub portal_name: String,
    pub support_email: String,
    pub support_chat_url: String,
    #[serde(deserialize_with = "comma_list")]
    pub trusted_proxies: Vec<String>,
    /// Besides loopback, the networks that may read `/metrics` (comma-separated CIDRs).
    pub metrics_allow: String,
    /// Seed demo accounts on the first start of a local trial (see `demo::is_local_trial`).
    pub demo: bool,
    /// An IANA name: when a deadline date begins, how dates and times are shown.
    pub time_zone: String,
    pub mail: RawMail,
    pub mfa: RawMfa,
    pub sms: RawSms,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawMfa {
    /// YYYY-MM-DD; empty means the day the database was created.
    pub enforce_from: String,
    pub grace_days: u16,
    pub support_grace_days: u16,
    pub allow_postpone: bool,
    pub remember_days: u16,
}

impl Default for RawMfa {
    fn default() -> Self {
        Self {
            enforce_from: String::new(),
            grace_days: 45,
            support_grace_days: 7,
            allow_postpone: false,
            remember_days: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSms {
    pub provider: String,
    pub outbox: String,
    #[serde(deserialize_with = "comma_list")]
    pub allowed_countries: Vec<String>,
    pub twilio_account_sid: String,
    pub twilio_auth_token: String,
    pub twilio_from: String,
    pub twilio_base_url: String,
}

impl Default for RawSms {
    fn default() -> Self {
        Self {
            provider: "outbox".into(),
            outbox: String::new(),
            allowed_countries: vec!["US".into(), "CA".into()],
            twilio_account_sid: String::new(),
            twilio_auth_token: String::new(),
            twilio_from: String::new(),
            twilio_base_url: portal_sms::TwilioConfig::DEFAULT_BASE_URL.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawMail {
    pub provider: String,
    pub outbox: String,
    pub smtp_url: String,
    pub from: String,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            database_url: "sqlite://./portal-data/portal.db".into(),
            database_max_connections: 16,
            database_sync: "full".into(),
            database_write_queue: portal_store::ConnectOptions::default().write_queue_capacity,
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            data_dir: "./portal-data".into(),
            attachments_url: String::new(),
            attachments_dir: String::new(),
            secret_key: String::new(),
            log_format: "pretty".into(),
            portal_name: "Inventory Portal".into(),
            support_email: "support@example.com".into(),
            support_chat_url: "https://chat.example.com/support".into(),
            trusted_proxies: Vec::new(),
            metrics_allow: String::new(),
            demo: true,
            time_zone: "UTC".into(),
            mail: RawMail::default(),
            mfa: RawMfa::default(),
            sms: RawSms::default(),
        }
    }
}

impl Default for RawMail {
    fn default() -> Self {
        Self {
            provider: "outbox".into(),
            outbox: String::new(),
            smtp_url: String::new(),
            from: "Inventory Portal <no-reply@example.com>".into(),
        }
    }
}

/// Every environment variable the portal reads, with the setting it sets.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("PORTAL_DATABASE_URL", "database_url"),
    ("PORTAL_DATABASE_MAX_CONNECTIONS", "database_max_connections"),
    ("PORTAL_DATABASE_SYNC", "database_sync"),
    ("PORTAL_DATABASE_WRITE_QUEUE", "database_write_queue"),
    ("PORTAL_LISTEN", "listen"),
    ("PORTAL_PUBLIC_URL", "public_url"),
    ("PORTAL_DATA_DIR", "data_dir"),
    ("PORTAL_ATTACHMENTS_URL", "attachments_url"),
    ("PORTAL_ATTACHMENTS_DIR", "attachments_dir"),
    ("PORTAL_SECRET_KEY", "secret_key"),
    ("PORTAL_LOG_FORMAT", "log_format"),
    ("PORTAL_PORTAL_NAME", "portal_name"),
    ("PORTAL_SUPPORT_EMAIL", "support_email"),
    ("PORTAL_SUPPORT_CHAT_URL", "support_chat_url"),
    ("PORTAL_TRUSTED_PROXIES", "trusted_proxies"),
    ("PORTAL_METRICS_ALLOW", "metrics_allow"),
    ("PORTAL_DEMO", "demo"),
    ("PORTAL_TIME_ZONE", "time_zone"),
    ("PORTAL_MAIL_PROVIDER", "mail.provider"),
    ("PORTAL_MAIL_OUTBOX", "mail.outbox"),
    ("PORTAL_MAIL_SMTP_URL", "mail.smtp_url"),
    ("PORTAL_MAIL_FROM", "mail.from"),
    ("PORTAL_MFA_ENFORCE_FROM", "mfa.enforce_from"),
    ("PORTAL_MFA_GRACE_DAYS", "mfa.grace_days"),
    ("PORTAL_MFA_SUPPORT_GRACE_DAYS", "mfa.support_grace_days"),
    ("PORTAL_MFA_ALLOW_POSTPONE", "mfa.allow_postpone"),
    ("PORTAL_MFA_REMEMBER_DAYS", "mfa.remember_days"),
    ("PORTAL_SMS_PROVIDER", "sms.provider"),
    ("PORTAL_SMS_OUTBOX", "sms.outbox"),
    ("PORTAL_SMS_ALLOWED_COUNTRIES", "sms.allowed_countries"),
    ("PORTAL_SMS_TWILIO_ACCOUNT_SID", "sms.twilio_account_sid"),
    ("PORTAL_SMS_TWILIO_AUTH_TOKEN", "sms.twilio_auth_token"),
    ("PORTAL_SMS_TWILIO_FROM", "sms.twilio_from"),
    ("PORTAL_SMS_TWILIO_BASE_URL", "sms.twilio_base_url"),
];

/// Variables that are not settings but are ours all the same.
const ENV_NOT_SETTINGS: &[&str] = &["PORTAL_CONFIG"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {problem}")]
    Invalid { name: String, problem: String },
    #[error("{path}: {problem}")]
    File { path: String, problem: String },
}

fn invalid(name: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { name: name.to_owned(), problem: problem.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub enum SmsProvider {
    Outbox(PathBuf),
    Twilio(portal_sms::TwilioConfig),
}

#[derive(Debug, Clone)]
pub struct MfaConfig {
    /// `None`: the day the database was created.
    pub enforce_from: Option<Date>,
    pub grace_days: u16,
    pub support_grace_days: u16,
    pub allow_postpone: bool,
    /// "Don't ask for a code on this device" lasts this many days; 0 turns it off.
    pub remember_days: u16,
    pub zone: portal_core::zone::PortalZone,
}

#[derive(Debug, Clone)]
pub enum MailProvider {
    Outbox(PathBuf),
    Smtp { url: String, from: String },
}

/// Checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub database_max_connections: u32,
    /// SQLite: a commit is on disk (fsync) before it is answered (`full`), or may be lost in an
    /// OS crash or power cut though never in a crash of the portal alone (`normal`).
    pub database_full_sync: bool,
    pub database_write_queue: usize,
    pub listen: SocketAddr,
    /// Empty until the listener is bound; then `http://<bound address>` unless configured.
    pub public_url: Option<String>,
    pub data_dir: PathBuf,
    /// Photos and receipts; shared by every instance when there are several.
    pub attachments: FileLocation,
    /// How to reach object storage (the standard `AWS_*` variables), for an `s3://` location.
    pub s3: S3Access,
    pub secret_key: Option<[u8; 32]>,
    pub log_format: LogFormat,
    pub portal_name: String,
    pub support_email: String,
    pub support_chat_url: String,
    pub trusted_proxies: Vec<IpAddr>,
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Demo accounts may be seeded (still only for a local trial; `serve --no-demo` clears it).
    pub demo: bool,
    pub mail: MailProvider,
    pub mfa: MfaConfig,
    pub sms: SmsProvider,
    pub sms_allowed_countries: Vec<String>,
}

/// Unknown `PORTAL_*` variables: probably a typo the operator wants to hear about.
pub fn unknown_env_vars(vars: impl Iterator<Item = String>) -> Vec<String> {
    vars.filter(|k| k.starts_with("PORTAL_") && !k.starts_with("PORTAL_TEST_"))
        .filter(|k| !ENV_VARS.iter().any(|(name, _)| name == k) && !ENV_NOT_SETTINGS.contains(&k.as_str()))
        .collect()
}

/// Loads defaults → file → environment. `file` is used when given or when `./portal.toml`
/// exists... only when given: a config file is always chosen explicitly.
pub fn load(file: Option<&std::path::Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
    if let Some(path) = file {
        if !path.exists() {
            return Err(ConfigError::File { path: path.display().to_string(), problem: "file not found".into() });
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    figment = figment.merge(EnvSettings::new(std::env::vars()));
    let raw: RawConfig = figment.extract().map_err(|e| figment_error(&e, file))?;
    let mut config = check(raw)?;
    config.s3 = S3Access::from_vars(|name| std::env::var(name).ok());
    Ok(config)
}

/// The `PORTAL_*` variables of [`ENV_VARS`], as settings. figment's own `Env` provider guesses
/// each value's type from its text, which turns a sending number such as `+12015550100` into
/// the integer 12015550100 and refuses it as a string (losing its `+` if it were converted
/// back); here a setting whose default is text is always read as the text it is, and only the
/// others (numbers, switches, lists) are parsed.
struct EnvSettings {
    vars: BTreeMap<String, String>,
}

impl EnvSettings {
    fn new(vars: impl Iterator<Item = (String, String)>) -> EnvSettings {
        EnvSettings { vars: vars.filter(|(name, _)| ENV_VARS.iter().any(|(n, _)| n == name)).collect() }
    }
}

impl figment::Provider for EnvSettings {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("environment variable(s)")
    }

    fn data(&self) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        use figment::value::{Dict, Value};
        let defaults = Figment::from(Serialized::defaults(RawConfig::default()));
        let mut settings = Dict::new();
        for (name, key) in ENV_VARS {
            let Some(text) = self.vars.get(*name) else { continue };
            let value = match defaults.find_value(key) {
                Ok(Value::String(..)) => Value::from(text.clone()),
                _ => text.parse::<Value>().unwrap_or_else(|never| match never {}),
            };
            match key.split_once('.') {
                None => {
                    settings.insert((*key).to_owned(), value);
                }
                Some((section, field)) => {
                    let entry = settings.entry(section.to_owned()).or_insert_with(|| Value::from(Dict::new()));
                    if let Value::Dict(_, fields) = entry {
                        fields.insert(field.to_owned(), value);
                    }
                }
            }
        }
        Ok(figment::Profile::Default.collect(settings))
    }
}

fn figment_error(e: &figment::Error, file: Option<&std::path::Path>) -> ConfigError {
    let key = e.path.join(".");
    let from_env = e.metadata.as_ref().is_some_and(|m| m.name.contains("environment"));
    let problem = e.kind.to_string();
    if from_env {
        let name = ENV_VARS
            .iter()
            .find(|(_, k)| *k == key)
            .map_or_else(|| format!("PORTAL_{}", key.to_uppercase()), |(n, _)| (*n).to_owned());
        invalid(&name, problem)
    } else if let Some(path) = file {
        ConfigError::File {
            path: path.display().to_string(),
            problem: if key.is_empty() { problem } else { format!("{key}: {problem}") },
        }
    } else {
        invalid(&key, problem)
    }
}

fn check(raw: RawConfig) -> Result<Config, ConfigError> {
    let listen = raw
        .listen
        .parse::<SocketAddr>()
        .map_err(|_| invalid("PORTAL_LISTEN", format!("{:?} is not an address like 127.0.0.1:8080", raw.listen)))?;
    if !(raw.database_url.starts_with("sqlite:")
        || raw.database_url.starts_with("postgres://")
        || raw.database_url.starts_with("postgresql://"))
    {
        return Err(invalid("PORTAL_DATABASE_URL", "use sqlite://PATH or postgres://USER@HOST/DB"));
    }
    if !(1..=1000).contains(&raw.database_max_connections) {
        return Err(invalid("PORTAL_DATABASE_MAX_CONNECTIONS", "must be between 1 and 1000"));
    }
    if !(1..=1_000_000).contains(&raw.database_write_queue) {
        return Err(invalid("PORTAL_DATABASE_WRITE_QUEUE", "must be between 1 and 1000000"));
    }
    let database_full_sync = match raw.database_sync.trim() {
        "full" => true,
        "normal" => false,
        other => return Err(invalid("PORTAL_DATABASE_SYNC", format!("{other:?}: use full or normal"))),
    };
    let public_url = if raw.public_url.trim().is_empty() {
        None
    } else {
        let parsed = url::Url::parse(raw.public_url.trim())
            .map_err(|e| invalid("PORTAL_PUBLIC_URL", format!("{:?} is not a URL: {e}", raw.public_url)))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(invalid("PORTAL_PUBLIC_URL", "must be an http:// or https:// URL"));
        }
        Some(parsed.as_str().trim_end_matches('/').to_owned())
    };
    let secret_key = if raw.secret_key.is_empty() { None } else { Some(decode_key(&raw.secret_key)?) };
    let log_format = match raw.log_format.as_str() {
        "pretty" => LogFormat::Pretty,
        "json" => LogFormat::Json,
        other => {
            return Err(invalid("PORTAL_LOG_FORMAT", format!("{other:?}: use pretty or json")));
        }
    };
    let trusted_proxies = raw
        .trusted_proxies
        .iter()
        .map(|p| {
            p.trim()
                .parse::<IpAddr>()
                .map_err(|_| invalid("PORTAL_TRUSTED_PROXIES", format!("{p:?} is not an IP address")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let metrics_allow =
        portal_web::metrics::parse_allow_list(&raw.metrics_allow).map_err(|e| invalid("PORTAL_METRICS_ALLOW", e))?;
    portal_core::email::Email::parse(&raw.support_email).map_err(|e| invalid("PORTAL_SUPPORT_EMAIL", e.to_string()))?;
    let chat = url::Url::parse(&raw.support_chat_url).map_err(|e| invalid("PORTAL_SUPPORT_CHAT_URL", e.to_string()))?;
    if !matches!(chat.scheme(), "http" | "https") {
        return Err(invalid("PORTAL_SUPPORT_CHAT_URL", "must be an http:// or https:// URL"));
    }
    if raw.portal_name.trim().is_empty() || raw.portal_name.contains(':') {
        return Err(invalid(
            "PORTAL_PORTAL_NAME",
            "must be non-empty and contain no colon (it is the authenticator-app issuer)",
        ));
    }
    let data_dir = PathBuf::from(&raw.data_dir);
    let attachments = match (raw.attachments_url.trim(), raw.attachments_dir.trim()) {
        ("", "") => FileLocation::Directory(data_dir.join("attachments")),
        ("", dir) => FileLocation::Directory(PathBuf::from(dir)),
        (url, "") => FileLocation::parse(url).map_err(|e| invalid("PORTAL_ATTACHMENTS_URL", e))?,
        _ => {
            return Err(invalid(
                "PORTAL_ATTACHMENTS_DIR",
                "set PORTAL_ATTACHMENTS_URL or PORTAL_ATTACHMENTS_DIR, not both (PORTAL_ATTACHMENTS_URL=file:///path names a directory)",
            ));
        }
    };
    let mail = match raw.mail.provider.as_str() {
        "outbox" => MailProvider::Outbox(if raw.mail.outbox.is_empty() {
            data_dir.join("mail-outbox.jsonl")
        } else {
            PathBuf::from(&raw.mail.outbox)
        }),
        "smtp" => {
            if raw.mail.smtp_url.is_empty() {
                return Err(invalid("PORTAL_MAIL_SMTP_URL", "is required when PORTAL_MAIL_PROVIDER=smtp"));
            }
            MailProvider::Smtp { url: raw.mail.smtp_url.clone(), from: raw.mail.from.clone() }
        }
        other => {
            return Err(invalid("PORTAL_MAIL_PROVIDER", format!("{other:?}: use outbox or smtp")));
        }
    };
    let enforce_from = if raw.mfa.enforce_from.trim().is_empty() {
        None
    } else {
        Some(parse_date("PORTAL_MFA_ENFORCE_FROM", &raw.mfa.enforce_from)?)
    };
    if raw.mfa.grace_days > 3650 {
        return Err(invalid("PORTAL_MFA_GRACE_DAYS", "must be between 0 and 3650"));
    }
    if !(1..=90).contains(&raw.mfa.support_grace_days) {
        return Err(invalid("PORTAL_MFA_SUPPORT_GRACE_DAYS", "must be between 1 and 90"));
    }
    if raw.mfa.remember_days > 365 {
        return Err(invalid("PORTAL_MFA_REMEMBER_DAYS", "must be between 0 (off) and 365"));
    }
    let mfa = MfaConfig {
        enforce_from,
        grace_days: raw.mfa.grace_days,
        support_grace_days: raw.mfa.support_grace_days,
        allow_postpone: raw.mfa.allow_postpone,
        remember_days: raw.mfa.remember_days,
        zone: portal_core::zone::PortalZone::parse(&raw.time_zone)
            .map_err(|e| invalid("PORTAL_TIME_ZONE", e.to_string()))?,
    };
    let mut sms_allowed_countries = Vec::new();
    for code in &raw.sms.allowed_countries {
        let country = portal_core::sms::country(code).ok_or_else(|| {
            let known: Vec<&str> = portal_core::sms::COUNTRIES.iter().map(|c| c.code).collect();
            invalid("PORTAL_SMS_ALLOWED_COUNTRIES", format!("{code:?} is not one of {}", known.join(", ")))
        })?;
        sms_allowed_countries.push(country.code.to_owned());
    }
    let sms = match raw.sms.provider.as_str() {
        "outbox" => SmsProvider::Outbox(if raw.sms.outbox.is_empty() {
            data_dir.join("sms-outbox.jsonl")
        } else {
            PathBuf::from(&raw.sms.outbox)
        }),
        "twilio" => {
            for (name, value) in [
                ("PORTAL_SMS_TWILIO_ACCOUNT_SID", &raw.sms.twilio_account_sid),
                ("PORTAL_SMS_TWILIO_AUTH_TOKEN", &raw.sms.twilio_auth_token),
                ("PORTAL_SMS_TWILIO_FROM", &raw.sms.twilio_from),
            ] {
                if value.trim().is_empty() {
                    return Err(invalid(name, "is required when PORTAL_SMS_PROVIDER=twilio"));
                }
            }
            let mut twilio = portal_sms::TwilioConfig::new(
                raw.sms.twilio_account_sid.clone(),
                raw.sms.twilio_auth_token.clone(),
                raw.sms.twilio_from.clone(),
            );
            twilio.base_url = raw.sms.twilio_base_url.clone();
            SmsProvider::Twilio(twilio)
        }
        other => return Err(invalid("PORTAL_SMS_PROVIDER", format!("{other:?}: use outbox or twilio"))),
    };
    Ok(Config {
        mfa,
        sms,
        sms_allowed_countries,
        database_url: raw.database_url,
        database_max_connections: raw.database_max_connections,
        database_full_sync,
        database_write_queue: raw.database_write_queue,
        listen,
        public_url,
        data_dir,
        attachments,
        s3: S3Access::default(),
        secret_key,
        log_format,
        portal_name: raw.portal_name.trim().to_owned(),
        support_email: raw.support_email,
        support_chat_url: raw.support_chat_url,
        trusted_proxies,
        metrics_allow,
        demo: raw.demo,
        mail,
    })
}

/// A list given either as a TOML/figment array or as one comma-separated string (the only
/// convenient form in an environment variable).
fn comma_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect(),
        OneOrMany::Many(v) => v,
    })
}

fn decode_key(text: &str) -> Result<[u8; 32], ConfigError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| invalid("PORTAL_SECRET_KEY", "is not base64"))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| invalid("PORTAL_SECRET_KEY", format!("must be 32 bytes (256 bits), got {}", bytes.len())))
}

/// `YYYY-MM-DD`, for CLI flags and date settings.
pub fn parse_date(name: &str, text: &str) -> Result<Date, ConfigError> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| invalid(name, format!("{text:?} is not a date like 2023-01-18")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_portal_variables_are_reported_and_ours_are_not() {
        let vars =
            ["PORTAL_LISTEN", "PORTAL_LISTN", "PATH", "PORTAL_TEST_POSTGRES_URL", "PORTAL_CONFIG"].map(String::from);
        assert_eq!(unknown_env_vars(vars.into_iter()), vec!["PORTAL_LISTN".to_owned()]);
    }

    #[test]
    fn bad_values_name_their_setting() {
        let mut raw = RawConfig { listen: "nowhere".into(), ..RawConfig::default() };
        assert!(check(raw.clone()).unwrap_err().to_string().starts_with("PORTAL_LISTEN:"));
        raw.listen = "127.0.0.1:0".into();
        raw.secret_key = "c2hvcnQ=".into();
        assert_eq!(
            check(raw.clone()).unwrap_err().to_string(),
            "PORTAL_SECRET_KEY: must be 32 bytes (256 bits), got 5"
        );
        raw.secret_key.clear();
        raw.database_url = "mysql://x".into();
        assert!(check(raw.clone()).unwrap_err().to_string().starts_with("PORTAL_DATABASE_URL:"));
        raw.database_url = RawConfig::default().database_url;
        raw.database_sync = "off".into();
        assert_eq!(check(raw.clone()).unwrap_err().to_string(), "PORTAL_DATABASE_SYNC: \"off\": use full or normal");
        for (sync, full) in [("full", true), ("normal", false)] {
            raw.database_sync = sync.into();
            assert_eq!(check(raw.clone()).unwrap().database_full_sync, full);
        }
        raw.database_write_queue = 0;
        assert_eq!(
            check(raw.clone()).unwrap_err().to_string(),
            "PORTAL_DATABASE_WRITE_QUEUE: must be between 1 and 1000000"
        );
        raw.database_write_queue = 64;
        assert_eq!(check(raw.clone()).unwrap().database_write_queue, 64);
        raw.metrics_allow = "10.0.0.0/8, 192.0.2.1".into();
        assert_eq!(check(raw.clone()).unwrap().metrics_allow.len(), 2);
        raw.metrics_allow = "10.0.0.0/40".into();
        assert_eq!(
            check(raw.clone()).unwrap_err().to_string(),
            "PORTAL_METRICS_ALLOW: \"10.0.0.0/40\" is not an address or a network such as 10.0.0.0/8"
        );
        raw.metrics_allow.clear();
        raw.mfa.remember_days = 366;
        assert_eq!(
            check(raw.clone()).unwrap_err().to_string(),
            "PORTAL_MFA_REMEMBER_DAYS: must be between 0 (off) and 365"
        );
        for days in [0, 30, 365] {
            raw.mfa.remember_days = days;
            assert_eq!(check(raw.clone()).unwrap().mfa.remember_days, days);
        }
    }

    #[test]
    fn the_time_zone_is_an_iana_name() {
        assert_eq!(check(RawConfig::default()).unwrap().mfa.zone.name(), "UTC");
        let eastern = RawConfig { time_zone: "America/New_York".into(), ..RawConfig::default() };
        assert_eq!(check(eastern).unwrap().mfa.zone.name(), "America/New_York");
        let wrong = RawConfig { time_zone: "EST+5".into(), ..RawConfig::default() };
        assert_eq!(
            check(wrong).unwrap_err().to_string(),
            "PORTAL_TIME_ZONE: \"EST+5\" is not a time zone name such as America/New_York or UTC"
        );
    }

    #[test]
    fn attachments_go_to_a_directory_or_a_bucket() {
        let raw = RawConfig { data_dir: "/var/lib/portal".into(), ..RawConfig::default() };
        assert_eq!(
            check(raw.clone()).unwrap().attachments,
            FileLocation::Directory("/var/lib/portal/attachments".into())
        );
        let dir = RawConfig { attachments_dir: "/mnt/shared".into(), ..raw.clone() };
        assert_eq!(check(dir.clone()).unwrap().attachments, FileLocation::Directory("/mnt/shared".into()));
        let s3 = RawConfig { attachments_url: "s3://claims/portal".into(), ..raw.clone() };
        assert_eq!(
            check(s3.clone()).unwrap().attachments,
            FileLocation::S3 { bucket: "claims".into(), prefix: "portal".into() }
        );
        let both = RawConfig { attachments_dir: "/mnt/shared".into(), ..s3 };
        assert!(check(both).unwrap_err().to_string().contains("not both"));
        let bad = RawConfig { attachments_url: "s3://x".into(), ..raw };
        assert!(check(bad).unwrap_err().to_string().starts_with("PORTAL_ATTACHMENTS_URL: \"x\" is not a bucket name"));
    }

    #[test]
    fn text_settings_stay_text_and_numbers_and_switches_are_parsed() {
        let vars = [
            ("PORTAL_SMS_TWILIO_FROM", "+12015550100"),
            ("PORTAL_SMS_TWILIO_AUTH_TOKEN", "0123456789"),
            ("PORTAL_PORTAL_NAME", "true"),
            ("PORTAL_MFA_GRACE_DAYS", "30"),
            ("PORTAL_DEMO", "false"),
            ("PORTAL_DATABASE_MAX_CONNECTIONS", "8"),
            ("PORTAL_SMS_ALLOWED_COUNTRIES", "US,PR"),
            ("PORTAL_NOT_A_SETTING", "1"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let raw: RawConfig = Figment::from(Serialized::defaults(RawConfig::default()))
            .merge(EnvSettings::new(vars.into_iter()))
            .extract()
            .unwrap();
        assert_eq!(raw.sms.twilio_from, "+12015550100");
        assert_eq!(raw.sms.twilio_auth_token, "0123456789");
        assert_eq!(raw.portal_name, "true");
        assert_eq!((raw.mfa.grace_days, raw.demo, raw.database_max_connections), (30, false, 8));
        assert_eq!(raw.sms.allowed_countries, ["US", "PR"]);
        let wrong = Figment::from(Serialized::defaults(RawConfig::default()))
            .merge(EnvSettings::new([("PORTAL_MFA_GRACE_DAYS".to_owned(), "soon".to_owned())].into_iter()))
            .extract::<RawConfig>()
            .unwrap_err();
        assert_eq!(figment_error(&wrong, None).to_string().split(':').next(), Some("PORTAL_MFA_GRACE_DAYS"));
    }

    #[test]
    fn dates_parse_only_in_iso_form() {
        assert_eq!(parse_date("--created", "2023-01-18").unwrap(), time::macros::date!(2023 - 01 - 18));
        assert!(parse_date("--created", "01/18/2023").is_err());
    }
}
