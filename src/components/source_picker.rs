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
    view! {
        <section class="source-bar" aria-label="Data source">
            <label class="field-inline">
                <span>"Sample"</span>
                <select data-testid="sample-picker" on:change=on_change>
                    {SAMPLES.iter().map(|s| view! { <option value=s.id>{s.label}</option> }).collect_view()}
                </select>
            </label>
            <ul class="chips" aria-label="Loaded data" data-testid="loaded">
                <For
                    each=move || state.datasets.get()
                    key=|d| d.id
                    children=move |d| {
                        let id = d.id;
                        let label = d.label.clone();
                        view! {
                            <li class="chip" title=format!("{} charges", crate::format::count(d.meta.charges))>
                                <span class="chip-source">{d.meta.source.display_name()}</span>
                                <span class="chip-label">{d.label.clone()}</span>
                                <button
                                    class="chip-remove"
                                    aria-label=format!("Remove {label}")
                                    on:click=move |_| state.remove(id)
                                >"×"</button>
                            </li>
                        }
                    }
                />
            </ul>
            {move || state.book.get().map(|(label, _)| view! {
                <span class="book-chip" data-testid="book">"Prices: "{label}
                    <button class="chip-remove" aria-label="Remove price book" on:click=move |_| state.book.set(None)>"×"</button>
                </span>
            })}
            <button class="link" on:click=move |_| state.view.set(View::Data)>"Load other data…"</button>
        </section>
    }
}
