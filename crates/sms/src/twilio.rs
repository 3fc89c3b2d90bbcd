//! Production texts through Twilio's Messages API
//! (`POST /2010-04-01/Accounts/{sid}/Messages.json`, basic auth, form fields `To`/`From`/`Body`)
//! and calls through its Calls API (`…/Calls.json`, `To`/`From`/`Twiml`: a `<Say>` of the code).
//!
//! A failed send becomes an [`SmsError`] that ends up in logs and on an operator's screen, so it
//! names the HTTP status and Twilio's error code and message, never the auth token, the body (it
//! holds the verification code) or the full number (Twilio's own message sometimes quotes it).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use portal_core::language::Language;
use portal_core::sms::{PhoneE164, SmsError, SmsSender, voice_language};
use serde::Deserialize;

/// Where and as whom to call Twilio.
#[derive(Clone)]
pub struct TwilioConfig {
    /// `AC…`; the basic-auth user and part of the URL.
    pub account_sid: String,
    /// The basic-auth password. Never printed: `Debug` shows `[redacted]`.
    pub auth_token: String,
    /// The sending number (E.164) or alphanumeric sender ID.
    pub from: String,
    /// [`TwilioConfig::DEFAULT_BASE_URL`] in production; a local server in tests.
    pub base_url: String,
    /// For the whole request, connect to last byte.
    pub timeout: Duration,
}

impl TwilioConfig {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.twilio.com";
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A configuration with the default base URL and timeout.
    pub fn new(account_sid: impl Into<String>, auth_token: impl Into<String>, from: impl Into<String>) -> Self {
        Self {
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            from: from.into(),
            base_url: Self::DEFAULT_BASE_URL.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

impl fmt::Debug for TwilioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioConfig")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Sends texts with one pooled HTTP client.
pub struct TwilioSms {
    client: reqwest::Client,
    config: TwilioConfig,
    /// `{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json`, built once.
    url: String,
    /// `…/Calls.json`.
    calls_url: String,
}

impl fmt::Debug for TwilioSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioSms").field("config", &self.config).field("url", &self.url).finish_non_exhaustive()
    }
}

impl TwilioSms {
    /// Checks the configuration and builds the HTTP client; fails at startup rather than on the
    /// first text.
    pub fn new(config: TwilioConfig) -> Result<Self, SmsError> {
        let invalid = |what: &str| SmsError(format!("invalid Twilio configuration: {what}"));
        // The SID goes into the URL path: letters and digits only, so it cannot change the path.
        if config.account_sid.is_empty() || !config.account_sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(invalid("the account SID must be letters and digits (AC…)"));
        }
        if config.auth_token.is_empty() {
            return Err(invalid("the auth token is empty"));
        }
        if config.from.trim().is_empty() {
            return Err(invalid("the sending number is empty"));
        }
        if config.timeout.is_zero() {
            return Err(invalid("the timeout must be more than zero"));
        }
        let base = reqwest::Url::parse(&config.base_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.has_host())
            .ok_or_else(|| invalid("the base URL must be an http(s) URL"))?;
        let account = format!("{}/2010-04-01/Accounts/{}", base.as_str().trim_end_matches('/'), config.account_sid);
        let (url, calls_url) = (format!("{account}/Messages.json"), format!("{account}/Calls.json"));
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            // A redirect from an API endpoint is a misconfiguration, not somewhere to resend.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("inventory-portal/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SmsError(format!("could not set up the Twilio client: {e}")))?;
        Ok(Self { client, config, url, calls_url })
    }
}

/// The parts of Twilio's answers we read: `sid` on success, `code`/`message` on failure.
#[derive(Debug, Default, Deserialize)]
struct TwilioAnswer {
    sid: Option<String>,
    code: Option<i64>,
    message: Option<String>,
}

/// Enough for any Twilio answer; a larger body is not Twilio's and is not read further.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The voice that reads a code in each language: one of Twilio's Amazon Polly voices for that
/// language (a voice that does not speak the `<Say>`'s language makes the call fail).
fn voice(language: Language) -> &'static str {
    match language {
        Language::English => "Polly.Joanna",
        Language::Spanish => "Polly.Lupe",
    }
}

/// TwiML that reads `spoken` out in `language`. Escaped by hand: five characters, and no XML
/// crate is worth it.
fn say(spoken: &str, language: Language) -> String {
    let mut escaped = String::with_capacity(spoken.len());
    for c in spoken.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    format!(
        "<Response><Say language=\"{}\" voice=\"{}\">{escaped}</Say></Response>",
        voice_language(language),
        voice(language)
    )
}

#[async_trait]
impl SmsSender for TwilioSms {
    async fn send(&self, to: &PhoneE164, body: &str) -> Result<(), SmsError> {
        let form = [("To", to.as_str()), ("From", self.config.from.as_str()), ("Body", body)];
        self.post(&self.url, &form, to, body, "text message").await
    }

    async fn call(&self, to: &PhoneE164, spoken: &str, language: Language) -> Result<(), SmsError> {
        let twiml = say(spoken, language);
        let form = [("To", to.as_str()), ("From", self.config.from.as_str()), ("Twiml", twiml.as_str())];
        self.post(&self.calls_url, &form, to, spoken, "call").await
    }
}

