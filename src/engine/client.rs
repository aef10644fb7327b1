//! The page's side of the engine: sends requests, awaits answers, shows progress, cancels.
//!
//! In the portal the engine runs in a Web Worker (`engine-worker.js` loads this same wasm), so
//! reading and pricing a year of hourly usage never blocks the page; so does the embeddable widget
//! for a big body. A small widget body, and a browser without module workers, run it in the page.
//! Either way the page keeps every body it was given (a `Blob`, held by the browser outside the
//! page's heap, or the host page's own bytes), so a cancelled or crashed worker is replaced and
//! refilled without losing anything the user loaded.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures_channel::oneshot;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use super::body::{read_array, read_chunks, read_usage_from, Body, UNREADABLE};
use super::protocol::{DatasetMeta, Envelope, Failure, Inputs, Job, Origin, ReadCost, Reply, Request};
use super::workspace::Workspace;

/// The worker script, next to the app's files.
const WORKER_URL: &str = "./engine-worker.js";

/// A handle to the engine; clones share it.
#[derive(Clone)]
pub struct Engine(Rc<RefCell<Inner>>);

struct Inner {
    transport: Transport,
    next_request: u64,
    pending: HashMap<u64, Pending>,
    /// Bodies of the loaded datasets, to refill a replaced worker.
    bodies: Vec<Kept>,
    /// Times the worker stopped by itself; after a few the engine runs in the page instead.
    crashes: u32,
    /// Whether the worker has started (it says so once its wasm is loaded).
    ready: bool,
    /// Told when the engine moves into the page (the worker never started, or kept crashing), so
    /// the page stops offering to cancel work it can no longer interrupt.
    on_moved_to_page: Option<Rc<dyn Fn()>>,
    /// The worker script's address.
    script: String,
}

enum Transport {
    Page(Rc<RefCell<Workspace>>),
    Worker(WorkerLink),
}

struct WorkerLink {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// A loaded dataset's bodies, as they were sent.
#[derive(Clone)]
struct Kept {
    id: u32,
    from: Origin,
    as_of: Option<String>,
    bodies: Vec<Body>,
}

struct Pending {
    done: oneshot::Sender<Reply>,
    progress: Option<Rc<dyn Fn(usize)>>,
    /// The request as sent, to run it in the page if the worker never starts.
    request: Request,
    bodies: Vec<Body>,
}

impl Engine {
    /// An engine that runs in this page.
    pub fn in_page() -> Self {
        Engine(Rc::new(RefCell::new(Inner {
            transport: Transport::Page(Rc::default()),
            next_request: 1,
            pending: HashMap::new(),
            bodies: Vec::new(),
            crashes: 0,
            ready: false,
            on_moved_to_page: None,
            script: WORKER_URL.to_string(),
        })))
    }

    /// An engine in a Web Worker, or in the page if the browser cannot start one.
    pub fn in_worker() -> Self {
        Engine::in_worker_from(WORKER_URL)
    }

    /// An engine in a Web Worker started from `script` (the widget's, next to its own files on
    /// whatever site serves them), or in the page if the browser cannot start one.
    pub fn in_worker_from(script: &str) -> Self {
        let engine = Engine::in_page();
        engine.0.borrow_mut().script = script.to_string();
        if let Some(link) = engine.start_worker() {
            engine.0.borrow_mut().transport = Transport::Worker(link);
        }
        engine
    }

    /// Whether `other` is this same engine (a clone of it).
    pub fn is(&self, other: &Engine) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Whether the engine runs off the main thread (and so can be cancelled).
    pub fn is_worker(&self) -> bool {
        matches!(self.0.borrow().transport, Transport::Worker(_))
    }

    /// Calls `f` whenever the engine moves from its worker into the page.
    pub fn when_moved_to_page(&self, f: impl Fn() + 'static) {
        self.0.borrow_mut().on_moved_to_page = Some(Rc::new(f));
    }

    /// Tells the page the engine now runs in it.
    fn moved_to_page(&self) {
        let told = self.0.borrow().on_moved_to_page.clone();
        if let Some(tell) = told {
            tell();
        }
    }

