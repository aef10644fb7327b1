//! Summaries and breakdowns: exact sums, one rounding, largest-remainder allocation at every level
//! (SPEC sections 4, 5 and 7).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::allocate::allocate;
use crate::error::{Error, Result};
use crate::fxhash::FxHashMap;
use crate::model::Key;
use crate::money::{from_units, minor_unit, to_units_rounded};
use crate::pricing::{Piece, Placement, Priced};
use crate::time::{days_of_span, ms, split_by_weights, Month};

/// A dimension to break a total down by (SPEC 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dimension {
    /// `YYYY-MM`.
    Month,
    /// `YYYY-MM-DD`.
    Day,
    /// Provider.
    Source,
    /// Charge category.
    Category,
    /// Resource type.
    ResourceType,
    /// Resource id.
    Resource,
    /// Aether cluster.
    ClusterId,
    /// Aether node pool.
    NodePoolId,
    /// Elastic deployment.
    DeploymentId,
    /// CU node type.
    NodeType,
    /// CU charge class.
    ChargeClass,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 11] = [
        Dimension::Month,
        Dimension::Day,
        Dimension::Source,
        Dimension::Category,
        Dimension::ResourceType,
        Dimension::Resource,
        Dimension::ClusterId,
        Dimension::NodePoolId,
        Dimension::DeploymentId,
        Dimension::NodeType,
        Dimension::ChargeClass,
    ];

    /// The identifier used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Dimension::Month => "month",
            Dimension::Day => "day",
            Dimension::Source => "source",
            Dimension::Category => "category",
            Dimension::ResourceType => "resource_type",
            Dimension::Resource => "resource",
            Dimension::ClusterId => "cluster_id",
            Dimension::NodePoolId => "node_pool_id",
            Dimension::DeploymentId => "deployment_id",
            Dimension::NodeType => "node_type",
            Dimension::ChargeClass => "charge_class",
        }
    }

    /// Parses a comma-separated list (`month,resource_type`).
    ///
    /// # Errors
    /// An unknown or repeated dimension, or an empty list.
    pub fn parse_list(text: &str) -> Result<Vec<Dimension>> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let d: Dimension = part.parse()?;
            if out.contains(&d) {
                return Err(Error::usage(format!("dimension \"{part}\" is given twice")));
            }
            out.push(d);
        }
        if out.is_empty() {
            return Err(Error::usage("--by needs at least one dimension"));
        }
        Ok(out)
    }
}

impl FromStr for Dimension {
    type Err = Error;
    fn from_str(s: &str) -> Result<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.id() == s).ok_or_else(|| {
            Error::usage(format!(
                "unknown dimension \"{s}\": expected one of {}",
                Dimension::ALL.map(Dimension::id).join(", ")
            ))
        })
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A group's value for one dimension: shared text, or none.
pub type DimValue = Option<Key>;

/// One piece of cost on one day (or a whole month piece when days are not asked for).
#[derive(Debug, Clone, Copy)]
struct Slice {
    piece: usize,
    day: Option<NaiveDate>,
    amount: Decimal,
}

/// Shared keys for values that are not interned strings already (months, days, enums), so that
/// grouping a million pieces allocates nothing per piece.
#[derive(Default)]
struct KeyCache {
    months: FxHashMap<Month, Key>,
    days: FxHashMap<NaiveDate, Key>,
    /// By the name's address: a name that two literals spell gets two keys, which grouping merges.
    names: FxHashMap<usize, Key>,
}

impl KeyCache {
    fn month(&mut self, m: Month) -> Key {
        self.months.entry(m).or_insert_with(|| Key::from(m.to_string().as_str())).clone()
    }

    fn day(&mut self, d: NaiveDate) -> Key {
        self.days.entry(d).or_insert_with(|| Key::from(d.to_string().as_str())).clone()
    }

    fn name(&mut self, n: &'static str) -> Key {
        self.names.entry(n.as_ptr() as usize).or_insert_with(|| Key::from(n)).clone()
    }
}

fn dim_value(priced: &Priced<'_>, piece: &Piece, day: Option<NaiveDate>, dim: Dimension, cache: &mut KeyCache) -> DimValue {
    let charge = priced.charge(piece);
    match dim {
        Dimension::Month => Some(cache.month(piece.month)),
        Dimension::Day => day.map(|d| cache.day(d)),
        Dimension::Source => charge.map(|c| cache.name(c.source.id())),
        Dimension::Category => Some(cache.name(piece.category.id())),
        Dimension::ResourceType => match charge {
            Some(c) => Some(c.resource_type.clone()),
            None => Some(cache.name(piece.category.id())),
        },
        Dimension::Resource => charge.and_then(|c| c.resource_id.clone()),
        Dimension::ClusterId => charge.and_then(|c| c.dimensions.cluster_id.clone()),
        Dimension::NodePoolId => charge.and_then(|c| c.dimensions.node_pool_id.clone()),
        Dimension::DeploymentId => charge.and_then(|c| c.dimensions.deployment_id.clone()),
        Dimension::NodeType => charge.and_then(|c| c.dimensions.node_type.clone()),
        Dimension::ChargeClass => charge.and_then(|c| c.dimensions.charge_class.clone()),
    }
}

