//! Aether: month-to-date usage and subscriptions (SPEC 1.1), as the API sends them.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::num::{Num, Ts};

/// One hourly autoscaling record as the API sends it.
///
/// Read by hand (see `ItemVisitor`): this is the loop a year of hourly usage runs a million times
/// (and plain bodies take the core's faster scanner, `sources::fast`, which reads the same item).
pub struct AetherItem<'a> {
    /// `id`, the record's own (`null` reads as none).
    pub id: Option<Cow<'a, str>>,
    /// `cluster_id` (`null` reads as none).
    pub cluster_id: Option<Cow<'a, str>>,
    /// `node_pool_id` (`null` reads as none).
    pub node_pool_id: Option<Cow<'a, str>>,
    /// `resource_type`.
    pub resource_type: Cow<'a, str>,
    /// `quantity`.
    pub quantity: Num,
    /// `unit`.
    pub unit: Cow<'a, str>,
    /// `recorded_at`.
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

/// The fields of an item the readers keep (this one and the core's fast scanner, `sources::fast`).
#[derive(Clone, Copy)]
#[allow(missing_docs, reason = "each is the key of the same name (`Other`: any other key)")]
pub enum Field {
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
    ///
    /// `#[inline]`: the core's fast scanner tells keys apart with it, and so gets a copy of its
    /// own, built at the core's opt-level (see the crate's doc).
    #[inline]
    pub fn of(key: &[u8]) -> Field {
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
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct AetherSubscription<'a> {
    #[serde(borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow)]
    pub cluster_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub node_pool_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub name: Option<Cow<'a, str>>,
    pub amount_eur: Num,
}

/// Where the general reader puts `items[]` while the array streams past, an item at a time: no
/// list of items is ever held. The core's sink sums them into charges (this crate does not know those).
///
/// A trait object, not a type parameter: the readers stay one copy, instantiated here (a generic
/// reader would be instantiated by the core, at its opt-level; see the crate's doc).
pub trait ItemSink {
    /// `items[]` starts, with about `capacity_hint` items (from the body's size).
    fn start(&mut self, capacity_hint: usize);

    /// One item, read whole.
    fn item(&mut self, item: AetherItem<'_>);
}

/// Hands `items[]` to an [`ItemSink`] while the array streams past.
pub(crate) struct AetherItemsSeed<'i> {
    /// Where the items go, as they are read.
    pub sink: &'i mut dyn ItemSink,
    /// Expected item count (from the body size), so the list is allocated once.
    pub capacity_hint: usize,
    /// Told the number of items read so far, every [`PROGRESS_EVERY`] items.
    pub progress: &'i mut dyn FnMut(usize),
}

/// How often a long read reports progress (items): often enough for a smooth bar, rare enough to cost nothing.
pub const PROGRESS_EVERY: usize = 1 << 16;

impl<'de> DeserializeSeed<'de> for AetherItemsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AetherItemsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of usage items")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<(), S::Error> {
        self.sink.start(seq.size_hint().unwrap_or(self.capacity_hint));
        let mut items = 0usize;
        while let Some(item) = seq.next_element::<AetherItem<'de>>()? {
            self.sink.item(item);
            items += 1;
            if items.is_multiple_of(PROGRESS_EVERY) {
                (self.progress)(items);
            }
        }
        Ok(())
    }
}
