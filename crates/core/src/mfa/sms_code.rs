//! Texted codes: 6 digits from the OS CSPRNG, stored only as a keyed hash, valid 10
//! minutes, single use, bound to the sign-in or setup they were sent for, voided by a newer code,
//! dead after 5 wrong tries. Sending is limited: 30 s between codes to one number (whichever
//! session asks), 5 per number per hour, 10 per user per day, 20 per IP per hour.

use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

use super::code::OtpCode;
use crate::language::Language;
use crate::random::{self, SecureRandom};
use crate::secret::SecretKey;

pub const CODE_LIFETIME: Duration = Duration::minutes(10);
pub const MAX_WRONG_TRIES: u32 = 5;
pub const RESEND_COOLDOWN: Duration = Duration::seconds(30);
pub const PER_NUMBER_PER_HOUR: u32 = 5;
pub const PER_USER_PER_DAY: u32 = 10;
pub const PER_IP_PER_HOUR: u32 = 20;

const HASH_PURPOSE: &str = "sms-code";

/// A fresh 6-digit code, uniform over 000000–999999.
pub fn generate_code(rng: &dyn SecureRandom) -> String {
    format!("{:06}", random::below(rng, 1_000_000))
}

/// The keyed hash stored for `code`, bound to the challenge id so a hash cannot be reused.
pub fn code_hash(key: &SecretKey, challenge_id: &str, code: &str) -> String {
    key.keyed_hash(HASH_PURPOSE, format!("{challenge_id}:{code}").as_bytes())
}

pub fn code_matches(key: &SecretKey, challenge_id: &str, stored_hash: &str, typed: &OtpCode) -> bool {
    bool::from(code_hash(key, challenge_id, typed.as_str()).as_bytes().ct_eq(stored_hash.as_bytes()))
}

/// The keyed hash rate limits are keyed on: the normalised number, never stored in the clear.
pub fn phone_key(key: &SecretKey, e164: &str) -> String {
    key.keyed_hash("sms-phone", e164.as_bytes())
}

/// The text, in `language`, ending with the origin-bound line browsers use to autofill (the
/// same in every language: browsers read it, people do not).
pub fn message(language: Language, portal_name: &str, host: &str, code: &str) -> String {
    let sentence = language.text_with("mfa-text-code", &[("portal", portal_name.into()), ("code", code.into())]);
    format!("{sentence}\n\n@{host} #{code}")
}

/// What a call says, in `language`: the code twice, digit by digit with a pause after each (the
/// commas and full stops are what a text-to-speech voice pauses at), so it can be written down.
/// Each digit is written as that language's voice should say it ("cero, cuatro, dos" in
/// Spanish), so a voice never reads the code as one number.
pub fn spoken_message(language: Language, portal_name: &str, code: &str) -> String {
    let digits: Vec<String> = code
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => language.text_with("mfa-call-digit", &[("digit", d.into())]),
            None => c.to_string(),
        })
        .collect();
    let slowly = digits.join(", ");
    language.text_with("mfa-call-spoken", &[("portal", portal_name.into()), ("digits", slowly.into())])
}

/// Sends already counted for the limits, with the oldest send each window still counts: the
/// limit lifts when that one leaves its window, which is what `Retry-After` tells the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendHistory {
    pub last_to_number: Option<OffsetDateTime>,
    pub to_number_last_hour: u32,
    pub oldest_to_number_last_hour: Option<OffsetDateTime>,
    pub by_user_last_day: u32,
    pub oldest_by_user_last_day: Option<OffsetDateTime>,
    pub from_ip_last_hour: u32,
    pub oldest_from_ip_last_hour: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendRefused {
    #[error("wait {} seconds before asking for another code", crate::throttle::retry_after_secs(*.0))]
    Cooldown(Duration),
    #[error("too many codes were sent; try again in {} or use the authenticator app", crate::throttle::wait_in_words(*.0))]
    TooMany(Duration),
}

impl SendRefused {
    pub fn retry_after(&self) -> Duration {
        match self {
            SendRefused::Cooldown(d) | SendRefused::TooMany(d) => *d,
        }
    }
}

/// The rule a send reservation applies to the history it reads (see `Store::reserve_sms_send`).
pub type SendRule = fn(&SendHistory, OffsetDateTime) -> Result<(), SendRefused>;

