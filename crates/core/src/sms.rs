//! Text messages: phone numbers parsed and validated once (E.164 via the `phonenumber` crate),
//! the country allow-list that keeps toll fraud away, and the port SMS providers implement.

use async_trait::async_trait;
use std::fmt;
use std::str::FromStr;

use crate::language::{Language, Localized};

/// A phone number in E.164 form (`+15555550143`), valid for its country.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneE164(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("choose a country")]
    UnknownCountry,
    #[error("text messages cannot be sent to this country; use the authenticator app instead")]
    CountryNotAllowed,
    #[error("enter your phone number with its area code")]
    Empty,
    #[error("enter a valid phone number for the country you chose, with its area code")]
    Invalid,
}

impl Localized for PhoneError {
    fn message_in(&self, language: Language) -> String {
        language.text(match self {
            PhoneError::UnknownCountry => "sms-error-unknown-country",
            PhoneError::CountryNotAllowed => "sms-error-country-not-allowed",
            PhoneError::Empty => "sms-error-empty",
            PhoneError::Invalid => "sms-error-invalid",
        })
    }
}

/// A country the picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2, upper case.
    pub code: &'static str,
    pub name: &'static str,
}

/// Countries an operator may allow. Short on purpose: each one allowed is a toll-fraud surface.
pub const COUNTRIES: &[Country] = &[
    Country { code: "US", name: "United States" },
    Country { code: "CA", name: "Canada" },
    Country { code: "AU", name: "Australia" },
    Country { code: "DE", name: "Germany" },
    Country { code: "ES", name: "Spain" },
    Country { code: "FR", name: "France" },
    Country { code: "GB", name: "United Kingdom" },
    Country { code: "IE", name: "Ireland" },
    Country { code: "IN", name: "India" },
    Country { code: "IT", name: "Italy" },
    Country { code: "MX", name: "Mexico" },
    Country { code: "NL", name: "Netherlands" },
    Country { code: "NZ", name: "New Zealand" },
    Country { code: "PR", name: "Puerto Rico" },
];

impl Country {
    /// The country's name in `language` (`name` is the English one).
    pub fn name_in(self, language: Language) -> String {
        let id = match self.code {
            "US" => "sms-country-us",
            "CA" => "sms-country-ca",
            "AU" => "sms-country-au",
            "DE" => "sms-country-de",
            "ES" => "sms-country-es",
            "FR" => "sms-country-fr",
            "GB" => "sms-country-gb",
            "IE" => "sms-country-ie",
            "IN" => "sms-country-in",
            "IT" => "sms-country-it",
            "MX" => "sms-country-mx",
            "NL" => "sms-country-nl",
            "NZ" => "sms-country-nz",
            "PR" => "sms-country-pr",
            _ => return self.name.to_owned(),
        };
        language.text(id)
    }
}

