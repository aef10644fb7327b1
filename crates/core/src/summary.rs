//! The summary of SPEC section 7: totals, groups, unpriced and excluded usage, credits and forecast.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::aggregate::{groups_of, Dimension, Group};
use crate::error::Result;
use crate::forecast::forecast;
use crate::model::Source;
use crate::money::{minor_unit, round_money, round_to};
use crate::pricing::Priced;

/// Serializes a rounded amount as a string with its fixed decimals.
pub(crate) fn ser_money<S: Serializer>(d: &Decimal, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

fn ser_opt_money<S: Serializer>(d: &Option<Decimal>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

fn ser_quantity<S: Serializer>(d: &Decimal, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&d.normalize().to_string())
}

/// Unpriced usage in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnpricedOut {
    /// Provider.
    pub source: Source,
    /// Resource type.
    pub resource_type: String,
    /// Unit.
    pub unit: String,
    /// Summed quantity, exact.
    #[serde(serialize_with = "ser_quantity")]
    pub quantity: Decimal,
    /// Number of charges.
    pub count: u64,
}

/// Excluded usage in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    /// Number of excluded charges.
    pub count: u64,
    /// Their reported cost, rounded; `None` when a part of it has no rate into the display
    /// currency (as `reported_total`, SPEC 7: never a sum of two currencies, never a part left out).
    #[serde(serialize_with = "ser_opt_money")]
    pub reported_cost: Option<Decimal>,
}

/// CU credits, rounded to the CU minor unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credits {
    /// Bought.
    #[serde(serialize_with = "ser_money")]
    pub deposited: Decimal,
    /// Given.
    #[serde(serialize_with = "ser_money")]
    pub granted: Decimal,
    /// Used.
    #[serde(serialize_with = "ser_money")]
    pub used: Decimal,
    /// Left.
    #[serde(serialize_with = "ser_money")]
    pub remaining: Decimal,
}

/// The forecast in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ForecastOut {
    /// `YYYY-MM`.
    pub month: String,
    /// Rounded forecast total.
    pub total: Decimal,
    /// CU used by month end (CU only).
    pub cu_by_month_end: Option<Decimal>,
    /// Day the CU credits run out (CU only); `null` when they last.
    pub credits_run_out: Option<String>,
}

/// `{month, total}`, and with CU both `cu_by_month_end` and `credits_run_out`, the latter `null`
/// when the credits last: a CU forecast has the same keys whatever the numbers.
impl Serialize for ForecastOut {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let cu = self.cu_by_month_end.as_ref().map(Decimal::to_string);
        let mut out = s.serialize_struct("ForecastOut", if cu.is_some() { 4 } else { 2 })?;
        out.serialize_field("month", &self.month)?;
        out.serialize_field("total", &self.total.to_string())?;
        match cu {
            Some(cu) => {
                out.serialize_field("cu_by_month_end", &cu)?;
                out.serialize_field("credits_run_out", &self.credits_run_out)?;
            }
            None => {
                out.skip_field("cu_by_month_end")?;
                out.skip_field("credits_run_out")?;
            }
        }
        out.end()
    }
}

/// The summary of SPEC section 7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Providers, in input order.
    pub sources: Vec<Source>,
    /// Display currency.
    pub currency: String,
    /// The fixed instant used.
    pub as_of: String,
    /// Computed total, rounded.
    #[serde(serialize_with = "ser_money")]
    pub total: Decimal,
    /// The providers' own total, converted; `None` when one reports none or has no rate.
    #[serde(serialize_with = "ser_opt_money")]
    pub reported_total: Option<Decimal>,
    /// total - reported_total.
    #[serde(serialize_with = "ser_opt_money")]
    pub difference: Option<Decimal>,
    /// Split by category.
    pub by_category: Vec<Group>,
    /// Split by resource type.
    pub by_resource_type: Vec<Group>,
    /// Split by month, months ascending.
    pub by_month: Vec<Group>,
    /// Unpriced usage.
    pub unpriced: Vec<UnpricedOut>,
    /// Excluded usage.
    pub excluded: Excluded,
    /// CU credits.
    pub credits: Option<Credits>,
    /// Forecast of the month of `as_of`.
    pub forecast: Option<ForecastOut>,
    /// Data problems that did not stop the summary.
    pub warnings: Vec<String>,
}

