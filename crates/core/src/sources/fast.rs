//! The fast path for the one body that gets big: a plain Aether usage body (a year of hourly
//! usage is millions of items, issue 8).
//!
//! A strict scanner for the subset of JSON such a body uses reads `items[]` straight into charges
//! with no visitor dispatch per value, no `arbitrary_precision` detour per number and strings found
//! by a word-at-a-time scan (natively, reading 1M items went from 568 to 460 ms). It never
//! reports an error: at the first thing it does not expect (an escaped key, a missing field, a
//! key another provider uses, invalid JSON anywhere) it gives up, and the general reader reads the
//! whole body again and says what is wrong and where. So it only has to be right about bodies it
//! accepts, and for those it builds exactly the charges the general reader builds
//! ([`super::aether::usage_charge`] of the same strings, quantity and time); the property tests
//! below and the `fast_path` fuzz target compare the two.
//!
//! Everything but the items (period, subscriptions, totals) is left to the general reader: the
//! scanner hands back where the items array is, and the caller parses the body with that array
//! replaced by `[]`.
//!
//! The scanner reads bytes, checking the UTF-8 of what it reads as it goes (see [`Cursor`]), and
//! can be fed a body as it arrives ([`Scanner`]): reading a body whole is the same scan in one call.

use tally_formats::{parse_decimal, parse_timestamp_bytes, Field, PROGRESS_EVERY};

use super::aether::ItemStrings;
use super::daily::{same, DailyCharges};
use crate::model::{Charge, Interner};

/// The items of a plain Aether body, and what is left of the body around them.
pub(super) struct FastItems {
    pub charges: Vec<Charge>,
    /// The body before the `[` of `items` (kept aside when the scan reached it, so a caller need
    /// not keep the body's start while the items stream by).
    pub head: Vec<u8>,
    /// Where the `]` of `items` ends: the body's tail starts here.
    pub tail_from: usize,
}

/// Nesting deeper than this inside an ignored value is left to the general reader.
const MAX_DEPTH: usize = 32;

/// Reads `items[]` of a plain Aether usage body; `None` for anything else (see the module doc).
#[cfg(test)]
pub(super) fn aether_items(bytes: &[u8], interner: &mut Interner, progress: &mut dyn FnMut(usize)) -> Option<FastItems> {
    let mut scanner = Scanner::new(bytes.len(), None);
    scanner.arrived(bytes, 0, true, interner, progress);
    scanner.into_items()
}

/// The scanner, fed a body as its bytes arrive: each call reads every item that has fully arrived
/// and stops where the bytes run out (at the start of the item they cut), to go on from there when
/// more have come. So a body read in chunks is scanned while the next chunk is on its way, and
/// reading it whole is the same scan with one call.
///
/// The scanner needs only the bytes from [`Scanner::keep_from`] on: it keeps the body's head (before
/// `items[`) aside itself, so a caller can drop each item's bytes once it is read and hold a window of
/// the body instead of all of it (positions stay the body's own; a call passes where its bytes start).
///
/// Whether bytes ran out or were wrong is told apart by where the scan stopped: a scan that
/// stopped within [`LOOKAHEAD`] bytes of the end of what has arrived waits, any other failure is
/// final. Waiting is always safe (the last call, with the whole body, decides), so a real fault
/// that happens to sit near the end only costs a second look. (Every item ends in `}`, so an item
/// cut anywhere, even inside a number, cannot pass for a whole one.)
pub(super) struct Scanner {
    phase: Phase,
    charges: DailyCharges,
    head: Vec<u8>,
    /// What the items before looked like: see [`LastItem`].
    last: LastItem,
}

#[derive(Clone)]
enum Phase {
    /// Before `items`. Until it is found, each call starts again from the top (the head of a
    /// body, its id and period, is short).
    Head,
    /// In `items[]` (the body before its `[` kept aside in `head`); the next item (or the `]`) is
    /// at `next`, right after the `[` when `first`, else after a comma.
    Items { next: usize, first: bool },
    /// After `items[]`, which ends at `end`; the rest is read once the whole body is there.
    Tail { end: usize },
    /// Read; the rest of the body is the general reader's.
    Done { end: usize },
    /// Not a body for this path.
    Refused,
}

/// Where a scan of items stopped.
enum ItemsEnd {
    /// At the `]`; the array ends here.
    Closed(usize),
    /// Where the bytes ran out: the item to read next.
    Waiting { next: usize, first: bool },
    Refused,
}

