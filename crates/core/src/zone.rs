//! The portal's time zone (`PORTAL_TIME_ZONE`, an IANA name such as `America/New_York`): it
//! decides when a date begins — a setup deadline of March 4 refuses sign-in from 00:00 on March 4
//! there, not at 00:00 UTC — and how dates and times are shown. Stored times stay UTC.
//!
//! The rules come from jiff's bundled copy of the IANA database, so every machine (and every
//! test) agrees on them whatever the system's tzdata says.

use time::{Date, Month, OffsetDateTime};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a time zone name such as America/New_York or UTC")]
pub struct UnknownZone(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalZone {
    name: String,
    rules: jiff::tz::TimeZone,
}

impl Default for PortalZone {
    fn default() -> Self {
        PortalZone::utc()
    }
}

/// A moment as a clock on the wall in the portal's zone shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WallTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    /// `EST`, `EDT`, `UTC`, or an offset such as `-03` where the zone has no abbreviation.
    pub abbreviation: String,
}

impl std::fmt::Display for WallTime {
    /// `2027-03-14 01:59 EST`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:02}:{:02} {}", self.date, self.hour, self.minute, self.abbreviation)
    }
}

impl PortalZone {
    pub fn utc() -> PortalZone {
        PortalZone { name: "UTC".into(), rules: jiff::tz::TimeZone::UTC }
    }

