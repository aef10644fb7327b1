//! Compute-unit credits of a workflow platform (SPEC 1.4), into charges. The wire structs and their
//! readers are `tally_formats`' (`cu`).

use std::borrow::Cow;

use rust_decimal::Decimal;
use tally_formats::{abbreviate, Data, Envelope};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Category, Charge, CreditBalance, Dimensions, Interner, Period, Source, Usage, Subject};
use crate::time::{day_start, Month};

pub(super) fn convert(e: Envelope<'_>, interner: &mut Interner) -> Result<Usage> {
    if e.success == Some(false) {
        let (code, message) = e.error.map_or_else(
            || ("(no code)".to_string(), "no message".to_string()),
            |err| (err.code.map_or_else(|| "(no code)".into(), |c| c.0), err.message.map_or_else(|| "no message".into(), Cow::into_owned)),
        );
        return Err(Error::new(ErrorKind::Provider { source: Source::Cu, code, message }));
    }
    if let Some(code) = e.code.as_ref().filter(|c| !c.is_zero()) {
        return Err(Error::new(ErrorKind::Provider {
            source: Source::Cu,
            code: code.0.clone(),
            message: e.message.map_or_else(|| "no message".into(), Cow::into_owned),
        }));
    }
    let data = match e.data {
        Some(Data::Cu(d)) => d,
        Some(Data::Resources(_)) => return Err(Error::field("data", "expected a usage object, found an array")),
        Some(Data::Null | Data::Skipped { .. }) | None => return Err(Error::field("data", "missing: a CU success body holds its usage in data")),
    };
    let month = match data.year_month.as_deref() {
        Some(text) => Some(Month::parse(text).ok_or_else(|| {
            Error::field("data.yearMonth", format!("expected YYYY-MM, found \"{}\"", abbreviate(text)))
        })?),
        None => None,
    };
    let mut warnings = Vec::new();
    let mut charges = Vec::new();
    let mut daily_sum = Decimal::ZERO;
    let cu = interner.key("CU");
    for (i, day) in data.daily.iter().enumerate() {
        let date = day.date.0.date_naive();
        daily_sum = daily_sum.checked_add(day.used.0).ok_or_else(|| Error::overflow(format!("data.daily[{i}].used")))?;
        let mut rows_sum = Decimal::ZERO;
        for (j, row) in day.breakdown.iter().enumerate() {
            rows_sum = rows_sum
                .checked_add(row.cu.0)
                .ok_or_else(|| Error::overflow(format!("data.daily[{i}].breakdown[{j}].cu")))?;
            let node_type = interner.key(&row.node_type);
            let start = day_start(date);
            let end = date.succ_opt().map_or(start, day_start);
            charges.push(Charge {
                subject: {
                    let subject = Subject {
                        source: Source::Cu,
                        category: Category::Usage,
                        resource_id: None,
                        resource_name: None,
                        resource_type: node_type.clone(),
                        dimensions: Dimensions {
                        node_type: Some(node_type),
                        charge_class: Some(interner.key(&row.class)),
                        ..Dimensions::default()
                    },
                        unit: cu.clone(),
                        currency: Source::Cu.currency(),
                    };
                    interner.subject(subject)
                },
                period: Period::Span { start, end },
                quantity: row.cu.0,
                unit_price: None,
                reported_cost: Some(row.cu.0),
                excluded: false,
                executions: row.count,
                records: 1,
            });
        }
        if rows_sum != day.used.0 {
            warnings.push(format!(
                "{date}: the breakdown adds up to {} CU but the day reports {} CU used",
                rows_sum.normalize(),
                day.used.0.normalize()
            ));
        }
    }
    let summary = &data.summary;
    if daily_sum != summary.used.0 {
        warnings.push(format!(
            "the days add up to {} CU but summary.used is {} CU (days with no usage may be missing, but used CU should match)",
            daily_sum.normalize(),
            summary.used.0.normalize()
        ));
    }
    let coverage = month.or_else(|| data.daily.first().map(|d| Month::of(d.date.0))).map(Period::Month);
    Ok(Usage {
        source: Source::Cu,
        currency: Source::Cu.currency(),
        charges,
        reported_total: Some(summary.used.0),
        credits: Some(CreditBalance { deposited: summary.deposited.0, granted: summary.granted.0, used: summary.used.0 }),
        coverage,
        warnings,
    })
}