impl Scanner {
    /// A scanner for a body of about `len` bytes (to size the list of charges once), parting
    /// each day's items at `cut` (see `DailyCharges`).
    pub(super) fn new(len: usize, cut: Option<chrono::DateTime<chrono::Utc>>) -> Scanner {
        Scanner { phase: Phase::Head, charges: DailyCharges::for_items(len / 300, cut), head: Vec::new(), last: LastItem::default() }
    }

    /// A scanner that has already stepped aside: the general reader reads the body alone (parting
    /// days at `cut`).
    pub(super) fn refused(cut: Option<chrono::DateTime<chrono::Utc>>) -> Scanner {
        Scanner { phase: Phase::Refused, charges: DailyCharges::cut_at(cut), head: Vec::new(), last: LastItem::default() }
    }

    /// Where the days of this body's items are parted, for the general reader to part them alike.
    pub(super) fn cut(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.charges.cut()
    }

    /// Where the bytes this scanner still needs start; `None` while it needs the whole body (its
    /// head is not read yet, or it gave up and the general reader will read everything).
    pub(super) fn keep_from(&self) -> Option<usize> {
        match &self.phase {
            Phase::Items { next, .. } => Some(*next),
            Phase::Tail { end } | Phase::Done { end } => Some(*end),
            Phase::Head | Phase::Refused => None,
        }
    }

    /// Whether the scanner gave up on this body (the general reader will read all of it).
    pub(super) fn stepped_aside(&self) -> bool {
        matches!(self.phase, Phase::Refused)
    }

    /// Reads what it can of `bytes`, the body so far from position `base` on (`base` at most
    /// [`Scanner::keep_from`]; `complete` when the body's end is there), telling `progress` the items
    /// read every [`PROGRESS_EVERY`].
    pub(super) fn arrived(&mut self, bytes: &[u8], base: usize, complete: bool, interner: &mut Interner, progress: &mut dyn FnMut(usize)) {
        loop {
            let next = match self.phase.clone() {
                // The head is read from the body's start, which a caller keeps until then.
                Phase::Head if base > 0 => Phase::Refused,
                Phase::Head => {
                    let mut c = Cursor::at(bytes, 0);
                    match c.head() {
                        Some(open) => {
                            self.head = bytes.get(..open).unwrap_or_default().to_vec();
                            Phase::Items { next: open + 1, first: true }
                        }
                        None if !complete && c.near_end() => return,
                        None => Phase::Refused,
                    }
                }
                Phase::Items { next, first } => match next.checked_sub(base) {
                    None => Phase::Refused,
                    Some(at) => match self.items(bytes, complete, at, first, interner, progress) {
                        ItemsEnd::Closed(end) => Phase::Tail { end: base + end },
                        ItemsEnd::Waiting { next, first } => {
                            self.phase = Phase::Items { next: base + next, first };
                            return;
                        }
                        ItemsEnd::Refused => Phase::Refused,
                    },
                },
                Phase::Tail { end } if complete => match end.checked_sub(base) {
                    Some(at) if Cursor::at(bytes, at).tail().is_some() => Phase::Done { end },
                    _ => Phase::Refused,
                },
                Phase::Tail { .. } | Phase::Done { .. } | Phase::Refused => return,
            };
            if matches!(next, Phase::Refused) {
                // The general reader reads the body again: free what this scan held meanwhile.
                self.charges = DailyCharges::cut_at(self.charges.cut());
                self.head = Vec::new();
            }
            self.phase = next;
        }
    }

    /// Items from `next` on, until the array closes or the bytes run out.
    fn items(&mut self, bytes: &[u8], complete: bool, mut next: usize, mut first: bool, interner: &mut Interner, progress: &mut dyn FnMut(usize)) -> ItemsEnd {
        loop {
            let mut c = Cursor::at(bytes, next);
            match self.item(&mut c, first, interner, progress) {
                Some(false) => (next, first) = (c.pos, false),
                Some(true) => return ItemsEnd::Closed(c.pos),
                None if !complete && c.near_end() => return ItemsEnd::Waiting { next, first },
                None => return ItemsEnd::Refused,
            }
        }
    }

    /// One item and the `,` or `]` after it (or, first, the `]` of an empty array): `true` when
    /// the array closed. Its charge is kept only once all of it has arrived.
    fn item(&mut self, c: &mut Cursor<'_>, first: bool, interner: &mut Interner, progress: &mut dyn FnMut(usize)) -> Option<bool> {
        c.ws();
        if first && c.peek()? == b']' {
            c.pos += 1;
            return Some(true);
        }
        let item = c.item(&mut self.last)?;
        let closed = c.closes(b']')?;
        self.charges.add(&item.strings, item.quantity, item.recorded_at, interner);
        if self.charges.items().is_multiple_of(PROGRESS_EVERY) {
            progress(self.charges.items());
        }
        Some(closed)
    }

