//! What-if estimates: a scenario adjusts the loaded usage and the price book, and the result is
//! compared with the base, in total and per group (issue "What-if"; format in docs/SCENARIOS.md).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::aggregate::{groups, Dimension};
use crate::error::{Error, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage, Subject};
use crate::money::{minor_unit, round_to};
use tally_formats::Amount;
use crate::pricing::book::{Model, PriceEntry, Selector};
use crate::pricing::{price, Context, PriceBook};
use crate::summary::{summarize, Summary};
use crate::time::Month;

/// Hours billed for one autoscaled node run (SPEC 1.1): under 15 minutes is free; from 15 minutes
/// on, every started hour counts (10 min = 0 h, 15 min = 1 h, 70 min = 2 h).
pub fn billable_hours(minutes: u64) -> u64 {
    if minutes < 15 {
        0
    } else {
        minutes.div_ceil(60)
    }
}

/// Which charges an adjustment applies to: each present field must equal the charge's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(expecting = "a match object {source, resource_type, unit, resource, category}")]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// Provider id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Resource type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Category (`usage`, `subscription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

impl Match {
    fn matches(&self, c: &Charge) -> bool {
        self.source.as_deref().is_none_or(|s| s == c.source.id())
            && self.resource_type.as_deref().is_none_or(|t| t == &*c.resource_type)
            && self.unit.as_deref().is_none_or(|u| u == &*c.unit)
            && self.resource.as_deref().is_none_or(|r| c.resource_id.as_deref() == Some(r))
            && self.category.as_deref().is_none_or(|k| k == c.category.id())
    }

    /// The price book selector for a `set_price`: prices are chosen by source, resource type and
    /// unit only, so a match on a resource or category is refused rather than silently widened.
    fn selector(&self, path: &str) -> Result<Selector> {
        if self.resource.is_some() || self.category.is_some() {
            return Err(Error::invalid(path, "set_price matches by source, resource_type and unit only (not resource or category)"));
        }
        let source = match self.source.as_deref() {
            None => None,
            Some(s) => Some(Source::from_id(s).ok_or_else(|| Error::invalid(format!("{path}.source"), format!("unknown source \"{s}\"")))?),
        };
        Ok(Selector { source, resource_type: self.resource_type.clone(), unit: self.unit.clone(), resource_name: None })
    }
}

/// A charge the scenario adds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(expecting = "a charge object {source, category, resource_type, unit, month, ...}")]
#[serde(deny_unknown_fields)]
pub struct NewCharge {
    /// Provider id (decides the currency).
    pub source: String,
    /// `usage` (priced by the book) or `subscription` (a flat monthly fee in `amount`).
    #[serde(default = "usage_category")]
    pub category: String,
    /// Resource type.
    pub resource_type: String,
    /// Unit (`hour`).
    #[serde(default = "hour")]
    pub unit: String,
    /// Resource name or id, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Quantity (usage), if not given as runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<AmountText>,
    /// Run times in minutes of `nodes` nodes: billed per started hour, runs under 15 minutes free.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_minutes: Vec<u64>,
    /// How many nodes ran those runs (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<u64>,
    /// The fee, for a subscription (or a usage charge's known cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<AmountText>,
}

fn usage_category() -> String {
    "usage".into()
}

fn hour() -> String {
    "hour".into()
}

/// An exact amount in a scenario, written back as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountText(pub Decimal);

impl<'de> Deserialize<'de> for AmountText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Amount::deserialize(d).map(|a| AmountText(a.0))
    }
}

impl Serialize for AmountText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

/// One change to the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Adjustment {
    /// Multiply matched quantities (and reported costs) by `factor`.
    Scale {
        /// Which charges.
        #[serde(rename = "match")]
        matching: Match,
        /// The factor (1.5 = 50% more).
        factor: AmountText,
    },
    /// Price matched usage at `unit_price` per unit (wins over the price book).
    SetPrice {
        /// Which charges.
        #[serde(rename = "match")]
        matching: Match,
        /// New price per unit, in the book's currency.
        unit_price: AmountText,
    },
    /// Remove matched charges.
    Remove {
        /// Which charges.
        #[serde(rename = "match")]
        matching: Match,
    },
    /// Add a charge.
    Add {
        /// The charge.
        charge: NewCharge,
    },
}

/// An adjustment is read field by field as the text goes, in any order, not through serde's
/// buffering of an internally tagged enum: an error inside one then names its own place
/// (`adjustments[0].charge.run_minutes[1]: expected a whole number (0 or more), found 14.5`),
/// where the buffered read could only name `adjustments[0]`, and said it found "an object".
impl<'de> Deserialize<'de> for Adjustment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(AdjustmentVisitor)
    }
}

/// The `action` of an adjustment: a string, and only one (a derived enum would also take the
/// `{"scale": ...}` form of an enum, and name an object's key as an unknown action).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Scale,
    SetPrice,
    Remove,
    Add,
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Action;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an action: scale, set_price, remove or add")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> std::result::Result<Action, E> {
                Ok(match name {
                    "scale" => Action::Scale,
                    "set_price" => Action::SetPrice,
                    "remove" => Action::Remove,
                    "add" => Action::Add,
                    _ => return Err(E::unknown_variant(name, &["scale", "set_price", "remove", "add"])),
                })
            }
        }
        d.deserialize_str(Name)
    }
}