    fn start_worker(&self) -> Option<WorkerLink> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        options.set_name("tally-engine");
        let script = self.0.borrow().script.clone();
        let worker = Worker::new_with_options(&worker_url(&script)?, &options).ok()?;
        // The wasm this page has compiled, so the worker does not fetch and compile it again
        // (`engine-worker.js` waits for this first message).
        let wasm = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&wasm, &"wasm".into(), &wasm_bindgen::module());
        if worker.post_message(&wasm).is_err() {
            let _ = js_sys::Reflect::set(&wasm, &"wasm".into(), &JsValue::NULL);
            worker.post_message(&wasm).ok()?;
        }
        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                Engine(inner).receive(event.data().as_string().as_deref().unwrap_or_default());
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            if let Some(inner) = weak.upgrade() {
                // Not from inside this handler: restarting drops the handler.
                wasm_bindgen_futures::spawn_local(async move {
                    let engine = Engine(inner);
                    let (crashes, ready) = {
                        let mut i = engine.0.borrow_mut();
                        i.crashes += 1;
                        (i.crashes, i.ready)
                    };
                    if ready {
                        engine.replace("the engine stopped unexpectedly; your data was reloaded, try again", crashes < 3);
                    } else {
                        // The worker never started (no module workers, the script blocked): the
                        // page does the work, including what was already asked of the worker.
                        engine.fall_back_to_page();
                    }
                });
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(WorkerLink { worker, _on_message: on_message, _on_error: on_error })
    }

    /// Reads bodies and keeps them as dataset `id`, read for pricing at `as_of` (see
    /// [`Request::Load`]); `progress` hears the number of items read.
    pub async fn load(&self, id: u32, from: Origin, as_of: chrono::DateTime<chrono::Utc>, bodies: Vec<Body>, progress: impl Fn(usize) + 'static) -> Result<DatasetMeta, Failure> {
        let as_of = Some(tally_core::rfc3339_millis(as_of));
        let request = Request::Load { id, from: from.clone(), as_of: as_of.clone() };
        let reply = match self.workspace() {
            Some(workspace) => run_in_page(&workspace, request, &bodies, Some(Rc::new(progress))).await,
            None => self.send(request, &bodies, Some(Rc::new(progress))).await,
        };
        match reply {
            Reply::Loaded(mut meta) => {
                if meta.cost.memory_bytes == 0.0 {
                    meta.cost.memory_bytes = wasm_memory_bytes();
                }
                self.0.borrow_mut().bodies.push(Kept { id, from, as_of, bodies });
                Ok(meta)
            }
            Reply::Failed(failed) => Err(failed),
            other => Err(Failure::engine(failure(other))),
        }
    }

    /// Frees datasets the page no longer shows.
    pub fn forget(&self, ids: Vec<u32>) {
        self.0.borrow_mut().bodies.retain(|k| !ids.contains(&k.id));
        let request = Request::Forget { ids };
        match self.workspace() {
            Some(workspace) => {
                workspace.borrow_mut().handle(request, &[], &mut |_| {});
            }
            None => drop(self.post(request, &[], None)),
        }
    }

    /// Computes `job` over `inputs`.
    pub async fn compute(&self, job: Job, inputs: Inputs) -> Reply {
        let request = Request::Compute { job, inputs };
        match self.workspace() {
            Some(workspace) => workspace.borrow_mut().handle(request, &[], &mut |_| {}),
            None => self.send(request, &[], None).await,
        }
    }

    /// Stops the worker for good (the widget was destroyed); the engine then runs in the page.
    pub fn stop(&self) {
        let mut inner = self.0.borrow_mut();
        inner.pending.clear();
        inner.bodies.clear();
        inner.transport = Transport::Page(Rc::default());
    }

    /// Stops whatever the engine is doing: the worker is replaced and refilled with the loaded
    /// bodies; every request in flight fails with `reason`. (An in-page engine has nothing to stop.)
    pub fn restart(&self, reason: &str) {
        if self.is_worker() {
            self.replace(reason, true);
        }
    }

