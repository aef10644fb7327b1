//! The pricing engine: resolves every charge's period, splits it over months, prices it with the price
//! book (tiers per calendar month, shared back by quantity), converts currencies and adds the monthly
//! discount, commitment and tax lines (SPEC sections 3 and 4).

pub(crate) mod book;
pub(crate) mod models;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use std::sync::Arc;

use crate::fxhash::FxHashMap;
use crate::model::{Category, Charge, Key, Period, Source, Usage};
use crate::time::{months_of_span, ms, split_by_weights, Month, SHARE_DECIMALS};
use book::{Model, PriceEntry};
pub use book::PriceBook;
use models::price_quantity;

/// The fixed facts a computation depends on: no clock inside the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The instant "now" for running resources and the forecast.
    pub as_of: DateTime<Utc>,
    /// The request range (`--from/--to`), for Elastic deployments without a period.
    pub range: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Where a charge sits in time once `as_of` and the range are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Wholly in the month and day of this instant.
    At(DateTime<Utc>),
    /// Split over months and days by time.
    Span(DateTime<Utc>, DateTime<Utc>),
    /// A monthly fee spread evenly over the month's days.
    MonthSpread,
    /// A derived monthly line, spread over days in proportion to each day's subtotal.
    Derived,
}

/// A charge (or a derived line) within one month, with its cost in the display currency.
///
/// Kept small, there is one per charge: how it divides over days ([`Priced::placement`]) follows
/// from its charge and is worked out only by what divides by day. (Held here, it made every piece
/// 88 bytes instead of 60, and a million fresh pieces cost their memory's page faults twice over.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Index of the usage (body) and of the charge in it; `None` for derived lines.
    pub charge: Option<(u32, u32)>,
    /// The charge's category.
    pub category: Category,
    /// The month.
    pub month: Month,
    /// Cost in the display currency; `None` when unpriced.
    pub cost: Option<Decimal>,
    /// The part of the charge's quantity in this month.
    pub quantity: Decimal,
}

/// Usage with no price (SPEC 1.1): listed and counted, never costed as zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpricedGroup {
    /// Provider.
    pub source: Source,
    /// Resource type.
    pub resource_type: String,
    /// Unit.
    pub unit: String,
    /// Summed quantity.
    pub quantity: Decimal,
    /// Number of charges.
    pub count: u64,
}

/// The result of pricing: pieces per month, plus what could not be priced.
#[derive(Debug, Clone)]
pub struct Priced<'a> {
    /// The bodies priced.
    pub usages: Vec<&'a Usage>,
    /// The price book used, if any.
    pub book: Option<&'a PriceBook>,
    /// as_of and range.
    pub ctx: Context,
    /// The display currency.
    pub currency: String,
    /// Every piece.
    pub pieces: Vec<Piece>,
    /// Unpriced usage, grouped by source, resource type and unit.
    pub unpriced: Vec<UnpricedGroup>,
    /// Number of excluded charges.
    pub excluded_count: u64,
    /// Their reported cost, in the display currency; `None` when a part of it has no rate.
    pub excluded_reported: Option<Decimal>,
    /// Data problems found while pricing, plus each body's own.
    pub warnings: Vec<String>,
    /// The exact grand total, summed from unsplit amounts (a split over months only divides it).
    pub exact_total: Decimal,
}

impl Priced<'_> {
    /// The converter into the display currency, with the book's rates.
    fn converter(&self) -> Converter<'_> {
        Converter { book: self.book, target: self.currency.clone() }
    }

    /// `amount` in `from` as the display currency (SPEC 3): the currency error without a rate.
    pub(crate) fn to_display(&self, amount: Decimal, from: &str) -> Result<Decimal> {
        self.converter().convert(amount, from)
    }

    /// The charge behind a piece.
    pub fn charge(&self, piece: &Piece) -> Option<&Charge> {
        let (u, c) = piece.charge?;
        self.usages.get(u as usize)?.charges.get(c as usize)
    }

    /// Where a piece sits in time: its charge's period resolved against `as_of` and the range.
    pub fn placement(&self, piece: &Piece) -> Placement {
        self.charge(piece).map_or(Placement::Derived, |c| placement_of(c.period, &self.ctx))
    }
}

