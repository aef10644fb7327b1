//! What-if estimates: a scenario adjusts the loaded usage and the price book, and the result is
//! compared with the base, in total and per group (issue "What-if"; format in docs/SCENARIOS.md).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::aggregate::{groups, Dimension};
use crate::error::{Error, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage, Subject};
use crate::money::{minor_unit, round_to};
use crate::pricing::book::{Model, PriceEntry, Selector};
use crate::pricing::{price, Context, PriceBook};
use crate::summary::{summarize, Summary};
use crate::time::Month;
pub use tally_formats::{Adjustment, AmountText, Match, NewCharge};
use tally_formats::{ScenarioOut, ScenarioWire};

/// Hours billed for one autoscaled node run (SPEC 1.1): under 15 minutes is free; from 15 minutes
/// on, every started hour counts (10 min = 0 h, 15 min = 1 h, 70 min = 2 h).
pub fn billable_hours(minutes: u64) -> u64 {
    if minutes < 15 {
        0
    } else {
        minutes.div_ceil(60)
    }
}

/// Whether every present field of `m` equals the charge's.
fn matches(m: &Match, c: &Charge) -> bool {
    m.source.as_deref().is_none_or(|s| s == c.source.id())
        && m.resource_type.as_deref().is_none_or(|t| t == &*c.resource_type)
        && m.unit.as_deref().is_none_or(|u| u == &*c.unit)
        && m.resource.as_deref().is_none_or(|r| c.resource_id.as_deref() == Some(r))
        && m.category.as_deref().is_none_or(|k| k == c.category.id())
}

/// The price book selector for a `set_price`: prices are chosen by source, resource type and
/// unit only, so a match on a resource or category is refused rather than silently widened.
fn selector(m: &Match, path: &str) -> Result<Selector> {
    if m.resource.is_some() || m.category.is_some() {
        return Err(Error::invalid(path, "set_price matches by source, resource_type and unit only (not resource or category)"));
    }
    let source = match m.source.as_deref() {
        None => None,
        Some(s) => Some(Source::from_id(s).ok_or_else(|| Error::invalid(format!("{path}.source"), format!("unknown source \"{s}\"")))?),
    };
    Ok(Selector { source, resource_type: m.resource_type.clone(), unit: m.unit.clone(), resource_name: None })
}

/// A what-if scenario: read as tally-formats' [`ScenarioWire`], written as its [`ScenarioOut`] (its
/// adjustments' types are that crate's, re-exported), so that serde_json runs with them there,
/// built for size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scenario {
    /// A name for people.
    pub name: Option<String>,
    /// Applied in order.
    pub adjustments: Vec<Adjustment>,
    /// Replaces the base price book entirely (SPEC 3 format).
    pub price_book: Option<serde_json::Value>,
    /// Overrides the book's monthly discount.
    pub discount_percent: Option<AmountText>,
    /// Overrides the book's minimum monthly commitment.
    pub minimum_monthly: Option<AmountText>,
    /// Overrides the book's tax.
    pub tax_percent: Option<AmountText>,
}

impl Scenario {
    /// Parses a scenario.
    ///
    /// # Errors
    /// Not JSON, or a field of the wrong shape, with its path.
    pub fn parse(bytes: &[u8]) -> Result<Scenario> {
        if bytes.len() > 16 * 1024 * 1024 {
            return Err(Error::invalid("", "a scenario is at most 16 MB"));
        }
        // Read in tally-formats, built for size (its crate's doc says why); an error is placed
        // here, from where the reader stopped.
        tally_formats::read_scenario(bytes).map(Scenario::from).map_err(|e| Error::from_json(bytes, &e))
    }

    /// The scenario as JSON.
    pub fn to_json(&self) -> String {
        self.out().to_json()
    }

    /// The scenario as tally-formats writes it.
    fn out(&self) -> ScenarioOut<'_> {
        ScenarioOut {
            name: self.name.as_deref(),
            adjustments: &self.adjustments,
            price_book: self.price_book.as_ref(),
            discount_percent: self.discount_percent,
            minimum_monthly: self.minimum_monthly,
            tax_percent: self.tax_percent,
        }
    }
}

