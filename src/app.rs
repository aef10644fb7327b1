//! The app shell: header and navigation, the source picker, a notice area and the current view.

use leptos::prelude::*;

use crate::components::{AppHeader, NoticeBanner, SourcePicker};
use crate::loader::{load_sample, SAMPLES};
use crate::persist;
use crate::pages::{BreakdownPage, DataPage, SummaryPage, WhatIfPage};
use crate::state::{AppState, View};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(as_of_from_url().unwrap_or_else(now));
    // The page stays responsive while the engine reads and prices big bodies in a worker.
    state.use_worker();
    if let Some(request) = crate::embed::from_url() {
        provide_context(state.embedded());
        return view! { <crate::embed::EmbedView request=request/> }.into_any();
    }
    provide_context(state);
    // The bundled Aether sample is there from the first paint: no network, no token needed.
    leptos::task::spawn_local(load_sample(state, SAMPLES[0]));
    // A shared link carries its scenario in the fragment; otherwise the last one saved here.
    if let Some(json) = persist::scenario_from_fragment() {
        match state.restore_scenario(&json) {
            Ok(()) => state.view.set(View::WhatIf),
            Err(e) => state.error(e),
        }
    } else if let Some(json) = persist::load_scenario() {
        let _ = state.restore_scenario(&json);
    }
    crate::route::follow(state);
    register_service_worker();

    view! {
        <div class="tally-app">
            <AppHeader/>
            <SourcePicker/>
            <NoticeBanner/>
            <main id="main" class="view" tabindex="-1">
                {move || match state.view.get() {
                    View::Summary => view! { <SummaryPage/> }.into_any(),
                    View::Breakdown => view! { <BreakdownPage/> }.into_any(),
                    View::WhatIf => view! { <WhatIfPage/> }.into_any(),
                    View::Data => view! { <DataPage/> }.into_any(),
                }}
            </main>
            <footer class="footer">
                "Computed in your browser by tally-core. Nothing you load leaves this page."
            </footer>
        </div>
    }
    .into_any()
}

/// The current instant from the browser's clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// `?as_of=2026-11-23T12:00:00Z` fixes "now", so a report (or a test) is reproducible.
fn as_of_from_url() -> Option<chrono::DateTime<chrono::Utc>> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    tally_core::parse_timestamp(&params.get("as_of")?).ok()
}

/// Caches the app for offline use (what-if estimation needs no server). Failure is harmless.
fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let promise = window.navigator().service_worker().register("./sw.js");
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}
