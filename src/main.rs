//! Mounts the app, unless the page loaded Tally as a widget (`tally-widget.js` sets
//! `window.__tallyWidget`), in which case the host page mounts views itself.

fn main() {
    // The engine worker loads this same wasm; it has no window and mounts nothing.
    if web_sys::window().is_none() {
        return;
    }
    tally_web::crash::install();
    let widget = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"__tallyWidget".into()).ok())
        .is_some_and(|v| v.is_truthy());
    if !widget {
        leptos::mount::mount_to_body(tally_web::App);
    }
}
