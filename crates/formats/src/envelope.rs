//! The top level of every provider body, read in one pass.
//!
//! The four providers' success and error bodies share a handful of top-level keys (`data`, `message`,
//! `code`, `error`), so the top level is read by hand: each known key goes into its slot, unknown keys
//! are remembered for the "unknown shape" message, and the usage items go to an [`ItemSink`] (the
//! core's, which sums them into charges) as they stream past (no intermediate tree, SPEC and issue 8).
//!
//! Which provider a body is from is the core's to decide, from what this reads (`sources::detect`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::aether::{AetherItemsSeed, AetherSubscription, ItemSink};
use super::cu::CuData;
use super::elastic::{Deployment, ElasticError};
use super::hyperstack::HsResource;
use crate::num::{abbreviate, Num, Ts};

/// Everything a top-level body may hold, whichever provider sent it.
#[derive(Default)]
pub struct Envelope<'a> {
    /// Aether's `period_start`.
    pub period_start: Option<Ts>,
    /// Aether's `period_end`.
    pub period_end: Option<Ts>,
    /// Whether Aether's `items` was there: its items went to the [`ItemSink`] as they were read.
    pub items: bool,
    /// Aether's `total_eur` (`null` reads as none).
    pub total_eur: Option<Num>,
    /// Aether's `subscriptions`.
    pub subscriptions: Option<Vec<AetherSubscription<'a>>>,
    /// Hyperstack's `status` (`false` in an error body).
    pub status: Option<bool>,
    /// `message` (Hyperstack's and the CU platform's).
    pub message: Option<Cow<'a, str>>,
    /// Hyperstack's `error_reason`.
    pub error_reason: Option<Cow<'a, str>>,
    /// `data` (Hyperstack's resources or the CU platform's usage).
    pub data: Option<Data<'a>>,
    /// Elastic's `total_cost` (`null` reads as none).
    pub total_cost: Option<Num>,
    /// Elastic's `deployments`.
    pub deployments: Option<Vec<Deployment<'a>>>,
    /// Elastic's `errors`.
    pub errors: Option<Vec<ElasticError<'a>>>,
    /// The CU platform's `code` (`0` in a success body).
    pub code: Option<Code>,
    /// The CU platform's `requestId`.
    pub request_id: Option<Cow<'a, str>>,
    /// The CU platform's second envelope's `success`.
    pub success: Option<bool>,
    /// `error` (Aether's, the CU platform's second envelope's).
    pub error: Option<ErrorObject<'a>>,
    /// Keys this reader does not know, for the "unknown shape" message.
    pub other_keys: Vec<String>,
    /// Every key seen, in order.
    pub keys: Vec<&'static str>,
}

/// `data`: Hyperstack's array of resources or the CU platform's object.
pub enum Data<'a> {
    /// An array: Hyperstack's resources.
    Resources(Vec<HsResource<'a>>),
    /// An object: the CU platform's usage.
    Cu(CuData<'a>),
    /// `null`.
    Null,
    /// Not read: only whether it was an object (the error-body probe).
    Skipped {
        /// Whether it was an object.
        object: bool,
    },
}

/// An error code that one provider writes as a string and another as a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(pub String);

/// `{code, message, details?}` (Aether's `error`, the CU platform's second envelope).
#[derive(Deserialize)]
#[serde(expecting = "an error object {code, message}")]
pub struct ErrorObject<'a> {
    /// `code`.
    pub code: Option<Code>,
    /// `message`.
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
    /// `details` (Aether's: which field is at fault, and why).
    #[serde(default, borrow)]
    pub details: Option<Vec<ErrorDetail<'a>>>,
}

/// One entry of Aether's `error.details`.
#[derive(Deserialize)]
#[serde(expecting = "an error detail object {field, code, message}")]
pub struct ErrorDetail<'a> {
    /// `field`.
    #[serde(borrow)]
    pub field: Option<Cow<'a, str>>,
    /// `message`.
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
}

/// Reads a body's top level into an [`Envelope`], its usage items into an [`ItemSink`].
///
/// Public for the core's tests, which run it with a deserializer of their own; a body is read
/// with [`crate::read_envelope`], which runs it with `serde_json`'s.
pub struct EnvelopeSeed<'i> {
    /// Where Aether's usage items go as they are read.
    items: &'i mut dyn ItemSink,
    /// Size of the body in bytes, to size the item list.
    body_len: usize,
    /// Told how many usage items have been read, now and then (see `read_usage_with_progress`).
    progress: &'i mut dyn FnMut(usize),
    /// Reads only what says whether this is an error body: the payload keys (`items`, `data`,
    /// `deployments`, `subscriptions` and the totals) are noted and skipped, so an error body
    /// whose payload is malformed is still told apart (see [`crate::read_error_keys`]).
    skip_payload: bool,
}

