//! Reading provider bodies: one pass over the JSON into normalized charges, auto-detection by shape,
//! and provider error bodies reported as that provider's error (SPEC section 1).
//!
//! The general reader's wire structs and serde readers are `tally_formats`', built for size; this
//! module runs them (through `tally_formats::read_envelope`), turns what they read into charges,
//! and says where a body is at fault. The fast path for big Aether bodies (`fast`, `daily`) is
//! here, built for speed.

mod aether;
mod cu;
mod daily;
mod detect;
mod elastic;
mod fast;
mod hyperstack;

use chrono::{DateTime, Utc};
use tally_formats::Envelope;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Charge, Interner, Source, Usage};
use aether::ItemsToCharges;

/// The largest body read (bytes). A year of hourly usage for a large fleet is a few hundred MB;
/// past this, memory in a browser tab (wasm32: 4 GiB at most) is the limit users would hit.
pub const MAX_BODY_BYTES: usize = 768 * 1024 * 1024;

/// Reads one provider body. `source` forces a provider; `None` detects it by shape.
///
/// # Errors
/// Not JSON, a field of the wrong type (with its path), a provider error body, or a shape that
/// matches no provider (or a different one than `source`).
///
/// ```
/// let body = br#"{"code": 0, "message": "ok", "requestId": "r", "data": {"yearMonth": "2026-11",
///   "daily": [], "summary": {"deposited": 10, "granted": 0, "used": 0}}}"#;
/// let usage = tally_core::read_usage(body, None).unwrap();
/// assert_eq!(usage.source, tally_core::Source::Cu);
/// ```
pub fn read_usage(bytes: &[u8], source: Option<Source>) -> Result<Usage> {
    read_usage_with_progress(bytes, source, None, &mut |_| {})
}

/// [`read_usage`] for pricing at `as_of`: an Aether resource's items of the day of `as_of` are
/// summed apart, those whose hour ended by `as_of`, the one under way and those after, so the
/// forecast counts the usage so far exactly (SPEC 6) where it would otherwise count that day by
/// time. Every total and breakdown is the same either way.
///
/// # Errors
/// As [`read_usage`].
pub fn read_usage_at(bytes: &[u8], source: Option<Source>, as_of: DateTime<Utc>) -> Result<Usage> {
    read_usage_with_progress(bytes, source, Some(as_of), &mut |_| {})
}

/// [`read_usage`] (or [`read_usage_at`], given `as_of`), telling `progress` the number of usage
/// items read so far every 65,536 items, so a long read (a year of hourly Aether usage) can show
/// how far it got.
pub fn read_usage_with_progress(bytes: &[u8], source: Option<Source>, as_of: Option<DateTime<Utc>>, progress: &mut dyn FnMut(usize)) -> Result<Usage> {
    read_whole(fast::Scanner::new(bytes.len(), as_of), Interner::default(), bytes, source, progress)
}

/// [`read_usage_with_progress`] by the general reader alone: for a body the fast path has already
/// stepped aside from ([`BodyReader::finish`] gave `None`), which it would only scan again to step
/// aside at the same place. The tests check the fast path against it.
pub fn read_usage_generally(bytes: &[u8], source: Option<Source>, as_of: Option<DateTime<Utc>>, progress: &mut dyn FnMut(usize)) -> Result<Usage> {
    read_whole(fast::Scanner::refused(as_of), Interner::default(), bytes, source, progress)
}

/// A body read as its bytes arrive (a big file read in chunks), holding only the part of it still
/// needed: each piece is scanned when it comes in, and the bytes of the items already read are
/// dropped. A body of a million hourly items (300 MB) is held a chunk at a time, not whole, which
/// spares the browser's memory and the time spent copying it into fresh pages.
///
/// Only the fast path (a plain Aether body) can read in a window. When it steps aside after
/// bytes were dropped, [`BodyReader::finish`] says so and the caller reads the body again, whole,
/// with [`read_usage_generally`] (it has the body: a `Blob`, a JS array). Until the fast path has read the
/// body's head, everything is kept, so a small body or another provider's is never read twice.
///
/// ```
/// let body = br#"{"items": [{"resource_type": "node.s-4vcpu-16gb", "quantity": 1, "unit": "hour",
///   "recorded_at": "2026-11-01T00:00:00Z"}], "subscriptions": []}"#;
/// let mut reader = tally_core::BodyReader::new(body.len());
/// for piece in body.chunks(40) {
///     reader.room(piece.len()).copy_from_slice(piece);
///     reader.scan(&mut |_| {});
/// }
/// let usage = reader.finish(None, &mut |_| {}).expect("a plain Aether body is read in a window");
/// assert_eq!(usage.unwrap(), tally_core::read_usage(body, None).unwrap());
/// ```
pub struct BodyReader {
    scanner: fast::Scanner,
    interner: Interner,
    /// The body's length, as announced.
    len: usize,
    /// The bytes kept, `buffer[..filled]`: the body from `base` on, as far as it has arrived. The
    /// buffer keeps its length when bytes are dropped, so the next chunk is copied over bytes
    /// already there instead of into memory zeroed first (8 % of a read of 100k items in wasm).
    buffer: Vec<u8>,
    filled: usize,
    base: usize,
    /// The length of the byte order mark at the body's start (0 or 3): the scanner's positions are
    /// the body's without it.
    bom: usize,
}