/// Divides each priced piece over days (SPEC 4), handing each part to `emit`: spans by time, monthly fees evenly, derived lines in
/// proportion to each day's subtotal. Pricing already happened per month; this only divides.
fn day_slices(priced: &Priced<'_>, mut emit: impl FnMut(Slice)) {
    let mut day_subtotals: BTreeMap<Month, BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
    let mut derived = Vec::new();
    for (i, p) in priced.pieces.iter().enumerate() {
        let Some(cost) = p.cost else { continue };
        let weights: Vec<(NaiveDate, Decimal)> = match priced.placement(p) {
            Placement::At(t) => vec![(t.date_naive(), Decimal::ONE)],
            Placement::Span(start, end) => {
                let s = start.max(p.month.start());
                let e = end.min(p.month.end());
                let days: Vec<(NaiveDate, Decimal)> = days_of_span(s, e).into_iter().map(|(d, w)| (d, ms(w))).collect();
                if days.is_empty() {
                    vec![(s.date_naive(), Decimal::ONE)]
                } else {
                    days
                }
            }
            Placement::MonthSpread => p.month.days().map(|d| (d, Decimal::ONE)).collect(),
            Placement::Derived => {
                derived.push(i);
                continue;
            }
        };
        for (day, amount) in split_by_weights(cost, &weights) {
            let sub = day_subtotals.entry(p.month).or_default().entry(day).or_default();
            *sub = sub.checked_add(amount).unwrap_or(*sub);
            emit(Slice { piece: i, day: Some(day), amount });
        }
    }
    for i in derived {
        let p = &priced.pieces[i];
        let cost = p.cost.unwrap_or_default();
        let weights: Vec<(NaiveDate, Decimal)> = match day_subtotals.get(&p.month) {
            Some(days) if !days.values().all(Decimal::is_zero) => days.iter().map(|(d, v)| (*d, *v)).collect(),
            _ => p.month.days().map(|d| (d, Decimal::ONE)).collect(),
        };
        for (day, amount) in split_by_weights(cost, &weights) {
            emit(Slice { piece: i, day: Some(day), amount });
        }
    }
}

/// One row of a breakdown: the values of each dimension and the allocated total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// Values in the order of `Breakdown::by`.
    pub values: Vec<DimValue>,
    /// Allocated, rounded total.
    pub total: Decimal,
    /// The exact (unrounded) amount.
    pub exact: Decimal,
}

/// A total split by dimensions (SPEC 7 `tally breakdown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    /// Display currency.
    pub currency: String,
    /// Rounded grand total.
    pub total: Decimal,
    /// Dimensions, outermost first.
    pub by: Vec<Dimension>,
    /// Leaves with a non-zero exact amount, sorted by their values.
    pub rows: Vec<Row>,
}

/// Breakdowns of up to this many dimensions sum pieces by the identities of their values.
const FAST_DIMS: usize = 4;

/// A number that stands for a piece's value of `dim` without making the value: equal identities
/// are equal values (interned keys by address, months and days by number, enums by variant). The
/// converse does not hold across bodies, which each intern their own strings, so the few leaves
/// are merged by value afterwards. A million pieces then cost one small fixed key each, with no
/// string hashed or compared and no reference count touched.
// Months and days are numbered from far before year 0, and a wrapping cast keeps numbers distinct.
#[allow(clippy::cast_sign_loss, clippy::cast_possible_wrap)]
fn dim_identity(priced: &Priced<'_>, piece: &Piece, day: Option<NaiveDate>, dim: Dimension) -> usize {
    let key = |k: Option<&Key>| k.map_or(0, |k| Arc::as_ptr(k).cast::<u8>() as usize);
    let charge = priced.charge(piece);
    match dim {
        Dimension::Month => piece.month.ordinal() as usize,
        Dimension::Day => day.map_or(0, |d| 1 + (i64::from(d.num_days_from_ce()) - i64::from(i32::MIN)) as usize),
        Dimension::Source => charge.map_or(0, |c| 1 + c.source as usize),
        Dimension::Category => piece.category as usize,
        // Heap addresses are never this small, so a category standing in for a type cannot pass for a key.
        Dimension::ResourceType => charge.map_or(1 + piece.category as usize, |c| key(Some(&c.resource_type))),
        Dimension::Resource => key(charge.and_then(|c| c.resource_id.as_ref())),
        Dimension::ClusterId => key(charge.and_then(|c| c.dimensions.cluster_id.as_ref())),
        Dimension::NodePoolId => key(charge.and_then(|c| c.dimensions.node_pool_id.as_ref())),
        Dimension::DeploymentId => key(charge.and_then(|c| c.dimensions.deployment_id.as_ref())),
        Dimension::NodeType => key(charge.and_then(|c| c.dimensions.node_type.as_ref())),
        Dimension::ChargeClass => key(charge.and_then(|c| c.dimensions.charge_class.as_ref())),
    }
}