/// Whether another code may be sent now.
pub fn may_send(history: &SendHistory, now: OffsetDateTime) -> Result<(), SendRefused> {
    let cooldown = history.last_to_number.filter(|last| now < *last + RESEND_COOLDOWN);
    let hour = Duration::hours(1);
    let day = Duration::days(1);
    let windows = [
        (history.to_number_last_hour >= PER_NUMBER_PER_HOUR, history.oldest_to_number_last_hour, hour),
        (history.from_ip_last_hour >= PER_IP_PER_HOUR, history.oldest_from_ip_last_hour, hour),
        (history.by_user_last_day >= PER_USER_PER_DAY, history.oldest_by_user_last_day, day),
    ];
    // Every full window must lift; without its oldest send (never from the stores) assume the
    // whole window. Sends that raced past a limit can keep it closed a little longer than this
    // says; the next refusal then gives the new time.
    let wait = windows
        .into_iter()
        .filter(|(full, ..)| *full)
        .map(|(_, oldest, window)| {
            oldest.map_or(window, |oldest| oldest + window - now).clamp(Duration::seconds(1), window)
        })
        .max();
    // A full window is reported before the cooldown: its wait is the one that matters.
    match (wait, cooldown) {
        (Some(wait), _) => Err(SendRefused::TooMany(wait)),
        (None, Some(last)) => Err(SendRefused::Cooldown(last + RESEND_COOLDOWN - now)),
        (None, None) => Ok(()),
    }
}

/// A stored challenge, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsChallengeState {
    pub created_at: OffsetDateTime,
    pub wrong_tries: u32,
    pub used: bool,
    pub voided: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeStatus {
    Live,
    Expired,
    Used,
    /// A newer code was sent.
    Voided,
    /// Five wrong tries.
    Exhausted,
}

impl SmsChallengeState {
    pub fn status(&self, now: OffsetDateTime) -> ChallengeStatus {
        if self.used {
            ChallengeStatus::Used
        } else if self.voided {
            ChallengeStatus::Voided
        } else if self.wrong_tries >= MAX_WRONG_TRIES {
            ChallengeStatus::Exhausted
        } else if now >= self.created_at + CODE_LIFETIME {
            ChallengeStatus::Expired
        } else {
            ChallengeStatus::Live
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-01-01 9:00 UTC);

    #[test]
    fn a_call_reads_the_code_twice_digit_by_digit() {
        let spoken = spoken_message(Language::English, "Inventory Portal", "042917");
        assert_eq!(
            spoken,
            "This is Inventory Portal. Your verification code is: 0, 4, 2, 9, 1, 7. Again: 0, 4, 2, 9, 1, 7. Goodbye."
        );
    }

    #[test]
    fn a_spanish_call_reads_each_digit_as_a_spanish_word() {
        let spoken = spoken_message(Language::Spanish, "Inventory Portal", "042917");
        assert_eq!(
            spoken,
            "Esta es una llamada de Inventory Portal. Su código de verificación es: cero, cuatro, dos, nueve, uno, siete. \
             Repito: cero, cuatro, dos, nueve, uno, siete. Adiós."
        );
        let all = spoken_message(Language::Spanish, "P", "135678");
        assert!(all.contains("uno, tres, cinco, seis, siete, ocho."), "{all}");
    }

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> = (0..50).map(|_| generate_code(&OsRandom)).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(codes.len() > 40);
    }

    #[test]
    fn a_code_matches_only_its_own_challenge_and_key() {
        let key = SecretKey::from_bytes([1; 32]);
        let hash = code_hash(&key, "c1", "123456");
        assert!(!hash.contains("123456"));
        assert!(code_matches(&key, "c1", &hash, &OtpCode::parse("123456").unwrap()));
        assert!(!code_matches(&key, "c2", &hash, &OtpCode::parse("123456").unwrap()));
        assert!(!code_matches(&key, "c1", &hash, &OtpCode::parse("123457").unwrap()));
        assert!(!code_matches(&SecretKey::from_bytes([2; 32]), "c1", &hash, &OtpCode::parse("123456").unwrap()));
    }

