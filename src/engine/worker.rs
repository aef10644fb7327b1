//! The worker's side of the engine: `engine-worker.js` loads this wasm in a dedicated worker and
//! calls [`engine_worker_start`], after which every message from the page is answered here, one
//! at a time and in the order sent (a computation must see the bodies loaded before it).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use tally_core::BodyReader;

use super::protocol::{Envelope, Origin, ReadCost, Reply, Request};
use super::workspace::{read_body, Workspace};

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
    let blobs: Vec<JsValue> = js_sys::Reflect::get(message, &"bodies".into())
        .ok()
        .and_then(|b| b.dyn_into::<js_sys::Array>().ok())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let unreadable = || Reply::Failed("the body could not be read (was the file changed or removed?)".into());
    let mut reply = match (req, blobs.as_slice()) {
        // One body of any provider (a file, a sample, a paste): each chunk scanned as it comes in,
        // so progress counts items from the first chunk. (The browser does not read on while the
        // worker scans: no time is saved, docs/PERFORMANCE.md.)
        (Request::Load { id, from: Origin::Body }, [blob]) => {
            let size = blob.dyn_ref::<Blob>().map_or(0, |b| b.size() as usize);
            let mut reader = BodyReader::new(size);
            let mut progress = |items: usize| post(Reply::Progress { items });
            let read = read_blob(blob.clone(), &now, &mut cost, &mut |so_far| reader.arrived(so_far, &mut progress)).await;
            let Ok(bytes) = read else { return post(unreadable()) };
            let finishing = now();
            let usage = read_body(reader, &bytes, &mut progress);
            drop(bytes);
            cost.parse_ms += now() - finishing;
            WORKSPACE.with(|w| w.borrow_mut().keep(id, usage))
        }
        (req, blobs) => {
            let mut bodies = Vec::new();
            for blob in blobs {
                let Ok(bytes) = read_blob(blob.clone(), &now, &mut cost, &mut |_| {}).await else { return post(unreadable()) };
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

/// Bytes read from a `Blob` at a time: the JS side never holds more than this of a body, so the
/// worker's peak memory is the body once (in wasm) plus its charges.
const CHUNK: usize = 16 << 20;

/// A body's bytes, read chunk by chunk straight into wasm memory (`Blob.arrayBuffer` is the
/// fastest of a worker's ways to read; `FileReaderSync` and streams were slower). The next chunk is
/// asked for before this one is copied and handed to `arrived` (with all the bytes so far; two
/// chunks in flight at most). The time `arrived` takes counts as parsing.
async fn read_blob(blob: JsValue, now: &dyn Fn() -> f64, cost: &mut ReadCost, arrived: &mut dyn FnMut(&[u8])) -> Result<Vec<u8>, JsValue> {
    let blob: Blob = blob.dyn_into()?;
    let size = blob.size() as usize;
    let ask = |start: usize| -> Result<JsFuture, JsValue> {
        let part = blob.slice_with_f64_and_f64(start as f64, (start + CHUNK).min(size) as f64)?;
        Ok(JsFuture::from(part.array_buffer()))
    };
    let mut out = Vec::with_capacity(size);
    let mut next = if size > 0 { Some(ask(0)?) } else { None };
    let mut start = 0;
    while let Some(reading) = next.take() {
        let asked = now();
        let buffer = reading.await?;
        let got = now();
        start += CHUNK;
        if start < size {
            next = Some(ask(start)?);
        }
        let view = js_sys::Uint8Array::new(&buffer);
        let at = out.len();
        out.resize(at + view.length() as usize, 0);
        view.copy_to(&mut out[at..]);
        let copied = now();
        cost.read_ms += got - asked;
        cost.copy_ms += copied - got;
        arrived(&out);
        cost.parse_ms += now() - copied;
    }
    Ok(out)
}