/// The display currency: the book's, else the sources' one shared currency.
///
/// # Errors
/// Two sources in different currencies with no book currency to convert them into.
pub fn display_currency(usages: &[&Usage], book: Option<&PriceBook>) -> Result<String> {
    if let Some(c) = book.and_then(|b| b.currency.clone()) {
        return Ok(c);
    }
    let mut currency: Option<&str> = None;
    for u in usages {
        match currency {
            None => currency = Some(u.currency),
            Some(c) if c != u.currency => {
                return Err(Error::new(ErrorKind::Currency { target: c.to_string(), other: u.currency.to_string() }))
            }
            Some(_) => {}
        }
    }
    Ok(currency.unwrap_or("EUR").to_string())
}

struct Converter<'a> {
    book: Option<&'a PriceBook>,
    target: String,
}

impl Converter<'_> {
    fn rate(&self, from: &str) -> Option<Decimal> {
        if from == self.target {
            Some(Decimal::ONE)
        } else {
            self.book.and_then(|b| b.rate(from, &self.target))
        }
    }

    fn convert(&self, amount: Decimal, from: &str) -> Result<Decimal> {
        let rate = self.rate(from).ok_or_else(|| {
            Error::new(ErrorKind::Currency { target: self.target.clone(), other: from.to_string() })
        })?;
        amount.checked_mul(rate).ok_or_else(|| Error::overflow(format!("converting {amount} {from} to {}", self.target)))
    }
}

/// How a charge divides over months: wholly in one (the common case, no allocation), or split by
/// time over several.
enum MonthSplit {
    One(Month),
    Many(Vec<(Month, Decimal)>),
}

impl MonthSplit {
    /// `amount` divided over the months, in order. (Most charges sit in one month: no allocation then.)
    fn shares(&self, amount: Decimal) -> Shares {
        match self {
            MonthSplit::One(m) => Shares::One(Some((*m, amount))),
            MonthSplit::Many(weights) => Shares::Many(split_by_weights(amount, weights).into_iter()),
        }
    }
}

/// The parts of an amount over months.
enum Shares {
    One(Option<(Month, Decimal)>),
    Many(std::vec::IntoIter<(Month, Decimal)>),
}

impl Iterator for Shares {
    type Item = (Month, Decimal);

    fn next(&mut self) -> Option<(Month, Decimal)> {
        match self {
            Shares::One(one) => one.take(),
            Shares::Many(many) => many.next(),
        }
    }
}

/// The longest period a charge may span. Longer ones are data errors (a create time in year 1, an
/// `as_of` in year 9999) that would otherwise make millions of month and day parts.
pub const MAX_SPAN_DAYS: i64 = 100 * 366;

/// Where a charge's period sits in time once `as_of` and the range are known.
pub(crate) fn placement_of(period: Period, ctx: &Context) -> Placement {
    let span = |start: DateTime<Utc>, end: DateTime<Utc>| if end <= start { Placement::At(start) } else { Placement::Span(start, end) };
    match period {
        Period::At(t) | Period::Records { first: t, .. } => Placement::At(t),
        Period::Month(_) => Placement::MonthSpread,
        Period::Span { start, end } => span(start, end),
        Period::RunningSince(start) => span(start, ctx.as_of),
        Period::Unspecified => {
            let (start, end) = ctx.range.unwrap_or_else(|| {
                let m = Month::of(ctx.as_of);
                (m.start(), m.end())
            });
            span(start, end)
        }
    }
}

/// Resolves a charge's period against `as_of` and the range into its months, noting data problems.
fn place(period: Period, ctx: &Context, warn: &mut dyn FnMut()) -> std::result::Result<MonthSplit, (DateTime<Utc>, DateTime<Utc>)> {
    if let Period::RunningSince(start) = period {
        if ctx.as_of < start {
            warn();
        }
    }
    Ok(match (placement_of(period, ctx), period) {
        (Placement::MonthSpread, Period::Month(m)) => MonthSplit::One(m),
        (Placement::Span(start, end), _) => {
            if (end - start).num_days() > MAX_SPAN_DAYS {
                return Err((start, end));
            }
            let (first, last) = (Month::of(start), Month::of(end - chrono::Duration::milliseconds(1)));
            if first == last {
                MonthSplit::One(first)
            } else {
                MonthSplit::Many(months_of_span(start, end).into_iter().map(|(m, w)| (m, ms(w))).collect())
            }
        }
        (Placement::At(t), _) => MonthSplit::One(Month::of(t)),
        // Not made from a charge's period.
        (Placement::MonthSpread | Placement::Derived, _) => MonthSplit::One(Month::of(ctx.as_of)),
    })
}