/// The keys an adjustment may have (which of them an action takes is checked once all are read).
#[derive(Deserialize, Clone, Copy)]
#[serde(field_identifier, rename_all = "snake_case")]
enum AdjustmentField {
    Action,
    Match,
    Factor,
    UnitPrice,
    Charge,
}

struct AdjustmentVisitor;

impl<'de> serde::de::Visitor<'de> for AdjustmentVisitor {
    type Value = Adjustment;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an adjustment (an object with an action)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Adjustment, A::Error> {
        use serde::de::Error as _;
        fn once<T, E: serde::de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> std::result::Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(name));
            }
            *slot = Some(value);
            Ok(())
        }
        let (mut action, mut matching, mut factor, mut unit_price, mut charge) = (None, None, None, None, None);
        while let Some(field) = map.next_key::<AdjustmentField>()? {
            match field {
                AdjustmentField::Action => once(&mut action, map.next_value::<Action>()?, "action")?,
                AdjustmentField::Match => once(&mut matching, map.next_value::<Match>()?, "match")?,
                AdjustmentField::Factor => once(&mut factor, map.next_value::<AmountText>()?, "factor")?,
                AdjustmentField::UnitPrice => once(&mut unit_price, map.next_value::<AmountText>()?, "unit_price")?,
                AdjustmentField::Charge => once(&mut charge, map.next_value::<NewCharge>()?, "charge")?,
            }
        }
        let action = action.ok_or_else(|| A::Error::missing_field("action"))?;
        // What each action takes; any other key present is refused, as an unknown field.
        let (takes, name): (&[&str], &str) = match action {
            Action::Scale => (&["action", "match", "factor"], "scale"),
            Action::SetPrice => (&["action", "match", "unit_price"], "set_price"),
            Action::Remove => (&["action", "match"], "remove"),
            Action::Add => (&["action", "charge"], "add"),
        };
        let present = [("match", matching.is_some()), ("factor", factor.is_some()), ("unit_price", unit_price.is_some()), ("charge", charge.is_some())];
        if let Some((stray, _)) = present.iter().find(|(key, here)| *here && !takes.contains(key)) {
            return Err(A::Error::custom(format_args!("unknown field `{stray}` for action {name}, expected one of {}", takes.join(", "))));
        }
        fn need<T, E: serde::de::Error>(value: Option<T>, key: &'static str) -> std::result::Result<T, E> {
            value.ok_or_else(|| E::missing_field(key))
        }
        Ok(match action {
            Action::Scale => Adjustment::Scale { matching: need(matching, "match")?, factor: need(factor, "factor")? },
            Action::SetPrice => Adjustment::SetPrice { matching: need(matching, "match")?, unit_price: need(unit_price, "unit_price")? },
            Action::Remove => Adjustment::Remove { matching: need(matching, "match")? },
            Action::Add => Adjustment::Add { charge: need(charge, "charge")? },
        })
    }
}

/// A what-if scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(expecting = "a scenario object {adjustments, ...}")]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A name for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Applied in order.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    /// Replaces the base price book entirely (SPEC 3 format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_book: Option<serde_json::Value>,
    /// Overrides the book's monthly discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_percent: Option<AmountText>,
    /// Overrides the book's minimum monthly commitment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_monthly: Option<AmountText>,
    /// Overrides the book's tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
        crate::json_path::read_whole(bytes, |de| Scenario::deserialize(de))
    }

    /// The scenario as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
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
            let hours: u64 = c.run_minutes.iter().map(|m| billable_hours(*m)).sum();
            Decimal::from(hours).checked_mul(nodes).ok_or_else(|| Error::overflow(format!("{path}: hours x nodes")))?
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
                for c in usages.iter_mut().flat_map(|u| u.charges.iter_mut()).chain(added.iter_mut()).filter(|c| matching.matches(c)) {
                    let what = || Error::overflow(format!("adjustments[{i}]: scaling by {}", factor.0));
                    c.quantity = c.quantity.checked_mul(factor.0).ok_or_else(what)?;
                    c.reported_cost = c.reported_cost.map(|r| r.checked_mul(factor.0).ok_or_else(what)).transpose()?;
                }
            }
            Adjustment::Remove { matching } => {
                for u in &mut usages {
                    u.charges.retain(|c| !matching.matches(c));
                }
                added.retain(|c| !matching.matches(c));
            }
            Adjustment::SetPrice { matching, unit_price } => {
                if unit_price.0 < Decimal::ZERO {
                    return Err(Error::invalid(format!("adjustments[{i}].unit_price"), "must not be negative"));
                }
                overrides.insert(
                    0,
                    PriceEntry { selector: matching.selector(&format!("adjustments[{i}].match"))?, model: Model::PerUnit { unit_price: unit_price.0 }, flat_fee: None },
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
            (r#"{"adjustments": [{"match": {}, "factor": "2"}]}"#.to_string(), "adjustments[0]: missing field `action`"),
            (r#"{"adjustments": [{"action": "scale", "match": {}}]}"#.to_string(), "adjustments[0]: missing field `factor`"),
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
