use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::ConnectForm;
use crate::loader::{load_body, load_book, load_sample, read_file, text_blob, SAMPLES};
use crate::state::{AppState, View};

/// Getting data in: bundled samples, files (picker or drag and drop), pasted JSON, a price book.
#[component]
pub fn DataPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let paste = state.drafts.paste;
    let dragging = RwSignal::new(false);

    let load_files = move |files: Option<web_sys::FileList>, as_book: bool| {
        let Some(files) = files else { return };
        let list: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        leptos::task::spawn_local(async move {
            let (count, mut loaded, mut failed, mut names) = (list.len(), 0, Vec::new(), Vec::new());
            for file in list {
                if as_book {
                    state.busy.set(Some(format!("Reading {}…", file.name())));
                    let result = read_file(&file).await;
                    state.busy.set(None);
                    match result {
                        Ok(bytes) => {
                            load_book(state, &file.name(), &bytes);
                        }
                        Err(e) => state.error(e),
                    }
                } else {
                    // A File is a Blob: it goes to the engine as is, never copied into the page.
                    match load_body(state, &file.name(), file.clone().into()).await {
                        Ok(true) => {
                            loaded += 1;
                            // Named as its chip names it: two files are often both "usage.json".
                            let source = state.datasets.with_untracked(|d| d.last().map(|d| d.meta.source.display_name()));
                            names.push(source.map_or_else(|| file.name(), |s| format!("{s} {}", file.name())));
                        }
                        Ok(false) => {}
                        Err(e) => failed.push(e),
                    }
                }
            }
            // Each file's outcome replaced the last one's message: say every failure at the end,
            // so a bad file among good ones is not lost behind "Loaded …".
            if !failed.is_empty() && count > 1 {
                state.error(format!("Loaded {loaded} of {count} files. {}", failed.join(" · ")));
            } else if loaded > 1 {
                state.info(format!("Loaded {loaded} files: {}.", names.join(", ")));
            }
        });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        load_files(ev.data_transfer().and_then(|dt| dt.files()), false);
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        load_files(input.as_ref().and_then(web_sys::HtmlInputElement::files), false);
        if let Some(i) = input {
            i.set_value("");
        }
    };
    let on_book = move |ev: leptos::ev::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        load_files(input.as_ref().and_then(web_sys::HtmlInputElement::files), true);
        if let Some(i) = input {
            i.set_value("");
        }
    };
    // What is wrong with the pasted text, shown under the box (the page's message is far above it).
    let paste_error = RwSignal::new(None::<String>);
    let on_paste_load = move |_| {
        let text = paste.get_untracked();
        let fail = move |e: String| {
            state.error(e.clone());
            paste_error.set(Some(e));
        };
        if text.trim().is_empty() {
            return fail("Paste a provider's usage JSON first.".to_string());
        }
        // The pasted text stays in the box whatever happens, so nothing typed is lost.
        let body = match text_blob(&text) {
            Ok(b) => b,
            Err(e) => return fail(e),
        };
        paste_error.set(None);
        leptos::task::spawn_local(async move {
            match load_body(state, "pasted JSON", body).await {
                Ok(true) => state.view.set(View::Summary),
                Ok(false) => {}
                Err(e) => paste_error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="page" aria-labelledby="data-title">
            <h1 id="data-title">"Data"</h1>
            <div class="panel">
                <h2>"Fetch from a provider"</h2>
                <ConnectForm/>
            </div>
            <div class="panel">
                <h2>"Bundled samples"</h2>
                <div class="button-row">
                    {SAMPLES.iter().map(|s| {
                        let s = *s;
                        view! { <button data-testid=format!("sample-{}", s.id) on:click=move |_| leptos::task::spawn_local(load_sample(state, s))>{s.label}</button> }
                    }).collect_view()}
                </div>
            </div>
            <div class="panel">
                <h2>"Your files"</h2>
                <div
                    class=move || if dragging.get() { "dropzone over" } else { "dropzone" }
                    data-testid="dropzone"
                    on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <p>"Drop usage JSON files here (Aether, Hyperstack, Elastic Cloud or CU; detected by shape), or "</p>
                    <label class="file-button">
                        "choose files"
                        <input type="file" accept=".json,application/json" multiple data-testid="file-input" on:change=on_file/>
                    </label>
                </div>
                <label class="file-button secondary">
                    "Load a price book (JSON)"
                    <input type="file" accept=".json,application/json" data-testid="book-input" on:change=on_book/>
                </label>
            </div>
            <div class="panel">
                <h2><label for="paste">"Paste JSON"</label></h2>
                <textarea id="paste" rows="8" data-testid="paste" placeholder="{\"items\": [...], \"subscriptions\": [...]}"
                    aria-invalid=move || paste_error.with(Option::is_some).then_some("true")
                    aria-describedby=move || paste_error.with(Option::is_some).then_some("paste-error")
                    prop:value=move || paste.get()
                    on:input=move |ev| { paste.set(event_target_value(&ev)); paste_error.set(None); }></textarea>
                {move || paste_error.get().map(|e| view! { <p class="field-error" id="paste-error" data-testid="paste-error">{e}</p> })}
                <div class="button-row">
                    <button class="primary" data-testid="paste-load" on:click=on_paste_load>"Add pasted JSON"</button>
                    <button on:click=move |_| paste.set(String::new())>"Clear"</button>
                </div>
            </div>
        </section>
    }
}