pub fn country(code: &str) -> Option<Country> {
    COUNTRIES.iter().copied().find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

/// The country calling code (`1` for US/CA, `44` for GB) from phonenumber's metadata.
pub fn calling_code(country: Country) -> Option<u16> {
    let id = phonenumber::country::Id::from_str(country.code).ok()?;
    phonenumber::metadata::DATABASE.by_id(id.as_ref()).map(|m| m.country_code())
}

/// The allow-list, in picker order: US first, then by name.
pub fn picker_countries(allowed: &[String]) -> Vec<Country> {
    let mut list: Vec<Country> =
        COUNTRIES.iter().copied().filter(|c| allowed.iter().any(|a| a.eq_ignore_ascii_case(c.code))).collect();
    list.sort_by_key(|c| (c.code != "US", c.name));
    list
}

/// The allow-list as a reader of `language` sees it: US first, then by the name in that
/// language (accents sort with their letter: México after Irlanda), each with that name.
pub fn picker_countries_in(allowed: &[String], language: Language) -> Vec<(Country, String)> {
    let mut list: Vec<(Country, String)> =
        picker_countries(allowed).into_iter().map(|c| (c, c.name_in(language))).collect();
    list.sort_by_cached_key(|(c, name)| (c.code != "US", sort_key(name)));
    list
}

/// A name with its accents taken off, lower case: the order a dictionary uses, near enough for
/// a short list of country names.
fn sort_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'Á' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'É' => 'e',
            'í' | 'ì' | 'ï' | 'î' | 'Í' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'Ó' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' => 'u',
            'ñ' | 'Ñ' => 'n',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl PhoneE164 {
    /// Parses what a person typed ("(555) 555-0143", "555.555.0143", "+1 555 555 0143") for the
    /// chosen country, checks the number is valid there, and that the country is allowed.
    pub fn parse(country_code: &str, number: &str, allowed: &[String]) -> Result<Self, PhoneError> {
        let country = country(country_code).ok_or(PhoneError::UnknownCountry)?;
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(country.code)) {
            return Err(PhoneError::CountryNotAllowed);
        }
        let number = number.trim();
        if number.is_empty() {
            return Err(PhoneError::Empty);
        }
        if number.chars().count() > 32 || number.chars().any(|c| !(c.is_ascii_digit() || " ()-.+/".contains(c))) {
            return Err(PhoneError::Invalid);
        }
        let id = phonenumber::country::Id::from_str(country.code).map_err(|_| PhoneError::UnknownCountry)?;
        let parsed = phonenumber::parse(Some(id), number).map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&parsed) {
            return Err(PhoneError::Invalid);
        }
        // A "+44…" typed under US is still a UK number: the allow-list applies to the number's
        // real country, not to the picker.
        let real_country = parsed.country().id().map(|id| id.as_ref().to_owned());
        if !real_country.is_some_and(|c| allowed.iter().any(|a| a.eq_ignore_ascii_case(&c))) {
            return Err(PhoneError::CountryNotAllowed);
        }
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        // E.164 allows at most 15 digits, but the metadata accepts some longer German fixed-line
        // numbers (with a direct-dial extension); a number that long cannot be texted.
        if e164.bytes().filter(u8::is_ascii_digit).count() > 15 {
            return Err(PhoneError::Invalid);
        }
        Ok(Self(e164))
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the numbering plan says this is a fixed line (a desk phone), which cannot receive
    /// texts. Many countries (the US and Canada among them) do not tell fixed lines from mobiles
    /// by number; those are not landlines here.
    pub fn is_landline(&self) -> bool {
        phonenumber::parse(None, &self.0)
            .is_ok_and(|parsed| parsed.number_type(&phonenumber::metadata::DATABASE) == phonenumber::Type::FixedLine)
    }

    /// `•••-•••-0143`: enough for a person to recognise their phone, no more.
    pub fn masked(&self) -> String {
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        let last4 = digits.get(digits.len().saturating_sub(4)..).unwrap_or_default();
        format!("•••-•••-{last4}")
    }
}

impl fmt::Debug for PhoneE164 {
    // Logs see the masked form only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneE164({})", self.masked())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("could not send the text message: {0}")]
pub struct SmsError(pub String);

/// How a verification code reaches a phone: a text message, or a call that reads it out (for a
/// desk phone, which cannot receive texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryChannel {
    #[default]
    Sms,
    Voice,
}

impl DeliveryChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryChannel::Sms => "sms",
            DeliveryChannel::Voice => "voice",
        }
    }
}

/// The language tag a text-to-speech voice is asked to speak `language` in (Twilio's
/// `<Say language="…">`): the US forms, as the portal's callers are in the US.
pub fn voice_language(language: Language) -> &'static str {
    match language {
        Language::English => "en-US",
        Language::Spanish => "es-US",
    }
}

/// Where verification codes leave the portal, by text or by a call. Adapters: `portal-sms`
/// (outbox, twilio).
#[async_trait]
pub trait SmsSender: Send + Sync + fmt::Debug {
    async fn send(&self, to: &PhoneE164, body: &str) -> Result<(), SmsError>;
    /// Calls `to` and reads `spoken` out in `language`, the language it is written in (a voice
    /// must be told: Twilio's `<Say language="es-US">`, see [`voice_language`]).
    async fn call(&self, to: &PhoneE164, spoken: &str, language: Language) -> Result<(), SmsError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_line_is_told_from_a_mobile_where_the_numbering_plan_says() {
        let uk = vec!["GB".to_owned(), "US".to_owned()];
        // A London number (from Ofcom's drama range) and a mobile.
        assert!(PhoneE164::parse("GB", "020 7946 0018", &uk).unwrap().is_landline());
        assert!(!PhoneE164::parse("GB", "07400 123456", &uk).unwrap().is_landline());
        // North American numbers do not say.
        assert!(!PhoneE164::parse("US", "201-555-0123", &uk).unwrap().is_landline());
    }

