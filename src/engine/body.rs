//! A body's bytes, from JavaScript into the engine's (wasm) memory a chunk at a time.
//!
//! A plain Aether body (the one that gets big: a year of hourly usage is 300 MB) goes through a
//! [`BodyReader`], which scans each chunk as it comes and keeps only the bytes it still needs: the
//! engine then holds a chunk of the body, not all of it, and never copies 300 MB into fresh pages
//! of its memory. Any other body is kept whole, as the general reader needs it.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use tally_core::{read_usage_generally, BodyReader, Source, Usage};

use super::protocol::ReadCost;

/// Bytes copied at a time: JavaScript never holds more than this of a body read from a `Blob`,
/// and the engine's window of a big body is about this size.
pub const CHUNK: usize = 16 << 20;

/// What the engine says when a `Blob` it was given cannot be read.
pub const UNREADABLE: &str = "the body could not be read (was the file changed or removed?)";

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
pub fn read_array(bytes: &Uint8Array, source: Option<Source>, progress: &mut dyn FnMut(usize)) -> tally_core::Result<Usage> {
    let len = bytes.length() as usize;
    let mut reader = BodyReader::new(len);
    let mut at = 0;
    while at < len {
        let end = (at + CHUNK).min(len);
        // `subarray` is a view: nothing is copied until `copy_to`, straight into the reader.
        bytes.subarray(at as u32, end as u32).copy_to(reader.room(end - at));
        reader.scan(progress);
        at = end;
    }
    // The fast path stepped aside after dropping bytes: the general reader reads it all.
    reader.finish(source, progress).unwrap_or_else(|| read_usage_generally(&bytes.to_vec(), source, progress))
}

/// Reads one body of any provider from a `Blob`, a chunk at a time: a plain Aether body is scanned
/// as it arrives and held a chunk at a time; when the fast path steps aside after dropping bytes,
/// the `Blob` is read again, whole, for the general reader. `Err` when the `Blob` cannot be read
/// (the file was changed or removed).
pub async fn read_usage_from_blob(blob: &Blob, now: &dyn Fn() -> f64, cost: &mut ReadCost, progress: &mut dyn FnMut(usize)) -> Result<tally_core::Result<Usage>, JsValue> {
    let mut reader = BodyReader::new(blob.size() as usize);
    read_blob(blob, now, cost, &mut Scanning { reader: &mut reader, progress }).await?;
    let finishing = now();
    let read = reader.finish(None, progress);
    cost.parse_ms += now() - finishing;
    if let Some(read) = read {
        return Ok(read);
    }
    let mut whole = Vec::with_capacity(blob.size() as usize);
    read_blob(blob, now, cost, &mut whole).await?;
    let parsing = now();
    let read = read_usage_generally(&whole, None, progress);
    cost.parse_ms += now() - parsing;
    Ok(read)
}

/// Reads a `Blob` chunk by chunk into `sink` (`Blob.arrayBuffer` is the fastest of a worker's ways
/// to read; `FileReaderSync` and streams were slower). The next chunk is asked for before this one
/// is copied and handed over (two chunks in flight at most). The time `sink.arrived` takes counts
/// as parsing.
pub async fn read_blob(blob: &Blob, now: &dyn Fn() -> f64, cost: &mut ReadCost, sink: &mut dyn Sink) -> Result<(), JsValue> {
    let size = blob.size() as usize;
    let ask = |start: usize| -> Result<JsFuture, JsValue> {
        let part = blob.slice_with_f64_and_f64(start as f64, (start + CHUNK).min(size) as f64)?;
        Ok(JsFuture::from(part.array_buffer()))
    };
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

