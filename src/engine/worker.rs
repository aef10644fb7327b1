//! The worker's side of the engine: `engine-worker.js` loads this wasm in a dedicated worker and
//! calls [`engine_worker_start`], after which every message from the page is answered here, one
//! at a time and in the order sent (a computation must see the bodies loaded before it).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use super::body::{read_chunks, read_usage_from, Chunks, PortChunks, UNREADABLE};
use super::protocol::{Envelope, Failure, ReadCost, Reply, Request};
use super::workspace::Workspace;

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::default();
    static QUEUE: RefCell<VecDeque<JsValue>> = RefCell::default();
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

/// Starts answering: first the messages that arrived while the wasm loaded, then every new one.
#[wasm_bindgen]
pub fn engine_worker_start(early: &js_sys::Array) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else { return };
    for message in early.iter() {
        enqueue(&scope, message);
    }
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| enqueue(&handler_scope, event.data()));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Lives as long as the worker.
    on_message.forget();
    // The page learns the worker started; until then a failure means "no worker here".
    let _ = scope.post_message(&"ready".into());
}

/// Queues a message and, unless they are already being answered, answers the queue in order.
fn enqueue(scope: &DedicatedWorkerGlobalScope, message: JsValue) {
    QUEUE.with(|q| q.borrow_mut().push_back(message));
    if DRAINING.with(|d| d.replace(true)) {
        return;
    }
    let scope = scope.clone();
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(message) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
            answer(&scope, &message).await;
        }
        DRAINING.with(|d| d.set(false));
    });
}

/// A body as it arrived from the page: a `Blob`, or a port the page sends bytes through.
enum Incoming {
    Blob(Blob),
    Port(PortChunks),
}

impl Incoming {
    fn from_message(entry: JsValue) -> Option<Self> {
        match entry.dyn_into::<Blob>() {
            Ok(blob) => Some(Incoming::Blob(blob)),
            Err(entry) => PortChunks::from_message(&entry).map(Incoming::Port),
        }
    }

    fn chunks(&self) -> &dyn Chunks {
        match self {
            Incoming::Blob(blob) => blob,
            Incoming::Port(port) => port,
        }
    }
}

/// Answers one message `{json, bodies}` from the page.
async fn answer(scope: &DedicatedWorkerGlobalScope, message: &JsValue) {
    let json = js_sys::Reflect::get(message, &"json".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let Ok(Envelope { request, body: req }) = serde_json::from_str::<Envelope<Request>>(&json) else { return };
    let post = |reply: Reply| {
        if let Ok(text) = serde_json::to_string(&Envelope { request, body: reply }) {
            let _ = scope.post_message(&text.into());
        }
    };
    let clock = scope.performance();
    let now = || clock.as_ref().map_or(0.0, web_sys::Performance::now);
    let mut cost = ReadCost::default();
    let bodies_in: Vec<Incoming> = js_sys::Reflect::get(message, &"bodies".into())
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::Array>().ok())
        .map(|a| a.iter().filter_map(Incoming::from_message).collect())
        .unwrap_or_default();
    let unreadable = || Reply::Failed(Failure::new("unreadable", UNREADABLE));
    let as_of = req.load_as_of();
    let mut reply = match (req, bodies_in.as_slice()) {
        // One body of any provider (a file, a sample, a paste): each chunk scanned as it comes in,
        // so progress counts items from the first chunk, and a plain Aether body is held a chunk at
        // a time (`body`). (The browser does not read on while the worker scans: no time is saved,
        // docs/PERFORMANCE.md.)
        (Request::Load { id, from, .. }, [body]) if from.one_body().is_some() => {
            let mut progress = |items: usize| post(Reply::Progress { items });
            let Ok(usage) = read_usage_from(body.chunks(), from.one_body().flatten(), as_of, &now, &mut cost, &mut progress).await else { return post(unreadable()) };
            WORKSPACE.with(|w| w.borrow_mut().keep(id, usage.map_err(|e| Failure::from(&e))))
        }
        (req, bodies_in) => {
            let mut bodies = Vec::new();
            for body in bodies_in {
                let mut bytes = Vec::with_capacity(body.chunks().size());
                if read_chunks(body.chunks(), &now, &mut cost, &mut bytes).await.is_err() {
                    return post(unreadable());
                }
                bodies.push(bytes);
            }
            let parsing = now();
            let reply = WORKSPACE.with(|w| w.borrow_mut().handle(req, &bodies, &mut |r| post(r)));
            cost.parse_ms += now() - parsing;
            reply
        }
    };
    if let Reply::Loaded(meta) = &mut reply {
        meta.cost = ReadCost { memory_bytes: super::client::wasm_memory_bytes(), ..cost };
    }
    post(reply);
}
