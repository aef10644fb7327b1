use leptos::prelude::*;
use rust_decimal::Decimal;
use tally_core::{billable_hours, Adjustment, AmountText, Comparison, Match, NewCharge, Scenario};

use crate::engine::{Export, Job, Reply};

use crate::book_draft::BookDraft;
use crate::components::{BarChart, ChartSeries, ComputeError, PriceBookEditor};
use crate::download::download;
use crate::format;
use crate::persist;
use crate::state::AppState;

/// A plain-language description of an adjustment.
fn describe(a: &Adjustment) -> String {
    let what = |m: &Match| {
        let parts: Vec<String> = [("", &m.source), ("", &m.resource_type), ("unit ", &m.unit), ("resource ", &m.resource), ("", &m.category)]
            .iter()
            .filter_map(|(p, v)| v.as_ref().map(|v| format!("{p}{v}")))
            .collect();
        if parts.is_empty() { "all charges".to_string() } else { parts.join(" · ") }
    };
    match a {
        Adjustment::Scale { matching, factor } => format!("Scale {} by {}", what(matching), factor.0.normalize()),
        Adjustment::SetPrice { matching, unit_price } => format!("Price {} at {} per unit", what(matching), unit_price.0.normalize()),
        Adjustment::Remove { matching } => format!("Remove {}", what(matching)),
        Adjustment::Add { charge } if charge.category == "subscription" => format!(
            "Add a {} subscription {} of {} in {}",
            charge.source,
            charge.resource.clone().unwrap_or_else(|| charge.resource_type.clone()),
            charge.amount.map(|a| a.0.normalize().to_string()).unwrap_or_default(),
            charge.month
        ),
        Adjustment::Add { charge } => match (&charge.quantity, charge.run_minutes.is_empty()) {
            (Some(q), _) => format!("Add {} {} of {} in {}", q.0.normalize(), charge.unit, charge.resource_type, charge.month),
            (None, false) => {
                // u128: a u64 sum of absurd runs would wrap in a release build.
                let hours: u128 = charge.run_minutes.iter().map(|m| u128::from(billable_hours(*m))).sum();
                format!(
                    "Add {} × {}, runs of {} min = {} each, in {}",
                    charge.resource_type,
                    format::counted(charge.nodes.unwrap_or(1), "node"),
                    charge.run_minutes.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
                    if hours == 1 { "1 billed hour".to_string() } else { format!("{hours} billed hours") },
                    charge.month
                )
            }
            (None, true) => format!("Add {}", charge.resource_type),
        },
    }
}

fn amount(text: &str) -> Option<AmountText> {
    tally_core::parse_decimal(text).ok().map(AmountText)
}

