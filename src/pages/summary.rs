use leptos::prelude::*;
use tally_core::{Group, Source, Summary};

use crate::components::ComputeError;
use crate::format;
use crate::state::{AppState, View};

/// Totals at a glance: computed vs reported, subscriptions vs usage, what is unpriced or excluded,
/// the month-end forecast and, for CU, the credit balance.
#[component]
pub fn SummaryPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let summary = state.summary();
    view! {
        <section class="page" aria-labelledby="summary-title">
            <h1 id="summary-title">"Summary"</h1>
            {move || match summary.get() {
                // The first body is on its way in (the notice above shows how far).
                None if state.datasets.with(Vec::is_empty) && state.loading() => view! { <p class="muted" role="status" data-testid="reading">"Reading the usage…"</p> }.into_any(),
                None if state.datasets.with(Vec::is_empty) => view! { <EmptyState/> }.into_any(),
                None => view! { <p class="muted" role="status" data-testid="computing">"Computing…"</p> }.into_any(),
                Some(Err(e)) => view! { <ComputeError failure=e testid="summary-error"/> }.into_any(),
                Some(Ok(s)) => view! { <SummaryBody summary=s/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    let state = expect_context::<AppState>();
    if state.embedded {
        // Inside someone else's page the data comes from that page: nothing here to load it with.
        return view! { <div class="empty" data-testid="empty"><p>"No usage loaded."</p></div> }.into_any();
    }
    view! {
        <div class="empty" data-testid="empty">
            <p>"Nothing loaded yet. Pick a sample above, or load your own usage JSON."</p>
            <button class="primary" on:click=move |_| state.view.set(View::Data)>"Load data"</button>
        </div>
    }
    .into_any()
}

#[component]
fn SummaryBody(summary: Summary) -> impl IntoView {
    let s = summary;
    let cur = s.currency.clone();
    let money = move |d: &rust_decimal::Decimal| format::money(d, &cur);
    let differs = s.difference.is_some_and(|d| !d.is_zero());
    let sources = s.sources.iter().map(|x| x.display_name()).collect::<Vec<_>>().join(", ");
    view! {
        <p class="subtitle">{sources}" · as of "<time datetime=s.as_of.clone() title=s.as_of.clone() data-testid="as-of">{format::instant_label(&s.as_of)}</time></p>
        <div class="cards">
            <div class="card total-card">
                <h2>"Total"</h2>
                <p class="big" data-testid="total" data-value=s.total.to_string()>{money(&s.total)}</p>
                <p class="muted" data-testid="total-period">{period_label(&s.by_month)}</p>
                <p class="muted">"Currency: "<span data-testid="currency">{s.currency.clone()}</span></p>
            </div>
            <div class=if differs { "card warn" } else { "card" }>
                <h2>"Reported by the provider"</h2>
                <p class="big" data-testid="reported-total" data-value=s.reported_total.map(|r| r.to_string()).unwrap_or_default()>
                    {s.reported_total.as_ref().map_or_else(|| "not reported".to_string(), &money)}
                </p>
                <p class="muted" data-testid="difference" data-value=s.difference.map(|r| r.to_string()).unwrap_or_default()>
                    {match s.difference {
                        Some(d) if d.is_zero() => "Matches Tally's total".to_string(),
                        Some(d) => format!("Differs from Tally's total by {}", money(&d)),
                        None => "No comparable provider total".to_string(),
                    }}
                </p>
            </div>
            {s.forecast.clone().map(|f| {
                // The total may span months; the forecast is one month's: set it beside that
                // month's own amount so far, not beside the total.
                let so_far = s.by_month.iter().find(|g| g.key == f.month).map_or(rust_decimal::Decimal::ZERO, |g| g.total);
                view! {
                    <div class="card">
                        <h2>"Forecast for "{format::month_label(&f.month)}</h2>
                        <p class="big" data-testid="forecast">{money(&f.total)}</p>
                        <p class="muted" data-testid="forecast-so-far" data-value=so_far.to_string()>{money(&so_far)}" so far this month"</p>
                        <p class="muted" data-testid="forecast-basis">{forecast_basis(&s.sources)}</p>
                    </div>
                }
            })}
            {s.credits.clone().map(|c| {
                let run_out = s.forecast.as_ref().and_then(|f| f.credits_run_out.clone());
                view! {
                    <div class="card">
                        <h2>"CU credits"</h2>
                        <p class="big" data-testid="credits-remaining">{format::money(&c.remaining, "CU")}" left"</p>
                        <p class="muted">{format!("{} deposited + {} granted − {} used", format::quantity(&c.deposited), format::quantity(&c.granted), format::quantity(&c.used))}</p>
                        <p class="muted" data-testid="credits-run-out">{match run_out {
                            Some(d) => format!("At this month's rate they run out on {}.", format::date_label(&d)),
                            None => "At this month's rate they last.".to_string(),
                        }}</p>
                    </div>
                }
            })}
        </div>
        {(!s.unpriced.is_empty()).then(|| view! {
            <div class="callout warn" data-testid="unpriced">
                <h2>"Unpriced usage (not in the total)"</h2>
                <p>"No price in the price book matches these records, and the provider gives no cost. Add prices on the What-if view or load a price book."</p>
                <ul>{s.unpriced.iter().map(|u| view! {
                    <li>{format!("{} · {} · {} {} in {} records", u.source.display_name(), u.resource_type, format::quantity(&u.quantity), u.unit, u.count)}</li>
                }).collect_view()}</ul>
            </div>
        })}
        {(s.excluded.count > 0).then(|| view! {
            <div class="callout" data-testid="excluded">
                <h2>"Excluded from billing"</h2>
                <p>{excluded_text(s.excluded.count, s.excluded.reported_cost.map(|r| format::money(&r, &s.currency)))}</p>
            </div>
        })}
        <div class="columns">
            <GroupTable title="By category" groups=s.by_category.clone() currency=s.currency.clone() testid="by-category"/>
            <GroupTable title="By month" groups=s.by_month.clone() currency=s.currency.clone() testid="by-month"/>
        </div>
        <GroupTable title="By resource type" groups=s.by_resource_type.clone() currency=s.currency.clone() testid="by-resource-type"/>
        {(!s.warnings.is_empty()).then(|| view! {
            <div class="callout" data-testid="warnings">
                <h2>"Data warnings"</h2>
                <ul>{s.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            </div>
        })}
    }
}

/// How the forecast was made, in the terms of the providers loaded (SPEC 6).
fn forecast_basis(sources: &[Source]) -> String {
    let has = |x: Source| sources.contains(&x);
    // Each clause as it reads first in the sentence, and after a semicolon. (Written out: the
    // standard library's `to_uppercase` brings Unicode's case tables into the wasm.)
    let mut clauses = Vec::new();
    if has(Source::Aether) {
        clauses.push(("Subscriptions in full", "subscriptions in full"));
    }
    if has(Source::Hyperstack) {
        clauses.push(("Running resources billed to month end", "running resources billed to month end"));
    }
    if sources.iter().any(|x| *x != Source::Hyperstack) {
        clauses.push(("Usage so far extended to month end", "usage so far extended to month end"));
    }
    let Some(((first, _), rest)) = clauses.split_first() else { return String::new() };
    let mut text = (*first).to_string();
    for (_, later) in rest {
        text.push_str("; ");
        text.push_str(later);
    }
    text.push('.');
    text
}

/// "1 resource is excluded by the provider; it reported …" (and the plural). `reported` is `None`
/// when the provider's figure has no rate into the display currency.
fn excluded_text(count: u64, reported: Option<String>) -> String {
    let (what, they, cost) = if count == 1 { ("1 resource is", "it", "costs") } else { ("resources are", "they", "cost") };
    let what = if count == 1 { what.to_string() } else { format!("{count} {what}") };
    match reported {
        Some(r) => format!("{what} excluded by the provider; {they} reported {r} and {cost} nothing here."),
        None => format!("{what} excluded by the provider and {cost} nothing here (what {they} reported has no exchange rate into this currency)."),
    }
}

/// What the total covers: "November 2026", or "August 2026 to November 2026" (`by_month` is in
/// month order).
fn period_label(by_month: &[Group]) -> String {
    match by_month {
        [] => String::new(),
        [one] => format::month_label(&one.key),
        [first, .., last] => format!("{} to {}", format::month_label(&first.key), format::month_label(&last.key)),
    }
}

/// A one-level group table whose rows add up to the total.
#[component]
fn GroupTable(title: &'static str, groups: Vec<Group>, currency: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="table-scroll">
        <table class="groups" data-testid=testid>
            <caption>{title}</caption>
            <thead><tr><th scope="col">"Group"</th><th scope="col" class="num">"Amount"</th></tr></thead>
            <tbody>
                {groups.into_iter().map(|g| view! {
                    <tr><th scope="row"><crate::components::BreakableName text=g.key.clone()/></th><td class="num" data-value=g.total.to_string()>{format::money(&g.total, &currency)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
