//! Aether: month-to-date usage and subscriptions (SPEC 1.1).

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::envelope::Envelope;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage};
use crate::num::{Num, Ts};
use crate::time::Month;

/// One hourly autoscaling record as the API sends it.
#[derive(Deserialize)]
struct AetherItem<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cluster_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    node_pool_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    resource_type: Cow<'a, str>,
    quantity: Num,
    #[serde(borrow)]
    unit: Cow<'a, str>,
    recorded_at: Ts,
}

/// A flat monthly fee as the API sends it.
#[derive(Deserialize)]
pub(super) struct AetherSubscription<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    cluster_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    node_pool_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    amount_eur: Num,
}

/// Converts `items[]` into charges while the array streams past.
pub(super) struct AetherItemsSeed<'i> {
    pub interner: &'i mut Interner,
    /// Expected item count (from the body size), so the list is allocated once.
    pub capacity_hint: usize,
    /// Told the number of items read so far, every [`PROGRESS_EVERY`] items.
    pub progress: &'i mut dyn FnMut(usize),
}

/// How often a long read reports progress (items): often enough for a smooth bar, rare enough to cost nothing.
pub(super) const PROGRESS_EVERY: usize = 1 << 16;

impl<'de> DeserializeSeed<'de> for AetherItemsSeed<'_> {
    type Value = Vec<Charge>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<Charge>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AetherItemsSeed<'_> {
    type Value = Vec<Charge>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of usage items")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<Vec<Charge>, S::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(self.capacity_hint).min(1 << 24));
        while let Some(item) = seq.next_element::<AetherItem<'de>>()? {
            out.push(item_charge(&item, self.interner));
            if out.len() % PROGRESS_EVERY == 0 {
                (self.progress)(out.len());
            }
        }
        Ok(out)
    }
}

fn item_charge(item: &AetherItem<'_>, interner: &mut Interner) -> Charge {
    let cluster_id = interner.opt(item.cluster_id.as_deref());
    let node_pool_id = interner.opt(item.node_pool_id.as_deref());
    // The node pool is what was used; items without one fall back to the cluster, then the record.
    let resource_id = node_pool_id.clone().or_else(|| cluster_id.clone()).or_else(|| interner.opt(item.id.as_deref()));
    Charge {
        source: Source::Aether,
        category: Category::Usage,
        resource_id,
        resource_name: None,
        resource_type: interner.key(&item.resource_type),
        dimensions: Dimensions { cluster_id, node_pool_id, ..Dimensions::default() },
        period: Period::At(item.recorded_at.0),
        quantity: item.quantity.0,
        unit: interner.key(&item.unit),
        unit_price: None,
        reported_cost: None,
        currency: Source::Aether.currency(),
        excluded: false,
        executions: None,
    }
}

pub(super) fn convert(e: Envelope<'_>) -> Result<Usage> {
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
            code: err.code.map_or_else(|| "unknown".into(), |c| c.0),
            message,
        }));
    }
    let mut interner = Interner::default();
    let mut charges = e.items.unwrap_or_default();
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
            source: Source::Aether,
            category: Category::Subscription,
            resource_id: node_pool_id.clone().or_else(|| cluster_id.clone()),
            resource_name: interner.opt(sub.name.as_deref()),
            resource_type: interner.key(&sub.kind),
            dimensions: Dimensions { cluster_id, node_pool_id, ..Dimensions::default() },
            period: Period::Month(month.unwrap_or_else(|| Month::of(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH))),
            quantity: Decimal::ONE,
            unit: interner.key("month"),
            unit_price: Some(sub.amount_eur.0),
            reported_cost: Some(sub.amount_eur.0),
            currency: Source::Aether.currency(),
            excluded: false,
            executions: None,
        });
    }
    let coverage = match (e.period_start, e.period_end) {
        (Some(s), Some(end)) if end.0 > s.0 => Some(Period::Span { start: s.0, end: end.0 }),
        (Some(s), _) => Some(Period::Month(Month::of(s.0))),
        _ => None,
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
