//! Small reaches into the page that several components make.

use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// The element with this id, as an `HtmlElement` (to focus or scroll to).
pub fn element(id: &str) -> Option<web_sys::HtmlElement> {
    document().get_element_by_id(id).and_then(|e| e.dyn_into().ok())
}

/// Once the next drawing is done, moves the focus to the view (`#main`): for when the control
/// that had it (a submitted form, a fetch button) is gone with what it did.
pub fn focus_view_after_redraw() {
    leptos::prelude::request_animation_frame(|| {
        if let Some(main) = element("main") {
            let _ = main.focus();
        }
    });
}
