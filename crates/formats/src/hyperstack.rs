//! Hyperstack: usage costs history, one record per VM or volume (SPEC 1.2), as the API sends it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::num::{Num, Ts};

/// One resource as the API sends it.
#[derive(Deserialize)]
#[serde(expecting = "a resource object {resource_id, resource_type, total_bill, ...}")]
#[allow(missing_docs, reason = "each is the key of the same name")]
pub struct HsResource<'a> {
    pub resource_id: IdText,
    #[serde(borrow)]
    pub resource_type: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Option<Cow<'a, str>>,
    pub bill_per_minute: Option<Num>,
    pub create_time: Ts,
    pub terminate_time: Option<Ts>,
    pub total_up_time: Num,
    pub total_bill: Num,
    #[serde(default)]
    pub exclude_billing: Option<bool>,
}

/// An identifier sent as a number or a string.
pub struct IdText(pub String);

impl<'de> Deserialize<'de> for IdText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = IdText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an identifier (a number or a string)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<IdText, E> {
                Ok(IdText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<IdText, E> {
                Ok(IdText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<IdText, E> {
                Ok(IdText(v.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<IdText, M::Error> {
                let Some(_) = map.next_key::<de::IgnoredAny>()? else {
                    return Err(de::Error::custom("expected an identifier, found an object"));
                };
                Ok(IdText(map.next_value()?))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}
