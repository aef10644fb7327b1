//! The pricing models applied to one month's summed quantity (SPEC section 3). Pure and checked:
//! an overflow is an error, never a panic.

use rust_decimal::Decimal;

use super::book::{Model, Tier};
use crate::error::{Error, Result};

/// The cost of `quantity` under `model` (without the flat fee).
///
/// # Errors
/// The cost does not fit in a `Decimal`.
///
/// ```
/// use rust_decimal::Decimal;
/// use tally_core::{price_quantity, Model, Tier};
/// let tiers = vec![
///     Tier { up_to: Some(Decimal::from(100)), unit_price: Decimal::ZERO },
///     Tier { up_to: None, unit_price: Decimal::new(1, 2) },
/// ];
/// // 150 units: the first 100 are free, the next 50 cost 0.01 each.
/// assert_eq!(price_quantity(&Model::Graduated(tiers), Decimal::from(150)).unwrap(), Decimal::new(50, 2));
/// ```
pub fn price_quantity(model: &Model, quantity: Decimal) -> Result<Decimal> {
    let overflow = || Error::overflow(format!("{} pricing of quantity {quantity}", model.id()));
    match model {
        Model::PerUnit { unit_price } => quantity.checked_mul(*unit_price).ok_or_else(overflow),
        Model::Graduated(tiers) => graduated(tiers, quantity).ok_or_else(overflow),
        Model::Volume(tiers) => {
            let tier = tiers.iter().find(|t| t.up_to.is_none_or(|u| quantity <= u)).or(tiers.last());
            tier.map_or(Some(Decimal::ZERO), |t| quantity.checked_mul(t.unit_price)).ok_or_else(overflow)
        }
        Model::Package { size, price } => {
            if quantity <= Decimal::ZERO {
                return Ok(Decimal::ZERO);
            }
            let packages = quantity.checked_div(*size).ok_or_else(overflow)?.ceil();
            packages.checked_mul(*price).ok_or_else(overflow)
        }
    }
}

/// Each tier prices the part of the quantity inside it. A negative quantity (a correction) is priced
/// at the first tier's rate, as it undoes the first units.
fn graduated(tiers: &[Tier], quantity: Decimal) -> Option<Decimal> {
    if quantity <= Decimal::ZERO {
        return quantity.checked_mul(tiers.first()?.unit_price);
    }
    let mut cost = Decimal::ZERO;
    let mut lower = Decimal::ZERO;
    for t in tiers {
        let upper = t.up_to.map_or(quantity, |u| u.min(quantity));
        if upper > lower {
            cost = cost.checked_add(upper.checked_sub(lower)?.checked_mul(t.unit_price)?)?;
        }
        if let Some(u) = t.up_to {
            lower = lower.max(u);
        }
        if t.up_to.is_none_or(|u| quantity <= u) {
            break;
        }
    }
    Some(cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn tiers() -> Vec<Tier> {
        vec![
            Tier { up_to: Some(d("100")), unit_price: d("0") },
            Tier { up_to: Some(d("1000")), unit_price: d("0.01") },
            Tier { up_to: None, unit_price: d("0.008") },
        ]
    }

    #[test]
    fn graduated_prices_each_slice_at_its_own_tier() {
        // 100 free, 900 at 0.01 = 9, 500 at 0.008 = 4.
        assert_eq!(price_quantity(&Model::Graduated(tiers()), d("1500")).unwrap(), d("13"));
        assert_eq!(price_quantity(&Model::Graduated(tiers()), d("100")).unwrap(), d("0"));
        assert_eq!(price_quantity(&Model::Graduated(tiers()), d("100.5")).unwrap(), d("0.005"));
    }

    #[test]
    fn volume_prices_everything_at_the_reached_tier() {
        // 1500 is past 1000: all 1500 at 0.008 = 12.
        assert_eq!(price_quantity(&Model::Volume(tiers()), d("1500")).unwrap(), d("12"));
        // up_to is inclusive: 1000 is still in the 0.01 tier.
        assert_eq!(price_quantity(&Model::Volume(tiers()), d("1000")).unwrap(), d("10"));
    }

    #[test]
    fn package_rounds_up_to_whole_packages() {
        let m = Model::Package { size: d("1000"), price: d("5") };
        assert_eq!(price_quantity(&m, d("1")).unwrap(), d("5"));
        assert_eq!(price_quantity(&m, d("1000")).unwrap(), d("5"));
        assert_eq!(price_quantity(&m, d("1000.01")).unwrap(), d("10"));
        assert_eq!(price_quantity(&m, d("0")).unwrap(), d("0"));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let m = Model::PerUnit { unit_price: Decimal::MAX };
        assert!(price_quantity(&m, d("2")).is_err());
        let huge = vec![Tier { up_to: None, unit_price: Decimal::MAX }];
        assert!(price_quantity(&Model::Graduated(huge), d("3")).is_err());
    }
}
