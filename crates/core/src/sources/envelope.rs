//! The top level of every provider body, read in one pass.
//!
//! The four providers' success and error bodies share a handful of top-level keys (`data`, `message`,
//! `code`, `error`), so the top level is read by hand: each known key goes into its slot, unknown keys
//! are remembered for the "unknown shape" message, and the big arrays are converted to charges as they
//! stream past (no intermediate tree, SPEC and issue 8).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::aether::{AetherItemsSeed, AetherSubscription};
use super::cu::CuData;
use super::elastic::{Deployment, ElasticError};
use super::hyperstack::HsResource;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Charge, Interner, Source};
use crate::num::{abbreviate, Num, Ts};

/// Everything a top-level body may hold, whichever provider sent it.
#[derive(Default)]
pub(super) struct Envelope<'a> {
    pub period_start: Option<Ts>,
    pub period_end: Option<Ts>,
    pub items: Option<Vec<Charge>>,
    pub total_eur: Option<Num>,
    pub subscriptions: Option<Vec<AetherSubscription<'a>>>,
    pub status: Option<bool>,
    pub message: Option<Cow<'a, str>>,
    pub error_reason: Option<Cow<'a, str>>,
    pub data: Option<Data<'a>>,
    pub total_cost: Option<Num>,
    pub deployments: Option<Vec<Deployment<'a>>>,
    pub errors: Option<Vec<ElasticError<'a>>>,
    pub code: Option<Code>,
    pub request_id: Option<Cow<'a, str>>,
    pub success: Option<bool>,
    pub error: Option<ErrorObject<'a>>,
    /// Keys this reader does not know, for the "unknown shape" message.
    pub other_keys: Vec<String>,
    /// Every key seen, in order.
    pub keys: Vec<&'static str>,
}

/// `data`: Hyperstack's array of resources or the CU platform's object.
pub(super) enum Data<'a> {
    Resources(Vec<HsResource<'a>>),
    Cu(CuData<'a>),
    Null,
    /// Not read: only whether it was an object (the error-body probe).
    Skipped { object: bool },
}

/// An error code that one provider writes as a string and another as a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Code(pub String);

/// `{code, message, details?}` (Aether's `error`, the CU platform's second envelope).
#[derive(Deserialize)]
#[serde(expecting = "an error object {code, message}")]
pub(super) struct ErrorObject<'a> {
    pub code: Option<Code>,
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub details: Option<Vec<ErrorDetail<'a>>>,
}

/// One entry of Aether's `error.details`.
#[derive(Deserialize)]
#[serde(expecting = "an error detail object {field, code, message}")]
pub(super) struct ErrorDetail<'a> {
    #[serde(borrow)]
    pub field: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
}

pub(super) struct EnvelopeSeed<'i> {
    pub interner: &'i mut Interner,
    /// Size of the body in bytes, to size the item list.
    pub body_len: usize,
    /// Told how many usage items have been read, now and then (see `read_usage_with_progress`).
    pub progress: &'i mut dyn FnMut(usize),
    /// Reads only what says whether this is an error body: the payload keys (`items`, `data`,
    /// `deployments`, `subscriptions` and the totals) are noted and skipped, so an error body
    /// whose payload is malformed is still told apart (see `sources::provider_error_in`).
    pub skip_payload: bool,
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
                    if e.items.is_some() {
                        return Err(de::Error::custom("duplicate key \"items\""));
                    }
                    // An Aether item is about 300 bytes of JSON.
                    e.items = Some(map.next_value_seed(AetherItemsSeed { interner: &mut *self.interner, capacity_hint: self.body_len / 300, progress: &mut *self.progress })?);
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
        "items" => { e.items = Some(Vec::new()); "items" }
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
    pub(super) fn is_zero(&self) -> bool {
        self.0.trim() == "0"
    }
}

impl Envelope<'_> {
    fn has(&self, key: &str) -> bool {
        self.keys.contains(&key)
    }

    /// Which providers this shape could come from (SPEC 1: auto-detection decides by shape).
    fn candidates(&self) -> Vec<Source> {
        let mut out = Vec::new();
        let cu_envelope = self.has("success") || (self.has("code") && (self.has("requestId") || matches!(self.data, Some(Data::Cu(_) | Data::Skipped { object: true }))));
        if ["items", "subscriptions", "total_eur", "period_start"].iter().any(|k| self.has(k))
            || (self.has("error") && !self.has("success"))
        {
            out.push(Source::Aether);
        }
        if self.has("status") {
            out.push(Source::Hyperstack);
        }
        if ["deployments", "total_cost", "errors"].iter().any(|k| self.has(k)) {
            out.push(Source::Elastic);
        }
        if cu_envelope {
            out.push(Source::Cu);
        }
        out
    }

    /// Decides the provider, honouring an explicit choice.
    pub(super) fn detect(&self, wanted: Option<Source>) -> Result<Source> {
        let candidates = self.candidates();
        match wanted {
            Some(source) if candidates.contains(&source) => Ok(source),
            Some(source) => Err(Error::new(ErrorKind::Shape(format!(
                "this is not {} body: expected {}; found {}",
                article(source),
                expected_shape(source),
                self.describe_keys()
            )))),
            None => match candidates.as_slice() {
                [one] => Ok(*one),
                [] => Err(Error::new(ErrorKind::Shape(format!(
                    "unknown body: expected one of {}; found {}",
                    Source::ALL.iter().map(|s| format!("{} {}", s.display_name(), expected_shape(*s))).collect::<Vec<_>>().join(", "),
                    self.describe_keys()
                )))),
                many => Err(Error::new(ErrorKind::Shape(format!(
                    "ambiguous body: it has keys of {}; choose the source explicitly",
                    many.iter().map(|s| s.display_name()).collect::<Vec<_>>().join(" and ")
                )))),
            },
        }
    }

    fn describe_keys(&self) -> String {
        let mut keys: Vec<String> = self.keys.iter().filter(|k| **k != "ignored").map(|k| (*k).to_string()).collect();
        keys.extend(self.other_keys.iter().cloned());
        if keys.is_empty() {
            "an object with no known keys".into()
        } else {
            format!("keys {}", keys.join(", "))
        }
    }
}

fn article(source: Source) -> String {
    match source {
        Source::Aether | Source::Elastic => format!("an {}", source.display_name()),
        _ => format!("a {}", source.display_name()),
    }
}

fn expected_shape(source: Source) -> &'static str {
    match source {
        Source::Aether => "{items, subscriptions, total_eur}",
        Source::Hyperstack => "{status, message, data[]}",
        Source::Elastic => "{total_cost, deployments[]}",
        Source::Cu => "{code, message, requestId, data}",
    }
}