/// The price per unit (times the exchange rate `fx`) of a volume-priced bucket once its month's
/// quantity has chosen the tier: from there the cost is linear in the quantity. (Per-unit pieces
/// are priced as they are made, before any bucket is complete.)
fn volume_rate(entry: &PriceEntry, quantity: Decimal, fx: Option<Decimal>) -> Option<Decimal> {
    match (&entry.model, entry.flat_fee) {
        (Model::Volume(tiers), None) if !quantity.is_zero() => {
            tiers.iter().find(|t| t.up_to.is_none_or(|u| quantity <= u)).or(tiers.last())?.unit_price.checked_mul(fx?)
        }
        _ => None,
    }
}

/// A share of a cost kept to [`SHARE_DECIMALS`], as `split_by_weights` keeps its parts.
fn share_part(exact: Decimal) -> Decimal {
    if exact.scale() > SHARE_DECIMALS { exact.round_dp(SHARE_DECIMALS) } else { exact }
}

/// The price per unit (times `fx`) of a plain per-unit entry with no flat fee.
fn per_unit_rate(entry: &PriceEntry, fx: Option<Decimal>) -> Option<Decimal> {
    match (&entry.model, entry.flat_fee) {
        (Model::PerUnit { unit_price }, None) => unit_price.checked_mul(fx?),
        _ => None,
    }
}

fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| Error::overflow(what.to_string()))
}

/// The currency a bucket of quantities is priced in: compared by address first, since every charge
/// of a provider carries the same static string (a `&str` in the key cost a `memcmp` per piece).
#[derive(Clone, Copy, Eq)]
struct BucketCurrency(&'static str);

impl PartialEq for BucketCurrency {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0) || self.0 == other.0
    }
}