impl Summary {
    /// The summary's totals and groups as CSV (`section,key,amount`), amounts in `currency`.
    pub fn to_csv(&self) -> String {
        let cell = crate::aggregate::csv_cell;
        let mut out = format!("section,key,amount\ntotal,{},{}\n", self.currency, self.total);
        if let (Some(r), Some(d)) = (self.reported_total, self.difference) {
            out.push_str(&format!("reported_total,{},{r}\ndifference,{},{d}\n", self.currency, self.currency));
        }
        for (section, groups) in [("category", &self.by_category), ("resource_type", &self.by_resource_type), ("month", &self.by_month)] {
            for g in groups {
                out.push_str(&format!("{section},{},{}\n", cell(&g.key), g.total));
            }
        }
        if let Some(f) = &self.forecast {
            out.push_str(&format!("forecast,{},{}\n", f.month, f.total));
        }
        out
    }
}

/// Summarizes priced usage.
///
/// # Errors
/// An amount out of range.
pub fn summarize(priced: &Priced<'_>) -> Result<Summary> {
    let dp = minor_unit(&priced.currency);
    let mut sources: Vec<Source> = Vec::new();
    for u in &priced.usages {
        if !sources.contains(&u.source) {
            sources.push(u.source);
        }
    }
    let exact_total = crate::aggregate::exact_total(priced)?;
    let total = round_money(exact_total, dp, "total")?;
    let reported_total = reported_total(priced).map(|r| round_money(r, dp, "reported_total")).transpose()?;
    let difference = reported_total.and_then(|r| total.checked_sub(r)).map(|d| round_money(d, dp, "difference")).transpose()?;
    let [by_category, by_resource_type, mut by_month] = groups_of(priced, [Dimension::Category, Dimension::ResourceType, Dimension::Month])?;
    by_month.sort_by(|a, b| a.key.cmp(&b.key));
    let credits = credits(priced);
    let forecast = forecast(priced)?.map(|f| ForecastOut {
        month: f.month.to_string(),
        total: round_to(f.total, dp),
        cu_by_month_end: f.cu_by_month_end.map(|v| round_to(v, minor_unit("CU"))),
        credits_run_out: f.credits_run_out.map(|d| d.to_string()),
    });
    Ok(Summary {
        sources,
        currency: priced.currency.clone(),
        as_of: tally_formats::rfc3339_exact(priced.ctx.as_of),
        total,
        reported_total,
        difference,
        by_category,
        by_resource_type,
        by_month,
        unpriced: priced
            .unpriced
            .iter()
            .map(|u| UnpricedOut {
                source: u.source,
                resource_type: u.resource_type.clone(),
                unit: u.unit.clone(),
                quantity: u.quantity,
                count: u.count,
            })
            .collect(),
        excluded: Excluded { count: priced.excluded_count, reported_cost: priced.excluded_reported.map(|r| round_money(r, dp, "excluded.reported_cost")).transpose()? },
        credits,
        forecast,
        warnings: priced.warnings.clone(),
    })
}

/// The sum of every body's reported total in the display currency, if each has one and a rate.
fn reported_total(priced: &Priced<'_>) -> Option<Decimal> {
    let mut sum = Decimal::ZERO;
    for u in &priced.usages {
        let r = u.reported_total?;
        let rate = if u.currency == priced.currency { Decimal::ONE } else { priced.book?.rate(u.currency, &priced.currency)? };
        sum = sum.checked_add(r.checked_mul(rate)?)?;
    }
    Some(sum)
}

fn credits(priced: &Priced<'_>) -> Option<Credits> {
    let dp = minor_unit("CU");
    let mut out: Option<(Decimal, Decimal, Decimal)> = None;
    for c in priced.usages.iter().filter_map(|u| u.credits) {
        let (d, g, u) = out.unwrap_or_default();
        out = Some((d.checked_add(c.deposited)?, g.checked_add(c.granted)?, u.checked_add(c.used)?));
    }
    let (deposited, granted, used) = out?;
    let remaining = deposited.checked_add(granted)?.checked_sub(used)?;
    Some(Credits {
        deposited: round_to(deposited, dp),
        granted: round_to(granted, dp),
        used: round_to(used, dp),
        remaining: round_to(remaining, dp),
    })
}
