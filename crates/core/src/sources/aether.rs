//! Aether: month-to-date usage and subscriptions (SPEC 1.1), into charges. The wire structs and
//! their readers are `tally_formats`' (`aether`).

use rust_decimal::Decimal;
use tally_formats::{AetherItem, Envelope, ItemSink};

use super::daily::DailyCharges;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage, Subject};
use crate::time::Month;

/// Sums `items[]` into charges while the general reader reads the array, item by item (the fast
/// scanner, `super::fast`, adds its items to a [`DailyCharges`] of its own the same way).
pub(super) struct ItemsToCharges<'i> {
    daily: DailyCharges,
    interner: &'i mut Interner,
}

impl<'i> ItemsToCharges<'i> {
    /// A sink whose charges' subjects are interned in `interner`, days parted at `cut`.
    pub(super) fn new(interner: &'i mut Interner, cut: Option<chrono::DateTime<chrono::Utc>>) -> ItemsToCharges<'i> {
        ItemsToCharges { daily: DailyCharges::cut_at(cut), interner }
    }

    /// The charges of the items read, in the order their first item came.
    pub(super) fn into_charges(self) -> Vec<Charge> {
        self.daily.into_charges()
    }
}

impl ItemSink for ItemsToCharges<'_> {
    fn start(&mut self, capacity_hint: usize) {
        self.daily = DailyCharges::for_items(capacity_hint, self.daily.cut());
    }

    fn item(&mut self, item: AetherItem<'_>) {
        let strings = ItemStrings {
            cluster_id: item.cluster_id.as_deref().map(str::as_bytes),
            node_pool_id: item.node_pool_id.as_deref().map(str::as_bytes),
            id: item.id.as_deref().map(str::as_bytes),
            resource_type: item.resource_type.as_bytes(),
            unit: item.unit.as_bytes(),
        };
        self.daily.add(&strings, item.quantity.0, item.recorded_at.0, self.interner);
    }
}

/// An item's strings as they are in the body, known to be UTF-8 (the general reader borrows them
/// from text; the fast scanner checks what it reads, and only a new subject needs them as `str`).
pub(super) struct ItemStrings<'a> {
    pub cluster_id: Option<&'a [u8]>,
    pub node_pool_id: Option<&'a [u8]>,
    pub id: Option<&'a [u8]>,
    pub resource_type: &'a [u8],
    pub unit: &'a [u8],
}

/// The usage of an Aether body: its envelope, and the charges its items were summed into.
pub(super) fn convert(e: Envelope<'_>, items: Option<Vec<Charge>>) -> Result<Usage> {
    if let Some(err) = e.error {
        let mut message = err.message.as_deref().unwrap_or("no message").to_string();
        let details: Vec<String> = err
            .details
            .unwrap_or_default()
            .iter()
            .map(|d| format!("{}: {}", d.field.as_deref().unwrap_or("?"), d.message.as_deref().unwrap_or("")))
            .collect();
        if !details.is_empty() {
            message = format!("{message} ({})", details.join("; "));
        }
        return Err(Error::new(ErrorKind::Provider {
            source: Source::Aether,
            code: err.code.map_or_else(|| "(no code)".into(), |c| c.0),
            message,
        }));
    }
    let mut interner = Interner::default();
    let mut charges = items.unwrap_or_default();
    let subscriptions = e.subscriptions.unwrap_or_default();
    let month = match (e.period_start, subscriptions.is_empty()) {
        (Some(ts), _) => Some(Month::of(ts.0)),
        (None, true) => None,
        (None, false) => {
            return Err(Error::field("period_start", "missing; it is needed to place the subscriptions in a month"))
        }
    };
    for sub in &subscriptions {
        let cluster_id = interner.opt(sub.cluster_id.as_deref());
        let node_pool_id = interner.opt(sub.node_pool_id.as_deref());
        charges.push(Charge {
            subject: {
                let subject = Subject {
                    source: Source::Aether,
                    category: Category::Subscription,
                    resource_id: node_pool_id.clone().or_else(|| cluster_id.clone()),
                    resource_name: interner.opt(sub.name.as_deref()),
                    resource_type: interner.key(&sub.kind),
                    dimensions: Dimensions { cluster_id, node_pool_id, ..Dimensions::default() },
                    unit: interner.key("month"),
                    currency: Source::Aether.currency(),
                };
                interner.subject(subject)
            },
            period: Period::Month(month.unwrap_or_else(|| Month::of(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH))),
            quantity: Decimal::ONE,
            unit_price: Some(sub.amount_eur.0),
            reported_cost: Some(sub.amount_eur.0),
            excluded: false,
            executions: None,
            records: 1,
        });
    }
    let coverage = match (e.period_start, e.period_end) {
        (Some(s), Some(end)) if end.0 > s.0 => Some(Period::Span { start: s.0, end: end.0 }),
        (Some(s), _) => Some(Period::Month(Month::of(s.0))),
        _ => months_recorded(&charges),
    };
    Ok(Usage {
        source: Source::Aether,
        currency: Source::Aether.currency(),
        charges,
        reported_total: e.total_eur.map(|n| n.0),
        credits: None,
        coverage,
        warnings: Vec::new(),
    })
}

/// The months from the first item's to the last one's: what a body that states no period covers,
/// as far as it shows (so a forecast at an `as_of` in those months is made, and one after is not).
fn months_recorded(charges: &[Charge]) -> Option<Period> {
    let (first, last) = charges
        .iter()
        .filter_map(|c| match c.period {
            Period::Records { first, last } => Some((first, last)),
            _ => None,
        })
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))?;
    Some(Period::Span { start: Month::of(first).start(), end: Month::of(last).end() })
}
