//! A body's bytes, from JavaScript into the engine's (wasm) memory a chunk at a time.
//!
//! A plain Aether body (the one that gets big: a year of hourly usage is 300 MB) goes through a
//! [`BodyReader`], which scans each chunk as it comes and keeps only the bytes it still needs: the
//! engine then holds a chunk of the body, not all of it, and never copies 300 MB into fresh pages
//! of its memory. Any other body is kept whole, as the general reader needs it.
//!
//! Chunks come from a `Blob` (a file, a fetched response, a sample) or, for bytes a host page gave
//! the widget, from the page through a `MessagePort` (`chunks.js`): either way a [`Chunks`].

use std::cell::Cell;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use chrono::{DateTime, Utc};
use tally_core::{read_usage_generally, BodyReader, Source, Usage};

use super::protocol::ReadCost;

/// Bytes copied at a time: JavaScript never holds more than this of a body read from a `Blob`,
/// and the engine's window of a big body is about this size.
pub const CHUNK: usize = 16 << 20;

/// What the engine says when a `Blob` it was given cannot be read.
pub const UNREADABLE: &str = "the body could not be read (was the file changed or removed?)";

/// A body as the page holds it, to send to the engine (again, when a worker is replaced).
#[derive(Clone)]
pub enum Body {
    /// A file, a fetched response, a paste or a sample: held by the browser, outside the page's heap.
    Blob(Blob),
    /// Bytes a host page gave the widget: never copied whole, sent to a worker a chunk at a time.
    Bytes(Uint8Array),
}

impl Body {
    /// Its size in bytes.
    pub fn size(&self) -> f64 {
        match self {
            Body::Blob(blob) => blob.size(),
            Body::Bytes(bytes) => f64::from(bytes.length()),
        }
    }

    /// What travels to a worker for it (a `Blob` goes as it is; bytes as `{port, size}`, the port
    /// to transfer).
    pub fn to_message(&self) -> (JsValue, Option<JsValue>) {
        match self {
            Body::Blob(blob) => (blob.into(), None),
            Body::Bytes(bytes) => {
                let port = offer(bytes, CHUNK as u32);
                let entry = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&entry, &"port".into(), &port);
                let _ = js_sys::Reflect::set(&entry, &"size".into(), &bytes.length().into());
                (entry.into(), Some(port))
            }
        }
    }
}

#[wasm_bindgen(module = "/src/engine/chunks.js")]
extern "C" {
    fn offer(bytes: &Uint8Array, chunk: u32) -> JsValue;
    type Receiver;
    fn receive(port: &JsValue) -> Receiver;
    #[wasm_bindgen(method)]
    fn next(this: &Receiver) -> Promise;
    #[wasm_bindgen(method)]
    fn again(this: &Receiver) -> Promise;
    #[wasm_bindgen(method)]
    fn done(this: &Receiver);
}

/// Where a body's chunks come from, in order; each resolves to an `ArrayBuffer`.
pub trait Chunks {
    /// The body's size in bytes.
    fn size(&self) -> usize;
    /// Asks for the chunk that starts at `start`: 0, then each chunk's end in turn (and 0 again
    /// to read the body a second time).
    fn ask(&self, start: usize) -> Result<JsFuture, JsValue>;
}

impl Chunks for Blob {
    fn size(&self) -> usize {
        Blob::size(self) as usize
    }

    fn ask(&self, start: usize) -> Result<JsFuture, JsValue> {
        let part = self.slice_with_f64_and_f64(start as f64, (start + CHUNK).min(Chunks::size(self)) as f64)?;
        Ok(JsFuture::from(part.array_buffer()))
    }
}

/// A body sent by the page a chunk at a time (`{port, size}`, see [`Body::to_message`]). The page
/// is told when the worker is done with it.
pub struct PortChunks {
    receiver: Receiver,
    size: usize,
    asked: Cell<bool>,
}

impl PortChunks {
    /// The worker's side of a body sent as `{port, size}`; `None` for anything else.
    pub fn from_message(entry: &JsValue) -> Option<Self> {
        let port = js_sys::Reflect::get(entry, &"port".into()).ok().filter(JsValue::is_object)?;
        let size = js_sys::Reflect::get(entry, &"size".into()).ok()?.as_f64()?;
        Some(PortChunks { receiver: receive(&port), size: size as usize, asked: Cell::new(false) })
    }
}

