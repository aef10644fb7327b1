//! The price book as the editor holds it: text fields exactly as typed, turned into SPEC JSON and
//! validated by `tally_core::PriceBook::parse`, whose error paths (`prices[2].tiers[1].up_to`) point
//! back at the field to mark.

use serde_json::{json, Map, Value};
use tally_core::{Model, PriceBook};

/// One tier as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TierDraft {
    /// Upper bound; empty = unbounded.
    pub up_to: String,
    /// Price per unit.
    pub unit_price: String,
}

/// One entry as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    /// Stable id for keyed lists.
    pub id: u32,
    /// Selector: provider id, may be empty.
    pub source: String,
    /// Selector: resource type, may be empty.
    pub resource_type: String,
    /// Selector: unit, may be empty.
    pub unit: String,
    /// `per_unit`, `graduated`, `volume`, `package`.
    pub model: String,
    /// per_unit price.
    pub unit_price: String,
    /// Tiers of graduated and volume.
    pub tiers: Vec<TierDraft>,
    /// Package size.
    pub package_size: String,
    /// Package price.
    pub package_price: String,
    /// Optional monthly fee.
    pub flat_fee: String,
}

impl EntryDraft {
    /// A new per-unit entry.
    pub fn new(id: u32) -> Self {
        EntryDraft {
            id,
            source: String::new(),
            resource_type: String::new(),
            unit: String::new(),
            model: "per_unit".into(),
            unit_price: String::new(),
            tiers: vec![TierDraft { up_to: "100".into(), unit_price: String::new() }, TierDraft::default()],
            package_size: String::new(),
            package_price: String::new(),
            flat_fee: String::new(),
        }
    }
}

/// The whole book as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BookDraft {
    /// Display currency, may be empty.
    pub currency: String,
    /// Entries.
    pub entries: Vec<EntryDraft>,
    /// Monthly discount percent.
    pub discount_percent: String,
    /// Minimum monthly commitment.
    pub minimum_monthly: String,
    /// Tax percent.
    pub tax_percent: String,
    /// Exchange rates (SPEC 3: 1 unit of `currency` = `rate` units of the book's currency).
    pub fx: Vec<FxDraft>,
}

/// One exchange rate as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FxDraft {
    /// Stable identity while editing.
    pub id: u32,
    /// The currency converted from (`USD`).
    pub currency: String,
    /// Units of the book's currency for one of it.
    pub rate: String,
}

fn put(map: &mut Map<String, Value>, key: &str, text: &str) {
    if !text.trim().is_empty() {
        map.insert(key.into(), Value::String(text.trim().into()));
    }
}