    pub fn parse(name: &str) -> Result<PortalZone, UnknownZone> {
        let name = name.trim();
        let rules = jiff::tz::TimeZone::get(name).map_err(|_| UnknownZone(name.to_owned()))?;
        Ok(PortalZone { name: name.to_owned(), rules })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn zoned(&self, at: OffsetDateTime) -> jiff::ZonedDateTime {
        // Every `OffsetDateTime` the portal handles (years 1–9999) is a valid jiff timestamp.
        let timestamp =
            jiff::Timestamp::from_nanosecond(at.unix_timestamp_nanos()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        timestamp.to_zoned_datetime(self.rules.clone())
    }

    /// The first moment of `date` here: its midnight, or the first minute after a clock change
    /// that skips midnight.
    pub fn start_of(&self, date: Date) -> OffsetDateTime {
        let year = i16::try_from(date.year()).unwrap_or(i16::MAX);
        jiff::civil::Date::new(year, u8::from(date.month()) as i8, date.day() as i8)
            .and_then(|civil| civil.to_zoned_datetime(self.rules.clone()))
            .and_then(|midnight| midnight.start_of_day())
            .ok()
            .and_then(|start| OffsetDateTime::from_unix_timestamp_nanos(start.timestamp().as_nanosecond()).ok())
            .unwrap_or_else(|| date.midnight().assume_utc())
    }

    /// The date it is here at `at`.
    pub fn date_of(&self, at: OffsetDateTime) -> Date {
        self.wall_time(at).date
    }

    /// RFC 3339 with the zone's offset at that moment (`2027-03-14T01:59:00-05:00`): what CSV
    /// downloads carry, readable as local time and still exact.
    pub fn timestamp(&self, at: OffsetDateTime) -> String {
        self.zoned(at).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }

    pub fn wall_time(&self, at: OffsetDateTime) -> WallTime {
        let zoned = self.zoned(at);
        let civil = zoned.date();
        let date = Month::try_from(civil.month() as u8)
            .ok()
            .and_then(|month| Date::from_calendar_date(i32::from(civil.year()), month, civil.day() as u8).ok())
            .unwrap_or(at.date());
        WallTime {
            date,
            hour: zoned.hour() as u8,
            minute: zoned.minute() as u8,
            abbreviation: zoned.strftime("%Z").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn a_date_begins_at_midnight_in_the_zone_across_both_clock_changes() {
        let eastern = PortalZone::parse("America/New_York").unwrap();
        // Winter: UTC-5.
        assert_eq!(eastern.date_of(datetime!(2023-03-04 04:59:59 UTC)), date!(2023 - 03 - 03));
        assert_eq!(eastern.date_of(datetime!(2023-03-04 05:00 UTC)), date!(2023 - 03 - 04));
        // The day the clocks go forward (2:00 → 3:00 on March 14, 2027) begins in winter time.
        assert_eq!(eastern.date_of(datetime!(2027-03-14 04:59:59 UTC)), date!(2027 - 03 - 13));
        assert_eq!(eastern.date_of(datetime!(2027-03-14 05:00 UTC)), date!(2027 - 03 - 14));
        assert_eq!(eastern.date_of(datetime!(2027-03-15 03:59:59 UTC)), date!(2027 - 03 - 14), "a 23-hour day");
        assert_eq!(eastern.date_of(datetime!(2027-03-15 04:00 UTC)), date!(2027 - 03 - 15));
        // The day they go back (2:00 → 1:00 on November 7, 2027) begins in summer time and is 25 hours long.
        assert_eq!(eastern.date_of(datetime!(2027-11-07 03:59:59 UTC)), date!(2027 - 11 - 06));
        assert_eq!(eastern.date_of(datetime!(2027-11-07 04:00 UTC)), date!(2027 - 11 - 07));
        assert_eq!(eastern.date_of(datetime!(2027-11-08 04:59:59 UTC)), date!(2027 - 11 - 07));
    }

    #[test]
    fn a_days_first_moment_is_its_midnight_there() {
        let eastern = PortalZone::parse("America/New_York").unwrap();
        assert_eq!(eastern.start_of(date!(2023 - 03 - 04)), datetime!(2023-03-04 05:00 UTC));
        assert_eq!(eastern.start_of(date!(2027 - 03 - 14)), datetime!(2027-03-14 05:00 UTC));
        assert_eq!(eastern.start_of(date!(2027 - 03 - 15)), datetime!(2027-03-15 04:00 UTC));
        assert_eq!(eastern.start_of(date!(2027 - 11 - 08)), datetime!(2027-11-08 05:00 UTC));
        assert_eq!(PortalZone::utc().start_of(date!(2027 - 11 - 08)), datetime!(2027-11-08 00:00 UTC));
        // Where midnight itself is skipped (Santiago moves 00:00 to 01:00), the day starts at 01:00.
        let santiago = PortalZone::parse("America/Santiago").unwrap();
        let start = santiago.start_of(date!(2026 - 09 - 06));
        assert_eq!(santiago.date_of(start), date!(2026 - 09 - 06));
        assert_eq!(santiago.date_of(start - time::Duration::seconds(1)), date!(2026 - 09 - 05));
    }

    #[test]
    fn times_are_shown_on_the_zones_clock_with_its_abbreviation() {
        let eastern = PortalZone::parse("America/New_York").unwrap();
        assert_eq!(eastern.wall_time(datetime!(2027-03-14 06:59 UTC)).to_string(), "2027-03-14 01:59 EST");
        assert_eq!(eastern.wall_time(datetime!(2027-03-14 07:00 UTC)).to_string(), "2027-03-14 03:00 EDT");
        assert_eq!(PortalZone::utc().wall_time(datetime!(2027-03-14 07:00 UTC)).to_string(), "2027-03-14 07:00 UTC");
        assert_eq!(PortalZone::default(), PortalZone::utc());
        assert_eq!(eastern.timestamp(datetime!(2027-03-14 06:59:30 UTC)), "2027-03-14T01:59:30-05:00");
        assert_eq!(eastern.timestamp(datetime!(2027-07-01 12:00 UTC)), "2027-07-01T08:00:00-04:00");
        assert_eq!(PortalZone::utc().timestamp(datetime!(2027-07-01 12:00 UTC)), "2027-07-01T12:00:00+00:00");
    }

    #[test]
    fn only_real_zone_names_are_accepted() {
        assert_eq!(PortalZone::parse(" Europe/Madrid ").unwrap().name(), "Europe/Madrid");
        for wrong in ["", "Eastern", "America/Gotham", "+05:00"] {
            assert_eq!(PortalZone::parse(wrong), Err(UnknownZone(wrong.to_owned())), "{wrong}");
        }
    }
}
