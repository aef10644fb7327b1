//! Calendar months and days in UTC, and splitting spans over them in proportion to time (SPEC section 4).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

/// A calendar month in UTC: `[first day 00:00, next month's first day 00:00)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month with this year and month number (1-12), if valid.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Month { year, month })
    }

    /// Months since year 0 (one number per month, in order): a cheap key for a month.
    pub(crate) fn ordinal(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month)
    }

    /// The month containing an instant.
    pub fn of(t: DateTime<Utc>) -> Month {
        // The stored UTC date, read as is: `t.year()` and `t.month()` would each first add the
        // (zero) offset to the whole date-time, which pricing did twice for every charge.
        Month::of_day(t.naive_utc().date())
    }

    /// The month containing a day.
    pub fn of_day(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        // Valid by construction.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 00:00 UTC of the first day.
    pub fn start(self) -> DateTime<Utc> {
        day_start(self.first_day())
    }

    /// The following month, if representable.
    pub fn next(self) -> Option<Month> {
        if self.month == 12 {
            Month::new(self.year.checked_add(1)?, 1)
        } else {
            Month::new(self.year, self.month + 1)
        }
    }

    /// 00:00 UTC of the next month's first day (the exclusive end).
    pub fn end(self) -> DateTime<Utc> {
        self.next().map_or(DateTime::<Utc>::MAX_UTC, Month::start)
    }

    /// Every day of the month.
    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let first = self.first_day();
        first.iter_days().take_while(move |d| d.month() == first.month() && d.year() == first.year())
    }

    /// Number of days in the month.
    pub fn day_count(self) -> u32 {
        self.days().count() as u32
    }

    /// Hours in the month.
    pub fn hours(self) -> i64 {
        (self.end() - self.start()).num_hours()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// 00:00 UTC of a day.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).map_or(DateTime::<Utc>::MIN_UTC, |n| n.and_utc())
}

/// The milliseconds of `[start, end)` that fall in each month, in order. Empty for an empty span.
pub fn months_of_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(Month, i64)> {
    let mut out = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let month = Month::of(cursor);
        let stop = month.end().min(end);
        out.push((month, (stop - cursor).num_milliseconds()));
        cursor = stop;
    }
    out
}

/// The milliseconds of `[start, end)` that fall in each day, in order.
pub fn days_of_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(NaiveDate, i64)> {
    let mut out = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let day = cursor.date_naive();
        let stop = day.succ_opt().map_or(end, day_start).min(end);
        out.push((day, (stop - cursor).num_milliseconds()));
        cursor = stop;
    }
    out
}

/// Splits `amount` over `weights` in proportion; zero total weight gives equal parts.
///
/// Each part is computed on its own as `amount * weight / total` and kept to [`SHARE_DECIMALS`]
/// decimals, so equal weights always give equal parts (the largest-remainder allocation then breaks
/// ties by key, SPEC 5), and adding parts up is exact and independent of order. The parts add up to
/// `amount` to within 10^-18 each; grand totals are taken from the unsplit amounts, so a split
/// never moves a cent of the total.
pub fn split_by_weights<K: Copy>(amount: Decimal, weights: &[(K, Decimal)]) -> Vec<(K, Decimal)> {
    if let [(k, _)] = weights {
        return vec![(*k, amount)];
    }
    let total: Decimal = weights.iter().fold(Decimal::ZERO, |acc, (_, w)| acc.checked_add(*w).unwrap_or(acc));
    if total.is_zero() {
        let count = Decimal::from(weights.len() as u64);
        let part = amount.checked_div(count).unwrap_or(Decimal::ZERO).round_dp(SHARE_DECIMALS);
        return weights.iter().map(|(k, _)| (*k, part)).collect();
    }
    weights.iter().map(|(k, w)| (*k, share(amount, *w, total).round_dp(SHARE_DECIMALS))).collect()
}

/// Decimals kept in a split part: far below any minor unit, and few enough that sums of parts stay
/// exact (28 significant digits leave 10 for the integer part).
pub const SHARE_DECIMALS: u32 = 18;

/// `amount * weight / total`, multiplying first when it fits (more precise), else dividing first.
fn share(amount: Decimal, weight: Decimal, total: Decimal) -> Decimal {
    amount
        .checked_mul(weight)
        .and_then(|p| p.checked_div(total))
        .or_else(|| weight.checked_div(total).and_then(|r| amount.checked_mul(r)))
        .unwrap_or(Decimal::ZERO)
}

/// Milliseconds as a Decimal weight.
pub fn ms(ms: i64) -> Decimal {
    Decimal::from(ms)
}

/// Hours between two instants, with fractions.
pub fn hours_between(start: DateTime<Utc>, end: DateTime<Utc>) -> Decimal {
    let ms = (end - start).num_milliseconds();
    Decimal::from(ms).checked_div(Decimal::from(3_600_000)).unwrap_or(Decimal::ZERO)
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_timestamp;

    fn t(s: &str) -> DateTime<Utc> {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn a_span_over_a_month_boundary_splits_by_time() {
        let parts = months_of_span(t("2026-10-31T12:00:00Z"), t("2026-11-01T06:00:00Z"));
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0.to_string(), "2026-10");
        assert_eq!(parts[0].1, 12 * 3_600_000);
        assert_eq!(parts[1].1, 6 * 3_600_000);
    }

    #[test]
    fn december_rolls_into_january() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.next().unwrap().to_string(), "2027-01");
        assert_eq!(m.day_count(), 31);
        assert_eq!(Month::parse("2024-02").unwrap().day_count(), 29);
        assert_eq!(Month::parse("2026-11").unwrap().hours(), 720);
        assert!(Month::parse("2026-13").is_none());
    }

    #[test]
    fn split_conserves_the_amount_and_treats_equal_weights_equally() {
        let amount = Decimal::new(100, 0);
        let parts = split_by_weights(amount, &[(1, ms(1)), (2, ms(1)), (3, ms(1))]);
        assert!((parts.iter().map(|p| p.1).sum::<Decimal>() - amount).abs() < Decimal::new(3, 18));
        assert_eq!(parts[0].1, parts[2].1);
        let zero = split_by_weights(amount, &[(1, Decimal::ZERO), (2, Decimal::ZERO)]);
        assert_eq!(zero[0].1, Decimal::new(50, 0));
        assert_eq!(zero.iter().map(|p| p.1).sum::<Decimal>(), amount);
    }
}
