//! The embeddable widget: a JS API exported from the wasm build (see `widget/tally-widget.js` and
//! `widget/tally-widget.d.ts`). `summarize` and `breakdown` return plain objects with the SPEC
//! section 7 shape; `mount` renders a view into any element, inside a shadow root so that styles
//! neither leak into nor depend on the host page.
//!
//! A big body (4 MB or more) is read in the engine's Web Worker, as the portal does, so the host
//! page stays responsive; the host's bytes go over a chunk at a time and are left as they were.

use std::cell::Cell;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::Deserialize;
use tally_core::{breakdown as core_breakdown, parse_timestamp, price, read_usage_at, summarize as core_summarize, Context, Dimension, PriceBook, Source, Usage};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::body::{read_array, Body};
use crate::engine::{failure, Engine, Inputs, Job, Origin, Reply};
use crate::loader::SAMPLES;
use crate::pages::{BreakdownPage, SummaryPage, WhatIfPage};
use crate::state::{Adding, AppState};

/// The `code` of an error made by [`js_error`].
fn error_code(error: &JsValue) -> Option<String> {
    js_sys::Reflect::get(error, &"code".into()).ok()?.as_string()
}

/// An error for JavaScript: `{code, message}`, which the JS wrapper turns into a rejected promise.
fn js_error(code: &str, message: impl Into<String>) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&o, &"message".into(), &message.into().into());
    o.into()
}

/// A body given as a string (exact) or as an object (its numbers are JS numbers: serialized back
/// with the shortest text that round-trips, so pass strings to keep more than 15-17 digits).
fn body_bytes(body: &JsValue) -> Result<Vec<u8>, JsValue> {
    // Bytes are the fast path for big bodies: no UTF-16 string.
    if let Some(bytes) = body_array(body) {
        return Ok(bytes.to_vec());
    }
    if let Some(s) = body.as_string() {
        return Ok(s.into_bytes());
    }
    if body.is_object() {
        return js_sys::JSON::stringify(body)
            .ok()
            .and_then(|s| s.as_string())
            .map(String::into_bytes)
            .ok_or_else(|| js_error("invalid", "the body object could not be serialized"));
    }
    Err(js_error("invalid", "body: expected a JSON string, bytes (Uint8Array, ArrayBuffer) or an object"))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct CallOptions {
    source: Option<String>,
    as_of: Option<String>,
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    asset_base: Option<String>,
    engine: Option<String>,
}

/// The options without `body` and `prices`, which are read separately: handing a body of many
/// megabytes to the options' deserializer would walk it value by value, only to ignore it.
fn without_data(value: &JsValue) -> JsValue {
    if !value.is_object() {
        return value.clone();
    }
    let copy = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
    for key in ["body", "prices"] {
        let _ = js_sys::Reflect::delete_property(&copy, &key.into());
    }
    copy.into()
}

fn options(value: &JsValue) -> Result<(CallOptions, Option<PriceBook>), JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok((CallOptions::default(), None));
    }
    let prices = js_sys::Reflect::get(value, &"prices".into()).unwrap_or(JsValue::UNDEFINED);
    let book = if prices.is_undefined() || prices.is_null() {
        None
    } else {
        Some(PriceBook::parse(&body_bytes(&prices)?).map_err(|e| js_error(e.code(), format!("prices: {e}")))?)
    };
    let o: CallOptions = serde_wasm_bindgen::from_value(without_data(value)).map_err(|e| js_error("usage", format!("options: {e}")))?;
    Ok((o, book))
}

fn context(o: &CallOptions) -> Result<Context, JsValue> {
    let t = |name: &str, v: &Option<String>| v.as_deref().map(|s| parse_timestamp(s).map_err(|m| js_error("usage", format!("{name}: {m}")))).transpose();
    let as_of = t("asOf", &o.as_of)?.unwrap_or_else(|| chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default());
    let range = match (t("from", &o.from)?, t("to", &o.to)?) {
        (Some(a), Some(b)) if a < b => Some((a, b)),
        (None, None) => None,
        _ => return Err(js_error("usage", "from and to go together, from before to")),
    };
    Ok(Context { as_of, range })
}

/// The `source` option: `None` to detect the provider.
fn source_option(o: &CallOptions) -> Result<Option<Source>, JsValue> {
    match o.source.as_deref() {
        None | Some("auto") => Ok(None),
        Some(s) => Ok(Some(Source::from_id(s).ok_or_else(|| js_error("usage", format!("source: unknown \"{s}\"")))?)),
    }
}

