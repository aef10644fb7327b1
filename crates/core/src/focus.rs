//! Export to FOCUS (FinOps Open Cost and Usage Specification) CSV, SPEC section 2: one row per
//! charge and month, FOCUS 1.3 column names plus ProviderName and PublisherName for 1.2 readers.

use chrono::{DateTime, Duration, Utc};

use crate::aggregate::csv_cell;
use crate::model::{Category, Period, Source};
use crate::pricing::{Piece, Placement, Priced};

/// The columns, in order.
pub const FOCUS_COLUMNS: [&str; 19] = [
    "BilledCost",
    "BillingCurrency",
    "EffectiveCost",
    "ListUnitPrice",
    "PricingCurrency",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ChargeCategory",
    "ChargeFrequency",
    "ChargeDescription",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceProviderName",
    "ProviderName",
    "PublisherName",
    "x_TallySource",
];

fn focus_category(c: Category) -> &'static str {
    match c {
        Category::Usage => "Usage",
        Category::Subscription => "Purchase",
        Category::Tax => "Tax",
        Category::Discount => "Credit",
        Category::Commitment => "Adjustment",
    }
}

fn frequency(c: Category) -> &'static str {
    match c {
        Category::Usage => "Usage-Based",
        _ => "Recurring",
    }
}

fn instant(t: DateTime<Utc>) -> String {
    crate::rfc3339(t)
}

fn period(priced: &Priced<'_>, piece: &Piece) -> (DateTime<Utc>, DateTime<Utc>) {
    let (ms, me) = (piece.month.start(), piece.month.end());
    // Hourly records summed per day (an Aether resource's day) cover the first to the last hour.
    if let Some(Period::Records { first, last }) = priced.charge(piece).map(|c| c.period) {
        return (first, last + Duration::hours(1));
    }
    match priced.placement(piece) {
        // An hourly record covers its hour.
        Placement::At(t) => (t, t + Duration::hours(1)),
        Placement::Span(s, e) => (s.max(ms), e.min(me)),
        Placement::MonthSpread | Placement::Derived => (ms, me),
    }
}

/// The priced charges as FOCUS CSV. Unpriced usage has no cost and is left out (it is listed in
/// the summary's `unpriced`); costs are exact, not rounded, so rows add up to the exact total.
pub fn focus_csv(priced: &Priced<'_>) -> String {
    let mut out = FOCUS_COLUMNS.join(",");
    out.push('\n');
    for piece in &priced.pieces {
        let Some(cost) = piece.cost else { continue };
        let charge = priced.charge(piece);
        let (start, end) = period(priced, piece);
        let source = charge.map(|c| c.source);
        let provider = source.map_or("", Source::display_name);
        let pricing_currency = charge.map_or(priced.currency.as_str(), |c| c.currency);
        let row = [
            cost.normalize().to_string(),
            priced.currency.clone(),
            cost.normalize().to_string(),
            charge.and_then(|c| c.unit_price).map(|p| p.normalize().to_string()).unwrap_or_default(),
            pricing_currency.to_string(),
            charge.map(|_| piece.quantity.normalize().to_string()).unwrap_or_default(),
            charge.map(|c| c.unit.to_string()).unwrap_or_default(),
            focus_category(piece.category).to_string(),
            frequency(piece.category).to_string(),
            charge.map_or_else(|| format!("Monthly {}", piece.category.id()), |c| format!("{} {}", c.resource_type, c.category.id())),
            instant(start),
            instant(end),
            charge.and_then(|c| c.resource_id.as_deref().map(str::to_string)).unwrap_or_default(),
            charge.and_then(|c| c.resource_name.as_deref().map(str::to_string)).unwrap_or_default(),
            charge.map(|c| c.resource_type.to_string()).unwrap_or_else(|| piece.category.id().to_string()),
            provider.to_string(),
            provider.to_string(),
            provider.to_string(),
            source.map(|s| s.id().to_string()).unwrap_or_default(),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_timestamp, price, read_usage, Context, PriceBook};

    #[test]
    fn an_aether_resource_has_one_row_per_day_from_its_first_to_its_last_hour() {
        let item = |pool: &str, at: &str, q: &str| {
            format!(r#"{{"cluster_id": "c", "node_pool_id": "{pool}", "resource_type": "node.s-4vcpu-16gb", "quantity": {q}, "unit": "hour", "recorded_at": "2026-11-{at}Z"}}"#)
        };
        let items = [item("p", "02T05:00:00", "2"), item("p", "02T01:00:00", "1"), item("q", "02T03:00:00", "7"), item("p", "03T00:00:00", "4"), item("p", "02T02:00:00", "1.5")];
        let body = format!(r#"{{"period_start": "2026-11-01T00:00:00Z", "items": [{}]}}"#, items.join(","));
        let book = PriceBook::parse(br#"{"prices": [{"source": "aether", "model": "per_unit", "unit_price": "0.5"}]}"#).unwrap();
        let usage = read_usage(body.as_bytes(), None).unwrap();
        let priced = price(&[&usage], Some(&book), Context { as_of: parse_timestamp("2026-11-23T12:00:00Z").unwrap(), range: None }).unwrap();
        let csv = focus_csv(&priced);
        let column = |name: &str| FOCUS_COLUMNS.iter().position(|c| *c == name).unwrap();
        let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
        let shown: Vec<[&str; 5]> = rows
            .iter()
            .map(|r| [r[column("ResourceId")], r[column("ConsumedQuantity")], r[column("BilledCost")], r[column("ChargePeriodStart")], r[column("ChargePeriodEnd")]])
            .collect();
        assert_eq!(
            shown,
            [
                ["p", "4.5", "2.25", "2026-11-02T01:00:00Z", "2026-11-02T06:00:00Z"],
                ["q", "7", "3.5", "2026-11-02T03:00:00Z", "2026-11-02T04:00:00Z"],
                ["p", "4", "2", "2026-11-03T00:00:00Z", "2026-11-03T01:00:00Z"],
            ]
        );
    }
}
