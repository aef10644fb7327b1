//! Timestamps as text: reading the forms SPEC section 1 allows, writing RFC 3339.
//!
//! A small parser and printer of Tally's own, not chrono's `format` module: that is a general
//! strftime engine (parsing format strings at run time, every specifier, locales) and cost 17 KB
//! of gzipped wasm for the five fixed forms Tally reads and the one it writes. chrono still does
//! the calendar: dates are made and checked by `NaiveDate`, offsets applied by `DateTime`.
//!
//! The forms read (after trimming whitespace):
//! - `YYYY-MM-DD`: 00:00 UTC that day.
//! - `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS` and with fractional seconds (`.5`, up to
//!   nanoseconds; further digits are ignored): `T`, `t` or a space between date and time.
//! - a time with seconds followed by `Z`, `z` or an offset `+HH:MM` / `-HH:MM` (RFC 3339).
//!   Without one, the time is UTC.
//!
//! A second of 60 (a leap second, which RFC 3339 allows) is read as chrono represents one.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use crate::num::abbreviate;

/// Parses a timestamp as SPEC section 1 describes.
///
/// # Errors
/// Text in none of the accepted forms, or a date that does not exist (`2026-02-30`).
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    parse_bytes(text.trim().as_bytes())
        .ok_or_else(|| format!("expected an RFC 3339 timestamp or a YYYY-MM-DD date, found \"{}\"", abbreviate(text.trim())))
}

/// [`parse_timestamp`] of a string's bytes, `None` where it fails: the fast reader's form.
///
/// `#[inline]`, as is all it calls: the core's fast scanner reads items' timestamps with it, and
/// so gets a copy of its own, built at the core's opt-level (see the crate's doc).
#[inline]
pub fn parse_timestamp_bytes(b: &[u8]) -> Option<DateTime<Utc>> {
    parse_bytes(b.trim_ascii())
}

/// The instant as RFC 3339 in UTC, to the second: `2026-11-23T12:00:00Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    // chrono writes a date as `YYYY-MM-DD` (a year outside 0-9999 with its sign) without its
    // format engine.
    let (date, time) = (t.date_naive(), t.time());
    format!("{date}T{:02}:{:02}:{:02}Z", time.hour(), time.minute(), time.second() + time.nanosecond() / 1_000_000_000)
}

/// The instant as RFC 3339 in UTC, exactly: whole seconds as [`rfc3339`] writes them, else with
/// the fraction's digits that are not trailing zeros (`2026-11-30T23:59:59.999Z`). What the summary
/// says its `as_of` was: the instant every figure was computed for, not one rounded down.
pub fn rfc3339_exact(t: DateTime<Utc>) -> String {
    let seconds = rfc3339(t);
    let nanos = t.time().nanosecond() % 1_000_000_000;
    if nanos == 0 {
        return seconds;
    }
    let fraction = format!("{nanos:09}");
    format!("{}.{}Z", seconds.trim_end_matches('Z'), fraction.trim_end_matches('0'))
}

/// The instant as RFC 3339 in UTC, to the millisecond: `2026-11-23T12:00:00.000Z`.
pub fn rfc3339_millis(t: DateTime<Utc>) -> String {
    let seconds = rfc3339(t);
    let millis = t.time().nanosecond() % 1_000_000_000 / 1_000_000;
    format!("{}.{millis:03}Z", seconds.trim_end_matches('Z'))
}

/// Parses exactly `YYYY-MM-DD`, a day that exists.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut r = Reader(text.trim().as_bytes());
    let date = r.date()?;
    r.0.is_empty().then_some(date)
}

#[inline]
fn parse_bytes(b: &[u8]) -> Option<DateTime<Utc>> {
    let mut r = Reader(b);
    let date = r.date()?;
    if r.0.is_empty() {
        return Some(date.and_time(NaiveTime::MIN).and_utc());
    }
    r.one_of(b"Tt ")?;
    let (time, has_seconds) = r.time()?;
    let local = NaiveDateTime::new(date, time);
    let offset = match r.0 {
        [] => return Some(local.and_utc()),
        // A zone only after the seconds, as RFC 3339 writes it.
        _ if !has_seconds => return None,
        [b'Z' | b'z'] => return Some(local.and_utc()),
        _ => r.offset()?,
    };
    if !r.0.is_empty() {
        return None;
    }
    Some(local.and_local_timezone(offset).single()?.to_utc())
}

