//! Where `serde_json` runs the readers of this crate: the only functions that put
//! `serde_json::Deserializer` together with them, so they are instantiated (compiled) here, built
//! for size, and not in the core, which calls these (see the crate's doc). They are not generic:
//! a caller cannot instantiate them again. Those with a single caller are `#[inline(never)]`: link-
//! time optimization would otherwise inline them into it, and build them at the core's opt-level.

use serde::de::{Deserialize, DeserializeSeed, IgnoredAny};

use crate::aether::{AetherItem, ItemSink};
use crate::book::BookWire;
use crate::envelope::{Envelope, EnvelopeSeed};
use crate::scenario::ScenarioWire;

/// The body had data after its JSON value, which starts here (lines and columns as `serde_json`
/// counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrailingData {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in bytes.
    pub column: usize,
}

/// Reads a whole body's envelope from `text`, its usage items going to `items` as they are read,
/// telling `progress` the items read every [`crate::PROGRESS_EVERY`]. The reader's own error when
/// it stops (the caller says where, from the error's line and column); [`TrailingData`] when the
/// envelope is read and something follows it.
pub fn read_envelope<'a>(
    text: &'a str,
    items: &mut dyn ItemSink,
    progress: &mut dyn FnMut(usize),
) -> Result<Result<Envelope<'a>, TrailingData>, serde_json::Error> {
    crate::num::forget_refused_number();
    let mut de = serde_json::Deserializer::from_str(text);
    let envelope = EnvelopeSeed::new(items, text.len(), progress).deserialize(&mut de)?;
    Ok(de.end().map(|()| envelope).map_err(|e| TrailingData { line: e.line(), column: e.column() }))
}

/// Reads only what says whether `text` is an error body: the payload keys are noted and skipped,
/// so an error body with something unexpected where a success body has its payload is still told
/// apart. `None` when even that cannot be read.
pub fn read_error_keys(text: &str) -> Option<Envelope<'_>> {
    EnvelopeSeed::error_keys(&mut NoItems, &mut |_| {}).deserialize(&mut serde_json::Deserializer::from_str(text)).ok()
}

/// Reads a whole price book (trailing data is an error). The reader's own error when it stops: the
/// caller says where, from the error's line and column.
#[inline(never)]
pub fn read_book(bytes: &[u8]) -> Result<BookWire, serde_json::Error> {
    read_whole(bytes)
}

/// Reads a whole scenario (trailing data is an error), as [`read_book`] reads a price book.
#[inline(never)]
pub fn read_scenario(bytes: &[u8]) -> Result<ScenarioWire, serde_json::Error> {
    read_whole(bytes)
}

/// Reads the whole of `bytes` as a `T`: what follows the value is an error too.
fn read_whole<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, serde_json::Error> {
    crate::num::forget_refused_number();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(&mut de)?;
    de.end().map(|()| value)
}

/// Why `text` is not JSON at all (its syntax: not what it holds), if it is not.
pub fn syntax_error(text: &str) -> Option<serde_json::Error> {
    serde_json::from_str::<IgnoredAny>(text).err()
}

/// The sink of a read that skips the items.
struct NoItems;

impl ItemSink for NoItems {
    fn start(&mut self, _: usize) {}

    fn item(&mut self, _: AetherItem<'_>) {}
}
