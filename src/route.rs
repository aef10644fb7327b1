//! The view in the page's address (`?view=breakdown`, and the Breakdown's `by` and drilled-in
//! `month`): a view can be bookmarked, reloaded and opened in a new tab, and the browser's Back and
//! Forward move between views and out of a month. Only the full page does this; an embedded Tally
//! never touches its host page's address or history.

use leptos::prelude::*;

use crate::state::{AppState, View};

/// The query parameter that names the view.
const PARAM: &str = "view";

/// Parameters that belong to one view, dropped when another view is shown.
const VIEW_PARAMS: [&str; 2] = ["month", "by"];

fn params() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// The address with these parameters, keeping the path (the fragment goes: a shared scenario is
/// read once, at start).
fn with_params(params: &web_sys::UrlSearchParams) -> String {
    let query = String::from(params.to_string());
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    if query.is_empty() { path } else { format!("{path}?{query}") }
}

/// A parameter of the page's address (`month`), when it has one.
pub fn param(name: &str) -> Option<String> {
    params()?.get(name)
}

/// Sets a parameter of the page's address (`None` removes it). `step` makes it a step the
/// browser's Back undoes (drilling into a month); otherwise the address is only kept current (the
/// chosen grouping).
pub fn set_param(name: &str, value: Option<&str>, step: bool) {
    let Some(params) = params() else { return };
    if params.get(name).as_deref() == value {
        return;
    }
    match value {
        Some(v) => params.set(name, v),
        None => params.delete(name),
    }
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else { return };
    let url = with_params(&params);
    let _ = if step {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    };
}

/// The view the page's address names; `None` without one (or with one Tally does not know).
pub fn view_in_url() -> Option<View> {
    View::from_id(&param(PARAM)?)
}

/// This page's address showing `view`: the other parameters (`as_of`) stay, but not another
/// view's own; the Summary needs no parameter.
pub fn href(view: View) -> String {
    let Some(params) = params() else { return String::new() };
    for name in VIEW_PARAMS {
        params.delete(name);
    }
    if view == View::Summary {
        params.delete(PARAM);
    } else {
        params.set(PARAM, view.id());
    }
    with_params(&params)
}

/// Keeps the address and the view in step, both ways, and the window's title naming the view.
pub fn follow(state: AppState) {
    if let Some(view) = view_in_url() {
        state.view.set(view);
    }
    // Back and Forward: the address changed; the view follows it.
    // (The app lives as long as the page: the listener is never removed.)
    // Only a change of view redraws the view: Back out of a Breakdown month stays on the same page,
    // which follows the address itself (and keeps the focus where the user was). A new view takes
    // the focus, as a click on its tab would leave it in the page: else it falls to the page's
    // body with the old view, and keyboard and screen-reader users start again from the top.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        let view = view_in_url().unwrap_or(View::Summary);
        if state.view.get_untracked() != view {
            state.view.set(view);
            crate::dom::focus_view_after_redraw();
        }
    });
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