/// What-if estimation: build a scenario over the loaded usage (or nothing), edit prices, and see base
/// and scenario side by side. Everything runs locally, with the network off too.
#[component]
pub fn WhatIfPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let from_nothing = RwSignal::new(false);
    // The editor shows the scenario's own prices if it has them, else the current price book; only
    // an edit that differs from the current book makes it the scenario's.
    let current = move || state.book.get().map_or_else(BookDraft::default, |(_, b)| BookDraft::from_book(&b));
    let draft = RwSignal::new(state.book_draft.get_untracked().unwrap_or_else(|| untrack(current)));
    // What "Use as current prices" did, until the prices are edited again (applying them sets the
    // draft anew too, with the same prices: that is not an edit).
    let applied = RwSignal::new(None::<(bool, String)>);
    let applied_to = StoredValue::new(None::<serde_json::Value>);
    Effect::new(move |_| {
        let now = draft.with(BookDraft::to_value);
        if applied_to.with_value(|was| was.as_ref().is_some_and(|was| *was != now)) {
            applied_to.set_value(None);
            applied.set(None);
        }
    });
    Effect::new(move |_| {
        let d = draft.get();
        let edited = d.to_value() != current().to_value();
        state.book_draft.set(edited.then_some(d));
    });
    Effect::new(move |_| {
        let now = current();
        if untrack(move || state.book_draft.get().is_none()) {
            draft.set(now);
        }
    });
    // Saved on every change, so a reload or a closed tab loses nothing.
    Effect::new(move |_| persist::save_scenario(&state.scenario_with_book().to_json()));

    let comparison = state.computed(
        move || {
            let datasets: Vec<u32> = state.datasets.with(|d| d.iter().map(|d| d.id).collect());
            let scenario = state.scenario_with_book();
            if scenario.adjustments.is_empty() && scenario.price_book.is_none() && datasets.is_empty() {
                return None;
            }
            let from_nothing = from_nothing.get();
            // A shared link opened in a fresh tab restores its scenario before the usage arrives:
            // comparing against no usage then would flash "now 0.00" and a wrong difference.
            if datasets.is_empty() && !from_nothing && state.loading() {
                return None;
            }
            let job = Job::Estimate { scenario: scenario.to_json(), from_nothing };
            Some((job, state.inputs_over(datasets)))
        },
        |r| match r {
            Reply::Estimate(c) => Some(*c),
            _ => None,
        },
    );
    let add = move |a: Adjustment| state.scenario.update(|s| s.adjustments.push(a));

    view! {
        <section class="page" aria-labelledby="whatif-title">
            <h1 id="whatif-title">"What-if"</h1>
            <p class="muted">"Change usage and prices and compare with what you have now. Everything is computed on this device; the scenario is saved here and can be shared as a link."</p>
            <label class="check">
                <input type="checkbox" data-testid="whatif-from-nothing" prop:checked=move || from_nothing.get() on:change=move |ev| from_nothing.set(event_target_checked(&ev))/>
                <span>"Start from nothing (ignore the loaded usage)"</span>
            </label>
            <div class="whatif-grid">
                <div>
                    <ScenarioForms add=Callback::new(add)/>
                    <h2>"Scenario"</h2>
                    <ol class="adjustments" data-testid="adjustments">
                        {move || state.scenario.get().adjustments.iter().enumerate().map(|(i, a)| {
                            let what = describe(a);
                            view! {
                                <li>{what.clone()}" "<button class="link" aria-label=format!("Remove: {what}") on:click=move |_| state.scenario.update(|s| { s.adjustments.remove(i); })>"Remove"</button></li>
                            }
                        }).collect_view()}
                    </ol>
                    {move || state.scenario.with(|s| s.adjustments.is_empty()).then(|| view! {
                        <p class="muted" data-testid="no-adjustments">"No changes yet: add one with the forms above."</p>
                    })}
                    <h2>"Discount, commitment and tax in the scenario"</h2>
                    <Overrides/>
                    <details class="panel" open>
                        <summary><h2 class="inline">"Scenario prices"</h2></summary>
                        {move || draft.with(|d| d.validate().err()).map(|_| view! {
                            <p class="callout warn" role="status" data-testid="book-invalid">"These prices have an error (marked below); the scenario uses the current prices until it is fixed."</p>
                        })}
                        <PriceBookEditor draft=draft/>
                        <div class="button-row">
                            <button type="button" on:click=move |_| draft.set(state.book.get_untracked().map_or_else(BookDraft::default, |(_, b)| BookDraft::from_book(&b)))>"Reset to current prices"</button>
                            <button type="button" data-testid="apply-book" on:click=move |_| match draft.with_untracked(|d| { applied_to.set_value(Some(d.to_value())); d.validate() }) {
                                Ok(b) => {
                                    state.book.set(Some(("edited prices".into(), std::sync::Arc::new(b))));
                                    applied.set(Some((true, "These prices are now the current price book, on every view.".into())));
                                }
                                Err((p, m)) => applied.set(Some((false, format!("Not used: {p}: {m}")))),
                            }>"Use as current prices"</button>
                        </div>
                        // Said beside the button, not in the banner at the top of the page.
                        <p role="status" data-testid="apply-status" class=move || match applied.get() { Some((false, _)) => "field-error", _ => "muted" }>
                            {move || applied.get().map(|(_, text)| text)}
                        </p>
                    </details>
                </div>
                <div id="whatif-results" class="whatif-results" tabindex="-1">
                    <Results comparison=comparison/>
                    <ShareAndExport/>
                </div>
            </div>
            {(!state.embedded).then(|| view! { <ComparisonBar comparison=comparison/> })}
        </section>
    }
}

