//! Price books (SPEC section 3) as they are written: read and written back through these structs.
//! The core checks what they hold (sorted tiers, known models and sources, no negative price) as it
//! turns them into its `PriceBook`; here only the shape of each value is checked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::num::AmountText;

/// A price book.
#[derive(Deserialize, Serialize, Default)]
#[serde(expecting = "a price book object {currency, prices, ...}")]
#[serde(deny_unknown_fields)]
#[allow(missing_docs, reason = "each is the key of the same name (SPEC 3)")]
pub struct BookWire {
    pub currency: Option<String>,
    #[serde(default)]
    pub fx: BTreeMap<String, AmountText>,
    pub prices: Vec<EntryWire>,
    pub discount_percent: Option<AmountText>,
    pub minimum_monthly: Option<AmountText>,
    pub tax_percent: Option<AmountText>,
}

/// One entry of `prices`.
#[derive(Deserialize, Serialize)]
#[serde(expecting = "a price object {source, resource_type, unit, model, ...}")]
#[serde(deny_unknown_fields)]
#[allow(missing_docs, reason = "each is the key of the same name (SPEC 3)")]
pub struct EntryWire {
    pub source: Option<String>,
    pub resource_type: Option<String>,
    pub unit: Option<String>,
    pub resource_name: Option<String>,
    pub model: String,
    pub unit_price: Option<AmountText>,
    pub tiers: Option<Vec<TierWire>>,
    pub package_size: Option<AmountText>,
    pub package_price: Option<AmountText>,
    pub flat_fee: Option<AmountText>,
}

/// One of an entry's `tiers`.
#[derive(Deserialize, Serialize)]
#[serde(expecting = "a tier object {up_to, unit_price}")]
#[serde(deny_unknown_fields)]
#[allow(missing_docs, reason = "each is the key of the same name (SPEC 3)")]
pub struct TierWire {
    pub up_to: Option<AmountText>,
    pub unit_price: AmountText,
}

impl BookWire {
    /// The book as JSON, pretty-printed (amounts as strings). Not generic, and not inlined into
    /// the caller: it is where `serde_json` writes these structs, built for size (see the crate's
    /// doc).
    #[inline(never)]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
