//! Exact numbers and timestamps out of JSON.
//!
//! Numbers are read from their raw JSON text (serde_json's `RawValue`, borrowed from the input), so
//! `0.5025967747999994` becomes exactly that `Decimal`, never an `f64` on the way, and no string is
//! allocated per number.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};


/// Parses decimal text such as `12.5`, `-0`, `1e-3` exactly. Returns a message on failure.
///
/// `#[inline]`: the core's fast scanner reads every item's quantity with it, and so gets a copy of
/// its own, built at the core's opt-level (see the crate's doc).
///
/// # Errors
/// Text that is not a number, or a number beyond the 96-bit range of `Decimal` (about 7.9e28).
#[inline]
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    let parsed = if trimmed.contains(['e', 'E']) {
        Decimal::from_scientific(trimmed)
    } else {
        Decimal::from_str(trimmed)
    };
    match parsed {
        Ok(mut d) => {
            if d.is_zero() {
                d.set_sign_positive(true);
            }
            Ok(d.normalize())
        }
        Err(_) if looks_numeric(trimmed) => Err(format!("number out of range: {}", abbreviate(trimmed))),
        Err(_) => Err(format!("expected a number, found \"{}\"", abbreviate(trimmed))),
    }
}

fn looks_numeric(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
}

/// Keeps error messages short when the offending text is huge (a 400-digit number).
pub fn abbreviate(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}... ({} characters)", text.chars().count())
    }
}

/// A number that must be a JSON number (provider bodies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num(pub Decimal);

/// An exact amount in a price book or scenario: read from a JSON number or a numeric string
/// (SPEC 3), written back as a string (normalized: `"1.5"`, not `"1.50"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountText(pub Decimal);

impl Serialize for AmountText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

/// Reads a number from its raw JSON text, borrowed from the input: no allocation, no float.
/// Falls back to the visitor for deserializers that are not serde_json's (tests, `Value`).
fn from_raw<'de, D: Deserializer<'de>>(d: D, allow_string: bool) -> Result<Decimal, D::Error> {
    let raw = <&'de serde_json::value::RawValue>::deserialize(d)?;
    decimal_from_raw(raw.get(), allow_string).map_err(|message| {
        REFUSED_NUMBER_END.set(raw.get().as_bytes().as_ptr_range().end as usize);
        de::Error::custom(message)
    })
}

thread_local! {
    /// Where the number [`from_raw`] refused last ends, as an address in the text being read.
    ///
    /// serde_json gives an error raised after a raw value was read no position of its own: the
    /// object around it adds where *it* ended, and the field path found from there would name the
    /// object, not the number. The refused text is borrowed from the body, so where it ends is
    /// known exactly; [`take_refused_number_end`] turns that into an offset.
    static REFUSED_NUMBER_END: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Forgets any number refused before: called as a read begins, so its error cannot pick up one
/// from an earlier read that failed for another reason.
pub(crate) fn forget_refused_number() {
    REFUSED_NUMBER_END.set(0);
}

/// The offset in `text` just past the number the last read refused, if that number is in `text`
/// (and forgets it).
#[doc(hidden)]
pub fn take_refused_number_end(text: &[u8]) -> Option<usize> {
    let end = REFUSED_NUMBER_END.replace(0);
    let range = text.as_ptr_range();
    (range.start as usize..=range.end as usize).contains(&end).then(|| end - range.start as usize)
}

/// The decimal in a raw JSON value's text, or a message saying what was found instead.
fn decimal_from_raw(text: &str, allow_string: bool) -> Result<Decimal, String> {
    let what = if allow_string { "a number or a numeric string" } else { "a number" };
    match text.as_bytes().first() {
        Some(b'-' | b'0'..=b'9') => parse_decimal(text),
        Some(b'"') => {
            let inner: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
            if allow_string {
                parse_decimal(&inner)
            } else {
                Err(format!("expected a number, found \"{}\"", abbreviate(&inner)))
            }
        }
        Some(b't') => Err(format!("expected {what}, found true")),
        Some(b'f') => Err(format!("expected {what}, found false")),
        Some(b'n') => Err(format!("expected {what}, found null")),
        Some(b'[') => Err(format!("expected {what}, found an array")),
        Some(b'{') => Err(format!("expected {what}, found an object")),
        _ => Err(format!("expected {what}")),
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_raw(d, false).map(Num)
    }
}

/// Price books and scenarios are small and may pass through serde's buffering (tagged enums), where
/// a raw value is not available: their amounts take the visitor path, which sees serde_json's
/// arbitrary-precision number as its text all the same.
impl<'de> Deserialize<'de> for AmountText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor).map(AmountText)
    }
}

/// The key serde_json uses to pass a number's text through `deserialize_any` (arbitrary_precision).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct AmountVisitor;

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or a numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Only reachable without arbitrary_precision; go through the shortest text, not the binary value.
        parse_decimal(&v.to_string()).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Decimal, E> {
        Err(E::custom(format!("expected a number or a numeric string, found {v}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Decimal, E> {
        Err(E::custom("expected a number or a numeric string, found null"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Decimal, A::Error> {
        Err(de::Error::custom("expected a number or a numeric string, found an array"))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => {
                let text: String = map.next_value()?;
                parse_decimal(&text).map_err(de::Error::custom)
            }
            first => {
                // Read the object to its end, so that the error is placed after it: where it stops
                // is where its field path is found (`json_path`), and that is the amount's, not
                // its first key's.
                if first.is_some() {
                    map.next_value::<de::IgnoredAny>()?;
                    while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                }
                Err(de::Error::custom("expected a number or a numeric string, found an object"))
            }
        }
    }
}

/// A UTC instant read from RFC 3339 (with `Z` or an offset), a naive date-time (taken as UTC) or a
/// plain date (00:00 UTC), as SPEC section 1 allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ts(pub DateTime<Utc>);

impl<'de> Deserialize<'de> for Ts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TsVisitor;
        impl Visitor<'_> for TsVisitor {
            type Value = Ts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timestamp string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ts, E> {
                crate::timestamp::parse_timestamp(v).map(Ts).map_err(E::custom)
            }
        }
        d.deserialize_str(TsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_is_read_exactly() {
        assert_eq!(parse_decimal("0.5025967747999994").unwrap().to_string(), "0.5025967747999994");
        assert_eq!(parse_decimal("1e-3").unwrap().to_string(), "0.001");
        assert_eq!(parse_decimal("-0").unwrap().to_string(), "0");
    }

    #[test]
    fn huge_numbers_are_out_of_range_not_panics() {
        assert!(parse_decimal("1e400").unwrap_err().contains("out of range"));
        assert!(parse_decimal(&"9".repeat(400)).unwrap_err().contains("out of range"));
        assert!(parse_decimal("abc").unwrap_err().contains("expected a number"));
    }
}