/// Reads a body for pricing at `as_of` (`tally_core::read_usage_at`).
fn read(body: &JsValue, o: &CallOptions, as_of: DateTime<Utc>) -> Result<Usage, JsValue> {
    let source = source_option(o)?;
    let read = match body_array(body) {
        Some(bytes) => read_array(&bytes, source, Some(as_of), &mut |_| {}),
        None => read_usage_at(&body_bytes(body)?, source, as_of),
    };
    read.map_err(|e| js_error(e.code(), e.to_string()))
}

/// A body given as bytes, which is read a chunk at a time without a copy of the whole.
fn body_array(body: &JsValue) -> Option<js_sys::Uint8Array> {
    if let Some(bytes) = body.dyn_ref::<js_sys::Uint8Array>() {
        return Some(bytes.clone());
    }
    body.dyn_ref::<js_sys::ArrayBuffer>().map(|buffer| js_sys::Uint8Array::new(buffer))
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    // Maps become plain objects, so callers read `result.total` and `row.month`.
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| js_error("internal", e.to_string()))
}

/// The SPEC section 7 summary of a body, as a plain object.
#[wasm_bindgen(js_name = summarize)]
pub async fn summarize_js(body: JsValue, options_value: JsValue) -> Result<JsValue, JsValue> {
    let (o, book) = options(&options_value)?;
    let ctx = context(&o)?;
    if let Some(bytes) = body_for_worker(&body, &o)? {
        return match in_worker(bytes, &o, book.as_ref(), ctx, Job::Summary).await? {
            Reply::Summary(summary) => to_js(&*summary),
            other => Err(js_error("engine", failure(other))),
        };
    }
    let usage = read(&body, &o, ctx.as_of)?;
    let priced = price(&[&usage], book.as_ref(), ctx).map_err(|e| js_error(e.code(), e.to_string()))?;
    to_js(&core_summarize(&priced).map_err(|e| js_error(e.code(), e.to_string()))?)
}

/// The SPEC section 7 breakdown of a body by `options.by` (`"month,resource_type"`).
#[wasm_bindgen(js_name = breakdown)]
pub async fn breakdown_js(body: JsValue, options_value: JsValue) -> Result<JsValue, JsValue> {
    let (o, book) = options(&options_value)?;
    let by = Dimension::parse_list(o.by.as_deref().unwrap_or("month")).map_err(|e| js_error("usage", e.to_string()))?;
    let ctx = context(&o)?;
    if let Some(bytes) = body_for_worker(&body, &o)? {
        return match in_worker(bytes, &o, book.as_ref(), ctx, Job::Breakdown(by)).await? {
            Reply::Breakdown(wire) => to_js(&tally_core::Breakdown::from(wire)),
            other => Err(js_error("engine", failure(other))),
        };
    }
    let usage = read(&body, &o, ctx.as_of)?;
    let priced = price(&[&usage], book.as_ref(), ctx).map_err(|e| js_error(e.code(), e.to_string()))?;
    to_js(&core_breakdown(&priced, &by).map_err(|e| js_error(e.code(), e.to_string()))?)
}

thread_local! {
    /// Dataset ids for `summarize` and `breakdown` calls (each call has an engine of its own).
    static NEXT_CALL: Cell<u32> = const { Cell::new(1) };
}

/// A body `summarize` or `breakdown` should read in a worker, as bytes: one of 4 MB or more given
/// as bytes or a string (unless `engine` says otherwise). An object is read in the page.
fn body_for_worker(body: &JsValue, o: &CallOptions) -> Result<Option<js_sys::Uint8Array>, JsValue> {
    let size = match (body_array(body), body.dyn_ref::<js_sys::JsString>()) {
        (Some(bytes), _) => bytes.length(),
        (None, Some(text)) => text.length(),
        (None, None) => 0,
    };
    if !wants_worker(o.engine.as_deref(), size)? || !(body.is_string() || body_array(body).is_some()) {
        return Ok(None);
    }
    body_as_bytes(body).map(Some)
}

