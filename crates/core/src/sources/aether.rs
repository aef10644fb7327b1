//! Aether: month-to-date usage and subscriptions (SPEC 1.1).

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::daily::DailyCharges;
use super::envelope::Envelope;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage, Subject};
use crate::num::{Num, Ts};
use crate::time::Month;

/// One hourly autoscaling record as the API sends it.
///
/// Read by hand (see [`ItemVisitor`]): this is the loop a year of hourly usage runs a million times
/// (and plain bodies take the faster scanner of `super::fast`, which builds the same item).
pub(super) struct AetherItem<'a> {
    pub id: Option<Cow<'a, str>>,
    pub cluster_id: Option<Cow<'a, str>>,
    pub node_pool_id: Option<Cow<'a, str>>,
    pub resource_type: Cow<'a, str>,
    pub quantity: Num,
    pub unit: Cow<'a, str>,
    pub recorded_at: Ts,
}

/// A string borrowed from the body when it has no escapes (the usual case), owned otherwise.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

/// The fields of an item the readers keep (this one and the fast scanner, `super::fast`).
#[derive(Clone, Copy)]
pub(super) enum Field {
    Id,
    ClusterId,
    NodePoolId,
    ResourceType,
    Quantity,
    Unit,
    RecordedAt,
    Other,
}

impl Field {
    /// A key's field, told apart by length first and then compared as a fixed-size array: a few
    /// integer comparisons, where a `match` on strings calls `memcmp` for every key of every item.
    pub(super) fn of(key: &[u8]) -> Field {
        fn is<const N: usize>(key: &[u8], name: &[u8; N]) -> bool {
            <[u8; N]>::try_from(key).is_ok_and(|k| k == *name)
        }
        match key.len() {
            2 if is(key, b"id") => Field::Id,
            4 if is(key, b"unit") => Field::Unit,
            8 if is(key, b"quantity") => Field::Quantity,
            10 if is(key, b"cluster_id") => Field::ClusterId,
            11 if is(key, b"recorded_at") => Field::RecordedAt,
            12 if is(key, b"node_pool_id") => Field::NodePoolId,
            13 if is(key, b"resource_type") => Field::ResourceType,
            _ => Field::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Field, E> {
                Ok(Field::of(v.as_bytes()))
            }
        }
        d.deserialize_identifier(FieldVisitor)
    }
}

struct ItemVisitor;

fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(slot: &mut Option<T>, map: &mut A, name: &'static str) -> std::result::Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = AetherItem<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a usage item (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<AetherItem<'de>, A::Error> {
        let (mut id, mut cluster_id, mut node_pool_id) = (None::<Option<Text<'de>>>, None::<Option<Text<'de>>>, None::<Option<Text<'de>>>);
        let (mut resource_type, mut quantity, mut unit, mut recorded_at) = (None::<Text<'de>>, None::<Num>, None::<Text<'de>>, None::<Ts>);
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Id => once(&mut id, &mut map, "id")?,
                Field::ClusterId => once(&mut cluster_id, &mut map, "cluster_id")?,
                Field::NodePoolId => once(&mut node_pool_id, &mut map, "node_pool_id")?,
                Field::ResourceType => once(&mut resource_type, &mut map, "resource_type")?,
                Field::Quantity => once(&mut quantity, &mut map, "quantity")?,
                Field::Unit => once(&mut unit, &mut map, "unit")?,
                Field::RecordedAt => once(&mut recorded_at, &mut map, "recorded_at")?,
                Field::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let text = |t: Option<Option<Text<'de>>>| t.flatten().map(|t| t.0);
        Ok(AetherItem {
            id: text(id),
            cluster_id: text(cluster_id),
            node_pool_id: text(node_pool_id),
            resource_type: resource_type.ok_or_else(|| de::Error::missing_field("resource_type"))?.0,
            quantity: quantity.ok_or_else(|| de::Error::missing_field("quantity"))?,
            unit: unit.ok_or_else(|| de::Error::missing_field("unit"))?.0,
            recorded_at: recorded_at.ok_or_else(|| de::Error::missing_field("recorded_at"))?,
        })
    }
}

impl<'de> Deserialize<'de> for AetherItem<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(ItemVisitor)
    }
}

/// A flat monthly fee as the API sends it.
#[derive(Deserialize)]
#[serde(expecting = "a subscription object {kind, name, amount_eur}")]
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
        let mut daily = DailyCharges::for_items(seq.size_hint().unwrap_or(self.capacity_hint));
        while let Some(item) = seq.next_element::<AetherItem<'de>>()? {
            let strings = ItemStrings {
                cluster_id: item.cluster_id.as_deref().map(str::as_bytes),
                node_pool_id: item.node_pool_id.as_deref().map(str::as_bytes),
                id: item.id.as_deref().map(str::as_bytes),
                resource_type: item.resource_type.as_bytes(),
                unit: item.unit.as_bytes(),
            };
            daily.add(&strings, item.quantity.0, item.recorded_at.0, self.interner);
            if daily.items().is_multiple_of(PROGRESS_EVERY) {
                (self.progress)(daily.items());
            }
        }
        Ok(daily.into_charges())
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
            code: err.code.map_or_else(|| "(no code)".into(), |c| c.0),
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

