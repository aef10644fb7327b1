//! What-if scenarios (docs/SCENARIOS.md) as they are written: the adjustments, read with field
//! paths that name the place inside an adjustment, and the scenario around them. The core's public
//! API re-exports the adjustment types; its `Scenario` is read and written through
//! [`ScenarioWire`].

use serde::{Deserialize, Serialize};

use crate::num::AmountText;

/// Which charges an adjustment applies to: each present field must equal the charge's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(expecting = "a match object {source, resource_type, unit, resource, category}")]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// Provider id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Resource type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Category (`usage`, `subscription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// A charge the scenario adds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(expecting = "a charge object {source, category, resource_type, unit, month, ...}")]
#[serde(deny_unknown_fields)]
pub struct NewCharge {
    /// Provider id (decides the currency).
    pub source: String,
    /// `usage` (priced by the book) or `subscription` (a flat monthly fee in `amount`).
    #[serde(default = "usage_category")]
    pub category: String,
    /// Resource type.
    pub resource_type: String,
    /// Unit (`hour`).
    #[serde(default = "hour")]
    pub unit: String,
    /// Resource name or id, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Quantity (usage), if not given as runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<AmountText>,
    /// Run times in minutes of `nodes` nodes: billed per started hour, runs under 15 minutes free.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub run_minutes: Vec<u64>,
    /// How many nodes ran those runs (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<u64>,
    /// The fee, for a subscription (or a usage charge's known cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<AmountText>,
}

fn usage_category() -> String {
    "usage".into()
}

fn hour() -> String {
    "hour".into()
}

/// One change to the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Adjustment {
    /// Multiply matched quantities (and reported costs) by `factor`.
    Scale {
        /// Which charges.
        #[serde(rename = "match")]
        matching: Match,
        /// The factor (1.5 = 50% more).
        factor: AmountText,
    },
    /// Price matched usage at `unit_price` per unit (wins over the price book).
    SetPrice {
        /// Which charges.
        #[serde(rename = "match")]
        matching: Match,
        /// New price per unit, in the book's currency.
        unit_price: AmountText,
    },
    /// Remove matched charges.
    Remove {
        /// Which charges.
        #[serde(rename = "match")]
        matching: Match,
    },
    /// Add a charge.
    Add {
        /// The charge.
        charge: NewCharge,
    },
}

/// An adjustment is read field by field as the text goes, in any order, not through serde's
/// buffering of an internally tagged enum: an error inside one then names its own place
/// (`adjustments[0].charge.run_minutes[1]: expected a whole number (0 or more), found 14.5`),
/// where the buffered read could only name `adjustments[0]`, and said it found "an object".
impl<'de> Deserialize<'de> for Adjustment {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_map(AdjustmentVisitor)
    }
}

/// The `action` of an adjustment: a string, and only one (a derived enum would also take the
/// `{"scale": ...}` form of an enum, and name an object's key as an unknown action).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Scale,
    SetPrice,
    Remove,
    Add,
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Action;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an action: scale, set_price, remove or add")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> std::result::Result<Action, E> {
                Ok(match name {
                    "scale" => Action::Scale,
                    "set_price" => Action::SetPrice,
                    "remove" => Action::Remove,
                    "add" => Action::Add,
                    _ => return Err(E::unknown_variant(name, &["scale", "set_price", "remove", "add"])),
                })
            }
        }
        d.deserialize_str(Name)
    }
}

/// The keys an adjustment may have (which of them an action takes is checked once all are read).
#[derive(Deserialize, Clone, Copy)]
#[serde(field_identifier, rename_all = "snake_case")]
enum AdjustmentField {
    Action,
    Match,
    Factor,
    UnitPrice,
    Charge,
}

struct AdjustmentVisitor;

