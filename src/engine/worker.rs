//! The worker's side of the engine: `engine-worker.js` loads this wasm in a dedicated worker and
//! calls [`engine_worker_start`], after which every message from the page is answered here.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

use super::protocol::{Envelope, ReadCost, Reply, Request};
use super::workspace::Workspace;

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::default();
}

/// Starts answering: first the messages that arrived while the wasm loaded, then every new one.
#[wasm_bindgen]
pub fn engine_worker_start(early: &js_sys::Array) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else { return };
    for message in early.iter() {
        answer(&scope, &message);
    }
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| answer(&handler_scope, &event.data()));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Lives as long as the worker.
    on_message.forget();
}

/// Answers one message `{json, body?}` from the page.
fn answer(scope: &DedicatedWorkerGlobalScope, message: &JsValue) {
    let json = js_sys::Reflect::get(message, &"json".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let Ok(Envelope { request, body: req }) = serde_json::from_str::<Envelope<Request>>(&json) else { return };
    let post = |reply: Reply| {
        if let Ok(text) = serde_json::to_string(&Envelope { request, body: reply }) {
            let _ = scope.post_message(&text.into());
        }
    };
    let clock = scope.performance();
    let now = || clock.as_ref().map_or(0.0, web_sys::Performance::now);
    let started = now();
    let blobs = js_sys::Reflect::get(message, &"bodies".into()).ok().and_then(|b| b.dyn_into::<js_sys::Array>().ok());
    let mut bodies = Vec::new();
    for blob in blobs.iter().flat_map(js_sys::Array::iter) {
        match blob.dyn_into::<Blob>().map_err(|_| "a body is not a Blob".to_string()).and_then(|b| read_blob(&b)) {
            Ok(bytes) => bodies.push(bytes),
            Err(e) => return post(Reply::Failed(e)),
        }
    }
    let copied = now();
    let mut reply = WORKSPACE.with(|w| w.borrow_mut().handle(req, &bodies, &mut |r| post(r)));
    if let Reply::Loaded(meta) = &mut reply {
        meta.cost = ReadCost { copy_ms: copied - started, parse_ms: now() - copied, memory_bytes: super::client::wasm_memory_bytes() };
    }
    post(reply);
}

/// A blob's bytes, read synchronously (workers may).
fn read_blob(blob: &Blob) -> Result<Vec<u8>, String> {
    let reader = FileReaderSync::new().map_err(|_| "the body could not be read".to_string())?;
    let buffer = reader.read_as_array_buffer(blob).map_err(|_| "the body could not be read (was the file changed or removed?)".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