/// Exact amounts per leaf (a tuple of dimension values).
///
/// Pieces are summed by the identities of their values ([`dim_identity`]); the few distinct
/// leaves are then made into values and merged by value.
fn leaves(priced: &Priced<'_>, by: &[Dimension]) -> BTreeMap<Vec<DimValue>, Decimal> {
    let mut cache = KeyCache::default();
    let mut out: BTreeMap<Vec<DimValue>, Decimal> = BTreeMap::new();
    let mut merge = |values: Vec<DimValue>, amount: Decimal| {
        let v = out.entry(values).or_default();
        *v = v.checked_add(amount).unwrap_or(*v);
    };
    if by.len() > FAST_DIMS {
        each_amount(priced, by, |piece, day, amount| {
            let p = &priced.pieces[piece];
            merge(by.iter().map(|d| dim_value(priced, p, day, *d, &mut cache)).collect(), amount);
        });
        return out;
    }
    // identities -> (a piece and its day that have them, summed amount)
    let mut sums: FxHashMap<[usize; FAST_DIMS], (usize, Option<NaiveDate>, Decimal)> = FxHashMap::default();
    each_amount(priced, by, |piece, day, amount| {
        let p = &priced.pieces[piece];
        let mut key = [0usize; FAST_DIMS];
        for (slot, d) in key.iter_mut().zip(by) {
            *slot = dim_identity(priced, p, day, *d);
        }
        let sum = &mut sums.entry(key).or_insert((piece, day, Decimal::ZERO)).2;
        *sum = sum.checked_add(amount).unwrap_or(*sum);
    });
    for (piece, day, amount) in sums.into_values() {
        let p = &priced.pieces[piece];
        merge(by.iter().map(|d| dim_value(priced, p, day, *d, &mut cache)).collect(), amount);
    }
    out
}

/// Every priced amount, by piece (and by day when `by` has days: streamed, a piece's days are
/// made and handed on one by one, never held all at once).
fn each_amount(priced: &Priced<'_>, by: &[Dimension], mut f: impl FnMut(usize, Option<NaiveDate>, Decimal)) {
    if by.contains(&Dimension::Day) {
        day_slices(priced, |s| f(s.piece, s.day, s.amount));
    } else {
        for (i, p) in priced.pieces.iter().enumerate() {
            if let Some(amount) = p.cost {
                f(i, None, amount);
            }
        }
    }
}

/// The exact grand total, from the unsplit amounts (see [`Priced::exact_total`]).
pub fn exact_total(priced: &Priced<'_>) -> Result<Decimal> {
    Ok(priced.exact_total)
}

/// Allocates `units` among the leaves in `leaves[range]` grouped by level `level`, recursively.
fn allocate_level(
    leaves: &[(Vec<DimValue>, Decimal)],
    level: usize,
    units: i128,
    dp: u32,
    out: &mut Vec<i128>,
) -> Result<()> {
    if level == leaves.first().map_or(0, |l| l.0.len()) {
        // A leaf: exactly one entry.
        out.push(units);
        return Ok(());
    }
    let mut groups: Vec<(&DimValue, usize, usize, Decimal)> = Vec::new();
    for (i, (key, exact)) in leaves.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if g.0 == &key[level] => {
                g.2 = i + 1;
                g.3 = g.3.checked_add(*exact).unwrap_or(g.3);
            }
            _ => groups.push((&key[level], i, i + 1, *exact)),
        }
    }
    let parts: Vec<(&DimValue, Decimal)> = groups.iter().map(|g| (g.0, g.3)).collect();
    let alloc = allocate(units, &parts, dp)?;
    for (g, u) in groups.iter().zip(alloc) {
        allocate_level(&leaves[g.1..g.2], level + 1, u, dp, out)?;
    }
    Ok(())
}

/// Breaks the priced total down by `by`, allocating at every level so rows add up to the total.
///
/// # Errors
/// An amount out of range.
pub fn breakdown(priced: &Priced<'_>, by: &[Dimension]) -> Result<Breakdown> {
    let dp = minor_unit(&priced.currency);
    let leaves: Vec<(Vec<DimValue>, Decimal)> = leaves(priced, by).into_iter().collect();
    let exact_total = exact_total(priced)?;
    let total_units = to_units_rounded(exact_total, dp)?;
    let mut units = Vec::with_capacity(leaves.len());
    if !leaves.is_empty() {
        allocate_level(&leaves, 0, total_units, dp, &mut units)?;
    }
    let rows = leaves
        .into_iter()
        .zip(units)
        .filter(|((_, exact), _)| !exact.is_zero())
        .map(|((values, exact), u)| Row { values, total: from_units(u, dp), exact })
        .collect();
    Ok(Breakdown { currency: priced.currency.clone(), total: from_units(total_units, dp), by: by.to_vec(), rows })
}

