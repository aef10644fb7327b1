use leptos::prelude::*;

use crate::state::AppState;

/// Usage items in a byte of an Aether body, to estimate how far a long read got (generated and
/// real bodies run 280-320 bytes an item).
const BYTES_PER_ITEM: f64 = 300.0;

/// How long a computation runs before the page says so (shorter ones would only flicker).
const SHOW_COMPUTING_AFTER_MS: i32 = 300;

/// The latest error or notice, and a busy indicator. Errors are announced to screen readers.
/// Long engine work (reading a big body, computing over it) shows progress and can be cancelled.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let slow = RwSignal::new(false);
    Effect::new(move |_| {
        if state.computing.get() == 0 {
            slow.set(false);
            return;
        }
        let callback = wasm_bindgen::closure::Closure::once_into_js(move || {
            slow.try_set(state.computing.try_get_untracked().unwrap_or(0) > 0);
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(wasm_bindgen::JsCast::unchecked_ref(&callback), SHOW_COMPUTING_AFTER_MS);
        }
    });
    let cancellable = move || state.engine_in_worker.get();
    view! {
        // Built once per piece of work; only its text and bar follow the progress, so the Cancel
        // button stays the same element under the pointer while a fast read reports many times a
        // second (a button re-made on every report could not be clicked).
        <Show when=move || state.work.with(|list| !list.is_empty())>
            <div class="busy" role="status" data-testid="work">
                <span class="spinner" aria-hidden="true"></span>
                <span>{move || state.work.with(|list| work_text(list))}</span>
                <progress max="1" value=move || state.work.with(|list| list.first().and_then(estimate).map(|e| e.to_string())) aria-label="Progress"></progress>
                <Show when=cancellable>
                    <button type="button" data-testid="cancel-work" on:click=move |_| state.cancel_work()>"Cancel"</button>
                </Show>
            </div>
        </Show>
        {move || (slow.get() && state.work.with(Vec::is_empty)).then(|| view! {
            <div class="busy" role="status" data-testid="computing-banner">
                <span class="spinner" aria-hidden="true"></span>"Computing…"
                <Show when=cancellable>
                    <button type="button" data-testid="cancel-work" on:click=move |_| state.cancel_work()>"Cancel"</button>
                </Show>
            </div>
        })}
        {move || state.busy.get().map(|text| view! {
            <div class="busy" role="status" data-testid="busy"><span class="spinner" aria-hidden="true"></span>{text}</div>
        })}
        {move || state.notice.get().map(|n| {
            let class = if n.is_error { "notice error" } else { "notice info" };
            let role = if n.is_error { "alert" } else { "status" };
            view! {
                <div class=class role=role data-testid=if n.is_error { "error" } else { "info" }>
                    <span class="notice-text">{n.text}</span>
                    <button class="dismiss" aria-label="Dismiss message" on:click=move |_| state.notice.set(None)>"×"</button>
                </div>
            }
        })}
    }
}

/// "Reading usage-2026.json… 196,608 items read", and how many more bodies wait their turn.
fn work_text(list: &[crate::state::Work]) -> String {
    let Some(w) = list.first() else { return String::new() };
    let first = match w.items {
        Some(n) => format!("{}… {} items read", w.label, crate::format::count(n)),
        None => format!("{}…", w.label),
    };
    match list.len() - 1 {
        0 => first,
        waiting => format!("{first} · {} more waiting", crate::format::count(waiting)),
    }
}

/// How far a read got, from the items read and the body's size (never shown as done).
fn estimate(w: &crate::state::Work) -> Option<f64> {
    w.items.map(|n| (n as f64 * BYTES_PER_ITEM / w.bytes.max(1.0)).min(0.99))
}