impl<'i> EnvelopeSeed<'i> {
    /// A reader of a whole body of `body_len` bytes, its usage items going to `items`.
    pub fn new(items: &'i mut dyn ItemSink, body_len: usize, progress: &'i mut dyn FnMut(usize)) -> EnvelopeSeed<'i> {
        EnvelopeSeed { items, body_len, progress, skip_payload: false }
    }

    /// A reader of what says whether a body is an error body (see [`EnvelopeSeed::skip_payload`]).
    pub(crate) fn error_keys(items: &'i mut dyn ItemSink, progress: &'i mut dyn FnMut(usize)) -> EnvelopeSeed<'i> {
        EnvelopeSeed { items, body_len: 0, progress, skip_payload: true }
    }
}

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = Envelope<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Envelope<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    key: &'static str,
) -> std::result::Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::custom(format!("duplicate key \"{key}\"")));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = Envelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (a provider's usage or error body)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Envelope<'de>, A::Error> {
        let mut e = Envelope::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if self.skip_payload {
                if let Some(known) = skip_payload(&key, &mut e, &mut map)? {
                    e.keys.push(known);
                    continue;
                }
            }
            let known: &'static str = match key.as_ref() {
                "period_start" => { once(&mut e.period_start, &mut map, "period_start")?; "period_start" }
                "period_end" => { once(&mut e.period_end, &mut map, "period_end")?; "period_end" }
                "items" => {
                    if e.items {
                        return Err(de::Error::custom("duplicate key \"items\""));
                    }
                    // An Aether item is about 300 bytes of JSON.
                    map.next_value_seed(AetherItemsSeed { sink: &mut *self.items, capacity_hint: self.body_len / 300, progress: &mut *self.progress })?;
                    e.items = true;
                    "items"
                }
                "total_eur" => { e.total_eur = map.next_value::<Option<Num>>()?; "total_eur" }
                "subscriptions" => { once(&mut e.subscriptions, &mut map, "subscriptions")?; "subscriptions" }
                "status" => { once(&mut e.status, &mut map, "status")?; "status" }
                "message" => { e.message = map.next_value()?; "message" }
                "error_reason" => { e.error_reason = map.next_value()?; "error_reason" }
                "data" => { once(&mut e.data, &mut map, "data")?; "data" }
                "total_cost" => { e.total_cost = map.next_value::<Option<Num>>()?; "total_cost" }
                "deployments" => { once(&mut e.deployments, &mut map, "deployments")?; "deployments" }
                "errors" => { once(&mut e.errors, &mut map, "errors")?; "errors" }
                "code" => { once(&mut e.code, &mut map, "code")?; "code" }
                "requestId" => { e.request_id = map.next_value()?; "requestId" }
                "success" => { once(&mut e.success, &mut map, "success")?; "success" }
                "error" => { once(&mut e.error, &mut map, "error")?; "error" }
                "org_id" | "details" => { map.next_value::<IgnoredAny>()?; "ignored" }
                other => {
                    if e.other_keys.len() < 20 {
                        e.other_keys.push(abbreviate(other));
                    }
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            e.keys.push(known);
        }
        Ok(e)
    }
}

/// Skips a payload key's value, noting that it was there (and, for `data`, whether it is an
/// object: CU detection looks at that); `None` for the keys an error body is told by.
fn skip_payload<'de, A: MapAccess<'de>>(key: &str, e: &mut Envelope<'de>, map: &mut A) -> std::result::Result<Option<&'static str>, A::Error> {
    let known = match key {
        "items" => { e.items = true; "items" }
        "subscriptions" => { e.subscriptions = Some(Vec::new()); "subscriptions" }
        "deployments" => { e.deployments = Some(Vec::new()); "deployments" }
        "period_start" => "period_start",
        "period_end" => "period_end",
        "total_eur" => "total_eur",
        "total_cost" => "total_cost",
        "data" => {
            e.data = Some(map.next_value::<DataKind>()?.0);
            return Ok(Some("data"));
        }
        _ => return Ok(None),
    };
    map.next_value::<IgnoredAny>()?;
    Ok(Some(known))
}

/// `data` read only for its kind: [`Data::Skipped`] with whether it is an object.
struct DataKind(Data<'static>);

impl<'de> Deserialize<'de> for DataKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct KindVisitor;
        impl<'de> Visitor<'de> for KindVisitor {
            type Value = DataKind;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<DataKind, E> {
                Ok(DataKind(Data::Null))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<DataKind, M::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(DataKind(Data::Skipped { object: true }))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<DataKind, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(DataKind(Data::Skipped { object: false }))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<DataKind, E> {
                Ok(DataKind(Data::Skipped { object: false }))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<DataKind, E> {
                Ok(DataKind(Data::Skipped { object: false }))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<DataKind, E> {
                Ok(DataKind(Data::Skipped { object: false }))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<DataKind, E> {
                Ok(DataKind(Data::Skipped { object: false }))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<DataKind, E> {
                Ok(DataKind(Data::Skipped { object: false }))
            }
        }
        d.deserialize_any(KindVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Data<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct DataVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for DataVisitor<'a> {
            type Value = Data<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of resources or a usage object")
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Data<'a>, E> {
                Ok(Data::Null)
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<Data<'a>, S::Error> {
                let mut out = Vec::new();
                while let Some(r) = seq.next_element()? {
                    out.push(r);
                }
                Ok(Data::Resources(out))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> std::result::Result<Data<'a>, M::Error> {
                CuData::deserialize(de::value::MapAccessDeserializer::new(map)).map(Data::Cu)
            }
        }
        d.deserialize_any(DataVisitor(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct CodeVisitor;
        impl<'de> Visitor<'de> for CodeVisitor {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error code (a string or a number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Code, E> {
                Ok(Code(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Code, E> {
                Ok(Code(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Code, E> {
                Ok(Code(v.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<Code, M::Error> {
                // serde_json's arbitrary_precision hands numbers over as a one-entry map.
                let Some(_) = map.next_key::<IgnoredAny>()? else {
                    return Err(de::Error::custom("expected an error code, found an object"));
                };
                let text: String = map.next_value()?;
                Ok(Code(text))
            }
        }
        d.deserialize_any(CodeVisitor)
    }
}

impl Code {
    /// Whether this is the code of success (`0`).
    pub fn is_zero(&self) -> bool {
        self.0.trim() == "0"
    }
}

impl Envelope<'_> {
    /// Whether the body had `key` (one of [`Envelope::keys`]).
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains(&key)
    }
}