    /// The items, once the whole body has been read; `None` if it is not this path's.
    pub(super) fn into_items(self) -> Option<FastItems> {
        match self.phase {
            Phase::Done { end } => Some(FastItems { charges: self.charges.into_charges(), head: self.head, tail_from: end }),
            _ => None,
        }
    }
}

/// A position in the body's bytes. The body is not known to be UTF-8: what the scanner accepts,
/// it has checked (structure is ASCII by the grammar; strings are checked character by character
/// where a byte is not ASCII, which in these bodies is nowhere), so the whole body's check is
/// needed only when the scanner steps aside.
///
/// The small readers an item is made of are `#[inline(always)]`: in the wasm build (the core at
/// `opt-level = 2`, then `wasm-opt -Oz`) they stayed calls, and inlining them made a warm widget
/// summary 8-10 % faster at 100k and 1M items (docs/PERFORMANCE.md), for 0.6 KB gzipped.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// The furthest the scanner reads ahead of its position: `false`, a `\u` escape's four digits, a
/// character's four bytes. A read that failed for want of bytes stopped within this of the end.
const LOOKAHEAD: usize = 8;

impl<'a> Cursor<'a> {
    fn at(bytes: &'a [u8], pos: usize) -> Cursor<'a> {
        Cursor { bytes, pos }
    }

    /// Whether a failure here may be the bytes running out (see [`Scanner`]).
    fn near_end(&self) -> bool {
        self.pos + LOOKAHEAD >= self.bytes.len()
    }

    /// `{`, then Aether's keys up to `items`: where its `[` is.
    fn head(&mut self) -> Option<usize> {
        self.ws();
        if self.opens(b'{', b'}')? {
            return None;
        }
        loop {
            match self.plain_key()? {
                b"items" => return (self.peek()? == b'[').then_some(self.pos),
                // Aether's other keys; anything else (an error body, another provider) is not this path's.
                b"org_id" | b"period_start" | b"period_end" | b"subscriptions" | b"total_eur" => self.skip_value(0)?,
                _ => return None,
            }
            if self.closes(b'}')? {
                // No items: nothing for this path to do.
                return None;
            }
        }
    }

    /// Aether's keys after `items[]`, to the end of the body.
    fn tail(&mut self) -> Option<()> {
        while !self.closes(b'}')? {
            match self.plain_key()? {
                b"org_id" | b"period_start" | b"period_end" | b"subscriptions" | b"total_eur" => self.skip_value(0)?,
                // `items` again, or a key another provider uses.
                _ => return None,
            }
        }
        self.ws();
        (self.pos == self.bytes.len()).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// JSON whitespace (space, tab, line feed, carriage return; nothing else).
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// `open` and the whitespace after it; `true` when `close` follows at once (an empty container).
    #[inline(always)]
    fn opens(&mut self, open: u8, close: u8) -> Option<bool> {
        self.eat(open)?;
        self.ws();
        let empty = self.peek()? == close;
        if empty {
            self.pos += 1;
        }
        Some(empty)
    }

    /// The field of the item's key number `at`: by the key the last item had there when the bytes
    /// are the same (and a value, not more whitespace, follows), else read and learned.
    #[inline(always)]
    fn key(&mut self, shape: &mut Vec<KeyToken>, at: usize) -> Option<Field> {
        if let Some(token) = shape.get(at) {
            let end = self.pos + usize::from(token.len);
            let written = token.bytes.get(..usize::from(token.len));
            if self.bytes.get(end).is_some_and(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
                && self.bytes.get(self.pos..end).zip(written).is_some_and(|(here, written)| same(here, written))
            {
                self.pos = end;
                return Some(token.field);
            }
        }
        let start = self.pos;
        let field = Field::of(self.plain_key()?);
        if let Some(token) = self.bytes.get(start..self.pos).and_then(|written| KeyToken::new(field, written)) {
            if let Some(old) = shape.get_mut(at) {
                *old = token;
            } else if at == shape.len() {
                shape.push(token);
            }
        }
        Some(field)
    }

    /// `"key":` of an object member, with the whitespace around it; `None` if the key has escapes.
    #[inline(always)]
    fn plain_key(&mut self) -> Option<&'a [u8]> {
        self.ws();
        let key = self.plain_string()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(key)
    }

    /// What follows a member or element: `false` at a comma (more to come), `true` at `close`.
    #[inline(always)]
    fn closes(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.next()? {
            b',' => Some(false),
            b if b == close => Some(true),
            _ => None,
        }
    }

    /// A string without escapes, borrowed from the body (UTF-8, checked); `None` for an escape, a
    /// control character or bytes that are not UTF-8 (the general reader decodes escapes and
    /// rejects the rest).
    #[inline(always)]
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            self.pos = next_special(self.bytes, self.pos);
            match self.next()? {
                b'"' => return self.bytes.get(start..self.pos - 1),
                0x80.. => self.rest_of_char()?,
                _ => return None,
            }
        }
    }