/// The forms that add adjustments.
#[component]
fn ScenarioForms(
    /// Adds an adjustment to the scenario.
    add: Callback<Adjustment>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let types = Memo::new(move |_| state.resource_types());
    let first_source = Memo::new(move |_| state.datasets.get().first().map_or("aether", |d| d.meta.source.id()).to_string());
    let month = Memo::new(move |_| tally_core::Month::of(state.as_of.get()).to_string());

    let scale_type = RwSignal::new(String::new());
    let scale_factor = RwSignal::new("1.5".to_string());
    let node_type = RwSignal::new("node.gpu-l40s-1".to_string());
    let nodes = RwSignal::new("2".to_string());
    let runs = RwSignal::new("10, 15, 70".to_string());
    let price_type = RwSignal::new(String::new());
    let price_value = RwSignal::new(String::new());
    let pool = RwSignal::new(String::new());
    let pool_fee = RwSignal::new(String::new());
    let form_error = RwSignal::new(None::<String>);

    let runs_parsed = move || -> Result<Vec<u64>, String> {
        runs.get().split([',', ' ']).filter(|s| !s.is_empty()).map(|s| s.trim().parse::<u64>().map_err(|_| format!("run times: \"{s}\" is not a whole number of minutes"))).collect()
    };
    let billed = move || runs_parsed().map(|r| r.iter().map(|m| billable_hours(*m)).collect::<Vec<_>>());
    let type_options = move || types.get().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view();
    let pools = Memo::new(move |_| state.node_pools());
    let fail = move |m: String| form_error.set(Some(m));

    view! {
        <div class="panel whatif-forms">
            <h2>"Change usage"</h2>
            <datalist id="resource-types">{type_options}</datalist>
            <form class="inline-form" data-testid="form-scale" on:submit=move |ev| {
                ev.prevent_default();
                let Some(f) = amount(&scale_factor.get_untracked()) else { return fail("Scale: the factor must be a number, such as 1.5 or 0.8.".into()) };
                // Refused here, at the form, rather than added and then refused by the whole estimate.
                if f.0.is_sign_negative() { return fail("Scale: the factor cannot be negative (0 removes the usage).".into()) }
                let t = scale_type.get_untracked();
                add.run(Adjustment::Scale { matching: Match { resource_type: (!t.is_empty()).then_some(t), ..Match::default() }, factor: f });
                form_error.set(None);
            }>
                <label><span>"Scale usage of"</span><input list="resource-types" placeholder="all usage" data-testid="scale-type" prop:value=move || scale_type.get() on:input=move |ev| scale_type.set(event_target_value(&ev))/></label>
                <label><span>"by"</span><input inputmode="decimal" size="5" data-testid="scale-factor" prop:value=move || scale_factor.get() on:input=move |ev| scale_factor.set(event_target_value(&ev))/></label>
                <button type="submit">"Add"</button>
            </form>
            <form class="inline-form" data-testid="form-nodes" on:submit=move |ev| {
                ev.prevent_default();
                let run_minutes = match runs_parsed() { Ok(r) if !r.is_empty() => r, Ok(_) => return fail("run times: give at least one".into()), Err(e) => return fail(e) };
                let Ok(n) = nodes.get_untracked().trim().parse::<u64>() else { return fail("nodes: a whole number".into()) };
                add.run(Adjustment::Add { charge: NewCharge {
                    source: first_source.get_untracked(), category: "usage".into(), resource_type: node_type.get_untracked(), unit: "hour".into(),
                    resource: None, month: month.get_untracked(), quantity: None, run_minutes, nodes: Some(n), amount: None,
                }});
                form_error.set(None);
            }>
                <label><span>"Add"</span><input size="3" inputmode="numeric" data-testid="nodes-count" prop:value=move || nodes.get() on:input=move |ev| nodes.set(event_target_value(&ev))/></label>
                <label><span>"nodes of"</span><input list="resource-types" data-testid="nodes-type" prop:value=move || node_type.get() on:input=move |ev| node_type.set(event_target_value(&ev))/></label>
                <label><span>"each running (minutes)"</span><input data-testid="nodes-runs" prop:value=move || runs.get() on:input=move |ev| runs.set(event_target_value(&ev))/></label>
                <button type="submit" data-testid="nodes-add">"Add"</button>
                <p class="muted" data-testid="billed-hours">{move || match billed() {
                    Ok(h) => format!("Billed per started hour, runs under 15 minutes free: {} = {} per node", h.iter().map(u64::to_string).collect::<Vec<_>>().join(" + "), { let total: u128 = h.iter().map(|&x| u128::from(x)).sum(); if total == 1 { "1 hour".to_string() } else { format!("{total} hours") } }),
                    Err(e) => e,
                }}</p>
            </form>
            <form class="inline-form" data-testid="form-price" on:submit=move |ev| {
                ev.prevent_default();
                let Some(p) = amount(&price_value.get_untracked()) else { return fail("unit price: a number".into()) };
                let t = price_type.get_untracked();
                if t.is_empty() { return fail("unit price: choose a resource type".into()) }
                add.run(Adjustment::SetPrice { matching: Match { resource_type: Some(t), ..Match::default() }, unit_price: p });
                form_error.set(None);
            }>
                <label><span>"Price"</span><input list="resource-types" data-testid="price-type" prop:value=move || price_type.get() on:input=move |ev| price_type.set(event_target_value(&ev))/></label>
                <label><span>"at"</span><input inputmode="decimal" size="7" data-testid="price-value" prop:value=move || price_value.get() on:input=move |ev| price_value.set(event_target_value(&ev))/></label>
                <button type="submit">"Add"</button>
            </form>
            <Show when=move || !pools.get().is_empty()>
                <form class="inline-form" data-testid="form-pool" on:submit=move |ev| {
                    ev.prevent_default();
                    let p = pool.get_untracked();
                    let Some(fee) = amount(&pool_fee.get_untracked()) else { return fail("monthly fee: a number".into()) };
                    if p.is_empty() { return fail("node pool: choose one".into()) }
                    add.run(Adjustment::Remove { matching: Match { resource: Some(p.clone()), category: Some("usage".into()), ..Match::default() } });
                    add.run(Adjustment::Add { charge: NewCharge {
                        source: "aether".into(), category: "subscription".into(), resource_type: "node_pool".into(), unit: "month".into(),
                        resource: Some(p), month: month.get_untracked(), quantity: None, run_minutes: Vec::new(), nodes: None, amount: Some(fee),
                    }});
                    form_error.set(None);
                }>
                    <label><span>"Fixed pool instead of autoscaling:"</span>
                        <select data-testid="pool-id" on:change=move |ev| pool.set(event_target_value(&ev))>
                            <option value="">"choose a node pool"</option>
                            {move || pools.get().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label><span>"for"</span><input inputmode="decimal" size="13" placeholder="fee per month" data-testid="pool-fee" prop:value=move || pool_fee.get() on:input=move |ev| pool_fee.set(event_target_value(&ev))/></label>
                    <button type="submit">"Add"</button>
                </form>
            </Show>
            {move || form_error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="form-error">{e}</p> })}
        </div>
    }
}

