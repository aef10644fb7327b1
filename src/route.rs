//! The view in the page's address (`?view=breakdown`): a view can be bookmarked, reloaded and
//! opened in a new tab, and the browser's Back and Forward move between views. Only the full page
//! does this; an embedded Tally never touches its host page's address or history.

use leptos::prelude::*;

use crate::state::{AppState, View};

/// The query parameter that names the view.
const PARAM: &str = "view";

/// The view the page's address names; `None` without one (or with one Tally does not know).
pub fn view_in_url() -> Option<View> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    View::from_id(&params.get(PARAM)?)
}

/// This page's address showing `view`: the other parameters (`as_of`) stay, the Summary needs no
/// parameter, and the fragment goes (a shared scenario is read once, at start).
pub fn href(view: View) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let search = location.search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return String::new() };
    if view == View::Summary {
        params.delete(PARAM);
    } else {
        params.set(PARAM, view.id());
    }
    let query = String::from(params.to_string());
    let path = location.pathname().unwrap_or_default();
    if query.is_empty() { path } else { format!("{path}?{query}") }
}

/// Keeps the address and the view in step, both ways, and the window's title naming the view.
pub fn follow(state: AppState) {
    if let Some(view) = view_in_url() {
        state.view.set(view);
    }
    // Back and Forward: the address changed; the view follows it.
    // (The app lives as long as the page: the listener is never removed.)
    let _ = window_event_listener(leptos::ev::popstate, move |_| state.view.set(view_in_url().unwrap_or(View::Summary)));
    Effect::new(move |earlier: Option<()>| {
        let view = state.view.get();
        document().set_title(&format!("{} · Tally", view.label()));
        if view_in_url().unwrap_or(View::Summary) == view {
            return;
        }
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else { return };
        let (state, url) = (wasm_bindgen::JsValue::NULL, href(view));
        // The view the page opened on (a shared scenario opens the What-if) replaces the address
        // it was opened with, so Back leaves Tally instead of reopening the same page.
        let _ = if earlier.is_none() { history.replace_state_with_url(&state, "", Some(&url)) } else { history.push_state_with_url(&state, "", Some(&url)) };
    });
}