impl From<ScenarioWire> for Scenario {
    fn from(w: ScenarioWire) -> Scenario {
        let ScenarioWire { name, adjustments, price_book, discount_percent, minimum_monthly, tax_percent } = w;
        Scenario { name, adjustments, price_book, discount_percent, minimum_monthly, tax_percent }
    }
}

/// As [`Scenario::parse`] reads it (for any deserializer).
impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        ScenarioWire::deserialize(d).map(Scenario::from)
    }
}

/// As [`Scenario::to_json`] writes it (for any serializer).
impl Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.out().serialize(s)
    }
}

/// The adjusted usage and book of a scenario.
pub struct Applied {
    /// One usage per base body (adjusted), plus one for added charges if any.
    pub usages: Vec<Usage>,
    /// The scenario's price book.
    pub book: Option<PriceBook>,
}

fn new_charge(c: &NewCharge, i: usize, interner: &mut Interner) -> Result<Charge> {
    let path = format!("adjustments[{i}].charge");
    let source = Source::from_id(&c.source).ok_or_else(|| Error::invalid(format!("{path}.source"), format!("unknown source \"{}\"", c.source)))?;
    let month = Month::parse(&c.month).ok_or_else(|| Error::invalid(format!("{path}.month"), format!("expected YYYY-MM, found \"{}\"", c.month)))?;
    let category = match c.category.as_str() {
        "usage" => Category::Usage,
        "subscription" => Category::Subscription,
        other => return Err(Error::invalid(format!("{path}.category"), format!("expected usage or subscription, found \"{other}\""))),
    };
    let nodes = Decimal::from(c.nodes.unwrap_or(1));
    let quantity = match (&c.quantity, c.run_minutes.is_empty()) {
        (Some(q), true) => q.0,
        (None, false) => {
            // Summed as decimals: a u64 sum of absurd runs would wrap in a release build.
            let hours = c.run_minutes.iter().try_fold(Decimal::ZERO, |sum, m| sum.checked_add(Decimal::from(billable_hours(*m))));
            hours.and_then(|h| h.checked_mul(nodes)).ok_or_else(|| Error::overflow(format!("{path}: hours x nodes")))?
        }
        (Some(_), false) => return Err(Error::invalid(&path, "give quantity or run_minutes, not both")),
        (None, true) if category == Category::Subscription => Decimal::ONE,
        (None, true) => return Err(Error::invalid(&path, "a usage charge needs quantity or run_minutes")),
    };
    if category == Category::Subscription && c.amount.is_none() {
        return Err(Error::invalid(format!("{path}.amount"), "a subscription needs its monthly amount"));
    }
    let period = if category == Category::Subscription { Period::Month(month) } else { Period::Span { start: month.start(), end: month.end() } };
    let resource = interner.opt(c.resource.as_deref());
    Ok(Charge {
        subject: {
            let subject = Subject {
                source,
                category,
                resource_id: resource.clone(),
                resource_name: resource,
                resource_type: interner.key(&c.resource_type),
                dimensions: Dimensions::default(),
                unit: interner.key(&c.unit),
                currency: source.currency(),
            };
            interner.subject(subject)
        },
        period,
        quantity,
        unit_price: None,
        reported_cost: c.amount.map(|a| a.0),
        excluded: false,
        executions: None,
        records: 1,
    })
}

