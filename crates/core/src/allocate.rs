//! Largest-remainder allocation: groups always add up to the rounded total, to the minor unit
//! (SPEC section 5).

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::error::Result;
use crate::money::to_units_floor;

/// Splits `total_units` (minor units) among groups with exact amounts `parts` (same order as `keys`).
///
/// Each group gets its exact amount floored to the minor unit; the units left over go one each to the
/// largest remainders, ties to the smaller key. The result always sums to `total_units`.
///
/// # Errors
/// An exact amount out of range.
pub fn allocate<K: Ord>(total_units: i128, parts: &[(K, Decimal)], dp: u32) -> Result<Vec<i128>> {
    let mut floors = Vec::with_capacity(parts.len());
    let mut remainders = Vec::with_capacity(parts.len());
    for (_, exact) in parts {
        let (units, rem) = to_units_floor(*exact, dp)?;
        floors.push(units);
        remainders.push(rem);
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
    fn negative_groups_are_floored_downwards() {
        let parts = [("discount", d("-0.505")), ("usage", d("10.10"))];
        // exact 9.595 -> 9.60; floors -0.51 + 10.10 = 9.59; one unit to the discount (remainder 0.5).
        assert_eq!(allocate(960, &parts, 2).unwrap(), vec![-50, 1010]);
    }
}