/// A group of a one-level breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's value.
    pub key: String,
    /// Allocated, rounded total.
    #[serde(serialize_with = "crate::summary::ser_money")]
    pub total: Decimal,
}

/// Groups of one dimension, with zero groups kept, sorted by total descending then key (SPEC 7).
pub(crate) fn groups(priced: &Priced<'_>, dim: Dimension) -> Result<Vec<Group>> {
    let [groups] = groups_of(priced, [dim])?;
    Ok(groups)
}

/// [`groups`] of several dimensions, in one pass over the pieces.
pub(crate) fn groups_of<const N: usize>(priced: &Priced<'_>, dims: [Dimension; N]) -> Result<[Vec<Group>; N]> {
    // One sum per combination of the N values (a few hundred), then each grouping from those.
    let mut sums: FxHashMap<[usize; N], (usize, Decimal)> = FxHashMap::default();
    for (i, p) in priced.pieces.iter().enumerate() {
        let Some(amount) = p.cost else { continue };
        let key = dims.map(|d| dim_identity(priced, p, None, d));
        let sum = &mut sums.entry(key).or_insert((i, Decimal::ZERO)).1;
        *sum = sum.checked_add(amount).unwrap_or(*sum);
    }
    let mut cache = KeyCache::default();
    // Equal values interned apart (two bodies) are merged here.
    let mut leaves: [BTreeMap<Vec<DimValue>, Decimal>; N] = std::array::from_fn(|_| BTreeMap::new());
    for (piece, amount) in sums.into_values() {
        let p = &priced.pieces[piece];
        for (dim, leaves) in dims.iter().zip(leaves.iter_mut()) {
            let v = leaves.entry(vec![dim_value(priced, p, None, *dim, &mut cache)]).or_default();
            *v = v.checked_add(amount).unwrap_or(*v);
        }
    }
    let mut out: [Vec<Group>; N] = std::array::from_fn(|_| Vec::new());
    for (leaves, out) in leaves.into_iter().zip(out.iter_mut()) {
        *out = allocate_groups(priced, leaves.into_iter().collect())?;
    }
    Ok(out)
}

/// Rounds one-level leaves into groups that add up to the rounded total, largest first.
fn allocate_groups(priced: &Priced<'_>, leaves: Vec<(Vec<DimValue>, Decimal)>) -> Result<Vec<Group>> {
    let dp = minor_unit(&priced.currency);
    let exact_total = exact_total(priced)?;
    let parts: Vec<(String, Decimal)> =
        leaves.iter().map(|(k, v)| (k[0].as_deref().unwrap_or("").to_string(), *v)).collect();
    let alloc = allocate(to_units_rounded(exact_total, dp)?, &parts, dp)?;
    let mut out: Vec<Group> = parts.into_iter().zip(alloc).map(|((key, _), u)| Group { key, total: from_units(u, dp) }).collect();
    out.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    Ok(out)
}

impl Serialize for Breakdown {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct RowOut<'a>(&'a [Dimension], &'a Row);
        impl Serialize for RowOut<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len() + 1))?;
                for (d, v) in self.0.iter().zip(&self.1.values) {
                    m.serialize_entry(d.id(), &v.as_deref())?;
                }
                m.serialize_entry("total", &self.1.total.to_string())?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("currency", &self.currency)?;
        m.serialize_entry("total", &self.total.to_string())?;
        m.serialize_entry("by", &self.by.iter().map(|d| d.id()).collect::<Vec<_>>())?;
        let rows: Vec<RowOut> = self.rows.iter().map(|r| RowOut(&self.by, r)).collect();
        m.serialize_entry("rows", &rows)?;
        m.end()
    }
}

impl Breakdown {
    /// The rows as CSV with a header (dimensions, then `total`); a missing value is empty.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<&str> = self.by.iter().map(|d| d.id()).chain(["total"]).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for r in &self.rows {
            let mut cells: Vec<String> = r.values.iter().map(|v| csv_cell(v.as_deref().unwrap_or(""))).collect();
            cells.push(r.total.to_string());
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// Quotes a CSV cell when needed, and defuses spreadsheet formulas (`=`, `+`, `-`, `@` at the start).
pub fn csv_cell(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '@', '\t', '\r']) || (text.starts_with('-') && text.parse::<Decimal>().is_err());
    let text = if risky { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
