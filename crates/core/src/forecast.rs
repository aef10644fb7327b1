//! The forecast to the end of the month containing `as_of` (SPEC section 6).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::fxhash::FxHashMap;
use crate::model::{Category, Charge, Period, Source, Usage};
use crate::pricing::{derived_lines, month_cost, placement_of, tiered_entry, Context, Placement, Priced};
use crate::time::{hours_between, Month};

/// What the month containing `as_of` will cost, and for CU when the credits run out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// The month forecast.
    pub month: Month,
    /// Exact forecast total in the display currency.
    pub total: Decimal,
    /// CU used by month end (CU sources only).
    pub cu_by_month_end: Option<Decimal>,
    /// The day the remaining CU credits run out at the month's daily rate; `None` when nothing is
    /// being used (they last) or there are no credits.
    pub credits_run_out: Option<NaiveDate>,
}

/// Where a source's period ends; `None` while it still runs.
fn coverage_end(u: &Usage, p: Period, priced: &Priced<'_>) -> Option<DateTime<Utc>> {
    match p {
        Period::Span { end, .. } => Some(end),
        Period::At(t) => Some(t),
        Period::Records { last, .. } => Some(last),
        Period::Month(m) => Some(m.end()),
        Period::RunningSince(_) => None,
        Period::Unspecified => {
            let asked = priced.ctx.range.map_or_else(|| Month::of(priced.ctx.as_of).end(), |r| r.1);
            // Some deployments of the body may have periods of their own, running past the range.
            let own = u.charges.iter().filter_map(|c| match c.period {
                Period::Span { end, .. } => Some(end),
                Period::At(t) => Some(t),
                _ => None,
            });
            Some(own.fold(asked, DateTime::max))
        }
    }
}

/// Whether `as_of` is past every source's period (then there is nothing to forecast).
fn all_past(priced: &Priced<'_>) -> bool {
    let as_of = priced.ctx.as_of;
    priced.usages.iter().all(|u| u.coverage.is_none_or(|c| coverage_end(u, c, priced).is_some_and(|end| as_of >= end)))
}