/// Reads `bytes` and computes `job` in a worker of its own (or in the page if none starts). The
/// worker stops once it has answered: a worker's wasm memory never shrinks, and an idle one would
/// hold the peak of the biggest body it read (172 MB after 1M items). Starting one costs little,
/// as it gets the page's compiled wasm.
async fn in_worker(bytes: js_sys::Uint8Array, o: &CallOptions, book: Option<&PriceBook>, ctx: Context, job: Job) -> Result<Reply, JsValue> {
    let engine = Engine::in_worker_from(&format!("{}engine-worker.js", o.asset_base.as_deref().unwrap_or("./")));
    let id = NEXT_CALL.with(|n| n.replace(n.get() + 1));
    let from = source_option(o)?.map_or(Origin::Body, Origin::Of);
    let reply = match engine.load(id, from, ctx.as_of, vec![Body::Bytes(bytes)], |_| {}).await {
        Ok(_) => {
            let time = tally_core::rfc3339_millis;
            let inputs = Inputs { datasets: vec![id], book: book.map(PriceBook::to_json), as_of: time(ctx.as_of), range: ctx.range.map(|(a, b)| (time(a), time(b))) };
            engine.compute(job, inputs).await
        }
        Err(failed) => Reply::Failed(failed),
    };
    engine.stop();
    match reply {
        Reply::Failed(f) => Err(js_error(&f.code, f.message)),
        other => Ok(other),
    }
}

/// What a mounted widget shows and how.
#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase", default)]
struct MountOptions {
    view: Option<String>,
    theme: Option<String>,
    sample: Option<String>,
    as_of: Option<String>,
    locale: Option<String>,
    asset_base: Option<String>,
    engine: Option<String>,
}

/// Bodies from this size up are read in a Web Worker (when the host page lets one start): below
/// it, the page reads them faster than a worker starts (a 4 MB body takes about 10 ms).
const WORKER_FROM_BYTES: u32 = 4 << 20;

/// Where a mounted widget's engine runs for a body of `size` bytes: `engine` is `"auto"` (the
/// default), `"worker"` or `"page"`.
fn wants_worker(engine: Option<&str>, size: u32) -> Result<bool, JsValue> {
    match engine.unwrap_or("auto") {
        "auto" => Ok(size >= WORKER_FROM_BYTES),
        "worker" => Ok(true),
        "page" => Ok(false),
        other => Err(js_error("usage", format!("engine: expected auto, worker or page, found \"{other}\""))),
    }
}

/// A body as bytes the engine can read, whatever the host gave: its own bytes are not copied.
fn body_as_bytes(body: &JsValue) -> Result<js_sys::Uint8Array, JsValue> {
    match body_array(body) {
        Some(bytes) => Ok(bytes),
        None => Ok(js_sys::Uint8Array::from(body_bytes(body)?.as_slice())),
    }
}

/// A mounted widget: `update(options)` and `destroy()`.
#[wasm_bindgen]
pub struct WidgetHandle {
    host: web_sys::HtmlElement,
    root: web_sys::Element,
    state: AppState,
    view: RwSignal<String>,
    handle: Option<leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>>,
}

async fn apply(state: AppState, host: &web_sys::HtmlElement, view: RwSignal<String>, js: &JsValue) -> Result<(), JsValue> {
    let o: MountOptions = if js.is_undefined() || js.is_null() { MountOptions::default() } else { serde_wasm_bindgen::from_value(without_data(js)).map_err(|e| js_error("usage", format!("options: {e}")))? };
    if let Some(v) = o.view {
        if !["summary", "breakdown", "whatif", "card"].contains(&v.as_str()) {
            return Err(js_error("usage", format!("view: expected summary, breakdown, whatif or card, found \"{v}\"")));
        }
        view.set(v);
    }
    if let Some(theme) = o.theme {
        let _ = host.set_attribute("data-theme", if theme == "dark" { "dark" } else { "light" });
    }
    if let Some(locale) = o.locale {
        let _ = host.set_attribute("lang", &locale);
    }
    if let Some(t) = o.as_of.as_deref().and_then(|t| parse_timestamp(t).ok()) {
        state.as_of.set(t);
    }
    let (co, book) = options(js)?;
    if let Some(book) = book {
        state.book.set(Some(("prices".into(), Arc::new(book))));
    }
    let body = js_sys::Reflect::get(js, &"body".into()).unwrap_or(JsValue::UNDEFINED);
    let base = o.asset_base.unwrap_or_default();
    if !body.is_undefined() && !body.is_null() {
        let from = source_option(&co)?.map_or(Origin::Body, Origin::Of);
        let bytes = body_as_bytes(&body)?;
        let in_worker = wants_worker(o.engine.as_deref(), bytes.length())?;
        if in_worker != state.engine_in_worker.get_untracked() {
            if in_worker {
                state.use_worker_from(&format!("{base}engine-worker.js"));
            } else {
                state.use_page();
            }
        }
        state.load_bodies("data".into(), from, vec![Body::Bytes(bytes)], Adding::Replace).await.map_err(|f| js_error(&f.code, f.message))?;
    } else if let Some(id) = o.sample {
        let sample = *SAMPLES.iter().find(|s| s.id == id).ok_or_else(|| js_error("usage", format!("sample: unknown \"{id}\"")))?;
        leptos::task::spawn_local(crate::loader::load_sample_from(state, sample, base));
    }
    Ok(())
}

