//! Largest-remainder allocation: groups always add up to the rounded total, to the minor unit
//! (SPEC section 5).

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::error::Result;
use crate::money::to_units_floor;

/// Remainders are compared to this many decimals of a minor unit. Finer differences are the
/// rounding noise of shares kept to 18 decimals (a tier's month cost shared back by quantity: four
/// one-hour items and one four-hour item of the same rate differ in their last digits), not a
/// difference in cost, and must not decide who gets a unit: two groups that cost the same are a
/// tie, which goes to the smaller key (SPEC 5).
const REMAINDER_DECIMALS: u32 = 9;

/// Splits `total_units` (minor units) among groups with exact amounts `parts` (same order as `keys`).
///
/// Each group gets its exact amount floored to the minor unit; the units left over go one each to the
/// largest remainders (to [`REMAINDER_DECIMALS`] of a unit), ties to the smaller key. The result always sums to `total_units`.
///
/// # Errors
/// An exact amount out of range.
pub fn allocate<K: Ord>(total_units: i128, parts: &[(K, Decimal)], dp: u32) -> Result<Vec<i128>> {
    let mut floors = Vec::with_capacity(parts.len());
    let mut remainders = Vec::with_capacity(parts.len());
    for (_, exact) in parts {
        let (units, rem) = to_units_floor(*exact, dp)?;
        floors.push(units);
        remainders.push(rem.round_dp(REMAINDER_DECIMALS));
    }
    if parts.is_empty() {
        return Ok(floors);
    }
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| match remainders[b].cmp(&remainders[a]) {
        Ordering::Equal => parts[a].0.cmp(&parts[b].0),
        other => other,
    });
    let mut left = total_units - floors.iter().sum::<i128>();
    // Normally 0 <= left <= n; cycling keeps the function total for any input.
    while left > 0 {
        for &i in &order {
            if left == 0 {
                break;
            }
            floors[i] += 1;
            left -= 1;
        }
    }
    while left < 0 {
        for &i in order.iter().rev() {
            if left == 0 {
                break;
            }
            floors[i] -= 1;
            left += 1;
        }
    }
    Ok(floors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn three_thirds_of_a_euro_add_up_to_a_euro() {
        let third = d("1") / d("3");
        let parts = [("a", third), ("b", third), ("c", third)];
        let got = allocate(100, &parts, 2).unwrap();
        assert_eq!(got, vec![34, 33, 33], "the tie goes to the smallest key");
    }

    #[test]
    fn the_largest_remainder_gets_the_extra_unit() {
        let parts = [("a", d("0.506")), ("b", d("0.494"))];
        // total 1.00: floors 0.50 + 0.49, remainders 0.6 and 0.4: the one unit left goes to a.
        assert_eq!(allocate(100, &parts, 2).unwrap(), vec![51, 49]);
        let parts = [("a", d("1.006")), ("b", d("2.006")), ("c", d("0.008"))];
        // exact 3.02 -> floors 100 + 200 + 0 = 300, 2 units to c (0.8) then a (0.6, key a < b).
        assert_eq!(allocate(302, &parts, 2).unwrap(), vec![101, 200, 1]);
    }

    #[test]
    fn remainders_that_differ_only_in_share_noise_are_a_tie() {
        // The same cost, shared back as one piece and as four: 18-decimal shares differ at the end.
        let one = d("0.173420689655172414");
        let four = d("0.173420689655172413");
        assert_eq!(allocate(35, &[("node.s", one), ("node.m", four)], 2).unwrap(), vec![17, 18], "the tie goes to the smaller key");
        assert_eq!(allocate(35, &[("node.m", one), ("node.s", four)], 2).unwrap(), vec![18, 17]);
        // A real difference, however small in money, still counts.
        assert_eq!(allocate(35, &[("a", d("0.17342")), ("b", d("0.1734201"))], 2).unwrap(), vec![17, 18]);
    }

    #[test]
    fn negative_groups_are_floored_downwards() {
        let parts = [("discount", d("-0.505")), ("usage", d("10.10"))];
        // exact 9.595 -> 9.60; floors -0.51 + 10.10 = 9.59; one unit to the discount (remainder 0.5).
        assert_eq!(allocate(960, &parts, 2).unwrap(), vec![-50, 1010]);
    }
}
