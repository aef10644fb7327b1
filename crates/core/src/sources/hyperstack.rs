//! Hyperstack: usage costs history, one record per VM or volume (SPEC 1.2), into charges. The wire
//! structs and their readers are `tally_formats`' (`hyperstack`).

use std::borrow::Cow;

use rust_decimal::Decimal;
use tally_formats::{Data, Envelope};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage, Subject};

pub(super) fn convert(e: Envelope<'_>) -> Result<Usage> {
    if e.status == Some(false) {
        return Err(Error::new(ErrorKind::Provider {
            source: Source::Hyperstack,
            code: e.error_reason.map_or_else(|| "(no code)".into(), Cow::into_owned),
            message: e.message.map_or_else(|| "no message".into(), Cow::into_owned),
        }));
    }
    let resources = match e.data {
        Some(Data::Resources(r)) => r,
        Some(Data::Null | Data::Skipped { .. }) | None => return Err(Error::field("data", "missing: a Hyperstack success body lists its resources in data[]")),
        Some(Data::Cu(_)) => return Err(Error::field("data", "expected an array of resources, found an object")),
    };
    let mut interner = Interner::default();
    let mut charges = Vec::with_capacity(resources.len());
    let mut warnings = Vec::new();
    let mut reported = Decimal::ZERO;
    for (i, r) in resources.iter().enumerate() {
        let excluded = r.exclude_billing.unwrap_or(false);
        if !excluded {
            reported = reported
                .checked_add(r.total_bill.0)
                .ok_or_else(|| Error::overflow(format!("data[{i}].total_bill: the sum of total_bill")))?;
        }
        let start = r.create_time.0;
        let period = match r.terminate_time {
            None => Period::RunningSince(start),
            Some(end) if end.0 < start => {
                warnings.push(format!(
                    "data[{i}] ({}): terminate_time is before create_time; the whole cost is put in the month it started",
                    r.name.as_deref().unwrap_or(&r.resource_id.0)
                ));
                Period::At(start)
            }
            Some(end) => Period::Span { start, end: end.0 },
        };
        charges.push(Charge {
            subject: {
                let subject = Subject {
                    source: Source::Hyperstack,
                    category: Category::Usage,
                    resource_id: Some(interner.key(&r.resource_id.0)),
                    resource_name: interner.opt(r.name.as_deref()),
                    resource_type: interner.key(&r.resource_type),
                    dimensions: Dimensions::default(),
                    unit: interner.key("minute"),
                    currency: Source::Hyperstack.currency(),
                };
                interner.subject(subject)
            },
            period,
            quantity: r.total_up_time.0,
            unit_price: r.bill_per_minute.map(|n| n.0),
            reported_cost: Some(r.total_bill.0),
            excluded,
            executions: None,
            records: 1,
        });
    }
    let coverage = coverage(&charges);
    Ok(Usage {
        source: Source::Hyperstack,
        currency: Source::Hyperstack.currency(),
        charges,
        reported_total: Some(reported),
        credits: None,
        coverage,
        warnings,
    })
}

/// From the first start to the last end; any running resource keeps the coverage open to `as_of`.
fn coverage(charges: &[Charge]) -> Option<Period> {
    let mut start = None;
    let mut end = None;
    let mut running = false;
    for c in charges {
        let (s, e) = match c.period {
            Period::Span { start, end } => (start, Some(end)),
            Period::RunningSince(s) => {
                running = true;
                (s, None)
            }
            Period::At(t) => (t, Some(t)),
            _ => continue,
        };
        start = Some(start.map_or(s, |x: chrono::DateTime<chrono::Utc>| x.min(s)));
        if let Some(e) = e {
            end = Some(end.map_or(e, |x: chrono::DateTime<chrono::Utc>| x.max(e)));
        }
    }
    let start = start?;
    if running {
        Some(Period::RunningSince(start))
    } else {
        Some(Period::Span { start, end: end.unwrap_or(start) })
    }
}
