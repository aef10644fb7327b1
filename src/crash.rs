//! The last resort: if a bug panics (a panic in wasm stops the app), say so plainly and offer a
//! reload, instead of leaving a dead page. Built with DOM calls and text only.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Shows the crash notice with a reload button. Safe to call more than once.
pub fn show(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if document.get_element_by_id("tally-crash").is_some() {
        return;
    }
    let Ok(panel) = document.create_element("div") else { return };
    panel.set_id("tally-crash");
    panel.set_class_name("crash");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "crash");
    if let Ok(p) = document.create_element("p") {
        p.set_text_content(Some("Tally hit an internal error and stopped. Nothing was sent anywhere; reload to start again (a saved scenario is kept)."));
        let _ = panel.append_child(&p);
    }
    if let Ok(code) = document.create_element("pre") {
        code.set_text_content(Some(detail));
        let _ = panel.append_child(&code);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reload"));
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        reload.forget();
        let _ = panel.append_child(&button);
    }
    if let Some(body) = document.body() {
        let _ = body.append_child(&panel);
    }
}

/// Installs the panic hook: the browser console gets the full report, the user the notice.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}