/// A compact cost card: total, provider total and forecast.
#[component]
fn CostCard() -> impl IntoView {
    let state = expect_context::<AppState>();
    let summary = state.summary();
    view! {
        {move || match summary.get() {
            None => view! { <p class="muted" data-testid="card-empty">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="notice error" role="alert">{e.message}</p> }.into_any(),
            Some(Ok(s)) => view! {
                <div class="card cost-card">
                    <h2>"Total"</h2>
                    <p class="big" data-testid="total" data-value=s.total.to_string()>{crate::format::money(&s.total, &s.currency)}</p>
                    {s.reported_total.map(|r| view! { <p class="muted">"Provider total: "{crate::format::money(&r, &s.currency)}</p> })}
                    {s.forecast.clone().map(|f| view! { <p class="muted">"Month-end forecast: "{crate::format::money(&f.total, &s.currency)}</p> })}
                </div>
            }.into_any(),
        }}
    }
}

/// Renders a view into `element` (inside a shadow root), once its body is read. Options: `view`
/// (`summary`, `breakdown`, `whatif`, `card`), `body` (bytes, string or object) or `sample`,
/// `prices`, `theme`, `locale`, `asOf`, `engine` (`auto`, `worker`, `page`).
#[wasm_bindgen]
pub async fn mount(element: web_sys::HtmlElement, options_value: JsValue) -> Result<WidgetHandle, JsValue> {
    let shadow = match element.shadow_root() {
        Some(s) => s,
        None => element.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)).map_err(|_| js_error("usage", "this element cannot host a shadow root"))?,
    };
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| js_error("internal", "no document"))?;
    let base = js_sys::Reflect::get(&options_value, &"assetBase".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let link = document.create_element("link").map_err(|_| js_error("internal", "no link"))?;
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", &format!("{base}main.css"));
    let _ = shadow.append_child(&link);
    let root = document.create_element("div").map_err(|_| js_error("internal", "no div"))?;
    root.set_class_name("tally-app tally-widget");
    let _ = shadow.append_child(&root);

    let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    let state = AppState::new(now).embedded();
    let view = RwSignal::new("summary".to_string());
    let target: web_sys::HtmlElement = root.clone().unchecked_into();
    let handle = leptos::mount::mount_to(target, move || {
        provide_context(state);
        view! {
            <crate::components::NoticeBanner/>
            {move || match view.get().as_str() {
                "breakdown" => view! { <BreakdownPage/> }.into_any(),
                "whatif" => view! { <WhatIfPage/> }.into_any(),
                "card" => view! { <CostCard/> }.into_any(),
                _ => view! { <SummaryPage/> }.into_any(),
            }}
        }
        .into_any()
    });
    // Mounting set up Leptos's task executor, which loading a sample needs.
    let widget = WidgetHandle { host: element, root, state, view, handle: Some(handle) };
    if let Err(e) = apply(state, &widget.host, view, &options_value).await {
        // The user stopped the read (Cancel in the widget): the widget stays, showing nothing,
        // and the host gets its handle. Any other failure is the host's to handle.
        if error_code(&e).as_deref() == Some("cancelled") {
            return Ok(widget);
        }
        widget.destroy();
        return Err(e);
    }
    Ok(widget)
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Changes the data, prices, view, theme or locale of a mounted widget; resolves once a new
    /// body is read (what was shown stays if it cannot be).
    pub fn update(&self, options_value: JsValue) -> js_sys::Promise {
        let (state, host, view) = (self.state, self.host.clone(), self.view);
        wasm_bindgen_futures::future_to_promise(async move { apply(state, &host, view, &options_value).await.map(|()| JsValue::UNDEFINED) })
    }

    /// Where the engine runs: `"worker"` (a Web Worker) or `"page"`.
    #[wasm_bindgen(getter)]
    pub fn engine(&self) -> String {
        if self.state.engine_in_worker.get_untracked() { "worker" } else { "page" }.to_string()
    }

    /// Unmounts the widget, stops its worker and removes everything it added to the element.
    pub fn destroy(mut self) {
        drop(self.handle.take());
        self.state.engine.get_value().stop();
        self.root.remove();
        if let Some(shadow) = self.host.shadow_root() {
            while let Some(child) = shadow.first_child() {
                let _ = shadow.remove_child(&child);
            }
        }
        let _ = self.host.remove_attribute("data-theme");
    }
}