    /// Any string, escapes checked as JSON has them, as `serde_json` checks a string it ignores.
    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        loop {
            self.pos = next_special(self.bytes, self.pos);
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        let hex = self.bytes.get(self.pos..self.pos + 4)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.pos += 4;
                    }
                    _ => return None,
                },
                0x80.. => self.rest_of_char()?,
                _ => return None, // a control character
            }
        }
    }

    /// The rest of a character whose first byte (not ASCII) was just read: it must be one whole
    /// UTF-8 character (no overlong form, no surrogate, nothing past U+10FFFF), as `str` requires.
    fn rest_of_char(&mut self) -> Option<()> {
        let start = self.pos - 1;
        let width = match self.bytes.get(start)? {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return None,
        };
        std::str::from_utf8(self.bytes.get(start..start + width)?).ok()?;
        self.pos = start + width;
        Some(())
    }

    /// A JSON number's text, by the grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    #[inline(always)]
    fn number(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        // ASCII by the grammar just checked.
        std::str::from_utf8(self.bytes.get(start..self.pos)?).ok()
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.pos;
        self.digits();
        (self.pos > start).then_some(())
    }

    /// Any JSON value, checked but not kept.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'[' if depth < MAX_DEPTH => {
                if self.opens(b'[', b']')? {
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    if self.closes(b']')? {
                        return Some(());
                    }
                }
            }
            b'{' if depth < MAX_DEPTH => {
                if self.opens(b'{', b'}')? {
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    if self.closes(b'}')? {
                        return Some(());
                    }
                }
            }
            _ => None,
        }
    }

    /// `null` or a plain string (an item's optional ids).
    #[inline(always)]
    fn optional_string(&mut self) -> Option<Option<&'a [u8]>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Some(None)
        } else {
            self.plain_string().map(Some)
        }
    }

    /// One usage item: the same fields, with the same rules, as the general reader's `ItemVisitor`
    /// (`tally_formats`: each at most once; ids optional and nullable; the other four required).
    fn item(&mut self, last: &mut LastItem) -> Option<FastItem<'a>> {
        let (mut id, mut cluster_id, mut node_pool_id) = (None, None, None);
        let (mut resource_type, mut quantity, mut unit, mut recorded_at) = (None, None, None, None);
        if self.opens(b'{', b'}')? {
            return None;
        }
        for at in 0.. {
            match self.key(&mut last.keys, at)? {
                Field::Id => once(&mut id, self.optional_string()?)?,
                Field::ClusterId => once(&mut cluster_id, self.optional_string()?)?,
                Field::NodePoolId => once(&mut node_pool_id, self.optional_string()?)?,
                Field::ResourceType => once(&mut resource_type, self.plain_string()?)?,
                Field::Quantity => once(&mut quantity, parse_decimal(self.number()?).ok()?)?,
                Field::Unit => once(&mut unit, self.plain_string()?)?,
                Field::RecordedAt => once(&mut recorded_at, last.recorded_at.read(self.plain_string()?)?)?,
                Field::Other => self.skip_value(0)?,
            }
            if self.closes(b'}')? {
                break;
            }
        }
        Some(FastItem {
            strings: ItemStrings {
                id: id.flatten(),
                cluster_id: cluster_id.flatten(),
                node_pool_id: node_pool_id.flatten(),
                resource_type: resource_type?,
                unit: unit?,
            },
            quantity: quantity?,
            recorded_at: recorded_at?,
        })
    }
}

/// What the scanner keeps of the items it read, to read the next one faster: items of a body are
/// written alike, and an hourly body's items come an hour at a time.
#[derive(Default)]
pub(super) struct LastItem {
    /// The keys of the last item, by place, as they were written: see [`KeyToken`].
    keys: Vec<KeyToken>,
    /// The last `recorded_at` read.
    recorded_at: TimeToken,
}