impl BookDraft {
    /// The draft as SPEC JSON (empty fields left out, so the parser names what is missing).
    pub fn to_value(&self) -> Value {
        let prices: Vec<Value> = self
            .entries
            .iter()
            .map(|e| {
                let mut m = Map::new();
                put(&mut m, "source", &e.source);
                put(&mut m, "resource_type", &e.resource_type);
                put(&mut m, "unit", &e.unit);
                m.insert("model".into(), Value::String(e.model.clone()));
                match e.model.as_str() {
                    "graduated" | "volume" => {
                        let tiers: Vec<Value> = e
                            .tiers
                            .iter()
                            .map(|t| {
                                let up_to = if t.up_to.trim().is_empty() { Value::Null } else { Value::String(t.up_to.trim().into()) };
                                json!({"up_to": up_to, "unit_price": t.unit_price.trim()})
                            })
                            .collect();
                        m.insert("tiers".into(), Value::Array(tiers));
                    }
                    "package" => {
                        put(&mut m, "package_size", &e.package_size);
                        put(&mut m, "package_price", &e.package_price);
                    }
                    _ => put(&mut m, "unit_price", &e.unit_price),
                }
                put(&mut m, "flat_fee", &e.flat_fee);
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        put(&mut m, "currency", &self.currency);
        if !self.fx.is_empty() {
            m.insert("fx".into(), Value::Object(self.fx.iter().map(|r| (r.currency.trim().to_string(), Value::String(r.rate.trim().to_string()))).collect()));
        }
        m.insert("prices".into(), Value::Array(prices));
        put(&mut m, "discount_percent", &self.discount_percent);
        put(&mut m, "minimum_monthly", &self.minimum_monthly);
        put(&mut m, "tax_percent", &self.tax_percent);
        Value::Object(m)
    }

    /// Validates the draft: the book, or the first problem as (field path, message).
    pub fn validate(&self) -> Result<PriceBook, (String, String)> {
        let text = self.to_value().to_string();
        PriceBook::parse(text.as_bytes()).map_err(|e| match e.kind() {
            tally_core::ErrorKind::Invalid { path, message } | tally_core::ErrorKind::Field { path, message } => (path.clone(), message.clone()),
            _ => (String::new(), e.to_string()),
        })
    }

    /// A draft showing an existing book.
    pub fn from_book(book: &PriceBook) -> BookDraft {
        let text = |d: rust_decimal::Decimal| d.normalize().to_string();
        let entries = book
            .prices
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut e = EntryDraft::new(i as u32 + 1);
                e.source = p.selector.source.map(|s| s.id().to_string()).unwrap_or_default();
                e.resource_type = p.selector.resource_type.clone().unwrap_or_default();
                e.unit = p.selector.unit.clone().unwrap_or_default();
                e.model = p.model.id().into();
                e.flat_fee = p.flat_fee.map(text).unwrap_or_default();
                match &p.model {
                    Model::PerUnit { unit_price } => e.unit_price = text(*unit_price),
                    Model::Graduated(t) | Model::Volume(t) => {
                        e.tiers = t.iter().map(|t| TierDraft { up_to: t.up_to.map(text).unwrap_or_default(), unit_price: text(t.unit_price) }).collect();
                    }
                    Model::Package { size, price } => {
                        e.package_size = text(*size);
                        e.package_price = text(*price);
                    }
                }
                e
            })
            .collect();
        let zero_empty = |d: rust_decimal::Decimal| if d.is_zero() { String::new() } else { text(d) };
        BookDraft {
            currency: book.currency.clone().unwrap_or_default(),
            entries,
            discount_percent: zero_empty(book.discount_percent),
            minimum_monthly: zero_empty(book.minimum_monthly),
            tax_percent: zero_empty(book.tax_percent),
            fx: book.fx.iter().zip(1..).map(|((k, v), id)| FxDraft { id, currency: k.clone(), rate: text(*v) }).collect(),
        }
    }
}

/// `book` (or, with none, an empty book in `target`) with the exchange rate `1 other = rate
/// target`, replacing any rate `other` had: what the page offers when a sum needs that rate.
///
/// # Errors
/// What is wrong with the rate, in a sentence for beside its field.
pub fn with_rate(book: Option<&PriceBook>, target: &str, other: &str, rate: &str) -> Result<PriceBook, String> {
    if rate.trim().is_empty() {
        return Err(format!("Enter how many {target} one {other} is worth."));
    }
    let mut draft = book.map_or_else(BookDraft::default, BookDraft::from_book);
    if draft.currency.trim().is_empty() {
        draft.currency = target.to_string();
    }
    draft.fx.retain(|r| r.currency != other);
    let id = draft.fx.iter().map(|r| r.id).max().unwrap_or(0) + 1;
    // "0,92" is how much of Europe writes 0.92; a rate has no thousands to separate.
    let rate = if rate.contains('.') { rate.trim().to_string() } else { rate.trim().replace(',', ".") };
    draft.fx.push(FxDraft { id, currency: other.to_string(), rate });
    draft.validate().map_err(|(_, message)| {
        let mut sentence = message;
        if let Some(first) = sentence.get(..1) {
            sentence.replace_range(..1, &first.to_ascii_uppercase());
        }
        format!("{sentence}.")
    })
}