impl BodyReader {
    /// A reader for a body of `len` bytes.
    pub fn new(len: usize) -> BodyReader {
        BodyReader::at(len, None)
    }

    /// A reader for a body of `len` bytes to be priced at `as_of` (see [`read_usage_at`]).
    pub fn at(len: usize, as_of: Option<DateTime<Utc>>) -> BodyReader {
        BodyReader { scanner: fast::Scanner::new(len.min(MAX_BODY_BYTES), as_of), interner: Interner::default(), len, buffer: Vec::new(), filled: 0, base: 0, bom: 0 }
    }

    /// Room for the next `n` bytes of the body, to copy them into; what the reader no longer needs
    /// is dropped first.
    pub fn room(&mut self, n: usize) -> &mut [u8] {
        match self.scanner.keep_from() {
            Some(from) if from + self.bom > self.base => self.drop_to(from + self.bom),
            // Nothing here will be read: the body is too long (`finish` says so), or the scanner
            // stepped aside after bytes were dropped (the body is read again whole).
            None if self.len > MAX_BODY_BYTES || (self.base > 0 && self.scanner.stepped_aside()) => self.drop_to(self.base + self.filled),
            // The scanner stepped aside with the whole body still here: the general reader needs
            // all of it, so room for all at once.
            None if self.scanner.stepped_aside() => self.buffer.reserve_exact(self.len.saturating_sub(self.buffer.len()).max(n)),
            // The head is not read yet (or nothing is to be dropped): grow as needed.
            _ => {}
        }
        let (at, end) = (self.filled, self.filled + n);
        if self.buffer.len() < end {
            self.buffer.resize(end, 0);
        }
        self.filled = end;
        &mut self.buffer[at..end]
    }

    /// Drops the bytes before `from` (a position in the body at most what has arrived).
    fn drop_to(&mut self, from: usize) {
        let drop = from.saturating_sub(self.base).min(self.filled);
        self.buffer.copy_within(drop..self.filled, 0);
        self.filled -= drop;
        self.base += drop;
    }

    /// Reads what it can of the bytes that arrived, telling `progress` the usage items read every
    /// 65,536 items.
    pub fn scan(&mut self, progress: &mut dyn FnMut(usize)) {
        // A body too long to read is left to `finish`, which says so.
        if self.len > MAX_BODY_BYTES {
            return;
        }
        let (bytes, base) = if self.base == 0 {
            // Too short to tell a byte order mark: wait for more.
            if self.filled < BOM.len() {
                return;
            }
            let bytes = without_bom(&self.buffer[..self.filled]);
            self.bom = self.filled - bytes.len();
            (bytes, 0)
        } else {
            (&self.buffer[..self.filled], self.base - self.bom)
        };
        self.scanner.arrived(bytes, base, false, &mut self.interner, progress);
    }

    /// Reads the rest of the body, all of which has arrived. `None` when the body has to be read
    /// again whole, with [`read_usage_generally`]: the fast path stepped aside, or found the body's
    /// envelope at fault (the general reader says where, in the whole body), after the reader had
    /// dropped bytes.
    pub fn finish(self, source: Option<Source>, progress: &mut dyn FnMut(usize)) -> Option<Result<Usage>> {
        if self.len > MAX_BODY_BYTES {
            return Some(Err(too_long(self.len)));
        }
        let BodyReader { mut scanner, mut interner, buffer, filled, base, bom, .. } = self;
        let kept = buffer.get(..filled).unwrap_or_default();
        if base == 0 {
            return Some(read_whole(scanner, interner, kept, source, progress));
        }
        scanner.arrived(kept, base - bom, true, &mut interner, progress);
        read_fast(scanner, interner, kept, base - bom, source, progress)
    }

    /// How many bytes of the body the reader holds now.
    pub fn kept(&self) -> usize {
        self.filled
    }
}