impl TwilioSms {
    /// One request to Twilio; `secret` (what carries the code) never reaches a log or an error.
    async fn post(
        &self,
        url: &str,
        form: &[(&str, &str)],
        to: &PhoneE164,
        secret: &str,
        what: &str,
    ) -> Result<(), SmsError> {
        let body = secret;
        let mut response = self
            .client
            .post(url)
            .basic_auth(&self.config.account_sid, Some(&self.config.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| self.transport_error(to, e))?;
        let status = response.status();
        // The status decides; an answer cut short or not JSON only loses detail.
        let mut bytes = Vec::new();
        while bytes.len() < MAX_ANSWER_BYTES {
            let Ok(Some(chunk)) = response.chunk().await else {
                break;
            };
            bytes.extend_from_slice(&chunk);
        }
        let answer: TwilioAnswer = serde_json::from_slice(&bytes).unwrap_or_default();
        if status.is_success() {
            tracing::info!(to = %to.masked(), sid = answer.sid.as_deref().unwrap_or("?"), "{what} sent via Twilio");
            return Ok(());
        }
        let mut text = format!("Twilio answered {status}");
        match (answer.code, answer.message) {
            (Some(code), Some(message)) => text.push_str(&format!(" (error {code}: {})", scrub(&message, body))),
            (Some(code), None) => text.push_str(&format!(" (error {code})")),
            (None, Some(message)) => text.push_str(&format!(" ({})", scrub(&message, body))),
            (None, None) => {}
        }
        tracing::warn!(to = %to.masked(), error = %text, "Twilio refused a {what}");
        Err(SmsError(text))
    }

    fn transport_error(&self, to: &PhoneE164, error: reqwest::Error) -> SmsError {
        let text = if error.is_timeout() {
            format!("Twilio timed out after {:?}", self.config.timeout)
        } else {
            let verb = if error.is_connect() { "could not reach" } else { "lost the connection to" };
            // reqwest's own text is generic ("error sending request"); the cause is in the chain.
            let mut cause = String::new();
            let mut source = std::error::Error::source(&error);
            while let Some(e) = source {
                cause = e.to_string();
                source = e.source();
            }
            if cause.is_empty() {
                cause = error.without_url().to_string();
            }
            format!("{verb} Twilio at {}: {cause}", self.config.base_url)
        };
        tracing::warn!(to = %to.masked(), error = %text, "text message not sent");
        SmsError(text)
    }
}

/// Twilio's message with the text's body and anything like a phone number or code (six or more
/// digits, separators allowed) replaced, and kept short.
fn scrub(message: &str, body: &str) -> String {
    let message = if body.trim().is_empty() { message.to_owned() } else { message.replace(body, "[message]") };
    let chars: Vec<char> = message.chars().collect();
    let mut out = String::with_capacity(message.len());
    let mut i = 0;
    while i < chars.len() {
        if !(chars[i].is_ascii_digit() || chars[i] == '+' || chars[i] == '(') {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (mut end, mut digits, mut last_digit) = (i, 0, i);
        while end < chars.len() && (chars[end].is_ascii_digit() || " +-.()".contains(chars[end])) {
            if chars[end].is_ascii_digit() {
                digits += 1;
                last_digit = end + 1;
            }
            end += 1;
        }
        if digits >= 6 {
            out.push_str("[number]");
            out.extend(&chars[last_digit..end]);
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    if out.chars().count() > 300 {
        out = out.chars().take(300).chain(['…']).collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_the_body_are_scrubbed_from_twilio_messages() {
        let body = "Your Inventory Portal code is 493817";
        for quoted in ["+12015550123", "+1 (201) 555-0123", "2015550123", "201.555.0123"] {
            let scrubbed = scrub(&format!("The 'To' number {quoted} is not a valid phone number."), body);
            assert_eq!(scrubbed, "The 'To' number [number] is not a valid phone number.", "{quoted}");
        }
        assert_eq!(scrub(&format!("Rejected: {body}"), body), "Rejected: [message]");
        assert_eq!(scrub("code 493817 refused", body), "code [number] refused");
        // Short digit runs (error codes) stay; scrubbing errs on the side of too much.
        assert_eq!(
            scrub("See error 21211, https://www.twilio.com/docs/errors/21211", body),
            "See error 21211, https://www.twilio.com/docs/errors/21211"
        );
        assert!(scrub(&"x".repeat(1000), body).chars().count() <= 301);
    }

    #[test]
    fn bad_configurations_are_refused_at_startup() {
        let good = || TwilioConfig::new("AC123", "secret-token", "+15005550006");
        assert!(TwilioSms::new(good()).is_ok());
        let cases: [fn(&mut TwilioConfig); 6] = [
            |c| c.account_sid = "AC1/../x".into(),
            |c| c.account_sid = String::new(),
            |c| c.auth_token = String::new(),
            |c| c.from = " ".into(),
            |c| c.base_url = "api.twilio.com".into(),
            |c| c.timeout = Duration::ZERO,
        ];
        for (i, change) in cases.iter().enumerate() {
            let mut config = good();
            change(&mut config);
            let error = TwilioSms::new(config).unwrap_err().to_string();
            assert!(error.contains("invalid Twilio configuration"), "case {i}: {error}");
            assert!(!error.contains("secret-token"), "case {i}: {error}");
        }
    }

    #[test]
    fn debug_output_hides_the_auth_token() {
        let config = TwilioConfig::new("AC123", "secret-token", "+15005550006");
        assert_eq!(config.base_url, "https://api.twilio.com");
        assert_eq!(config.timeout, Duration::from_secs(10));
        let sms = TwilioSms::new(config.clone()).unwrap();
        for text in [format!("{config:?}"), format!("{sms:?}")] {
            assert!(!text.contains("secret-token"), "{text}");
            assert!(text.contains("[redacted]") && text.contains("AC123"), "{text}");
        }
        assert!(format!("{sms:?}").contains("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"));
    }
}