    /// Replaces the worker (or, without `worker`, moves the engine into the page) and refills it.
    fn replace(&self, reason: &str, worker: bool) {
        let (pending, bodies) = {
            let mut inner = self.0.borrow_mut();
            if let Transport::Worker(link) = &inner.transport {
                link.worker.terminate();
            }
            (std::mem::take(&mut inner.pending), inner.bodies.clone())
        };
        for (_, p) in pending {
            let failed = if reason == "cancelled" { Failure::cancelled() } else { Failure::engine(reason) };
            let _ = p.done.send(Reply::Failed(failed));
        }
        let transport = match worker.then(|| self.start_worker()).flatten() {
            Some(link) => Transport::Worker(link),
            None => Transport::Page(Rc::default()),
        };
        let in_page = matches!(transport, Transport::Page(_));
        let mut inner = self.0.borrow_mut();
        inner.transport = transport;
        inner.ready = false;
        drop(inner);
        if in_page {
            self.moved_to_page();
        }
        // Refill now, so requests sent from here on queue behind the bodies they need. The list
        // of kept bodies stays as it is: it is what the page has loaded, whatever happens to a
        // worker (a second cancel during a refill must not forget anything).
        match self.workspace() {
            Some(workspace) => wasm_bindgen_futures::spawn_local(async move {
                for k in bodies {
                    run_in_page(&workspace, Request::Load { id: k.id, from: k.from, as_of: k.as_of }, &k.bodies, None).await;
                }
            }),
            None => {
                for k in bodies {
                    // The answer is not awaited; a failure shows when the data is next used.
                    let _ = self.post(Request::Load { id: k.id, from: k.from, as_of: k.as_of }, &k.bodies, None);
                }
            }
        }
    }

    /// Moves the engine into the page and answers there everything sent to the worker so far.
    fn fall_back_to_page(&self) {
        let workspace: Rc<RefCell<Workspace>> = Rc::default();
        let (pending, kept) = {
            let mut inner = self.0.borrow_mut();
            if let Transport::Worker(link) = &inner.transport {
                link.worker.terminate();
            }
            inner.transport = Transport::Page(Rc::clone(&workspace));
            (std::mem::take(&mut inner.pending), inner.bodies.clone())
        };
        self.moved_to_page();
        let mut pending: Vec<(u64, Pending)> = pending.into_iter().collect();
        pending.sort_by_key(|(number, _)| *number);
        wasm_bindgen_futures::spawn_local(async move {
            for k in kept {
                run_in_page(&workspace, Request::Load { id: k.id, from: k.from, as_of: k.as_of }, &k.bodies, None).await;
            }
            for (_, p) in pending {
                let reply = run_in_page(&workspace, p.request, &p.bodies, p.progress).await;
                let _ = p.done.send(reply);
            }
        });
    }

    fn workspace(&self) -> Option<Rc<RefCell<Workspace>>> {
        match &self.0.borrow().transport {
            Transport::Page(w) => Some(w.clone()),
            Transport::Worker(_) => None,
        }
    }

    /// Posts a request to the worker and waits for its answer.
    async fn send(&self, request: Request, bodies: &[Body], progress: Option<Rc<dyn Fn(usize)>>) -> Reply {
        match self.post(request, bodies, progress) {
            Ok(answer) => answer.await.unwrap_or_else(|_| Reply::Failed(Failure::cancelled())),
            Err(reply) => reply,
        }
    }

    /// Posts a request to the worker now; the answer arrives on the returned channel.
    fn post(&self, request: Request, bodies: &[Body], progress: Option<Rc<dyn Fn(usize)>>) -> Result<oneshot::Receiver<Reply>, Reply> {
        let (done, answer) = oneshot::channel();
        let mut inner = self.0.borrow_mut();
        let number = inner.next_request;
        inner.next_request += 1;
        let Transport::Worker(link) = &inner.transport else {
            return Err(Reply::Failed(Failure::engine("the engine is not running")));
        };
        let json = serde_json::to_string(&Envelope { request: number, body: &request }).map_err(|e| Reply::Failed(Failure::engine(e.to_string())))?;
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"json".into(), &json.into());
        let list = js_sys::Array::new();
        let transfer = js_sys::Array::new();
        for body in bodies {
            let (entry, port) = body.to_message();
            list.push(&entry);
            if let Some(port) = port {
                transfer.push(&port);
            }
        }
        let _ = js_sys::Reflect::set(&message, &"bodies".into(), &list);
        if link.worker.post_message_with_transfer(&message, &transfer).is_err() {
            return Err(Reply::Failed(Failure::engine("the engine could not be reached")));
        }
        inner.pending.insert(number, Pending { done, progress, request, bodies: bodies.to_vec() });
        Ok(answer)
    }

    /// Routes a message from the worker to the request it answers.
    fn receive(&self, json: &str) {
        if json == "ready" {
            self.0.borrow_mut().ready = true;
            return;
        }
        let Ok(Envelope { request, body }) = serde_json::from_str::<Envelope<Reply>>(json) else { return };
        if let Reply::Progress { items } = body {
            let progress = self.0.borrow().pending.get(&request).and_then(|p| p.progress.clone());
            if let Some(progress) = progress {
                progress(items);
            }
            return;
        }
        let pending = self.0.borrow_mut().pending.remove(&request);
        if let Some(p) = pending {
            let _ = p.done.send(body);
        }
    }
}