/// Reads a whole body, of which `scanner` may have read a start.
fn read_whole(mut scanner: fast::Scanner, mut interner: Interner, bytes: &[u8], source: Option<Source>, progress: &mut dyn FnMut(usize)) -> Result<Usage> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(too_long(bytes.len()));
    }
    let bytes = without_bom(bytes);
    let cut = scanner.cut();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(ErrorKind::Shape("the body is empty (a provider sends an empty body with some HTTP 500 errors)".into())));
    }
    // The fast path checks the UTF-8 of what it reads as it reads it; the rest of the body is
    // checked when it is cut out. Any other way, the whole body is checked first.
    scanner.arrived(bytes, 0, true, &mut interner, progress);
    if let Some(read) = read_fast(scanner, interner, bytes, 0, source, progress) {
        return read;
    }
    let mut interner = Interner::default();
    let text = text_of(bytes)?;
    let body = parse_envelope(text, &mut interner, cut, progress).map_err(|e| match e.kind() {
        ErrorKind::Field { .. } | ErrorKind::Overflow(_) => provider_error_in(text, source).unwrap_or(e),
        _ => e,
    })?;
    convert(body, source, &mut interner)
}

/// A body the reader stopped in may still be a provider's error body with something unexpected
/// where a success body has its payload (`{"code": 402, "message": ..., "data": {}}`): SPEC 1
/// reports that as the provider's error, not as a shape mismatch. Read again for the error keys
/// only; paid only by bodies that fail.
fn provider_error_in(text: &str, source: Option<Source>) -> Option<Error> {
    let envelope = tally_formats::read_error_keys(text)?;
    // The payload is skipped: `items` was there or not, with no charges either way.
    let items = envelope.items.then(Vec::new);
    match convert(Body { envelope, items }, source, &mut Interner::default()) {
        Err(e) if matches!(e.kind(), ErrorKind::Provider { .. }) => Some(e),
        _ => None,
    }
}

/// The error for a body longer than [`MAX_BODY_BYTES`].
fn too_long(len: usize) -> Error {
    Error::new(ErrorKind::Shape(format!(
        "the body is {} MB; Tally reads bodies of at most {} MB (split the period into smaller requests)",
        len / 1_000_000,
        MAX_BODY_BYTES / 1_000_000
    )))
}

/// The usage of a body the scanner has read to its end (`tail`: the body from `base` on, with
/// the end of `items[]` in it); `None` when it is not the fast path's, or the rest of it is at fault.
fn read_fast(scanner: fast::Scanner, mut interner: Interner, tail: &[u8], base: usize, source: Option<Source>, progress: &mut dyn FnMut(usize)) -> Option<Result<Usage>> {
    let items = scanner.into_items()?;
    let rest = without_items(&items.head, tail.get(items.tail_from.checked_sub(base)?..)?)?;
    // The rest read untracked: where it is wrong, the whole body is read again to say where (its
    // lines and columns, not these). Its `items` is `[]`: the sink gets none.
    let envelope = tally_formats::read_envelope(&rest, &mut ItemsToCharges::new(&mut interner, None), progress).ok()?.ok()?;
    Some(convert(Body { envelope, items: Some(items.charges) }, source, &mut interner))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The body without a UTF-8 byte order mark (some Windows tools write one).
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// A body as the general reader reads it: its top level, and the charges its usage items were
/// summed into as they were read (`None` when it has no `items`).
struct Body<'a> {
    envelope: Envelope<'a>,
    items: Option<Vec<Charge>>,
}

/// The provider's normalized usage from its body.
fn convert(body: Body<'_>, source: Option<Source>, interner: &mut Interner) -> Result<Usage> {
    let Body { envelope, items } = body;
    match detect::detect(&envelope, source)? {
        Source::Aether => aether::convert(envelope, items),
        Source::Hyperstack => hyperstack::convert(envelope),
        Source::Elastic => elastic::convert(envelope),
        Source::Cu => cu::convert(envelope, interner),
    }
}


/// The body with the items array replaced by `[]` (`head` is what comes before it, `tail` what
/// comes after): what is left for the general reader once the fast path has read the items. `None`
/// if it is not UTF-8 (the caller then checks the whole body, to say where).
fn without_items(head: &[u8], tail: &[u8]) -> Option<String> {
    String::from_utf8([head, b"[]", tail].concat()).ok()
}

/// The body as text. JSON is UTF-8 (RFC 8259): checking the whole body once (fast, word at a time)
/// spares the general reader checking every string it borrows, and says where a body stops being
/// text (a binary file dropped by mistake). One reader over text, not a second over bytes: less wasm.
fn text_of(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))
}

