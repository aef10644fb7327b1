//! Rounding to a currency's minor unit, once, by name (SPEC section 5).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, Result};

/// Decimals of a currency's minor unit: CU 4, EUR/USD/ECU and most others 2.
pub fn minor_unit(currency: &str) -> u32 {
    match currency {
        "CU" => 4,
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// Rounds half away from zero to `dp` decimals and keeps exactly `dp` decimals (`12.3` -> `12.30`).
pub fn round_to(amount: Decimal, dp: u32) -> Decimal {
    let mut r = amount.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    if r.is_zero() {
        r.set_sign_positive(true);
    }
    r
}

/// [`round_to`] for an amount the output must write with exactly `dp` decimals: one too large
/// for that (above about 7.9e26 with 2 decimals) is an error naming `what`, not a figure missing
/// its cents.
pub(crate) fn round_money(amount: Decimal, dp: u32, what: &str) -> Result<Decimal> {
    let r = round_to(amount, dp);
    if r.scale() == dp {
        Ok(r)
    } else {
        Err(Error::overflow(format!("{what} {amount} is too large to write with {dp} decimals")))
    }
}

/// An amount in minor units (cents), as an integer; `exact` is not rounded here but floored.
pub(crate) fn to_units_floor(exact: Decimal, dp: u32) -> Result<(i128, Decimal)> {
    let scale = Decimal::from(10u64.pow(dp));
    let scaled = exact.checked_mul(scale).ok_or_else(|| Error::overflow(format!("amount {exact}")))?;
    let floor = scaled.floor();
    let units = floor.to_i128().ok_or_else(|| Error::overflow(format!("amount {exact}")))?;
    Ok((units, scaled - floor))
}

/// Minor units back to a Decimal with `dp` decimals.
pub(crate) fn from_units(units: i128, dp: u32) -> Decimal {
    let mut d = Decimal::try_from_i128_with_scale(units, dp).unwrap_or(Decimal::ZERO);
    d.rescale(dp);
    d
}

/// Rounded total in minor units.
pub(crate) fn to_units_rounded(exact: Decimal, dp: u32) -> Result<i128> {
    let r = round_to(exact, dp);
    let scale = Decimal::from(10u64.pow(dp));
    r.checked_mul(scale)
        .and_then(|d| d.to_i128())
        .ok_or_else(|| Error::overflow(format!("amount {exact}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero_with_fixed_decimals() {
        assert_eq!(round_to("2.345".parse().unwrap(), 2).to_string(), "2.35");
        assert_eq!(round_to("-2.345".parse().unwrap(), 2).to_string(), "-2.35");
        assert_eq!(round_to("19129.19".parse().unwrap(), 4).to_string(), "19129.1900");
        assert_eq!(round_to("-0.001".parse().unwrap(), 2).to_string(), "0.00");
    }
}