impl<'de> serde::de::Visitor<'de> for AdjustmentVisitor {
    type Value = Adjustment;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an adjustment (an object with an action)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Adjustment, A::Error> {
        use serde::de::Error as _;
        fn once<T, E: serde::de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> std::result::Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(name));
            }
            *slot = Some(value);
            Ok(())
        }
        let (mut action, mut matching, mut factor, mut unit_price, mut charge) = (None, None, None, None, None);
        while let Some(field) = map.next_key::<AdjustmentField>()? {
            match field {
                AdjustmentField::Action => once(&mut action, map.next_value::<Action>()?, "action")?,
                AdjustmentField::Match => once(&mut matching, map.next_value::<Match>()?, "match")?,
                AdjustmentField::Factor => once(&mut factor, map.next_value::<AmountText>()?, "factor")?,
                AdjustmentField::UnitPrice => once(&mut unit_price, map.next_value::<AmountText>()?, "unit_price")?,
                AdjustmentField::Charge => once(&mut charge, map.next_value::<NewCharge>()?, "charge")?,
            }
        }
        let action = action.ok_or_else(|| A::Error::missing_field("action"))?;
        // What each action takes; any other key present is refused, as an unknown field.
        let (takes, name): (&[&str], &str) = match action {
            Action::Scale => (&["action", "match", "factor"], "scale"),
            Action::SetPrice => (&["action", "match", "unit_price"], "set_price"),
            Action::Remove => (&["action", "match"], "remove"),
            Action::Add => (&["action", "charge"], "add"),
        };
        let present = [("match", matching.is_some()), ("factor", factor.is_some()), ("unit_price", unit_price.is_some()), ("charge", charge.is_some())];
        if let Some((stray, _)) = present.iter().find(|(key, here)| *here && !takes.contains(key)) {
            return Err(A::Error::custom(format_args!("unknown field `{stray}` for action {name}, expected one of {}", takes.join(", "))));
        }
        fn need<T, E: serde::de::Error>(value: Option<T>, key: &'static str) -> std::result::Result<T, E> {
            value.ok_or_else(|| E::missing_field(key))
        }
        Ok(match action {
            Action::Scale => Adjustment::Scale { matching: need(matching, "match")?, factor: need(factor, "factor")? },
            Action::SetPrice => Adjustment::SetPrice { matching: need(matching, "match")?, unit_price: need(unit_price, "unit_price")? },
            Action::Remove => Adjustment::Remove { matching: need(matching, "match")? },
            Action::Add => Adjustment::Add { charge: need(charge, "charge")? },
        })
    }
}

/// A what-if scenario as it is read; the core's `Scenario` takes its fields.
#[derive(Deserialize)]
#[serde(expecting = "a scenario object {adjustments, ...}")]
#[serde(deny_unknown_fields)]
pub struct ScenarioWire {
    /// A name for people.
    #[serde(default)]
    pub name: Option<String>,
    /// Applied in order.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    /// Replaces the base price book entirely (SPEC 3 format).
    #[serde(default)]
    pub price_book: Option<serde_json::Value>,
    /// Overrides the book's monthly discount.
    #[serde(default)]
    pub discount_percent: Option<AmountText>,
    /// Overrides the book's minimum monthly commitment.
    #[serde(default)]
    pub minimum_monthly: Option<AmountText>,
    /// Overrides the book's tax.
    #[serde(default)]
    pub tax_percent: Option<AmountText>,
}

/// A what-if scenario as it is written, borrowing the core's `Scenario` (the fields of
/// [`ScenarioWire`]; what is absent is left out).
#[derive(Serialize)]
#[allow(missing_docs, reason = "each is the field of ScenarioWire of the same name")]
pub struct ScenarioOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub adjustments: &'a [Adjustment],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_book: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_percent: Option<AmountText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_monthly: Option<AmountText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_percent: Option<AmountText>,
}

impl ScenarioOut<'_> {
    /// The scenario as JSON, pretty-printed. Not generic, and not inlined into the caller: it is
    /// where `serde_json` writes these types, built for size (see the crate's doc).
    #[inline(never)]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
