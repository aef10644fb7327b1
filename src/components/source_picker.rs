use std::fmt::Write as _;

use leptos::prelude::*;

use crate::loader::{load_sample, SAMPLES};
use crate::state::{AppState, View};

/// Picks a bundled sample and lists what is loaded, each removable.
#[component]
pub fn SourcePicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if let Some(sample) = SAMPLES.iter().find(|s| s.id == id) {
            leptos::task::spawn_local(load_sample(state, *sample));
        }
    };
    // The sample on show; "" (the placeholder) when what is loaded is the user's own, or nothing,
    // so that picking a sample, the one shown before too, is always a change.
    let shown_sample = move || state.datasets.with(|list| match list.as_slice() {
        [only] if only.sample => only.meta.source.id(),
        _ => "",
    });
    let chips = NodeRef::<leptos::html::Ul>::new();
    let load_other = NodeRef::<leptos::html::Button>::new();
    // A removed chip's button goes with it: the focus moves to the chip that took its place (or
    // the one before it), and with no chip left to "Load other data…", never to the page's top.
    let focus_after_removal = move |index: usize| {
        request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            let buttons = chips.get_untracked().and_then(|list| list.query_selector_all(".chip-remove").ok());
            let next = buttons.and_then(|b| b.item((index as u32).min(b.length().saturating_sub(1))));
            match next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                Some(button) => { let _ = button.focus(); }
                None => { if let Some(button) = load_other.get_untracked() { let _ = button.focus(); } }
            }
        });
    };
    view! {
        <section class="source-bar" aria-label="Data source">
            <label class="field-inline">
                <span>"Sample"</span>
                <select data-testid="sample-picker" on:change=on_change prop:value=shown_sample>
                    <option value="" disabled>{move || if state.datasets.with(Vec::is_empty) { "Choose a sample…" } else { "Your data" }}</option>
                    {SAMPLES.iter().map(|s| view! { <option value=s.id>{s.label}</option> }).collect_view()}
                </select>
            </label>
            <ul class="chips" aria-label="Loaded data" data-testid="loaded" node_ref=chips>
                <For
                    each=move || state.datasets.get()
                    key=|d| d.id
                    children=move |d| {
                        let id = d.id;
                        let label = d.label.clone();
                        view! {
                            <li class="chip" title=chip_title(&d.meta) data-records=d.meta.records
                                data-read-ms=d.meta.cost.read_ms.round().to_string() data-copy-ms=d.meta.cost.copy_ms.round().to_string() data-parse-ms=d.meta.cost.parse_ms.round().to_string()
                                data-engine-memory=d.meta.cost.memory_bytes.to_string()>
                                <span class="chip-source">{d.meta.source.display_name()}</span>
                                <span class="chip-label">{d.label.clone()}</span>
                                <button
                                    class="chip-remove"
                                    aria-label=format!("Remove {label}")
                                    on:click=move |_| {
                                        let index = state.datasets.with_untracked(|l| l.iter().position(|d| d.id == id)).unwrap_or(0);
                                        state.remove(id);
                                        focus_after_removal(index);
                                    }
                                >"×"</button>
                            </li>
                        }
                    }
                />
            </ul>
            {move || state.book.get().map(|(label, _)| view! {
                <span class="book-chip" data-testid="book">"Prices: "{label}
                    <button class="chip-remove" aria-label="Remove price book" on:click=move |_| {
                        state.book.set(None);
                        if let Some(button) = load_other.get_untracked() { let _ = button.focus(); }
                    }>"×"</button>
                </span>
            })}
            <button class="link" data-testid="load-other" node_ref=load_other on:click=move |_| state.view.set(View::Data)>"Load other data…"</button>
        </section>
    }
}

/// "1,000,000 records, read in 1.2 s; engine memory 440 MB".
fn chip_title(meta: &crate::engine::DatasetMeta) -> String {
    let c = meta.cost;
    let mut title = format!("{} records", crate::format::count(usize::try_from(meta.records).unwrap_or(usize::MAX)));
    if c.read_ms + c.copy_ms + c.parse_ms > 0.0 {
        let _ = write!(title, ", read in {:.1} s", (c.read_ms + c.copy_ms + c.parse_ms) / 1000.0);
    }
    if c.memory_bytes > 0.0 {
        let _ = write!(title, "; engine memory {:.0} MB", c.memory_bytes / 1e6);
    }
    title
}