impl std::hash::Hash for BucketCurrency {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// (price entry, month, currency) -> (summed quantity, [(piece index, quantity share)]): what tiered
/// prices see, and how their cost goes back to the pieces.
type Buckets = FxHashMap<(usize, Month, BucketCurrency), (Decimal, Vec<(usize, Decimal)>)>;

/// Prices every charge of every body.
///
/// # Errors
/// Amounts in two currencies with no rate between them, or an amount out of `Decimal`'s range.
pub fn price<'a>(usages: &[&'a Usage], book: Option<&'a PriceBook>, ctx: Context) -> Result<Priced<'a>> {
    let currency = display_currency(usages, book)?;
    let conv = Converter { book, target: currency.clone() };
    let mut pieces = Vec::with_capacity(usages.iter().map(|u| u.charges.len()).sum());
    let mut warnings: Vec<String> = usages.iter().flat_map(|u| u.warnings.iter().cloned()).collect();
    let mut unpriced: BTreeMap<(Source, Key, Key), (Decimal, u64)> = BTreeMap::new();
    let mut entry_cache: FxHashMap<usize, (Option<usize>, Option<Decimal>)> = FxHashMap::default();
    let mut excluded_count = 0u64;
    let mut excluded_reported = Some(Decimal::ZERO);
    let mut exact_total = Decimal::ZERO;
    let mut buckets: Buckets = FxHashMap::default();
    let as_of_month = Month::of(ctx.as_of);

    for (ui, usage) in usages.iter().enumerate() {
        for (ci, c) in usage.charges.iter().enumerate() {
            let mut late = false;
            let months = place(c.period, &ctx, &mut || late = true).map_err(|(start, end)| {
                Error::new(ErrorKind::Shape(format!(
                    "{} {}: the period {} to {} is longer than 100 years; check the timestamps (and as_of)",
                    c.source,
                    c.resource_name.as_deref().or(c.resource_id.as_deref()).unwrap_or(&c.resource_type),
                    start.date_naive(),
                    end.date_naive()
                )))
            })?;
            if late {
                warnings.push(format!(
                    "{} {}: starts after as_of ({}); its cost is put in the month it started",
                    c.source,
                    c.resource_name.as_deref().or(c.resource_id.as_deref()).unwrap_or(&c.resource_type),
                    crate::rfc3339(ctx.as_of)
                ));
            }
            let charge = Some((ui as u32, ci as u32));
            let base = Piece { charge, category: c.category, month: as_of_month, cost: None, quantity: c.quantity };
            let quantities = months.shares(c.quantity);
            if c.excluded {
                excluded_count += 1;
                // A reported cost with no rate to the display currency leaves the figure unknown
                // (not an error: the excluded cost is in no total).
                if let (Some(sum), Some(r)) = (excluded_reported, c.reported_cost) {
                    excluded_reported = match conv.rate(c.currency) {
                        Some(rate) => Some(add(sum, r.checked_mul(rate).ok_or_else(|| Error::overflow("excluded reported cost"))?, "excluded reported cost")?),
                        None => None,
                    };
                }
                for (m, q) in quantities {
                    pieces.push(Piece { month: m, cost: Some(Decimal::ZERO), quantity: q, ..base });
                }
                continue;
            }
            // The entry that prices the charge's subject (and, for a plain per-unit price, its rate),
            // found once per subject: charges share subjects, so by address.
            // The currency the entry's prices are in: the book's ("" when it names one), else the charge's.
            let cur = book.and_then(|b| b.currency.as_deref()).map_or(c.currency, |_| "");
            let (entry, per_unit) = match book {
                Some(b) if c.category == Category::Usage => *entry_cache.entry(Arc::as_ptr(&c.subject) as usize).or_insert_with(|| {
                    let entry = b.entry_for(c).map(|(i, _)| i);
                    let fx = if cur.is_empty() { Some(Decimal::ONE) } else { conv.rate(cur) };
                    (entry, entry.and_then(|ei| b.entry(ei)).and_then(|e| per_unit_rate(e, fx)))
                }),
                _ => (None, None),
            };
            if let Some(ei) = entry {
                for (m, share) in quantities {
                    let bucket = buckets.entry((ei, m, BucketCurrency(cur))).or_insert((Decimal::ZERO, Vec::new()));
                    bucket.0 = add(bucket.0, share, "summed quantity")?;
                    let cost = per_unit.and_then(|rate| share.checked_mul(rate)).map(share_part);
                    if cost.is_none() {
                        bucket.1.push((pieces.len(), share));
                    }
                    pieces.push(Piece { month: m, quantity: share, cost, ..base });
                }
            } else if let Some(reported) = c.reported_cost {
                let cost = conv.convert(reported, c.currency)?;
                exact_total = add(exact_total, cost, "total")?;
                for ((m, part), (_, q)) in months.shares(cost).zip(quantities) {
                    pieces.push(Piece { month: m, cost: Some(part), quantity: q, ..base });
                }
            } else {
                let group = unpriced.entry((c.source, Arc::clone(&c.resource_type), Arc::clone(&c.unit))).or_default();
                group.0 = add(group.0, c.quantity, "unpriced quantity")?;
                group.1 += u64::from(c.records);
                for (m, q) in quantities {
                    pieces.push(Piece { month: m, quantity: q, ..base });
                }
            }
        }
    }

    // Tiered models see the month's summed quantity; the month's cost goes back by quantity.
    if let Some(book) = book {
        for ((ei, _month, BucketCurrency(cur)), (quantity, members)) in buckets {
            let Some(entry) = book.entry(ei) else { continue };
            let cost = bucket_cost(entry, quantity, cur, &conv)?;
            exact_total = add(exact_total, cost, "total")?;
            if members.is_empty() {
                // Priced per unit as the pieces were made.
                continue;
            }
            // Shared back by quantity. Under a volume tier the share of `q` is exactly `q * rate`:
            // the same number as `cost * q / quantity`, without a division per piece.
            let fx = if cur.is_empty() { Some(Decimal::ONE) } else { conv.rate(cur) };
            if let Some(rate) = volume_rate(entry, quantity, fx).filter(|_| members.len() > 1) {
                let parts: Option<Vec<Decimal>> = members.iter().map(|(_, q)| q.checked_mul(rate).map(share_part)).collect();
                if let Some(parts) = parts {
                    for ((piece, _), part) in members.iter().zip(parts) {
                        pieces[*piece].cost = Some(part);
                    }
                    continue;
                }
            }
            for (piece, part) in split_by_weights(cost, &members) {
                pieces[piece].cost = Some(part);
            }
        }
        exact_total = add(exact_total, add_derived_lines(book, &mut pieces)?, "total")?;
    }

    Ok(Priced {
        usages: usages.to_vec(),
        book,
        ctx,
        currency,
        pieces,
        unpriced: unpriced
            .into_iter()
            .map(|((source, resource_type, unit), (quantity, count))| UnpricedGroup {
                source,
                resource_type: resource_type.to_string(),
                unit: unit.to_string(),
                quantity,
                count,
            })
            .collect(),
        excluded_count,
        excluded_reported,
        warnings,
        exact_total,
    })
}