/// Applies a scenario to base usage and book.
///
/// # Errors
/// An invalid adjustment or price book, or an overflow.
pub fn apply(scenario: &Scenario, base: &[&Usage], book: Option<&PriceBook>) -> Result<Applied> {
    let mut book = match &scenario.price_book {
        Some(v) => Some(PriceBook::parse(v.to_string().as_bytes()).map_err(|e| Error::invalid("price_book", e.to_string()))?),
        None => book.cloned(),
    };
    let mut usages: Vec<Usage> = base.iter().map(|u| (*u).clone()).collect();
    let mut added: Vec<Charge> = Vec::new();
    let mut overrides: Vec<PriceEntry> = Vec::new();
    let mut interner = Interner::default();
    for (i, adj) in scenario.adjustments.iter().enumerate() {
        match adj {
            Adjustment::Scale { matching, factor } => {
                if factor.0 < Decimal::ZERO {
                    // Usage below nothing is not usage: a factor of 0 removes it, 0.5 halves it.
                    return Err(Error::invalid(format!("adjustments[{i}].factor"), "must not be negative (0 removes the usage)"));
                }
                for c in usages.iter_mut().flat_map(|u| u.charges.iter_mut()).chain(added.iter_mut()).filter(|c| matches(matching, c)) {
                    let what = || Error::overflow(format!("adjustments[{i}]: scaling by {}", factor.0));
                    c.quantity = c.quantity.checked_mul(factor.0).ok_or_else(what)?;
                    c.reported_cost = c.reported_cost.map(|r| r.checked_mul(factor.0).ok_or_else(what)).transpose()?;
                }
            }
            Adjustment::Remove { matching } => {
                for u in &mut usages {
                    u.charges.retain(|c| !matches(matching, c));
                }
                added.retain(|c| !matches(matching, c));
            }
            Adjustment::SetPrice { matching, unit_price } => {
                if unit_price.0 < Decimal::ZERO {
                    return Err(Error::invalid(format!("adjustments[{i}].unit_price"), "must not be negative"));
                }
                overrides.insert(
                    0,
                    PriceEntry { selector: selector(matching, &format!("adjustments[{i}].match"))?, model: Model::PerUnit { unit_price: unit_price.0 }, flat_fee: None },
                );
            }
            Adjustment::Add { charge } => added.push(new_charge(charge, i, &mut interner)?),
        }
    }
    let needs_book = !overrides.is_empty() || scenario.discount_percent.is_some() || scenario.minimum_monthly.is_some() || scenario.tax_percent.is_some();
    if needs_book {
        let b = book.get_or_insert_with(PriceBook::default);
        b.overrides = overrides;
        if let Some(v) = scenario.discount_percent {
            b.discount_percent = v.0;
        }
        if let Some(v) = scenario.minimum_monthly {
            b.minimum_monthly = v.0;
        }
        if let Some(v) = scenario.tax_percent {
            b.tax_percent = v.0;
        }
    }
    // Reported totals no longer describe adjusted usage: keep them only when nothing changed.
    if !scenario.adjustments.is_empty() {
        for u in &mut usages {
            u.reported_total = None;
        }
    }
    let mut by_source: BTreeMap<Source, Vec<Charge>> = BTreeMap::new();
    for c in added {
        by_source.entry(c.source).or_default().push(c);
    }
    for (source, charges) in by_source {
        usages.push(Usage { source, currency: source.currency(), charges, reported_total: None, credits: None, coverage: None, warnings: Vec::new() });
    }
    Ok(Applied { usages, book })
}

/// One group in a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// The group.
    pub key: String,
    /// Base amount, rounded.
    pub base: String,
    /// Scenario amount, rounded.
    pub scenario: String,
    /// scenario - base.
    pub difference: String,
}

/// Base and scenario side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Display currency.
    pub currency: String,
    /// Scenario name.
    pub name: Option<String>,
    /// Base total.
    pub base: String,
    /// Scenario total.
    pub scenario: String,
    /// scenario - base.
    pub difference: String,
    /// Per month.
    pub by_month: Vec<Delta>,
    /// Per resource type.
    pub by_resource_type: Vec<Delta>,
    /// Per category.
    pub by_category: Vec<Delta>,
    /// Scenario usage left unpriced (not in its total).
    pub unpriced_count: u64,
}

impl Comparison {
    /// The comparison as CSV: one row per group (`dimension,key,base,scenario,difference`).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("dimension,key,base,scenario,difference\n");
        out.push_str(&format!("total,,{},{},{}\n", self.base, self.scenario, self.difference));
        for (dim, rows) in [("month", &self.by_month), ("resource_type", &self.by_resource_type), ("category", &self.by_category)] {
            for d in rows {
                out.push_str(&format!("{dim},{},{},{},{}\n", crate::aggregate::csv_cell(&d.key), d.base, d.scenario, d.difference));
            }
        }
        out
    }
}