/// A timestamp's text and the instant it was read as: the next item's text, if the same bytes,
/// is the same instant, found by three word compares instead of a parse (about 260 instructions
/// natively, a sixth of the scanner's work on an item).
#[derive(Default)]
struct TimeToken {
    len: u8,
    bytes: [u8; TIME_TOKEN_BYTES],
    at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The longest timestamp text kept: `2026-11-01T00:00:00.000000Z` is 27 bytes; longer ones (with
/// nanoseconds and an offset, up to 35) are read as they come.
const TIME_TOKEN_BYTES: usize = 32;

impl TimeToken {
    /// The instant `text` names (as [`parse_timestamp_bytes`] reads it), kept for the next item.
    #[inline(always)]
    fn read(&mut self, text: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
        if let (Some(at), Some(kept)) = (self.at, self.bytes.get(..usize::from(self.len))) {
            if same(kept, text) {
                return Some(at);
            }
        }
        let at = parse_timestamp_bytes(text)?;
        if let (Ok(len), Some(room)) = (u8::try_from(text.len()), self.bytes.get_mut(..text.len())) {
            room.copy_from_slice(text);
            (self.len, self.at) = (len, Some(at));
        }
        Some(at)
    }
}

/// A key of an item, as it was written: the bytes [`Cursor::plain_key`] read (the whitespace
/// before it, the quoted key, the colon and the whitespace after it), and the field it names.
///
/// Items of a body are written alike, so the scanner keeps the last item's keys by place and checks
/// the next item's bytes against them, a few word compares, before reading a key the long way
/// (find the closing quote, check the bytes, tell the field by name). Bytes equal to a token read
/// exactly as the token did; anything else is read the long way, and learned.
pub(super) struct KeyToken {
    field: Field,
    len: u8,
    bytes: [u8; KEY_TOKEN_BYTES],
}

/// The longest key token kept (`,\n    "resource_type": ` is 22 bytes).
const KEY_TOKEN_BYTES: usize = 30;

impl KeyToken {
    fn new(field: Field, written: &[u8]) -> Option<KeyToken> {
        let mut bytes = [0u8; KEY_TOKEN_BYTES];
        bytes.get_mut(..written.len())?.copy_from_slice(written);
        Some(KeyToken { field, len: u8::try_from(written.len()).ok()?, bytes })
    }
}

/// A usage item as the scanner reads it.
struct FastItem<'a> {
    strings: ItemStrings<'a>,
    quantity: rust_decimal::Decimal,
    recorded_at: chrono::DateTime<chrono::Utc>,
}

/// Fills an empty slot; `None` for a field given twice (the general reader's "duplicate field").
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

/// The index of the first `"`, `\`, control character or byte that is not ASCII at or after `from`
/// (or the length), eight bytes at a time: the loop that runs over almost every byte of a big body.
fn next_special(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // Each term flags its first matching byte exactly (later flags may be false, never earlier).
        let found = (quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | (w.wrapping_sub(ONES * 0x20) & !w);
        // A byte with its high bit set flags itself.
        let found = (found | w) & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b) {
            return i;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn next_special_finds_the_first_quote_backslash_control_or_high_byte() {
        for text in ["abc\"", "abcdefghijk\"x\"", "a\\b", "0123456789abcdef\n", "no end", "é\u{7f}ü\"", "abcdefgh\u{7f}ijklmnü", ""] {
            let want = text.bytes().position(|b| b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b)).unwrap_or(text.len());
            assert_eq!(next_special(text.as_bytes(), 0), want, "{text:?}");
        }
    }

    #[test]
    fn the_scanner_gives_up_on_what_it_does_not_read() {
        let mut interner = Interner::default();
        let mut read = |body: &str| aether_items(body.as_bytes(), &mut interner, &mut |_| {}).map(|f| f.charges.iter().map(|c| c.records).sum::<u32>());
        let item = r#"{"resource_type": "x", "quantity": 1, "unit": "hour", "recorded_at": "2026-11-01T00:00:00Z"}"#;
        assert_eq!(read(&format!(r#"{{"items": [{item}, {item}]}}"#)), Some(2));
        assert_eq!(read(&format!(r#"{{"items": [{item}, ]}}"#)), None, "trailing comma");
        assert_eq!(read(&format!(r#"{{"items": [{item}]}} x"#)), None, "data after the value");
        assert_eq!(read(&format!(r#"{{"items": [{item}], "items": []}}"#)), None, "duplicate key");
        assert_eq!(read(&format!(r#"{{"status": true, "items": [{item}]}}"#)), None, "another provider's key");
        assert_eq!(read(&format!(r#"{{"items": [{}]}}"#, item.replace("1,", "01,"))), None, "a leading zero");
        assert_eq!(read(&format!(r#"{{"items": [{}]}}"#, item.replace("1,", "\"1\","))), None, "a numeric string");
        assert_eq!(read(&format!(r#"{{"items": [{}]}}"#, item.replace("hour", "ho\\u0075r"))), None, "an escape");
        assert_eq!(read(&format!(r#"{{"items": [{}]}}"#, item.replace(r#""unit": "hour", "#, ""))), None, "a missing field");
        assert_eq!(read(&format!(r#"{{"items": [{}]}}"#, item.replace('{', r#"{"tags": {"a": [1, "\"", null]}, "#))), Some(1), "an ignored nested value");
    }

    /// The items the general reader makes of `body`, or `None` when it finds fault.
    fn general(body: &str) -> Option<Vec<Charge>> {
        super::super::parse_envelope(body, &mut Interner::default(), None, &mut |_| {}).ok()?.items
    }

    /// Reading with the fast path gives what the general reader alone gives: the same usage, or
    /// the same error (its message names the same place in the same body).
    fn agrees(body: &[u8]) -> bool {
        let (fast, general) = (super::super::read_usage(body, None), super::super::read_usage_generally(body, None, None, &mut |_| {}));
        match (fast, general) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => a.to_string() == b.to_string(),
            _ => false,
        }
    }

    /// Items written alike take the last item's key tokens; items written otherwise (keys in
    /// another order, other spacing, a key that only starts like the last one) read as they are.
    #[test]
    fn items_written_differently_read_as_the_general_reader_reads_them() {
        let item = |q: u32, layout: usize| {
            let fields = [
                r#""node_pool_id": "p""#.to_string(),
                r#""resource_type": "node""#.to_string(),
                format!(r#""quantity": {q}"#),
                r#""unit": "hour""#.to_string(),
                r#""recorded_at": "2026-11-02T01:00:00Z""#.to_string(),
            ];
            match layout {
                0 => format!("{{{}}}", fields.join(", ")),
                1 => format!("{{{}}}", fields.iter().rev().cloned().collect::<Vec<_>>().join(", ")),
                2 => format!("{{ {} }}", fields.join(" ,\n  ").replace(": ", " :  ")),
                3 => format!("{{{}}}", fields.join(", ").replace(r#""unit": "hour""#, r#""units": "x", "unit": "hour""#)),
                _ => format!("{{{}}}", fields.join(", ").replace(r#""unit": "#, r#""unit":"#)),
            }
        };
        let items: Vec<String> = (0..40).map(|i| item(i, (i as usize / 3) % 5)).collect();
        let body = format!(r#"{{"period_start": "2026-11-01T00:00:00Z", "items": [{}]}}"#, items.join(", "));
        let mut interner = Interner::default();
        assert!(aether_items(body.as_bytes(), &mut interner, &mut |_| {}).is_some(), "the fast path reads it");
        assert!(agrees(body.as_bytes()));
        let usage = super::super::read_usage(body.as_bytes(), None).unwrap();
        assert_eq!(usage.records(), 40);
        assert_eq!(usage.charges[0].quantity, rust_decimal::Decimal::from((0..40).sum::<u32>()));
    }

    /// Each `recorded_at` is its own instant, however little its text differs from the last
    /// one's (the scanner reuses the last instant only for the same bytes).
    #[test]
    fn a_timestamp_like_the_last_one_reads_as_itself() {
        let times = [
            "2026-11-02T01:00:00Z",
            "2026-11-02T01:00:00Z",
            "2026-11-02T01:00:01Z",
            "2026-11-02T01:00:00Z",
            "2026-11-02T11:00:00Z",
            "2026-11-12T01:00:00Z",
            "2026-11-02T01:00:00+00:00",
            "2026-11-02T01:00:00+01:00",
            "2026-11-02T01:00:00.5Z",
            "2026-11-02T01:00:00.500000001Z",
            "2026-11-02T01:00:00.500000001+00:00",
            "2026-11-02T01:00:00Z",
            "2026-11-02T01:00:0Z",
        ];
        // One resource per item, so each charge keeps its item's instant as its first and last.
        let items: Vec<String> = times
            .iter()
            .enumerate()
            .map(|(i, t)| format!(r#"{{"node_pool_id": "p{i}", "resource_type": "node", "quantity": 1, "unit": "hour", "recorded_at": "{t}"}}"#))
            .collect();
        let body = format!(r#"{{"items": [{}]}}"#, items.join(", "));
        let bad = body.len() - 30; // the last item's timestamp is not one: the whole body is refused
        assert!(agrees(body.as_bytes()));
        assert!(super::super::read_usage(body.as_bytes(), None).is_err(), "{}", &body[bad..]);
        let good = format!(r#"{{"items": [{}]}}"#, items[..times.len() - 1].join(", "));
        assert!(agrees(good.as_bytes()));
        let fast = aether_items(good.as_bytes(), &mut Interner::default(), &mut |_| {}).expect("the fast path reads it");
        assert_eq!(fast.charges.len(), times.len() - 1);
        for (charge, text) in fast.charges.iter().zip(times) {
            let at = parse_timestamp_bytes(text.as_bytes()).unwrap();
            assert_eq!(charge.period, crate::model::Period::Records { first: at, last: at }, "{text}");
        }
    }

    #[test]
    fn generated_bodies_take_the_fast_path_and_read_the_same() {
        let month = crate::Month::parse("2026-11").unwrap();
        for seed in 0..8 {
            let body = crate::generate::aether(500, month, seed);
            let fast = aether_items(body.as_bytes(), &mut Interner::default(), &mut |_| {}).expect("a plain body takes the fast path");
            assert_eq!(Some(fast.charges), general(&body));
            assert!(agrees(body.as_bytes()));
        }
    }

    #[test]
    fn a_body_arriving_is_read_as_far_as_it_has_come() {
        let month = crate::Month::parse("2026-11").unwrap();
        let body = crate::generate::aether(200, month, 1);
        let whole = general(&body).unwrap();
        let mut scanner = Scanner::new(body.len(), None);
        let mut interner = Interner::default();
        let half = body.len() / 2;
        scanner.arrived(&body.as_bytes()[..half], 0, false, &mut interner, &mut |_| {});
        // The items that arrived are read, before the rest is there (that one cut in the middle
        // is not taken for a whole one: the property test below checks it at every cut).
        let read = scanner.charges.items();
        assert!(read > 50 && read < 200, "{read} of 200 items read from half the body");
        let so_far = scanner.charges.charges();
        assert_eq!(so_far.iter().map(|c| u64::from(c.records)).sum::<u64>(), read as u64);
        // The charges begun so far are the whole body's first ones (later items add to them).
        let begun = |c: &Charge| (Arc::clone(&c.subject), match c.period { crate::Period::Records { first, .. } => first.date_naive(), _ => unreachable!() });
        assert_eq!(so_far.iter().map(begun).collect::<Vec<_>>(), whole[..so_far.len()].iter().map(begun).collect::<Vec<_>>());
        scanner.arrived(body.as_bytes(), 0, true, &mut interner, &mut |_| {});
        assert_eq!(scanner.into_items().map(|i| i.charges), Some(whole));
    }

    /// Feeds `body` to a [`BodyReader`] in pieces of `piece` bytes: what it read, and the most
    /// bytes it held at once.
    fn read_in_pieces(body: &[u8], piece: usize) -> (Option<crate::Result<crate::Usage>>, usize) {
        let mut reader = super::super::BodyReader::new(body.len());
        let mut held = 0;
        for part in body.chunks(piece) {
            reader.room(part.len()).copy_from_slice(part);
            held = held.max(reader.kept());
            reader.scan(&mut |_| {});
        }
        (reader.finish(None, &mut |_| {}), held)
    }

    #[test]
    fn a_body_read_in_pieces_is_held_a_piece_at_a_time() {
        let month = crate::Month::parse("2026-11").unwrap();
        let body = crate::generate::aether(5000, month, 3);
        let (read, held) = read_in_pieces(body.as_bytes(), 4096);
        assert_eq!(read.expect("read in a window").unwrap(), super::super::read_usage(body.as_bytes(), None).unwrap());
        // A piece, plus the start of the item the last piece cut (and, at first, the head).
        assert!(held < 4096 + 1024, "held {held} bytes of {}", body.len());
    }

    #[test]
    fn a_fault_found_after_bytes_were_dropped_asks_for_the_whole_body() {
        let month = crate::Month::parse("2026-11").unwrap();
        let body = crate::generate::aether(2000, month, 4);
        // A bad quantity in the middle: the scanner steps aside after dropping the items before it.
        let middle = body.len() / 2 + body[body.len() / 2..].find("\"quantity\": ").unwrap() + 12;
        let bad_item = [&body[..middle], "\"x\"", body[middle..].trim_start_matches(|c: char| c != ',')].concat();
        // A bad total after the items: the envelope's fault, said with its place in the whole body.
        let bad_tail = body.replace("\"total_eur\": null", "\"total_eur\": true");
        for bad in [bad_item, bad_tail] {
            let (read, held) = read_in_pieces(bad.as_bytes(), 4096);
            assert!(read.is_none(), "{}", &bad[bad.len() - 200..]);
            // What arrives after the scanner stepped aside is not kept either: it is read again.
            assert!(held < 4096 + 1024, "held {held} bytes of {}", bad.len());
            // Read again by the general reader alone, it says what reading it whole says.
            let again = super::super::read_usage_generally(bad.as_bytes(), None, None, &mut |_| {}).map(drop).map_err(|e| e.to_string());
            let whole = super::super::read_usage(bad.as_bytes(), None).map(drop).map_err(|e| e.to_string());
            assert!(again.is_err());
            assert_eq!(again, whole);
        }
        // Another provider's body (or a body too short to drop anything) is kept whole and read.
        let other = include_str!("../../../../fixtures/hyperstack/usage.json");
        let (read, held) = read_in_pieces(other.as_bytes(), 64);
        assert_eq!(read.expect("kept whole").unwrap(), super::super::read_usage(other.as_bytes(), None).unwrap());
        assert_eq!(held, other.len());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Every one-byte change to a small body (a deletion, or a byte put in: from JSON's alphabet,
        /// or one that starts, continues or can never be in UTF-8) is either left to the general
        /// reader or read exactly as it reads it; a body that is not UTF-8 is refused the same way.
        #[test]
        fn mutated_bodies_are_refused_or_read_the_same(seed in 0u64..1000, at in 0usize..10_000, byte in proptest::sample::select(b"{}[],:\"\\ 0123456789.-+eEntrufals\n\x01/u\x80\xa9\xbf\xc3\xc0\xe2\xed\xf0\xf5\xff".to_vec()), delete in proptest::bool::ANY) {
            let month = crate::Month::parse("2026-11").unwrap();
            let mut body = crate::generate::aether(3, month, seed).into_bytes();
            let at = at % body.len();
            if delete { body.remove(at); } else { body.insert(at, byte); }
            proptest::prop_assert!(agrees(&body), "{}", String::from_utf8_lossy(&body));
        }

        /// A body fed in pieces, cut anywhere (inside a number, a string, a character, between
        /// items), with or without a byte order mark, reads as it reads whole, changed by a byte or
        /// not. The reader drops what it has read as it goes; when it then needs the whole body
        /// again (`finish` says so), that is read whole, and only a changed body may need it.
        #[test]
        fn bodies_read_in_pieces_read_as_whole(seed in 0u64..1000, items in 0usize..40, cuts in proptest::collection::vec(0usize..100_000, 0..8), at in 0usize..100_000, byte in proptest::sample::select(b"{}[],:\" 0.e\x80\xc3".to_vec()), change in proptest::bool::ANY, bom in proptest::bool::ANY) {
            let month = crate::Month::parse("2026-11").unwrap();
            let mut body = crate::generate::aether(items, month, seed).into_bytes();
            if change {
                let at = at % body.len();
                body.insert(at, byte);
            }
            if bom {
                body.splice(0..0, *b"\xEF\xBB\xBF");
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (body.len() + 1)).collect();
            cuts.sort_unstable();
            cuts.push(body.len());
            let mut reader = super::super::BodyReader::new(body.len());
            let mut from = 0;
            for cut in cuts {
                reader.room(cut - from).copy_from_slice(&body[from..cut]);
                from = cut;
                reader.scan(&mut |_| {});
            }
            let whole = super::super::read_usage(&body, None);
            let pieces = match reader.finish(None, &mut |_| {}) {
                Some(read) => read,
                None => {
                    proptest::prop_assert!(change, "an unchanged body is read in pieces");
                    super::super::read_usage_generally(&body, None, None, &mut |_| {})
                }
            };
            match (pieces, whole) {
                (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => proptest::prop_assert!(false, "pieces {:?} whole {:?}", a.map(|u| u.charges.len()), b.map(|u| u.charges.len())),
            }
        }

        /// Characters that are not ASCII, whole or cut short, in the strings the scanner reads or skips.
        #[test]
        fn strings_that_are_not_ascii_are_checked_as_utf8(seed in 0u64..1000, at in 0usize..10_000, text in proptest::sample::select(vec!["é", "€", "😀", "\u{7ff}", "\u{800}", "\u{ffff}", "\u{10000}", "\u{10ffff}"]), cut in 0usize..4) {
            let month = crate::Month::parse("2026-11").unwrap();
            let mut body = crate::generate::aether(3, month, seed).into_bytes();
            // Put it inside a string: right after some opening quote.
            let quotes: Vec<usize> = body.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i + 1).collect();
            let at = quotes[at % quotes.len()];
            let bytes = text.as_bytes();
            let keep = if cut == 0 { bytes.len() } else { bytes.len().saturating_sub(cut).max(1) };
            body.splice(at..at, bytes[..keep].iter().copied());
            proptest::prop_assert!(agrees(&body), "{}", String::from_utf8_lossy(&body));
        }
    }
}