/// Reads the body without tracking where it is; when that fails, the path of the field is found
/// from where the reader stopped (`json_path`), so a valid body pays nothing for error paths.
fn parse_envelope<'a>(text: &'a str, interner: &mut Interner, cut: Option<DateTime<Utc>>, progress: &mut dyn FnMut(usize)) -> Result<Body<'a>> {
    let mut sink = ItemsToCharges::new(interner, cut);
    let envelope = tally_formats::read_envelope(text, &mut sink, progress)
        .map_err(|err| locate_error(text, &err))?
        .map_err(|at| {
            Error::new(ErrorKind::Syntax { message: "unexpected data after the end of the JSON value".into(), line: at.line, column: at.column })
        })?;
    let items = envelope.items.then(|| sink.into_charges());
    Ok(Body { envelope, items })
}

/// "Not valid JSON" at the first byte that is not UTF-8 (lines and columns as serde_json counts them).
fn not_utf8(bytes: &[u8], valid_up_to: usize) -> Error {
    let before = bytes.get(..valid_up_to).unwrap_or_default();
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let column = 1 + before.len() - before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    Error::new(ErrorKind::Syntax { message: "the body is not UTF-8 text, as JSON must be".into(), line, column })
}

/// The error for a body the envelope reader stopped in.
fn locate_error(text: &str, err: &serde_json::Error) -> Error {
    if err.is_data() {
        // A body that is not JSON at all (say, random bytes that happen to start with a digit)
        // is first of all "not valid JSON", not "expected an object, found 4".
        if let Some(syntax) = tally_formats::syntax_error(text) {
            return Error::from_json(text.as_bytes(), &syntax);
        }
    }
    Error::from_json(text.as_bytes(), err)
}

#[cfg(test)]
mod tests {
    use super::{parse_envelope, Interner, ItemsToCharges};
    use tally_formats::EnvelopeSeed;

    const BODIES: [&str; 4] = [
        include_str!("../../../../fixtures/aether/usage.json"),
        include_str!("../../../../fixtures/hyperstack/usage.json"),
        include_str!("../../../../fixtures/elastic/usage.json"),
        include_str!("../../../../fixtures/cu/usage.json"),
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Wherever a value of the wrong shape is put in a provider's body (or a piece cut out), the
        /// error names the same field path as reading with path tracking did.
        #[test]
        fn error_paths_are_those_tracking_named(
            body in 0usize..4,
            at in 0usize..100_000,
            cut in 0usize..12,
            put in proptest::sample::select(vec!["", "\"x\"", "1", "-5", "null", "{}", "[]", "[1]", "{\"a\": 1}", "true", "\"2026-13-01\"", ",\"extra\": 1", "\"\\u0071\""]),
        ) {
            let text = BODIES[body];
            let at = at % text.len();
            let end = (at + cut).min(text.len());
            proptest::prop_assume!(text.is_char_boundary(at) && text.is_char_boundary(end));
            agrees_with_tracking(&[&text[..at], put, &text[end..]].concat())?;
        }

        /// The same, with one field's value (the `nth` after a `": "`) replaced whole.
        #[test]
        fn error_paths_for_a_replaced_value_are_those_tracking_named(
            body in 0usize..4,
            nth in 0usize..2_000,
            put in proptest::sample::select(&crate::json_path::WRONG_VALUES[..]),
        ) {
            agrees_with_tracking(&crate::json_path::with_value_replaced(BODIES[body], nth, put))?;
        }
    }

    #[test]
    fn a_body_too_long_is_refused_without_being_kept() {
        let mut reader = super::BodyReader::new(super::MAX_BODY_BYTES + 1);
        for _ in 0..3 {
            reader.room(1000).fill(b' ');
            reader.scan(&mut |_| {});
        }
        assert!(reader.kept() <= 1000, "kept {}", reader.kept());
        let err = reader.finish(None, &mut |_| {}).expect("said at once").expect_err("too long");
        assert!(err.to_string().contains("Tally reads bodies of at most 805 MB"), "{err}");
    }

    fn agrees_with_tracking(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        use serde::de::DeserializeSeed;
        crate::json_path::names_the_tracked_path(
            text,
            |de| EnvelopeSeed::new(&mut ItemsToCharges::new(&mut Interner::default(), None), 0, &mut |_| {}).deserialize(de).map(drop),
            |text| parse_envelope(text, &mut Interner::default(), None, &mut |_| {}),
        )
    }
}