    #[test]
    fn a_code_lives_ten_minutes_and_dies_after_five_wrong_tries() {
        let live = SmsChallengeState { created_at: T0, wrong_tries: 0, used: false, voided: false };
        assert_eq!(live.status(T0 + Duration::seconds(599)), ChallengeStatus::Live);
        assert_eq!(live.status(T0 + Duration::minutes(10)), ChallengeStatus::Expired);
        assert_eq!(SmsChallengeState { wrong_tries: 4, ..live.clone() }.status(T0), ChallengeStatus::Live);
        assert_eq!(SmsChallengeState { wrong_tries: 5, ..live.clone() }.status(T0), ChallengeStatus::Exhausted);
        assert_eq!(SmsChallengeState { voided: true, ..live.clone() }.status(T0), ChallengeStatus::Voided);
        assert_eq!(SmsChallengeState { used: true, ..live }.status(T0), ChallengeStatus::Used);
    }

    #[test]
    fn sending_waits_30_seconds_and_stops_at_the_hourly_and_daily_limits() {
        let h = SendHistory { last_to_number: Some(T0), ..SendHistory::default() };
        assert_eq!(may_send(&h, T0 + Duration::seconds(10)), Err(SendRefused::Cooldown(Duration::seconds(20))));
        assert_eq!(may_send(&h, T0 + Duration::seconds(30)), Ok(()));
        assert!(matches!(
            may_send(&SendHistory { to_number_last_hour: 5, ..SendHistory::default() }, T0),
            Err(SendRefused::TooMany(_))
        ));
        assert!(matches!(
            may_send(&SendHistory { by_user_last_day: 10, ..SendHistory::default() }, T0),
            Err(SendRefused::TooMany(_))
        ));
        assert!(matches!(
            may_send(&SendHistory { from_ip_last_hour: 20, ..SendHistory::default() }, T0),
            Err(SendRefused::TooMany(_))
        ));
        assert_eq!(
            may_send(
                &SendHistory {
                    to_number_last_hour: 4,
                    by_user_last_day: 9,
                    from_ip_last_hour: 19,
                    ..SendHistory::default()
                },
                T0
            ),
            Ok(())
        );
    }

    #[test]
    fn a_full_window_lifts_when_its_oldest_send_leaves_it() {
        // Five texts to the number, the first 50 minutes ago: the sixth may go in 10 minutes.
        let h = SendHistory {
            to_number_last_hour: 5,
            oldest_to_number_last_hour: Some(T0 - Duration::minutes(50)),
            ..SendHistory::default()
        };
        assert_eq!(may_send(&h, T0), Err(SendRefused::TooMany(Duration::minutes(10))));
        // The user's daily limit too, its oldest text 3 hours ago: both must lift, the later wins.
        let both = SendHistory { by_user_last_day: 10, oldest_by_user_last_day: Some(T0 - Duration::hours(3)), ..h };
        assert_eq!(may_send(&both, T0), Err(SendRefused::TooMany(Duration::hours(21))));
        // From one address, the oldest 59 min 59 s ago: one second, never zero.
        let ip = SendHistory {
            from_ip_last_hour: 20,
            oldest_from_ip_last_hour: Some(T0 - Duration::seconds(3599)),
            ..SendHistory::default()
        };
        assert_eq!(may_send(&ip, T0), Err(SendRefused::TooMany(Duration::seconds(1))));
        // Within the 30-second cooldown too: the full window's wait is the one reported.
        let just_sent = SendHistory { last_to_number: Some(T0 - Duration::seconds(5)), ..h };
        assert_eq!(may_send(&just_sent, T0), Err(SendRefused::TooMany(Duration::minutes(10))));
        // Counted but not full: the oldest send does not matter.
        let open = SendHistory { to_number_last_hour: 4, ..h };
        assert_eq!(may_send(&open, T0), Ok(()));
    }

    #[test]
    fn the_message_carries_the_code_and_the_origin_bound_line() {
        assert_eq!(
            message(Language::English, "Inventory Portal", "portal.example.com", "123456"),
            "Your Inventory Portal verification code is 123456. It expires in 10 minutes.\n\n@portal.example.com #123456"
        );
        assert_eq!(
            message(Language::Spanish, "Inventory Portal", "portal.example.com", "123456"),
            "Su código de verificación de Inventory Portal es 123456. Vence en 10 minutos.\n\n@portal.example.com #123456"
        );
    }
}