fn deltas(base: &[crate::aggregate::Group], scen: &[crate::aggregate::Group], dp: u32) -> Vec<Delta> {
    let mut keys: Vec<&str> = base.iter().chain(scen).map(|g| g.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let find = |l: &[crate::aggregate::Group], k: &str| l.iter().find(|g| g.key == k).map_or(Decimal::ZERO, |g| g.total);
    keys.into_iter()
        .map(|k| {
            let (b, s) = (find(base, k), find(scen, k));
            Delta { key: k.to_string(), base: round_to(b, dp).to_string(), scenario: round_to(s, dp).to_string(), difference: round_to(s.saturating_sub(b), dp).to_string() }
        })
        .collect()
}

/// Runs a scenario and compares it with the base.
///
/// # Errors
/// An invalid scenario, pricing errors, overflow.
pub fn estimate(scenario: &Scenario, base: &[&Usage], book: Option<&PriceBook>, ctx: Context) -> Result<(Summary, Summary, Comparison)> {
    let base_priced = price(base, book, ctx)?;
    let base_summary = summarize(&base_priced)?;
    let applied = apply(scenario, base, book)?;
    let refs: Vec<&Usage> = applied.usages.iter().collect();
    let scen_priced = price(&refs, applied.book.as_ref(), ctx)?;
    let scen_summary = summarize(&scen_priced)?;
    if scen_summary.currency != base_summary.currency {
        return Err(Error::invalid("price_book.currency", format!("the scenario is in {} but the base in {}", scen_summary.currency, base_summary.currency)));
    }
    let dp = minor_unit(&base_summary.currency);
    let month = |p| groups(p, Dimension::Month);
    let comparison = Comparison {
        currency: base_summary.currency.clone(),
        name: scenario.name.clone(),
        base: base_summary.total.to_string(),
        scenario: scen_summary.total.to_string(),
        difference: round_to(scen_summary.total.saturating_sub(base_summary.total), dp).to_string(),
        by_month: deltas(&month(&base_priced)?, &month(&scen_priced)?, dp),
        by_resource_type: deltas(&base_summary.by_resource_type, &scen_summary.by_resource_type, dp),
        by_category: deltas(&base_summary.by_category, &scen_summary.by_category, dp),
        unpriced_count: scen_summary.unpriced.iter().map(|u| u.count).sum(),
    };
    Ok((base_summary, scen_summary, comparison))
}

#[cfg(test)]
mod tests {
    use super::billable_hours;

    /// Runs whose billed hours add up past `u64` are summed exactly (a release build would wrap a
    /// `u64` sum silently: 61 runs of u64::MAX minutes billed fewer hours than two).
    #[test]
    fn billed_hours_of_many_huge_runs_add_up_exactly() {
        let runs = |n: usize| vec![u64::MAX.to_string(); n].join(", ");
        let quantity = |n: usize| {
            let text = format!(r#"{{"adjustments": [{{"action": "add", "charge": {{"source": "aether", "resource_type": "gpu", "unit": "hour", "month": "2026-11", "run_minutes": [{}]}}}}]}}"#, runs(n));
            let scenario = super::Scenario::parse(text.as_bytes()).unwrap();
            let mut interner = crate::model::Interner::default();
            match &scenario.adjustments[0] {
                super::Adjustment::Add { charge } => super::new_charge(charge, 0, &mut interner).unwrap().quantity,
                _ => unreachable!(),
            }
        };
        let one = rust_decimal::Decimal::from(billable_hours(u64::MAX));
        assert_eq!(quantity(2), one * rust_decimal::Decimal::from(2));
        assert_eq!(quantity(61), one * rust_decimal::Decimal::from(61));
    }

    /// An error inside an adjustment names the field it is about, whatever the action and the
    /// order of its keys.
    #[test]
    fn errors_inside_an_adjustment_name_their_field() {
        let add = |charge: &str| format!(r#"{{"adjustments": [{{"charge": {{"source": "aether", "resource_type": "gpu", "unit": "hour", "month": "2026-11", {charge}}}, "action": "add"}}]}}"#);
        let error = |text: &str| super::Scenario::parse(text.as_bytes()).unwrap_err().to_string();
        for (text, want) in [
            (add(r#""nodes": 2, "run_minutes": [10, 14.5]"#), "adjustments[0].charge.run_minutes[1]: expected a whole number (0 or more), found 14.5"),
            (add(r#""quantity": "zz""#), r#"adjustments[0].charge.quantity: expected a number, found "zz""#),
            (add(r#""quantity": "1", "bogus": 1"#), "adjustments[0].charge.bogus: unknown field `bogus`"),
            (r#"{"adjustments": [{"action": "scale", "match": {}, "factor": "abc"}]}"#.to_string(), r#"adjustments[0].factor: expected a number, found "abc""#),
            (r#"{"adjustments": [{"match": {"unit": 3}, "action": "remove"}]}"#.to_string(), "adjustments[0].match.unit: "),
            (r#"{"adjustments": [{"action": "explode"}]}"#.to_string(), "adjustments[0].action: unknown variant `explode`"),
            (r#"{"adjustments": [{"action": {"scale": 1}}]}"#.to_string(), "adjustments[0].action: expected an action"),
            (r#"{"adjustments": [{"action": "remove", "match": {}, "factor": "2"}]}"#.to_string(), "adjustments[0]: unknown field `factor` for action remove"),
            (r#"{"adjustments": [{"match": {}, "factor": "2"}]}"#.to_string(), "adjustments[0].action: required, but missing"),
            (r#"{"adjustments": [{"action": "scale", "match": {}}]}"#.to_string(), "adjustments[0].factor: required, but missing"),
            (r#"{"adjustments": [{"action": "scale", "action": "add"}]}"#.to_string(), "adjustments[0]: duplicate field `action`"),
        ] {
            let got = error(&text);
            assert!(got.starts_with(want), "{text}\n  gave {got}\n  want {want}");
        }
        let fine = r#"{"adjustments": [{"factor": "1.5", "match": {"unit": "hour"}, "action": "scale"}, {"action": "add", "charge": {"source": "aether", "resource_type": "gpu", "unit": "hour", "month": "2026-11", "quantity": "2"}}]}"#;
        let scenario = super::Scenario::parse(fine.as_bytes()).unwrap();
        assert!(matches!(&scenario.adjustments[..], [super::Adjustment::Scale { .. }, super::Adjustment::Add { .. }]));
        assert_eq!(super::Scenario::parse(scenario.to_json().as_bytes()).unwrap(), scenario, "written and read back");
    }

    #[test]
    fn runs_under_fifteen_minutes_are_free_and_started_hours_count_from_fifteen() {
        assert_eq!(billable_hours(0), 0);
        assert_eq!(billable_hours(10), 0);
        assert_eq!(billable_hours(14), 0);
        assert_eq!(billable_hours(15), 1);
        assert_eq!(billable_hours(60), 1);
        assert_eq!(billable_hours(61), 2);
        assert_eq!(billable_hours(70), 2);
        assert_eq!(billable_hours(u64::MAX), u64::MAX.div_ceil(60));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Wherever a value of the wrong shape replaces one in a scenario, the error names the same
        /// field path as reading with path tracking did.
        #[test]
        fn error_paths_are_those_tracking_named(nth in 0usize..100, put in proptest::sample::select(&crate::json_path::WRONG_VALUES[..])) {
            use serde::Deserialize;
            let mutated = crate::json_path::with_value_replaced(include_str!("../../../examples/scenario-gpu.json"), nth, put);
            crate::json_path::names_the_tracked_path(&mutated, |de| super::Scenario::deserialize(de).map(drop), |text| super::Scenario::parse(text.as_bytes()))?;
        }
    }
}
