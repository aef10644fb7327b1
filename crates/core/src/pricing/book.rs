//! Price books: the JSON format of SPEC section 3, parsed and validated with messages at the field.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use tally_formats::{AmountText, BookWire, EntryWire, TierWire};

use crate::error::{Error, Result};
use crate::model::{Charge, Source};

/// A validated price book.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriceBook {
    /// The display currency; `None` keeps each source's own.
    pub currency: Option<String>,
    /// 1 unit of the key currency = rate units of `currency`.
    pub fx: BTreeMap<String, Decimal>,
    /// Entries, in the book's order (earlier wins a tie).
    pub prices: Vec<PriceEntry>,
    /// Monthly discount in percent of the subtotal.
    pub discount_percent: Decimal,
    /// Minimum monthly commitment (after discount).
    pub minimum_monthly: Decimal,
    /// Tax in percent.
    pub tax_percent: Decimal,
    /// What-if price overrides: checked before `prices`, and they win whatever their specificity.
    pub overrides: Vec<PriceEntry>,
}

/// Which charges an entry prices: each present field must equal the charge's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    /// Provider.
    pub source: Option<Source>,
    /// Resource type.
    pub resource_type: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Resource name.
    pub resource_name: Option<String>,
}

impl Selector {
    /// Whether every present field equals the charge's.
    pub fn matches(&self, c: &Charge) -> bool {
        self.source.is_none_or(|s| s == c.source)
            && self.resource_type.as_deref().is_none_or(|t| t == &*c.resource_type)
            && self.unit.as_deref().is_none_or(|u| u == &*c.unit)
            && self.resource_name.as_deref().is_none_or(|n| c.resource_name.as_deref() == Some(n))
    }

    /// How many selector fields are present (the most specific entry wins).
    pub fn specificity(&self) -> usize {
        usize::from(self.source.is_some())
            + usize::from(self.resource_type.is_some())
            + usize::from(self.unit.is_some())
            + usize::from(self.resource_name.is_some())
    }
}

/// One price book entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceEntry {
    /// What it prices.
    pub selector: Selector,
    /// How.
    pub model: Model,
    /// Charged once per month in which the entry matched a charge.
    pub flat_fee: Option<Decimal>,
}

/// One tier: the part of the quantity up to `up_to` (inclusive); `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// Upper bound, inclusive.
    pub up_to: Option<Decimal>,
    /// Price per unit inside the tier.
    pub unit_price: Decimal,
}

/// The pricing models of SPEC section 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Model {
    /// quantity x unit_price.
    PerUnit {
        /// Price per unit.
        unit_price: Decimal,
    },
    /// Each tier prices the part of the quantity inside it.
    Graduated(Vec<Tier>),
    /// All of the quantity at the price of the first tier with quantity <= up_to.
    Volume(Vec<Tier>),
    /// ceil(quantity / size) x price.
    Package {
        /// Units per package.
        size: Decimal,
        /// Price of one package.
        price: Decimal,
    },
}

impl Model {
    /// The identifier used in JSON.
    pub fn id(&self) -> &'static str {
        match self {
            Model::PerUnit { .. } => "per_unit",
            Model::Graduated(_) => "graduated",
            Model::Volume(_) => "volume",
            Model::Package { .. } => "package",
        }
    }
}