/// Discount, commitment and tax overrides of the scenario.
#[component]
fn Overrides() -> impl IntoView {
    let state = expect_context::<AppState>();
    let field = move |label: &'static str, testid: &'static str, get: fn(&Scenario) -> Option<AmountText>, set: fn(&mut Scenario, Option<AmountText>)| {
        view! {
            <label class="book-field"><span>{label}</span>
                <input inputmode="decimal" placeholder="as in the price book" data-testid=testid
                    prop:value=move || state.scenario.with(|s| get(s).map(|a| a.0.normalize().to_string()).unwrap_or_default())
                    on:change=move |ev| { let v = event_target_value(&ev); state.scenario.update(|s| set(s, amount(&v))) }/>
            </label>
        }
    };
    view! {
        <div class="book-top overrides">
            {field("Discount %", "override-discount", |s| s.discount_percent, |s, v| s.discount_percent = v)}
            {field("Minimum per month", "override-minimum", |s| s.minimum_monthly, |s, v| s.minimum_monthly = v)}
            {field("Tax %", "override-tax", |s| s.tax_percent, |s, v| s.tax_percent = v)}
        </div>
    }
}

/// Base and scenario side by side, as numbers and as a chart.
#[component]
fn Results(
    /// The comparison to show.
    comparison: ReadSignal<Option<Result<Comparison, crate::engine::Failure>>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chart = Signal::derive(move || {
        let Some(Ok(c)) = comparison.get() else {
            return ChartSeries { columns: vec![], series: vec![], values: vec![], currency: String::new(), colours: vec![] };
        };
        let series: Vec<String> = c.by_resource_type.iter().map(|d| d.key.clone()).collect();
        let col = |pick: fn(&tally_core::Delta) -> &String| c.by_resource_type.iter().map(|d| pick(d).parse::<Decimal>().unwrap_or_default()).collect::<Vec<_>>();
        // Colours by name among the types the usage has now (as the Breakdown gives them), then
        // the scenario's new ones (a discount, a new node type): adding one recolours nothing.
        let now = |d: &tally_core::Delta| !d.base.parse::<Decimal>().unwrap_or_default().is_zero();
        let existing = c.by_resource_type.iter().filter(|d| now(d)).count();
        let (mut old, mut new) = (0, existing);
        let colours = c.by_resource_type.iter().map(|d| {
            let slot = if now(d) { &mut old } else { &mut new };
            *slot += 1;
            *slot - 1
        }).collect();
        ChartSeries { columns: vec!["Now".into(), "Scenario".into()], series, values: vec![col(|d| &d.base), col(|d| &d.scenario)], currency: c.currency.clone(), colours }
    });
    view! {
        {move || match comparison.get() {
            None if state.datasets.with(Vec::is_empty) && state.loading() => view! { <p class="muted" role="status" data-testid="computing">"Waiting for the usage being loaded…"</p> }.into_any(),
            None if state.datasets.with(|d| !d.is_empty()) => view! { <p class="muted" role="status" data-testid="computing">"Computing…"</p> }.into_any(),
            None => view! { <p class="empty">"Load usage or add a change to see an estimate."</p> }.into_any(),
            Some(Err(e)) => view! { <ComputeError failure=e testid="whatif-error"/> }.into_any(),
            Some(Ok(c)) => {
                let cur = c.currency.clone();
                let m = move |s: &str| format::money(&s.parse::<Decimal>().unwrap_or_default(), &cur);
                let diff: Decimal = c.difference.parse().unwrap_or_default();
                view! {
                    <div class="cards">
                        <div class="card"><h2>"Now"</h2><p class="big" data-testid="whatif-base" data-value=c.base.clone()>{m(&c.base)}</p></div>
                        <div class="card"><h2>"Scenario"</h2><p class="big" data-testid="whatif-scenario" data-value=c.scenario.clone()>{m(&c.scenario)}</p></div>
                        <div class=if diff.is_zero() { "card" } else if diff.is_sign_negative() { "card saving" } else { "card warn" } data-testid="whatif-difference-card"><h2>"Difference"</h2>
                            <p class="big" data-testid="whatif-difference" data-value=c.difference.clone()>{format::difference(&diff, &c.currency)}</p></div>
                    </div>
                    {(c.unpriced_count > 0).then(|| view! { <p class="callout warn">{format!("{} scenario records have no price and are not in its total: add a price below.", c.unpriced_count)}</p> })}
                    <BarChart data=chart/>
                    <DeltaTable title="By month" rows=c.by_month.clone() currency=c.currency.clone() testid="whatif-by-month"/>
                    <DeltaTable title="By resource type" rows=c.by_resource_type.clone() currency=c.currency.clone() testid="whatif-by-type"/>
                }.into_any()
            }
        }}
    }
}

