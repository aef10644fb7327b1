use std::sync::Arc;

use leptos::prelude::*;

use crate::book_draft::with_rate;
use crate::engine::Failure;
use crate::state::AppState;

/// A computation that failed, said where its answer would have been. When the failure is a
/// missing exchange rate (USD usage beside EUR usage), the rate is asked for right here: the
/// alternative, finding the exchange rates in the What-if view's price editor, is three steps
/// away from the message that needs it.
#[component]
pub fn ComputeError(
    /// What failed.
    failure: Failure,
    /// The message's `data-testid`.
    testid: &'static str,
) -> impl IntoView {
    let ask = failure.missing_rate.clone().filter(|_| !expect_context::<AppState>().embedded);
    // The core's message tells a price book's author what JSON to add; beside the form that adds
    // the rate, a plain sentence says it.
    let message = match &ask {
        Some((target, other)) => format!("Tally cannot add {other} amounts to {target} amounts without an exchange rate."),
        None => failure.message,
    };
    view! {
        <div class="compute-error">
            <p class="notice error" role="alert" data-testid=testid>{message}</p>
            {ask.map(|(target, other)| view! { <RateForm target other/> })}
        </div>
    }
}

/// "1 USD = [ ] EUR [Use this rate]": puts the rate into the current price book.
#[component]
fn RateForm(target: String, other: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let rate = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    let (t, o) = (target.clone(), other.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = rate.get_untracked();
        let current = state.book.get_untracked();
        match with_rate(current.as_ref().map(|(_, b)| b.as_ref()), &t, &o, &typed) {
            Ok(book) => {
                let label = current.map_or_else(|| "exchange rate".to_string(), |(label, _)| label);
                // Said as the book now holds it (a decimal comma read as the point it means).
                let saved = book.fx.get(o.as_str()).map_or_else(|| typed.trim().to_string(), ToString::to_string);
                state.book.set(Some((label, Arc::new(book))));
                state.info(format!("Saved 1 {o} = {saved} {t} with the current prices. Change it under What-if, Scenario prices."));
                // The form goes with the failure it answered: the focus goes to the view, not to
                // the top of the page.
                crate::dom::focus_view_after_redraw();
            }
            Err(message) => {
                problem.set(Some(message));
                if let Some(input) = input.get_untracked() {
                    let _ = input.focus();
                }
            }
        }
    };
    view! {
        <form class="rate-form" data-testid="rate-form" on:submit=submit novalidate>
            <p class="muted">{format!("Give the exchange rate, and the {other} amounts are converted into {target}. The rate is kept with the current prices.")}</p>
            <div class="rate-row">
                <label for="missing-rate">{format!("1 {other} =")}<span class="sr-only">{format!(" how many {target}")}</span></label>
                <input type="text" id="missing-rate" data-testid="rate-input" inputmode="decimal" autocomplete="off" node_ref=input
                    aria-invalid=move || problem.with(Option::is_some).then_some("true")
                    aria-describedby=move || problem.with(Option::is_some).then_some("missing-rate-error")
                    prop:value=move || rate.get() on:input=move |ev| { problem.set(None); rate.set(event_target_value(&ev)) }/>
                <span>{target.clone()}</span>
                <button type="submit" class="primary" data-testid="rate-submit">"Use this rate"</button>
            </div>
            {move || problem.get().map(|m| view! { <span class="field-error" id="missing-rate-error" role="alert" data-testid="rate-error">{m}</span> })}
        </form>
    }
}