/// Where to start the worker from. A worker's script must come from the page's own origin: for a
/// widget served from another site, the worker starts from a one-line module of the page's own (a
/// `blob:` address) that imports the script from there, with CORS, as the widget's own files are.
/// A host page whose Content-Security-Policy refuses such a worker gets the engine in the page.
fn worker_url(script: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let url = web_sys::Url::new_with_base(script, &location.href().ok()?).ok()?;
    if url.origin() == location.origin().ok()? {
        return Some(url.href());
    }
    let shim = format!("import {};", serde_json::to_string(&url.href()).ok()?);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&shim.into()), &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

impl Drop for WorkerLink {
    /// A worker nothing refers to any more (a destroyed widget) stops, and frees its memory.
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// The message of a reply that is not the one expected.
pub fn failure(reply: Reply) -> String {
    match reply {
        Reply::Failed(failed) => failed.message,
        other => format!("the engine answered unexpectedly ({})", short_name(&other)),
    }
}

fn short_name(reply: &Reply) -> &'static str {
    match reply {
        Reply::Progress { .. } => "progress",
        Reply::Loaded(_) => "loaded",
        Reply::Forgotten => "forgotten",
        Reply::Summary(_) => "summary",
        Reply::Breakdown(_) => "breakdown",
        Reply::Estimate(_) => "estimate",
        Reply::Text(_) => "text",
        Reply::Failed(_) => "failed",
    }
}

/// The bytes of this wasm instance's linear memory.
pub(super) fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().map_or(0.0, |m| m.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64)
}

/// For a request to load one body of a provider given or to detect: `Some` with the provider, if given.
fn request_one_body(request: &Request) -> Option<Option<tally_core::Source>> {
    match request {
        Request::Load { from, .. } => from.one_body(),
        _ => None,
    }
}

/// Answers a request with an in-page engine.
async fn run_in_page(workspace: &Rc<RefCell<Workspace>>, request: Request, bodies: &[Body], progress: Option<Rc<dyn Fn(usize)>>) -> Reply {
    let unreadable = || Reply::Failed(Failure::new("unreadable", UNREADABLE));
    // One body, read as the worker reads it: a chunk at a time (a big Aether body is never held
    // whole, and the page stays responsive between the chunks of a `Blob`).
    if let (Request::Load { id, .. }, [body], Some(source)) = (&request, bodies, request_one_body(&request)) {
        let mut report = |items: usize| {
            if let Some(progress) = &progress {
                progress(items);
            }
        };
        let read = match body {
            Body::Blob(blob) => match read_usage_from(blob, source, request.load_as_of(), &|| 0.0, &mut ReadCost::default(), &mut report).await {
                Ok(read) => read,
                Err(_) => return unreadable(),
            },
            Body::Bytes(bytes) => read_array(bytes, source, request.load_as_of(), &mut report),
        };
        return workspace.borrow_mut().keep(*id, read.map_err(|e| Failure::from(&e)));
    }
    let mut bytes = Vec::with_capacity(bodies.len());
    for body in bodies {
        let whole = match body {
            Body::Blob(blob) => {
                let mut whole = Vec::with_capacity(blob.size() as usize);
                if read_chunks(blob, &|| 0.0, &mut ReadCost::default(), &mut whole).await.is_err() {
                    return unreadable();
                }
                whole
            }
            Body::Bytes(array) => array.to_vec(),
        };
        bytes.push(whole);
    }
    workspace.borrow_mut().handle(request, &bytes, &mut |r| {
        if let (Reply::Progress { items }, Some(progress)) = (r, &progress) {
            progress(items);
        }
    })
}