/// Forecasts the month of `as_of`: subscriptions in full, usage so far extrapolated over the month's
/// hours (usage a tiered price or flat fee prices as a quantity, then priced as the month's bill
/// would), a running Hyperstack resource adding `bill_per_minute` for each minute left, and the
/// book's monthly lines on the result.
///
/// Usage whose period already runs to the month's end (an Elastic deployment billed for the whole
/// month) is taken as it is: extrapolating it would count the rest of the month twice.
///
/// # Errors
/// An amount out of range.
pub fn forecast(priced: &Priced<'_>) -> Result<Option<Forecast>> {
    if priced.usages.is_empty() || all_past(priced) {
        return Ok(None);
    }
    let as_of = priced.ctx.as_of;
    let month = Month::of(as_of);
    let elapsed = hours_between(month.start(), as_of);
    let month_hours = Decimal::from(month.hours());
    let overflow = || Error::overflow("forecast".to_string());
    let extrapolate = |amount: Decimal| -> Result<Decimal> {
        if elapsed <= Decimal::ZERO {
            return Ok(amount);
        }
        amount.checked_mul(month_hours).and_then(|a| a.checked_div(elapsed)).ok_or_else(overflow)
    };
    let mut total = Decimal::ZERO;
    // Usage so far that runs on at the same pace: summed, then extrapolated once (one division,
    // not one per piece, and the more exact for it).
    let mut so_far = Decimal::ZERO;
    // Usage a tiered price or a flat fee prices: the month's quantity so far, by book entry, to be
    // extrapolated and then priced as the month's bill prices it (tiers on the month's quantity,
    // the fee once), rather than its cost extrapolated. By subject, as charges share them.
    let mut tiered: FxHashMap<(usize, &'static str), Quantities> = FxHashMap::default();
    let mut entries: FxHashMap<usize, Option<(usize, &'static str)>> = FxHashMap::default();
    for p in priced.pieces.iter().filter(|p| p.month == month) {
        let Some(cost) = p.cost else { continue };
        let add = match (p.category, priced.charge(p)) {
            (Category::Subscription, _) => cost,
            (Category::Usage, Some(c)) => {
                let entry = match priced.book {
                    Some(book) if !c.excluded => *entries.entry(Arc::as_ptr(&c.subject) as usize).or_insert_with(|| tiered_entry(book, c)),
                    _ => None,
                };
                let whole_month = runs_to_month_end(c.period, &priced.ctx, month);
                match (c.period, entry) {
                    // What it cost so far; the rest of the month is added below, by the minute.
                    // (One that starts after `as_of` has cost nothing so far.)
                    (Period::RunningSince(start), _) if bills_by_the_minute(c) => if start < as_of { cost } else { Decimal::ZERO },
                    (_, Some(entry)) => {
                        let q = tiered.entry(entry).or_default();
                        if whole_month {
                            q.as_it_is = q.as_it_is.checked_add(p.quantity).ok_or_else(overflow)?;
                        } else {
                            let part = p.quantity.checked_mul(share_so_far(c.period, &priced.ctx, month)).ok_or_else(overflow)?;
                            q.so_far = q.so_far.checked_add(part).ok_or_else(overflow)?;
                        }
                        continue;
                    }
                    _ if whole_month => cost,
                    (period, None) => {
                        let part = cost.checked_mul(share_so_far(period, &priced.ctx, month)).ok_or_else(overflow)?;
                        so_far = so_far.checked_add(part).ok_or_else(overflow)?;
                        continue;
                    }
                }
            }
            _ => continue,
        };
        total = total.checked_add(add).ok_or_else(overflow)?;
    }
    for ((entry, currency), q) in tiered {
        let quantity = extrapolate(q.so_far)?.checked_add(q.as_it_is).ok_or_else(overflow)?;
        total = total.checked_add(month_cost(priced, entry, currency, quantity)?).ok_or_else(overflow)?;
    }
    total = total.checked_add(running_to_month_end(priced, month)?).ok_or_else(overflow)?;
    total = total.checked_add(extrapolate(so_far)?).ok_or_else(overflow)?;
    if let Some(book) = priced.book {
        for (_, amount) in derived_lines(book, total)? {
            total = total.checked_add(amount).ok_or_else(overflow)?;
        }
    }
    let (cu_by_month_end, credits_run_out) = cu_forecast(&priced.usages, &priced.ctx, month, elapsed, month_hours)?;
    Ok(Some(Forecast { month, total, cu_by_month_end, credits_run_out }))
}

/// CU used by month end (the month's CU so far, extrapolated as usage is) and the day the credits
/// run out at that pace.
fn cu_forecast(usages: &[&Usage], ctx: &Context, month: Month, elapsed_hours: Decimal, month_hours: Decimal) -> Result<(Option<Decimal>, Option<NaiveDate>)> {
    let as_of = ctx.as_of;
    let cu: Vec<&Usage> = usages.iter().copied().filter(|u| u.source == Source::Cu).collect();
    if cu.is_empty() {
        return Ok((None, None));
    }
    let overflow = || Error::overflow("CU forecast".to_string());
    // As the forecast's total counts them: CU so far, to be extrapolated, and a day under way on
    // the month's last day, taken as it is.
    // The pace (for the day the credits run out) is every CU used so far.
    let (mut to_extrapolate, mut as_it_is, mut used) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut remaining = Decimal::ZERO;
    for u in &cu {
        for c in &u.charges {
            if let Period::Span { start, .. } = c.period {
                if Month::of(start) == month {
                    let part = c.quantity.checked_mul(share_so_far(c.period, ctx, month)).ok_or_else(overflow)?;
                    used = used.checked_add(part).ok_or_else(overflow)?;
                    let (sum, amount) = if runs_to_month_end(c.period, ctx, month) { (&mut as_it_is, c.quantity) } else { (&mut to_extrapolate, part) };
                    *sum = sum.checked_add(amount).ok_or_else(overflow)?;
                }
            }
        }
        if let Some(r) = u.credits.and_then(|c| c.remaining()) {
            remaining = remaining.checked_add(r).ok_or_else(overflow)?;
        }
    }
    if elapsed_hours <= Decimal::ZERO {
        return Ok((to_extrapolate.checked_add(as_it_is), None));
    }
    let by_end = to_extrapolate.checked_mul(month_hours).and_then(|v| v.checked_div(elapsed_hours)).and_then(|v| v.checked_add(as_it_is)).ok_or_else(overflow)?;
    let per_hour = used.checked_div(elapsed_hours).ok_or_else(overflow)?;
    let run_out = if per_hour <= Decimal::ZERO {
        None
    } else if remaining <= Decimal::ZERO {
        Some(as_of.date_naive())
    } else {
        let hours = remaining.checked_div(per_hour).ok_or_else(overflow)?;
        // Beyond ~100 years the date is meaningless: the credits last.
        let hours = rust_decimal::prelude::ToPrimitive::to_i64(&hours.floor()).filter(|h| *h < 24 * 365 * 100);
        hours.and_then(|h| as_of.checked_add_signed(Duration::hours(h))).map(|t| t.date_naive())
    };
    Ok((Some(by_end), run_out))
}

/// Whether a charge's period is under way at `as_of` and already runs to the month's end (an
/// Elastic deployment billed for the whole month): its amount is the month's as it is, and
/// extrapolating it would count the rest of the month twice. A period that starts at or after
/// `as_of` is not under way: what a body records after `as_of` is not usage so far.
fn runs_to_month_end(period: Period, ctx: &Context, month: Month) -> bool {
    matches!(placement_of(period, ctx), Placement::Span(start, end) if end >= month.end() && start < ctx.as_of)
}

/// A book entry's quantity in the forecast month: used so far (to be extrapolated), and in charges
/// that already run to the month's end (taken as they are).
#[derive(Default)]
struct Quantities {
    so_far: Decimal,
    as_it_is: Decimal,
}

/// Whether a charge is a running Hyperstack resource with a per-minute price, which SPEC 6
/// forecasts by the minute to month end rather than by extrapolation.
fn bills_by_the_minute(c: &Charge) -> bool {
    matches!(c.period, Period::RunningSince(_)) && c.source == Source::Hyperstack && !c.excluded && c.unit_price.is_some()
}

/// What the running Hyperstack resources add from `as_of` (or their start, if later) to the end of
/// the month: `bill_per_minute` for each minute, in the display currency. Taken from the charges,
/// not from the month's pieces: at the very start of a month a resource has no piece in it yet,
/// and it still runs to the month's end.
fn running_to_month_end(priced: &Priced<'_>, month: Month) -> Result<Decimal> {
    let overflow = || Error::overflow("forecast".to_string());
    let mut rest = Decimal::ZERO;
    for c in priced.usages.iter().flat_map(|u| &u.charges).filter(|c| bills_by_the_minute(c)) {
        let (Period::RunningSince(start), Some(per_minute)) = (c.period, c.unit_price) else { continue };
        let from = start.max(priced.ctx.as_of).max(month.start());
        let minutes = Decimal::from((month.end() - from).num_minutes().max(0));
        let cost = per_minute.checked_mul(minutes).ok_or_else(overflow)?;
        // Never a currency added without a rate (SPEC 3), here no more than in the total.
        rest = rest.checked_add(priced.to_display(cost, c.currency)?).ok_or_else(overflow)?;
    }
    Ok(rest)
}

/// The part of a usage charge's cost in `month` that was used by `as_of`: "usage so far" (SPEC 6)
/// leaves out what a body records after `as_of`. A span counts by time; summed Aether items
/// ([`Period::Records`]) count as hours from the first item's to the end of the last one's (each
/// item is its hour's usage, so at 12:00 the items of 00:00 to 11:00 are so far, as the 12 hours
/// elapsed); a day's items that straddle `as_of` are counted by time, as if even over those hours.
fn share_so_far(period: Period, ctx: &Context, month: Month) -> Decimal {
    let as_of = ctx.as_of;
    match period {
        Period::Records { first, last } => part_before(first, last + Duration::hours(1), as_of),
        _ => match placement_of(period, ctx) {
            Placement::At(t) => if t <= as_of { Decimal::ONE } else { Decimal::ZERO },
            Placement::Span(start, end) => part_before(start.max(month.start()), end.min(month.end()), as_of),
            Placement::MonthSpread | Placement::Derived => part_before(month.start(), month.end(), as_of),
        },
    }
}

/// The part of `[start, end)` before `as_of`, from 0 to 1.
fn part_before(start: DateTime<Utc>, end: DateTime<Utc>, as_of: DateTime<Utc>) -> Decimal {
    if as_of >= end {
        Decimal::ONE
    } else if as_of <= start {
        Decimal::ZERO
    } else {
        let ms = |d: Duration| Decimal::from(d.num_milliseconds());
        ms(as_of - start).checked_div(ms(end - start)).unwrap_or(Decimal::ONE)
    }
}