/// A cursor over the bytes left to read.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    /// Exactly `n` ASCII digits as a number.
    #[inline]
    fn digits(&mut self, n: usize) -> Option<u32> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        let value = head.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))?;
        self.0 = rest;
        Some(value)
    }

    /// One of `bytes`, consumed.
    #[inline]
    fn one_of(&mut self, bytes: &[u8]) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        bytes.contains(&first).then(|| {
            self.0 = rest;
            first
        })
    }

    /// `YYYY-MM-DD`, a day that exists.
    #[inline]
    fn date(&mut self) -> Option<NaiveDate> {
        let year = self.digits(4)?;
        self.one_of(b"-")?;
        let month = self.digits(2)?;
        self.one_of(b"-")?;
        let day = self.digits(2)?;
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// `HH:MM`, with `:SS` and a fraction optional; and whether the seconds were there.
    #[inline]
    fn time(&mut self) -> Option<(NaiveTime, bool)> {
        let hour = self.digits(2)?;
        self.one_of(b":")?;
        let minute = self.digits(2)?;
        let (mut second, mut nanos) = (0, 0);
        let has_seconds = self.one_of(b":").is_some();
        if has_seconds {
            second = self.digits(2)?;
            if self.one_of(b".").is_some() {
                nanos = self.fraction()?;
            }
        }
        let time = if second == 60 {
            // chrono keeps a leap second as second 59 with a nanosecond count past one second.
            NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos)
        } else {
            NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
        };
        Some((time?, has_seconds))
    }

    /// At least one digit after the point, as nanoseconds (digits past the ninth are dropped).
    #[inline]
    fn fraction(&mut self) -> Option<u32> {
        let count = self.0.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        let nanos = self.0[..count.min(9)].iter().fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0')) * 10u32.pow(9 - count.min(9) as u32);
        self.0 = &self.0[count..];
        Some(nanos)
    }

    /// `+HH:MM` or `-HH:MM`.
    #[inline]
    fn offset(&mut self) -> Option<FixedOffset> {
        let sign = if self.one_of(b"+-")? == b'-' { -1 } else { 1 };
        let hours = self.digits(2)?;
        self.one_of(b":")?;
        let minutes = self.digits(2)?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        FixedOffset::east_opt(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_is_written_exactly() {
        for (text, written) in [
            ("2026-11-23T12:00:00Z", "2026-11-23T12:00:00Z"),
            ("2026-11-30T23:59:59.999Z", "2026-11-30T23:59:59.999Z"),
            ("2026-11-30T23:59:59.5+01:00", "2026-11-30T22:59:59.5Z"),
            ("2026-11-30T23:59:59.000000001Z", "2026-11-30T23:59:59.000000001Z"),
            ("2026-11-30T23:59:59.120Z", "2026-11-30T23:59:59.12Z"),
        ] {
            let t = parse_timestamp(text).unwrap();
            assert_eq!(rfc3339_exact(t), written);
            assert_eq!(parse_timestamp(written), Ok(t), "{written} reads back as the same instant");
        }
    }

    #[test]
    fn every_documented_form_is_read() {
        let z = parse_timestamp("2023-08-23T15:36:10Z").unwrap();
        assert_eq!(parse_timestamp("2023-08-23T15:36:10").unwrap(), z);
        assert_eq!(parse_timestamp("2023-08-23 15:36:10").unwrap(), z);
        assert_eq!(parse_timestamp(" 2023-08-23t15:36:10z ").unwrap(), z);
        assert_eq!(parse_timestamp("2023-08-23T17:36:10+02:00").unwrap(), z);
        assert_eq!(parse_timestamp("2023-08-23T14:06:10-01:30").unwrap(), z);
        assert_eq!(parse_timestamp("2023-08-23T15:36:10.000Z").unwrap(), z);
        assert_eq!(parse_timestamp("2023-08-23T15:36").unwrap(), parse_timestamp("2023-08-23T15:36:00Z").unwrap());
        assert_eq!(rfc3339(parse_timestamp("2026-11-05").unwrap()), "2026-11-05T00:00:00Z");
        assert_eq!(parse_timestamp("2023-08-23T15:36:10.123456789123Z").unwrap().nanosecond(), 123_456_789);
        assert_eq!(rfc3339(parse_timestamp("2016-12-31T23:59:60Z").unwrap()), "2016-12-31T23:59:60Z");
    }

    #[test]
    fn anything_else_is_refused_with_what_was_found() {
        for text in ["yesterday", "99999-01-01", "2026-1-05", "2026-02-30", "2026-11-05T", "2026-11-05T12", "2026-11-05T12:00:00.", "2026-11-05T12:00:00+2:00", "2026-11-05T12:00:00+24:00", "2026-11-05T12:00:00Zx", "2026-11-05T25:00:00Z", "2026-11-05T12:00Z", "２０２６-11-05"] {
            let err = parse_timestamp(text).unwrap_err();
            assert!(err.contains(&format!("\"{}\"", text.trim())), "{text}: {err}");
        }
    }

    #[test]
    fn writes_rfc3339_in_utc() {
        let t = parse_timestamp("2026-11-23T12:00:00.25+01:00").unwrap();
        assert_eq!(rfc3339(t), "2026-11-23T11:00:00Z");
        assert_eq!(rfc3339_millis(t), "2026-11-23T11:00:00.250Z");
        assert_eq!(rfc3339(NaiveDate::from_ymd_opt(-5, 1, 2).unwrap().and_time(NaiveTime::MIN).and_utc()), "-0005-01-02T00:00:00Z");
        assert_eq!(parse_date("2026-11-05"), NaiveDate::from_ymd_opt(2026, 11, 5));
        assert_eq!(parse_date("2026-11-05T00:00"), None);
    }

    /// How timestamps were read before this module, by chrono's format machinery.
    fn chrono_parse(t: &str) -> Option<DateTime<Utc>> {
        let t = t.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Some(dt.with_timezone(&Utc));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
                return Some(naive.and_utc());
            }
        }
        NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().map(|d| d.and_time(NaiveTime::MIN).and_utc())
    }

    proptest::proptest! {
        /// Every timestamp in a documented form reads as chrono read it.
        #[test]
        fn documented_forms_read_as_chrono_read_them(
            secs in 0i64..8_000_000_000, nanos in 0u32..1_000_000_000, digits in 0usize..10,
            offset_minutes in -1439i32..1440, form in 0usize..6,
        ) {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            let fraction = if digits == 0 { String::new() } else { format!(".{:09}", nanos)[..=digits].to_string() };
            let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let local = t.with_timezone(&offset);
            let text = match form {
                0 => t.format("%Y-%m-%d").to_string(),
                1 => t.format("%Y-%m-%dT%H:%M").to_string(),
                2 => format!("{}{fraction}", t.format("%Y-%m-%dT%H:%M:%S")),
                3 => format!("{}{fraction}", t.format("%Y-%m-%d %H:%M:%S")),
                4 => format!("{}{fraction}Z", t.format("%Y-%m-%dT%H:%M:%S")),
                _ => format!("{}{fraction}{}", local.format("%Y-%m-%dT%H:%M:%S"), local.format("%:z")),
            };
            proptest::prop_assert_eq!(parse_timestamp(&text).ok(), chrono_parse(&text), "{}", text);
        }

        /// Whatever this reads from text chrono would not have read, it does not read either:
        /// bytes changed in a timestamp are refused or read as chrono read them.
        #[test]
        fn changed_timestamps_are_refused_or_read_as_chrono_read_them(
            at in 0usize..40, byte in proptest::sample::select(b"0123456789-:T .Zz+tx".to_vec()), delete in proptest::bool::ANY,
            base in proptest::sample::select(vec!["2023-08-23T15:36:10Z", "2023-08-23 15:36:10.5", "2023-08-23T17:36:10+02:00", "2023-08-23", "2023-08-23T15:36"]),
        ) {
            let mut text = base.as_bytes().to_vec();
            let at = at % (text.len() + 1);
            if delete && at < text.len() { text.remove(at); } else { text.insert(at, byte); }
            let text = String::from_utf8(text).unwrap();
            if let Ok(t) = parse_timestamp(&text) {
                proptest::prop_assert_eq!(Some(t), chrono_parse(&text), "{}", text);
            }
        }
    }
}
