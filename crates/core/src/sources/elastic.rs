//! Elastic Cloud: deployment costs over a date range (SPEC 1.3), into charges. The wire structs and
//! their readers are `tally_formats`' (`elastic`).

use rust_decimal::Decimal;
use tally_formats::Envelope;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Usage, Subject};

pub(super) fn convert(e: Envelope<'_>) -> Result<Usage> {
    // An error body: `errors` with entries, or an empty `errors` and no `deployments` (a body
    // that is neither costs nor a reason is still not costs).
    if let Some(errors) = e.errors.filter(|errs| !errs.is_empty() || e.deployments.is_none()) {
        let code = errors.iter().filter_map(|x| x.code.as_deref()).collect::<Vec<_>>().join(", ");
        let message = errors.iter().filter_map(|x| x.message.as_deref()).collect::<Vec<_>>().join("; ");
        return Err(Error::new(ErrorKind::Provider {
            source: Source::Elastic,
            code: if code.is_empty() { "(no code)".into() } else { code },
            message: if errors.is_empty() { "the body's errors list is empty".into() } else if message.is_empty() { "no message".into() } else { message },
        }));
    }
    let mut interner = Interner::default();
    let mut charges = Vec::new();
    let mut periods = Vec::new();
    let mut warnings = Vec::new();
    for (i, d) in e.deployments.unwrap_or_default().into_iter().enumerate() {
        let period = match &d.period {
            Some(p) if p.end.0 >= p.start.0 => Period::Span { start: p.start.0, end: p.end.0 },
            // As a Hyperstack resource that ends before it starts (SPEC 1.2): a data error on the
            // record, said, with the whole cost at the start.
            Some(p) => {
                warnings.push(format!(
                    "deployments[{i}] ({}): period.end is before period.start; the whole cost is put in the month it started",
                    d.deployment_name.as_deref().unwrap_or(&d.deployment_id)
                ));
                Period::At(p.start.0)
            }
            None => Period::Unspecified,
        };
        periods.push(period);
        let deployment_id = interner.key(&d.deployment_id);
        let name = interner.opt(d.deployment_name.as_deref());
        let mut push = |kind: &str, cost: Decimal, interner: &mut Interner| {
            charges.push(Charge {
                subject: {
                    let subject = Subject {
                        source: Source::Elastic,
                        category: Category::Usage,
                        resource_id: Some(deployment_id.clone()),
                        resource_name: name.clone(),
                        resource_type: interner.key(kind),
                        dimensions: Dimensions { deployment_id: Some(deployment_id.clone()), ..Dimensions::default() },
                        unit: interner.key("ECU"),
                        currency: Source::Elastic.currency(),
                    };
                    interner.subject(subject)
                },
                period,
                // Elastic reports costs, not quantities: the quantity is the cost in ECU, so a price
                // book entry's unit_price acts as a multiplier on it (a what-if "10% cheaper").
                quantity: cost,
                unit_price: None,
                reported_cost: Some(cost),
                excluded: false,
                executions: None,
                records: 1,
            });
        };
        match d.costs.dimensions.as_deref() {
            None | Some([]) => push("capacity", d.costs.total.0, &mut interner),
            Some(dimensions) => {
                for dim in dimensions {
                    push(&dim.kind, dim.cost.0, &mut interner);
                }
            }
        }
    }
    let coverage = coverage(&periods);
    Ok(Usage {
        source: Source::Elastic,
        currency: Source::Elastic.currency(),
        charges,
        reported_total: e.total_cost.map(|n| n.0),
        credits: None,
        coverage,
        warnings,
    })
}

fn coverage(periods: &[Period]) -> Option<Period> {
    let mut span: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> = None;
    for p in periods {
        match *p {
            Period::Span { start, end } => {
                span = Some(span.map_or((start, end), |(s, e)| (s.min(start), e.max(end))));
            }
            // Any deployment without a period covers the request range (or the as_of month).
            Period::Unspecified => return Some(Period::Unspecified),
            _ => {}
        }
    }
    span.map(|(start, end)| Period::Span { start, end }).or(Some(Period::Unspecified))
}