    fn us_ca() -> Vec<String> {
        vec!["US".into(), "CA".into()]
    }

    #[test]
    fn numbers_typed_with_spaces_dashes_and_brackets_become_e164() {
        for typed in ["(201) 555-0123", "201-555-0123", "201.555.0123", " 201 555 0123 ", "+1 201 555 0123"] {
            assert_eq!(PhoneE164::parse("US", typed, &us_ca()).unwrap().as_str(), "+12015550123", "{typed}");
        }
        assert_eq!(PhoneE164::parse("ca", "416 555 0143", &us_ca()).unwrap().as_str(), "+14165550143");
    }

    #[test]
    fn invalid_numbers_and_disallowed_countries_are_refused() {
        assert_eq!(PhoneE164::parse("US", "12", &us_ca()), Err(PhoneError::Invalid));
        assert_eq!(PhoneE164::parse("US", "", &us_ca()), Err(PhoneError::Empty));
        assert_eq!(PhoneE164::parse("US", "201555012a", &us_ca()), Err(PhoneError::Invalid));
        assert_eq!(PhoneE164::parse("GB", "020 7946 0018", &us_ca()), Err(PhoneError::CountryNotAllowed));
        assert_eq!(PhoneE164::parse("US", "+44 20 7946 0018", &us_ca()), Err(PhoneError::CountryNotAllowed));
        assert_eq!(PhoneE164::parse("ZZ", "2015550123", &us_ca()), Err(PhoneError::UnknownCountry));
    }

    #[test]
    fn numbers_longer_than_e164_allows_are_refused() {
        let de = vec!["DE".to_owned()];
        // 16 digits with the country code, though the metadata calls it a valid German number.
        assert_eq!(PhoneE164::parse("DE", "46 69 6982-82 1517", &de), Err(PhoneError::Invalid));
        assert_eq!(PhoneE164::parse("DE", "030 901820", &de).unwrap().as_str(), "+4930901820");
    }

    #[test]
    fn phones_are_shown_masked() {
        let phone = PhoneE164::parse("US", "201 555 0143", &us_ca()).unwrap();
        assert_eq!(phone.masked(), "•••-•••-0143");
        assert!(!format!("{phone:?}").contains("555"));
    }

    #[test]
    fn the_picker_lists_allowed_countries_us_first_with_calling_codes() {
        let list = picker_countries(&["CA".into(), "GB".into(), "US".into()]);
        assert_eq!(list.iter().map(|c| c.code).collect::<Vec<_>>(), ["US", "CA", "GB"]);
        assert_eq!(calling_code(list[0]), Some(1));
        assert_eq!(calling_code(list[2]), Some(44));
    }

    #[test]
    fn phone_errors_read_as_sentences_in_english_and_spanish() {
        assert_eq!(
            PhoneError::Invalid.message_in(Language::English),
            "Enter a valid phone number for the country you chose, with its area code"
        );
        assert_eq!(
            PhoneError::Empty.message_in(Language::Spanish),
            "Escriba su número de teléfono con el código de área"
        );
        // English is what the pages showed before: the error as a sentence.
        for e in [PhoneError::UnknownCountry, PhoneError::CountryNotAllowed, PhoneError::Empty, PhoneError::Invalid] {
            let display = e.to_string();
            let sentence = display[..1].to_uppercase() + &display[1..];
            assert_eq!(e.message_in(Language::English), sentence);
        }
    }

    #[test]
    fn countries_are_named_and_ordered_in_the_readers_language() {
        for c in COUNTRIES {
            assert_eq!(c.name_in(Language::English), c.name, "{}", c.code);
        }
        let allowed: Vec<String> = ["MX", "US", "ES", "IE", "NL", "PR"].map(String::from).into();
        let names = |language| picker_countries_in(&allowed, language).into_iter().map(|(_, n)| n).collect::<Vec<_>>();
        assert_eq!(
            names(Language::English),
            ["United States", "Ireland", "Mexico", "Netherlands", "Puerto Rico", "Spain"]
        );
        assert_eq!(
            names(Language::Spanish),
            ["Estados Unidos", "España", "Irlanda", "México", "Países Bajos", "Puerto Rico"]
        );
    }

    #[test]
    fn a_call_in_spanish_asks_for_a_us_spanish_voice() {
        assert_eq!(voice_language(Language::Spanish), "es-US");
        assert_eq!(voice_language(Language::English), "en-US");
    }
}