impl Chunks for PortChunks {
    fn size(&self) -> usize {
        self.size
    }

    fn ask(&self, start: usize) -> Result<JsFuture, JsValue> {
        let again = start == 0 && self.asked.replace(true);
        Ok(JsFuture::from(if again { self.receiver.again() } else { self.receiver.next() }))
    }
}

impl Drop for PortChunks {
    fn drop(&mut self) {
        self.receiver.done();
    }
}

/// Where a body's chunks go as they are read.
pub trait Sink {
    /// Room for the next `n` bytes, to copy them into.
    fn room(&mut self, n: usize) -> &mut [u8];
    /// The bytes just copied have arrived.
    fn arrived(&mut self) {}
}

/// The whole body, for the readers that need all of it.
impl Sink for Vec<u8> {
    fn room(&mut self, n: usize) -> &mut [u8] {
        let at = self.len();
        self.resize(at + n, 0);
        &mut self[at..]
    }
}

/// A body scanned as it arrives, by a reader that drops what it has read.
struct Scanning<'a> {
    reader: &'a mut BodyReader,
    progress: &'a mut dyn FnMut(usize),
}

impl Sink for Scanning<'_> {
    fn room(&mut self, n: usize) -> &mut [u8] {
        self.reader.room(n)
    }

    fn arrived(&mut self) {
        self.reader.scan(self.progress);
    }
}

/// Reads a body given as a JS byte array (the widget's fast way in), a chunk at a time.
pub fn read_array(bytes: &Uint8Array, source: Option<Source>, as_of: Option<DateTime<Utc>>, progress: &mut dyn FnMut(usize)) -> tally_core::Result<Usage> {
    let len = bytes.length() as usize;
    let mut reader = BodyReader::at(len, as_of);
    let mut at = 0;
    while at < len {
        let end = (at + CHUNK).min(len);
        // `subarray` is a view: nothing is copied until `copy_to`, straight into the reader.
        bytes.subarray(at as u32, end as u32).copy_to(reader.room(end - at));
        reader.scan(progress);
        at = end;
    }
    // The fast path stepped aside after dropping bytes: the general reader reads it all.
    reader.finish(source, progress).unwrap_or_else(|| read_usage_generally(&bytes.to_vec(), source, as_of, progress))
}

/// Reads one body of any provider, a chunk at a time: a plain Aether body is scanned as it arrives
/// and held a chunk at a time; when the fast path steps aside after dropping bytes, the body is
/// read again, whole, for the general reader. Read for pricing at `as_of`, if known
/// (`tally_core::read_usage_at`). `Err` when it cannot be read (a file changed or removed).
pub async fn read_usage_from(body: &dyn Chunks, source: Option<Source>, as_of: Option<DateTime<Utc>>, now: &dyn Fn() -> f64, cost: &mut ReadCost, progress: &mut dyn FnMut(usize)) -> Result<tally_core::Result<Usage>, JsValue> {
    let mut reader = BodyReader::at(body.size(), as_of);
    read_chunks(body, now, cost, &mut Scanning { reader: &mut reader, progress }).await?;
    let finishing = now();
    let read = reader.finish(source, progress);
    cost.parse_ms += now() - finishing;
    if let Some(read) = read {
        return Ok(read);
    }
    let mut whole = Vec::with_capacity(body.size());
    read_chunks(body, now, cost, &mut whole).await?;
    let parsing = now();
    let read = read_usage_generally(&whole, source, as_of, progress);
    cost.parse_ms += now() - parsing;
    Ok(read)
}

/// Reads a body chunk by chunk into `sink` (for a `Blob`, `Blob.arrayBuffer` is the fastest of a
/// worker's ways to read; `FileReaderSync` and streams were slower). The next chunk is asked for
/// before this one is copied and handed over (two chunks in flight at most). The time
/// `sink.arrived` takes counts as parsing.
pub async fn read_chunks(body: &dyn Chunks, now: &dyn Fn() -> f64, cost: &mut ReadCost, sink: &mut dyn Sink) -> Result<(), JsValue> {
    let size = body.size();
    let ask = |start: usize| body.ask(start);
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
        let view = Uint8Array::new(&buffer);
        view.copy_to(sink.room(view.length() as usize));
        let copied = now();
        cost.read_ms += got - asked;
        cost.copy_ms += copied - got;
        sink.arrived();
        cost.parse_ms += now() - copied;
    }
    Ok(())
}