impl PriceBook {
    /// Parses and validates a price book.
    ///
    /// # Errors
    /// Not JSON, a field of the wrong type, or a rule broken (unsorted tiers, a missing unbounded last
    /// tier, a negative price, a zero package size, an unknown model or source), each with its path.
    ///
    /// ```
    /// let book = tally_core::PriceBook::parse(br#"{"prices": [{"model": "per_unit", "unit_price": "2"}]}"#).unwrap();
    /// assert_eq!(book.prices.len(), 1);
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<PriceBook> {
        if bytes.len() > 16 * 1024 * 1024 {
            return Err(Error::invalid("", "a price book is at most 16 MB"));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // Read in tally-formats, built for size (its crate's doc says why); an error is placed here,
        // from where the reader stopped.
        validate(tally_formats::read_book(bytes).map_err(|e| Error::from_json(bytes, &e))?)
    }

    /// Writes the book back as SPEC JSON (amounts as strings).
    pub fn to_json(&self) -> String {
        BookWire {
            currency: self.currency.clone(),
            fx: self.fx.iter().map(|(k, v)| (k.clone(), AmountText(*v))).collect(),
            prices: self.prices.iter().map(entry_wire).collect(),
            discount_percent: Some(AmountText(self.discount_percent)),
            minimum_monthly: Some(AmountText(self.minimum_monthly)),
            tax_percent: Some(AmountText(self.tax_percent)),
        }
        .to_json()
    }

    /// The entry pricing a charge: a what-if override if one matches, else the most specific
    /// matching entry (earlier wins a tie). The index counts overrides first, then `prices`.
    pub fn entry_for(&self, c: &Charge) -> Option<(usize, &PriceEntry)> {
        if let Some(hit) = self.overrides.iter().enumerate().find(|(_, e)| e.selector.matches(c)) {
            return Some(hit);
        }
        let offset = self.overrides.len();
        let mut best: Option<(usize, &PriceEntry)> = None;
        for (i, e) in self.prices.iter().enumerate() {
            if e.selector.matches(c) && best.is_none_or(|(_, b)| e.selector.specificity() > b.selector.specificity()) {
                best = Some((i + offset, e));
            }
        }
        best
    }

    /// The entry at an index given by [`PriceBook::entry_for`].
    pub fn entry(&self, index: usize) -> Option<&PriceEntry> {
        self.overrides.get(index).or_else(|| self.prices.get(index.checked_sub(self.overrides.len())?))
    }

    /// The rate of `from` into the book currency (1 for the same currency).
    pub fn rate(&self, from: &str, to: &str) -> Option<Decimal> {
        if from == to {
            Some(Decimal::ONE)
        } else if self.currency.as_deref() == Some(to) {
            self.fx.get(from).copied()
        } else {
            None
        }
    }
}

/// An entry as it is written.
fn entry_wire(e: &PriceEntry) -> EntryWire {
    let tiers = |t: &Vec<Tier>| {
        Some(t.iter().map(|t| TierWire { up_to: t.up_to.map(AmountText), unit_price: AmountText(t.unit_price) }).collect())
    };
    let mut w = EntryWire {
        source: e.selector.source.map(|s| s.id().to_string()),
        resource_type: e.selector.resource_type.clone(),
        unit: e.selector.unit.clone(),
        resource_name: e.selector.resource_name.clone(),
        model: e.model.id().to_string(),
        unit_price: None,
        tiers: None,
        package_size: None,
        package_price: None,
        flat_fee: e.flat_fee.map(AmountText),
    };
    match &e.model {
        Model::PerUnit { unit_price } => w.unit_price = Some(AmountText(*unit_price)),
        Model::Graduated(t) | Model::Volume(t) => w.tiers = tiers(t),
        Model::Package { size, price } => {
            w.package_size = Some(AmountText(*size));
            w.package_price = Some(AmountText(*price));
        }
    }
    w
}

fn non_negative(path: &str, v: Option<AmountText>) -> Result<Decimal> {
    let v = v.map_or(Decimal::ZERO, |a| a.0);
    if v.is_sign_negative() && !v.is_zero() {
        return Err(Error::invalid(path, format!("must not be negative, found {v}")));
    }
    Ok(v)
}

/// The price book a read one says, if it keeps the rules.
fn validate(book: BookWire) -> Result<PriceBook> {
    if let Some(c) = &book.currency {
        if c.trim().is_empty() {
            return Err(Error::invalid("currency", "must not be empty"));
        }
    }
    // Currency codes are ISO 4217's capitals (or ECU, CU): "eur" is EUR, not a currency of its
    // own that no amount could ever be added to.
    let mut fx = BTreeMap::new();
    for (k, v) in book.fx {
        if v.0 <= Decimal::ZERO {
            return Err(Error::invalid(format!("fx.{k}"), format!("a rate must be positive, found {}", v.0)));
        }
        let code = k.trim().to_ascii_uppercase();
        if fx.insert(code.clone(), v.0).is_some() {
            return Err(Error::invalid(format!("fx.{k}"), format!("a second rate for {code}")));
        }
    }
    let discount_percent = non_negative("discount_percent", book.discount_percent)?;
    if discount_percent > Decimal::ONE_HUNDRED {
        return Err(Error::invalid("discount_percent", format!("must be at most 100, found {discount_percent}")));
    }
    let minimum_monthly = non_negative("minimum_monthly", book.minimum_monthly)?;
    let tax_percent = non_negative("tax_percent", book.tax_percent)?;
    let prices = book.prices.into_iter().enumerate().map(|(i, e)| validate_entry(e, i)).collect::<Result<Vec<_>>>()?;
    Ok(PriceBook {
        currency: book.currency.map(|c| c.trim().to_ascii_uppercase()),
        fx,
        prices,
        discount_percent,
        minimum_monthly,
        tax_percent,
        overrides: Vec::new(),
    })
}

/// The `i`th entry a read one says, if it keeps the rules.
fn validate_entry(entry: EntryWire, i: usize) -> Result<PriceEntry> {
    let at = |field: &str| format!("prices[{i}].{field}");
    let source = match entry.source.as_deref() {
        None => None,
        Some(s) => Some(Source::from_id(s).ok_or_else(|| {
            Error::invalid(at("source"), format!("unknown source \"{s}\": expected aether, hyperstack, elastic or cu"))
        })?),
    };
    let need = |v: Option<AmountText>, field: &str| -> Result<Decimal> {
        let v = v.ok_or_else(|| Error::invalid(at(field), format!("missing: the {} model needs it", entry.model)))?;
        if v.0.is_sign_negative() && !v.0.is_zero() {
            return Err(Error::invalid(at(field), format!("must not be negative, found {}", v.0)));
        }
        Ok(v.0)
    };
    let model = match entry.model.as_str() {
        "per_unit" => Model::PerUnit { unit_price: need(entry.unit_price, "unit_price")? },
        "graduated" => Model::Graduated(validate_tiers(entry.tiers.as_deref(), &at("tiers"))?),
        "volume" => Model::Volume(validate_tiers(entry.tiers.as_deref(), &at("tiers"))?),
        "package" => {
            let size = need(entry.package_size, "package_size")?;
            if size.is_zero() {
                return Err(Error::invalid(at("package_size"), "must be greater than 0"));
            }
            Model::Package { size, price: need(entry.package_price, "package_price")? }
        }
        other => {
            return Err(Error::invalid(
                at("model"),
                format!("unknown model \"{other}\": expected per_unit, graduated, volume or package"),
            ))
        }
    };
    let flat_fee = match entry.flat_fee {
        Some(f) if f.0.is_sign_negative() && !f.0.is_zero() => {
            return Err(Error::invalid(at("flat_fee"), format!("must not be negative, found {}", f.0)))
        }
        f => f.map(|f| f.0),
    };
    Ok(PriceEntry {
        selector: Selector { source, resource_type: entry.resource_type, unit: entry.unit, resource_name: entry.resource_name },
        model,
        flat_fee,
    })
}

fn validate_tiers(tiers: Option<&[TierWire]>, path: &str) -> Result<Vec<Tier>> {
    let tiers = tiers.ok_or_else(|| Error::invalid(path, "missing: tiered models need tiers"))?;
    if tiers.is_empty() {
        return Err(Error::invalid(path, "needs at least one tier"));
    }
    let mut out = Vec::with_capacity(tiers.len());
    let mut previous: Option<Decimal> = None;
    for (j, t) in tiers.iter().enumerate() {
        let last = j + 1 == tiers.len();
        if t.unit_price.0.is_sign_negative() && !t.unit_price.0.is_zero() {
            return Err(Error::invalid(format!("{path}[{j}].unit_price"), format!("must not be negative, found {}", t.unit_price.0)));
        }
        match (t.up_to, last) {
            (None, false) => {
                return Err(Error::invalid(format!("{path}[{j}].up_to"), "only the last tier may be unbounded (null)"))
            }
            (Some(u), true) => {
                return Err(Error::invalid(
                    format!("{path}[{j}].up_to"),
                    format!("the last tier must be unbounded (null), found {}", u.0),
                ))
            }
            (Some(u), false) => {
                if u.0.is_sign_negative() && !u.0.is_zero() {
                    return Err(Error::invalid(format!("{path}[{j}].up_to"), format!("must not be negative, found {}", u.0)));
                }
                if let Some(p) = previous {
                    if u.0 <= p {
                        return Err(Error::invalid(
                            format!("{path}[{j}].up_to"),
                            format!("tiers must be in increasing order: {} is not above the previous tier's {p}", u.0),
                        ));
                    }
                }
                previous = Some(u.0);
            }
            (None, true) => {}
        }
        out.push(Tier { up_to: t.up_to.map(|u| u.0), unit_price: t.unit_price.0 });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::PriceBook;
    use serde::Deserialize;
    use tally_formats::BookWire;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Wherever a value of the wrong shape replaces one in a price book, the error names the
        /// same field path as reading with path tracking did.
        #[test]
        fn error_paths_are_those_tracking_named(
            nth in 0usize..200,
            put in proptest::sample::select(&crate::json_path::WRONG_VALUES[..]),
        ) {
            let mutated = crate::json_path::with_value_replaced(include_str!("../../../../fixtures/aether/prices.json"), nth, put);
            crate::json_path::names_the_tracked_path(&mutated, |de| BookWire::deserialize(de).map(drop), |text| PriceBook::parse(text.as_bytes()))?;
        }
    }
}