/// On a narrow screen the comparison sits below every form, a long scroll from the change just
/// made: once there is a change, a bar at the foot of the screen keeps the scenario's total and
/// difference in sight (or says that the comparison needs an exchange rate), and takes the user
/// to the comparison. (Wide screens show both columns; the bar is hidden there.)
#[component]
fn ComparisonBar(comparison: ReadSignal<Option<Result<Comparison, crate::engine::Failure>>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let jump = move |_| {
        if let Some(results) = crate::dom::element("whatif-results") {
            // Focus alone scrolls a tall element only as far as "nearest" takes it: its top is
            // brought to the top of the screen first.
            let _ = results.focus();
            results.scroll_into_view();
        }
    };
    let changed = move || state.scenario.with(|s| !s.adjustments.is_empty()) || state.book_draft.with(Option::is_some);
    move || {
        let said = match comparison.get() {
            Some(Ok(c)) if changed() => {
                let amount = |s: &str| s.parse::<Decimal>().unwrap_or_default();
                let (scenario, difference) = (format::money(&amount(&c.scenario), &c.currency), format::difference(&amount(&c.difference), &c.currency));
                view! { <span>"Scenario "<strong data-testid="bar-scenario">{scenario}</strong>" ("<span data-testid="bar-difference">{difference}</span>")"</span> }.into_any()
            }
            // A failure shows where the comparison would be, below every form: said here too.
            Some(Err(e)) => {
                let text = match e.missing_rate {
                    Some((target, other)) => format!("The comparison needs a {other} to {target} exchange rate."),
                    None => "The comparison could not be made.".to_string(),
                };
                view! { <span class="bar-problem" data-testid="bar-problem">{text}</span> }.into_any()
            }
            _ => return None,
        };
        Some(view! {
            <div class="comparison-bar" data-testid="comparison-bar">
                {said}
                <button type="button" class="link" data-testid="bar-jump" on:click=jump>"See the comparison"</button>
            </div>
        })
    }
}

