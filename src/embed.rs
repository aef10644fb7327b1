//! Iframe mode: `index.html?embed=<view>&sample=<id>&origins=<a,b>` renders just that view, reports
//! its height to the parent page (`{type: "tally:height", height}`), and accepts data by
//! `postMessage` (`{type: "tally:load", body, prices?}`) only from the origins the embedder listed.
//! A parent that starts listening late sends `{type: "tally:size?"}` to get the height again.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::loader::{load_sample, SAMPLES};
use crate::pages::{BreakdownPage, SummaryPage, WhatIfPage};
use crate::state::{Adding, AppState};

/// What the URL asks of an embedded view.
pub struct EmbedRequest {
    /// `summary`, `breakdown`, `whatif`.
    pub view: String,
    /// A bundled sample to show first.
    pub sample: Option<String>,
    /// Origins allowed to send data.
    pub origins: Vec<String>,
}

/// Reads `?embed=...`; `None` for the full app.
pub fn from_url() -> Option<EmbedRequest> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let view = params.get("embed")?;
    let origins = params.get("origins").map(|o| o.split(',').map(|s| s.trim().trim_end_matches('/').to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    Some(EmbedRequest { view, sample: params.get("sample"), origins })
}

fn post_height() {
    let Some(window) = web_sys::window() else { return };
    let Some(body) = window.document().and_then(|d| d.body()) else { return };
    let height = body.scroll_height();
    let Ok(Some(parent)) = window.parent() else { return };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &"tally:height".into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
    // The height is not sensitive; any parent may size its frame.
    let _ = parent.post_message(&message, "*");
}

fn listen(state: AppState, origins: Vec<String>) {
    let Some(window) = web_sys::window() else { return };
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let data = e.data();
        let kind = js_sys::Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string());
        // Anyone may ask for the height (a parent that started listening late); it reveals nothing.
        if kind.as_deref() == Some("tally:size?") {
            post_height();
            return;
        }
        // Data only from origins the embedder allowed in the URL; everything else is ignored.
        if !origins.iter().any(|o| *o == e.origin()) {
            return;
        }
        if kind.as_deref() != Some("tally:load") {
            return;
        }
        let text = |key: &str| {
            let v = js_sys::Reflect::get(&data, &key.into()).ok()?;
            v.as_string().or_else(|| js_sys::JSON::stringify(&v).ok()?.as_string()).filter(|_| !v.is_undefined() && !v.is_null())
        };
        if let Some(prices) = text("prices") {
            match tally_core::PriceBook::parse(prices.as_bytes()) {
                Ok(b) => state.book.set(Some(("prices".into(), Arc::new(b)))),
                Err(e) => return state.error(format!("prices: {e}")),
            }
        }
        if let Some(body) = text("body") {
            match crate::loader::text_blob(&body) {
                Ok(blob) => leptos::task::spawn_local(async move {
                    match state.load("data".into(), blob, Adding::Replace).await {
                        Ok(()) => state.notice.set(None),
                        Err(e) => state.error(e),
                    }
                }),
                Err(e) => state.error(e),
            }
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
}

fn observe_size() {
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
    let callback = Closure::<dyn Fn()>::new(post_height);
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&body);
    }
    callback.forget();
}

/// The embedded view, without the app's chrome.
#[component]
pub fn EmbedView(
    /// What to show.
    request: EmbedRequest,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    if let Some(sample) = request.sample.as_deref().and_then(|id| SAMPLES.iter().find(|s| s.id == id)) {
        leptos::task::spawn_local(load_sample(state, *sample));
    }
    listen(state, request.origins);
    observe_size();
    let view = request.view;
    view! {
        <div class="tally-app tally-embed" data-testid="embed">
            <crate::components::NoticeBanner/>
            {match view.as_str() {
                "breakdown" => view! { <BreakdownPage/> }.into_any(),
                "whatif" => view! { <WhatIfPage/> }.into_any(),
                _ => view! { <SummaryPage/> }.into_any(),
            }}
        </div>
    }
}
