use leptos::prelude::*;
use rust_decimal::Decimal;
use tally_core::{Breakdown, Dimension};

use crate::components::{BarChart, ChartSeries, ComputeError};
use crate::format;
use crate::route;
use crate::state::AppState;

/// The dimensions a user can break costs down by.
const GROUPINGS: [(Dimension, &str); 8] = [
    (Dimension::ResourceType, "Resource type"),
    (Dimension::Resource, "Resource"),
    (Dimension::Category, "Category"),
    (Dimension::ClusterId, "Cluster"),
    (Dimension::NodePoolId, "Node pool"),
    (Dimension::DeploymentId, "Deployment"),
    (Dimension::NodeType, "Node type"),
    (Dimension::ChargeClass, "Charge class"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Period,
    Group,
    Amount,
}

/// One table row: period, group, amount.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    period: String,
    group: String,
    total: Decimal,
}

/// Months (or the days of one month) against a chosen dimension: a stacked chart and a sortable
/// table whose rows add up exactly to the total.
#[component]
pub fn BreakdownPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The full page keeps the grouping and the drilled-in month in its address (a link or a reload
    // shows the same days; Back leaves the month); an embedded breakdown keeps them to itself.
    let routed = !state.embedded;
    let month_in_url = move || route::param("month").filter(|m| tally_core::Month::parse(m).is_some());
    let dim_in_url = move || {
        route::param("by").and_then(|v| v.parse::<Dimension>().ok()).filter(|d| GROUPINGS.iter().any(|(g, _)| g == d)).unwrap_or(Dimension::ResourceType)
    };
    let dim = RwSignal::new(if routed { dim_in_url() } else { Dimension::ResourceType });
    let month = RwSignal::new(if routed { month_in_url() } else { None });
    // Whether this page pushed the drilled-in month onto the history: "Back to months" then goes
    // back, so the browser's Back does not return into the month just left.
    let pushed = StoredValue::new(false);
    if routed {
        Effect::new(move |_| {
            let m = month.get();
            // Drilling in is a step Back undoes; leaving a month only keeps the address current.
            let step = m.is_some() && route::param("month").is_none();
            route::set_param("month", m.as_deref(), step);
            pushed.set_value(step || (pushed.get_value() && m.is_some()));
        });
        Effect::new(move |_| {
            let d = dim.get();
            route::set_param("by", (d != Dimension::ResourceType).then(|| d.id()), false);
        });
        let back_and_forward = window_event_listener(leptos::ev::popstate, move |_| {
            pushed.try_set_value(false);
            month.try_set(month_in_url());
            dim.try_set(dim_in_url());
        });
        on_cleanup(move || back_and_forward.remove());
    }
    let sort = RwSignal::new((SortBy::Period, true));
    // The month just left by "Back to months": its row takes the focus once it is drawn again, so a
    // keyboard user lands where they were instead of at the top of the page.
    let refocus = RwSignal::new(None::<String>);

    let by = move || -> Vec<Dimension> {
        match month.get() {
            None => vec![Dimension::Month, dim.get()],
            Some(_) => vec![Dimension::Month, Dimension::Day, dim.get()],
        }
    };
    let data = state.breakdown(by);
    // Until the engine answers a changed question, the last answer is not shown as this one's.
    let lines = Memo::new(move |_| match data.get() {
        Some(Ok(b)) if b.by != by() => Ok(Lines::default()),
        Some(Ok(b)) => Ok(to_lines(&b, month.get().as_deref())),
        Some(Err(e)) => Err(e),
        None => Ok(Lines::default()),
    });
    let sorted = Memo::new(move |_| {
        let (by, asc) = sort.get();
        let mut rows = lines.get().map(|l| l.rows).unwrap_or_default();
        rows.sort_by(|a, b| {
            let o = match by {
                SortBy::Period => a.period.cmp(&b.period).then(a.group.cmp(&b.group)),
                SortBy::Group => a.group.cmp(&b.group).then(a.period.cmp(&b.period)),
                SortBy::Amount => a.total.cmp(&b.total),
            };
            if asc { o } else { o.reverse() }
        });
        rows
    });
    let chart = Signal::derive(move || {
        let Lines { rows, currency, ranking, .. } = lines.get().unwrap_or_default();
        chart_series(&rows, currency, &ranking)
    });
    let computing = move || {
        let loaded = state.datasets.with(|d| !d.is_empty());
        loaded && data.with(|d| match d {
            None => true,
            Some(Ok(b)) => b.by != by(),
            Some(Err(_)) => false,
        })
    };
    let drill = Callback::new(move |column: usize| {
        if month.get_untracked().is_none() {
            let cols = chart.get_untracked().columns;
            if let Some(m) = cols.get(column) {
                month.set(Some(m.clone()));
            }
        }
    });
    let header = move |label: &'static str, key: SortBy| {
        view! {
            <th scope="col" class=if key == SortBy::Amount { "num" } else { "" }
                aria-sort=move || { let (k, asc) = sort.get(); if k == key { if asc { "ascending" } else { "descending" } } else { "none" } }>
                <button class="sort" on:click=move |_| sort.update(|(k, asc)| { if *k == key { *asc = !*asc } else { *k = key; *asc = key != SortBy::Amount } })>
                    {label}
                </button>
            </th>
        }
    };

    view! {
        <section class="page" aria-labelledby="breakdown-title">
            <h1 id="breakdown-title">"Breakdown"</h1>
            <div class="toolbar">
                <label class="field-inline">
                    <span>"Group by"</span>
                    <select data-testid="breakdown-dimension" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Ok(d) = v.parse::<Dimension>() { dim.set(d) }
                    }>
                        {GROUPINGS.iter().map(|(d, label)| view! { <option value=d.id() selected=*d == dim.get_untracked()>{*label}</option> }).collect_view()}
                    </select>
                </label>
                {move || match month.get() {
                    None => view! { <span class="muted">"Select a month (its bar or its name) to see its days."</span> }.into_any(),
                    Some(m) => {
                        // Drilling in redraws the chart and the table: the focus goes to the way back.
                        let back = NodeRef::<leptos::html::Button>::new();
                        back.on_load(|button| { let _ = button.focus(); });
                        view! {
                            <span class="crumbs">"Days of "{format::month_label(&m)}" "
                                <button class="link" data-testid="back-to-months" node_ref=back
                                    on:click=move |_| {
                                        refocus.set(month.get_untracked());
                                        match web_sys::window().and_then(|w| w.history().ok()).filter(|_| pushed.get_value()) {
                                            Some(history) => { let _ = history.back(); }
                                            None => month.set(None),
                                        }
                                    }>"Back to months"</button>
                            </span>
                        }.into_any()
                    }
                }}
            </div>
            {move || match lines.get() {
                // Data is loaded but the engine has not answered this question yet.
                _ if computing() => view! { <p class="muted" role="status" data-testid="computing">"Computing…"</p> }.into_any(),
                Err(e) => view! { <ComputeError failure=e testid="breakdown-error"/> }.into_any(),
                Ok(Lines { rows, .. }) if rows.is_empty() && state.loading() => view! { <p class="muted" role="status" data-testid="reading">"Reading the usage…"</p> }.into_any(),
                Ok(Lines { rows, .. }) if rows.is_empty() && state.datasets.with(|d| !d.is_empty()) && month.get().is_some() => {
                    // An old link, or one made from other data: say which months there are.
                    let covered = data.with(|d| {
                        let months: Vec<String> = match d {
                            Some(Ok(b)) => b.rows.iter().filter_map(|r| r.values.first().cloned().flatten().map(|k| k.to_string())).collect(),
                            _ => Vec::new(),
                        };
                        match (months.iter().min(), months.iter().max()) {
                            (Some(first), Some(last)) if first == last => format!(" The data loaded covers {}.", format::month_label(first)),
                            (Some(first), Some(last)) => format!(" The data loaded covers {} to {}.", format::month_label(first), format::month_label(last)),
                            _ => String::new(),
                        }
                    });
                    view! {
                        <p class="empty" data-testid="empty-month">"Nothing was charged in "{month.get().map(|m| format::month_label(&m))}"."{covered}</p>
                    }.into_any()
                }
                Ok(Lines { rows, .. }) if rows.is_empty() => view! { <p class="empty">"Nothing to break down yet: load data first."</p> }.into_any(),
                Ok(Lines { total, currency, .. }) => {
                    let cur = currency.clone();
                    // A month's days are not drilled into: their labels are plain text.
                    let on_column = month.get_untracked().is_none().then_some(drill);
                    view! {
                        <BarChart data=chart on_column/>
                        <div class="table-scroll">
                        <table class="breakdown" data-testid="breakdown-table">
                            <caption class="sr-only">"Costs by period and group; the rows add up to the total."</caption>
                            <thead><tr>
                                {header(if month.get_untracked().is_some() { "Day" } else { "Month" }, SortBy::Period)}
                                {header("Group", SortBy::Group)}
                                {header("Amount", SortBy::Amount)}
                            </tr></thead>
                            <tbody>
                                <For each=move || sorted.get() key=|l| (l.period.clone(), l.group.clone(), l.total) children=move |l| {
                                    let period = l.period.clone();
                                    let drillable = month.get_untracked().is_none();
                                    view! {
                                        <tr data-testid="breakdown-row">
                                            <td>{if drillable {
                                                let p = period.clone();
                                                let button = NodeRef::<leptos::html::Button>::new();
                                                let mine = period.clone();
                                                button.on_load(move |b| {
                                                    if refocus.with_untracked(|r| r.as_deref() == Some(mine.as_str())) {
                                                        refocus.set(None);
                                                        let _ = b.focus();
                                                    }
                                                });
                                                view! { <button class="link" data-month=period.clone() node_ref=button on:click=move |_| month.set(Some(p.clone()))>{format::month_label(&period)}</button> }.into_any()
                                            } else { view! { <span>{period.clone()}</span> }.into_any() }}</td>
                                            <td><crate::components::BreakableName text=l.group.clone()/></td>
                                            <td class="num" data-value=l.total.to_string()>{format::money(&l.total, &cur)}</td>
                                        </tr>
                                    }
                                }/>
                            </tbody>
                            <tfoot><tr>
                                <th scope="row" colspan="2">"Total"</th>
                                <td class="num" data-testid="breakdown-total" data-value=total.to_string()>{format::money(&total, &currency)}</td>
                            </tr></tfoot>
                        </table>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The table's lines for what is shown, their total, and every group of the whole breakdown by
/// name (what gives a group its colour).
#[derive(Debug, Clone, Default, PartialEq)]
struct Lines {
    rows: Vec<Line>,
    total: Decimal,
    currency: String,
    ranking: Vec<String>,
}

/// Flattens a `[month, dim]` or `[month, day, dim]` breakdown into table lines (for one month when
/// drilled in), with their total.
fn to_lines(b: &Breakdown, month: Option<&str>) -> Lines {
    let mut rows = Vec::new();
    for r in &b.rows {
        let v = |i: usize| r.values.get(i).cloned().flatten().map(|k| k.to_string());
        let (period, group) = match month {
            None => (v(0).unwrap_or_default(), v(1)),
            Some(m) => {
                if v(0).as_deref() != Some(m) {
                    continue;
                }
                (v(1).unwrap_or_default(), v(2))
            }
        };
        rows.push(Line { period, group: group.unwrap_or_else(|| NO_GROUP.into()), total: r.total });
    }
    let total = if month.is_some() { rows.iter().fold(Decimal::ZERO, |a, l| a.saturating_add(l.total)) } else { b.total };
    // By name, not by amount: the days' rounded amounts can order two near-equal groups the other
    // way round from the months', and a group must keep its colour. (The What-if lists resource
    // types by name too, so they match its colours.)
    let mut ranking: Vec<String> = b.rows.iter().map(|r| r.values.last().cloned().flatten().map_or_else(|| NO_GROUP.to_string(), |k| k.to_string())).collect();
    ranking.sort_unstable();
    ranking.dedup();
    Lines { rows, total, currency: b.currency.clone(), ranking }
}

/// What a charge without the grouped-by value is listed as.
const NO_GROUP: &str = "(none)";

/// Groups in order of their summed amounts, largest first (ties by name).
fn by_total(amounts: impl IntoIterator<Item = (String, Decimal)>) -> Vec<String> {
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    for (group, amount) in amounts {
        match totals.iter_mut().find(|(g, _)| *g == group) {
            Some(t) => t.1 = t.1.saturating_add(amount),
            None => totals.push((group, amount)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    totals.into_iter().map(|t| t.0).collect()
}

/// Columns are periods; series are groups in order of their total (largest at the bottom). A
/// group's colour is its place in `ranking` (every group of the whole breakdown, by name), so it
/// keeps its colour between the months and a month's days.
fn chart_series(lines: &[Line], currency: String, ranking: &[String]) -> ChartSeries {
    let mut columns: Vec<String> = lines.iter().map(|l| l.period.clone()).collect();
    columns.sort();
    columns.dedup();
    let series = by_total(lines.iter().map(|l| (l.group.clone(), l.total)));
    let values = columns
        .iter()
        .map(|c| {
            series
                .iter()
                .map(|s| lines.iter().filter(|l| &l.period == c && &l.group == s).fold(Decimal::ZERO, |a, l| a.saturating_add(l.total)))
                .collect()
        })
        .collect();
    let colours = series.iter().enumerate().map(|(i, s)| ranking.binary_search(s).unwrap_or(i)).collect();
    ChartSeries { columns, series, values, currency, colours }
}