#[component]
fn DeltaTable(title: &'static str, rows: Vec<tally_core::Delta>, currency: String, testid: &'static str) -> impl IntoView {
    let m = move |s: &str| format::money(&s.parse::<Decimal>().unwrap_or_default(), &currency);
    // Four columns may not fit a phone: the table then scrolls in its own frame (browsers let the
    // keyboard focus and scroll such a frame).
    view! {
        <div class="table-scroll">
        <table data-testid=testid>
            <caption>{title}</caption>
            <thead><tr><th scope="col">"Group"</th><th scope="col" class="num">"Now"</th><th scope="col" class="num">"Scenario"</th><th scope="col" class="num">"Difference"</th></tr></thead>
            <tbody>{rows.into_iter().map(|d| view! {
                <tr><th scope="row"><crate::components::BreakableName text=d.key.clone()/></th><td class="num">{m(&d.base)}</td><td class="num">{m(&d.scenario)}</td><td class="num" data-value=d.difference.clone()>{m(&d.difference)}</td></tr>
            }).collect_view()}</tbody>
        </table>
        </div>
    }
}

/// Share link and downloads.
#[component]
fn ShareAndExport() -> impl IntoView {
    let state = expect_context::<AppState>();
    let link = RwSignal::new(String::new());
    // Whether the link reached the clipboard (the browser may refuse without a permission).
    let copied = RwSignal::new(None::<bool>);
    let save = move |name: &str, mime: &str, text: Result<String, String>| match text.and_then(|t| download(name, mime, &t)) {
        Ok(()) => {}
        Err(e) => state.error(e),
    };
    // Computed by the engine, then saved.
    let export = move |name: &'static str, what: Export| {
        leptos::task::spawn_local(async move {
            let text = state.export(what).await;
            save(name, "text/csv", text);
        });
    };
    view! {
        <div class="panel">
            <h2>"Share and export"</h2>
            <div class="button-row">
                <button data-testid="share" on:click=move |_| {
                    let json = state.scenario_with_book().to_json();
                    if let Some(l) = persist::share_link(&json) {
                        copied.set(None);
                        if let Some(w) = web_sys::window() {
                            let promise = w.navigator().clipboard().write_text(&l);
                            leptos::task::spawn_local(async move {
                                copied.set(Some(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()));
                            });
                        }
                        link.set(l);
                    }
                }>"Copy a share link"</button>
                <button on:click=move |_| { state.scenario.set(Scenario::default()); }>"Clear the scenario"</button>
            </div>
            <Show when=move || !link.get().is_empty()>
                <label class="book-field"><span>"Anyone with this link sees this scenario (it travels in the link itself, not through a server):"</span>
                    <input readonly class="share-link" data-testid="share-link" prop:value=move || link.get()/></label>
                <p class="muted" role="status" data-testid="share-status">{move || match copied.get() {
                    Some(true) => "Copied to the clipboard.",
                    Some(false) => "The browser did not allow copying: select the link above and copy it.",
                    None => "",
                }}</p>
            </Show>
            <div class="button-row">
                <button data-testid="download-comparison" on:click=move |_| export("tally-scenario-comparison.csv", Export::ComparisonCsv { scenario: untrack(|| state.scenario_with_book()).to_json() })>"Comparison (CSV)"</button>
                <button data-testid="download-summary" on:click=move |_| export("tally-summary.csv", Export::SummaryCsv)>"Summary (CSV)"</button>
                <button data-testid="download-breakdown" on:click=move |_| export("tally-breakdown.csv", Export::BreakdownCsv)>"Breakdown (CSV)"</button>
                <button data-testid="download-focus" on:click=move |_| export("tally-focus.csv", Export::FocusCsv)>"Charges (FOCUS CSV)"</button>
                <button data-testid="download-scenario" on:click=move |_| save("tally-scenario.json", "application/json", Ok(state.scenario_with_book().to_json()))>"Scenario (JSON)"</button>
                <button data-testid="download-book" on:click=move |_| save("tally-price-book.json", "application/json",
                    match state.book_draft.get_untracked() {
                        Some(d) => d.validate().map(|b| b.to_json()).map_err(|(p, m)| format!("the price book has an error at {p}: {m}")),
                        None => Ok(state.book.get_untracked().map(|(_, b)| b.to_json()).unwrap_or_else(|| tally_core::PriceBook::default().to_json())),
                    })>"Price book (JSON)"</button>
                <button on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>"Print estimate"</button>
            </div>
        </div>
    }
}