/// How a book prices a usage charge, as the forecast needs it: the entry, and the currency its
/// prices are in ("" for the book's own). `None` when no entry matches, or when the entry's cost
/// is linear in the quantity (per unit, no flat fee): then extrapolating the cost is the same as
/// pricing the extrapolated quantity.
pub(crate) fn tiered_entry(book: &PriceBook, c: &Charge) -> Option<(usize, &'static str)> {
    if c.category != Category::Usage {
        return None;
    }
    let (index, entry) = book.entry_for(c)?;
    let linear = per_unit_rate(entry, Some(Decimal::ONE)).is_some();
    (!linear).then(|| (index, if book.currency.is_some() { "" } else { c.currency }))
}

/// What entry `index` of the book charges for a month's `quantity` (its model, and its flat fee
/// once), in the display currency: how [`price`] prices a month's bucket.
pub(crate) fn month_cost(priced: &Priced<'_>, index: usize, currency: &str, quantity: Decimal) -> Result<Decimal> {
    let Some(entry) = priced.book.and_then(|b| b.entry(index)) else { return Ok(Decimal::ZERO) };
    bucket_cost(entry, quantity, currency, &priced.converter())
}

/// A month's bucket of an entry: its model on the month's `quantity`, the flat fee once, converted
/// from `currency` (the entry's prices; "" for the book's own) to the display currency.
fn bucket_cost(entry: &PriceEntry, quantity: Decimal, currency: &str, conv: &Converter<'_>) -> Result<Decimal> {
    let mut cost = price_quantity(&entry.model, quantity)?;
    if let Some(fee) = entry.flat_fee {
        cost = add(cost, fee, "flat fee")?;
    }
    if currency.is_empty() { Ok(cost) } else { conv.convert(cost, currency) }
}

/// The discount, commitment and tax lines of one month's subtotal (SPEC 3), zero lines omitted.
///
/// # Errors
/// An amount out of range.
pub fn derived_lines(book: &PriceBook, subtotal: Decimal) -> Result<Vec<(Category, Decimal)>> {
    let hundred = Decimal::ONE_HUNDRED;
    let overflow = || Error::overflow("monthly discount, commitment or tax".to_string());
    let discount = -(subtotal.checked_mul(book.discount_percent).ok_or_else(overflow)? / hundred);
    let after_discount = subtotal.checked_add(discount).ok_or_else(overflow)?;
    let commitment = (book.minimum_monthly.checked_sub(after_discount).ok_or_else(overflow)?).max(Decimal::ZERO);
    let taxable = after_discount.checked_add(commitment).ok_or_else(overflow)?;
    let tax = taxable.checked_mul(book.tax_percent).ok_or_else(overflow)? / hundred;
    Ok([(Category::Discount, discount), (Category::Commitment, commitment), (Category::Tax, tax)]
        .into_iter()
        .filter(|(_, v)| !v.is_zero())
        .collect())
}

/// Adds each month's discount, commitment and tax lines; returns their sum.
fn add_derived_lines(book: &PriceBook, pieces: &mut Vec<Piece>) -> Result<Decimal> {
    let mut subtotals: BTreeMap<Month, Decimal> = BTreeMap::new();
    for p in pieces.iter() {
        let s = subtotals.entry(p.month).or_default();
        *s = add(*s, p.cost.unwrap_or_default(), "monthly subtotal")?;
    }
    let mut sum = Decimal::ZERO;
    for (month, subtotal) in subtotals {
        for (category, amount) in derived_lines(book, subtotal)? {
            sum = add(sum, amount, "monthly lines")?;
            pieces.push(Piece { charge: None, category, month, cost: Some(amount), quantity: Decimal::ONE });
        }
    }
    Ok(sum)
}
