//! Aether's usage items as charges: one per resource and UTC day, the day's quantities summed
//! ([`Period::Records`]); the day of the `as_of` the usage is read for in up to three ([`Part`]).
//! What both readers (the general one and the fast scanner) build, item by item.
//!
//! Why summed: an hourly body repeats each resource 24 times a day, and nothing Tally shows or
//! exports is finer than a day. Summing first changes no amount: pricing is linear within a month
//! (per unit, `q x price`; tiers see the month's summed quantity and share it back by quantity,
//! SPEC 3), sums are exact (SPEC 5), the forecast extrapolates the month's usage so far, and
//! `records` keeps the item count that "unpriced" reports. A million-item body becomes a few
//! hundred thousand charges or fewer, which pricing, the summary and the breakdowns then walk
//! (docs/DECISIONS.md, "Aether items are summed per resource and UTC day").
//!
//! This is the reader's hottest loop, and its cost is memory, not arithmetic: a body of 1M items
//! over 8,600 resources visits them in no order, and each visit used to touch a hash bucket, the
//! shared subject, its strings and the day's charge, each somewhere else in memory (in wasm about
//! 450 ns an item). So each resource has a [`Slot`], held in the hash table's bucket itself, with a
//! copy of its strings for the exact check and the running sum of its current day: an item reads
//! one bucket, and the charges are written only when a resource moves on to another day. (In the
//! browser, a warm 1M-item mount: 1,566 ms with a lookup and a charge per item, 1,410 with the
//! slots in an array of their own, 1,192 with them in the table; `./scripts/profile-browser`.)

use std::borrow::Cow;
use std::hash::Hasher;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;

use super::aether::ItemStrings;
use crate::fxhash::{FxHashMap, FxHasher};
use crate::model::{Category, Charge, Dimensions, Interner, Period, Source, Subject};

/// Room for a resource's strings in its slot (cluster and pool ids are 36-byte UUIDs, types and
/// units a few words). Resources with longer strings have no slot and take the slower way, through
/// the interner, on every item: the same charges, later.
const KEY_BYTES: usize = 104;

/// In a slot's key, the length byte of a part the item does not have.
const ABSENT: u8 = u8::MAX;

/// Charges being built from items.
#[derive(Default)]
pub(super) struct DailyCharges {
    charges: Vec<Charge>,
    /// A slot per resource seen, by a sketch of its strings ([`sketch_of`]), checked in full
    /// against the slot: held in the hash table itself, so that finding one is one place in memory.
    /// A resource whose sketch another one has taken has no slot (it takes the slower way).
    slots: FxHashMap<u64, Slot>,
    /// Charges by (subject address, day): for an item that comes back to a day its resource had
    /// left (a body not in time order), and for resources without a slot. A resource with a slot
    /// whose items only move forward in time never needs it, so its charges are put here only once
    /// one such item has come ([`DailyCharges::index_every_day`]): in time order, hourly bodies
    /// never pay for it (at 1M items in wasm, it was 45 of 1,057 ms).
    days: FxHashMap<(usize, Part), usize>,
    /// Whether `days` has the charges of resources with a slot too.
    every_day_indexed: bool,
    items: usize,
    /// Where a day's items are parted (see [`Part`]), and the hour before it.
    cut: Option<Cut>,
}

#[derive(Clone, Copy)]
struct Cut {
    at: DateTime<Utc>,
    hour_before: DateTime<Utc>,
}

/// What one charge sums: a resource's items of one UTC day, on one side of the cut.
///
/// The cut is the `as_of` the usage will be priced at, when the reader knows it (the CLI does). A
/// forecast counts the usage up to `as_of` ("so far", SPEC 6), an item being the usage of the
/// hour from its `recorded_at`; but of a summed charge it knows only the sum and the first and
/// last item, so it counts a charge by time, as if even over its hours. That is exact for a day
/// wholly before or after `as_of`, and only an estimate for the day that holds it. Parted at the
/// cut, that day is counted exactly too: the items whose hour ended by `as_of` in one charge
/// (counted whole), the item whose hour `as_of` is in (one, for hourly items: counted by time,
/// as it would be alone), and those from `as_of` on (not counted). Nothing else sees the parts:
/// they are of the same day and month, and pricing is linear within a month.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Part {
    day: NaiveDate,
    /// 0: the item's hour ended by the cut (or there is none); 1: the cut is in its hour; 2: it
    /// starts at or after the cut. In time order, as days are.
    side: u8,
}

/// A resource: the day its items go to now, with the running values of that day's charge, and its
/// strings back to back for the exact check of a sketch's match.
struct Slot {
    open: Option<Open>,
    /// The latest part the resource has had items of: a later one has no charge yet.
    latest: Part,
    /// Cluster, pool, type and unit, each after its length ([`ABSENT`] for none).
    key: [u8; KEY_BYTES],
    subject: Arc<Subject>,
}

/// The charge a resource's items go to now, with its running values (written back to the list
/// when the resource moves to another day, and at the end).
#[derive(Clone, Copy)]
struct Open {
    charge: usize,
    part: Part,
    quantity: Decimal,
    records: u32,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

impl DailyCharges {
    /// Room for the charges of about `items` items (an hourly body sums to fewer: room grows as
    /// needed, and wasm memory once grown is never given back, so this does not over-reserve).
    pub(super) fn for_items(items: usize, cut: Option<DateTime<Utc>>) -> DailyCharges {
        DailyCharges { charges: Vec::with_capacity((items / 8).min(1 << 20)), ..DailyCharges::cut_at(cut) }
    }

    /// Charges whose days are parted at `cut`, with no room reserved.
    pub(super) fn cut_at(cut: Option<DateTime<Utc>>) -> DailyCharges {
        let cut = cut.map(|at| Cut { at, hour_before: at.checked_sub_signed(TimeDelta::hours(1)).unwrap_or(at) });
        DailyCharges { cut, ..DailyCharges::default() }
    }

    /// Where days are parted.
    pub(super) fn cut(&self) -> Option<DateTime<Utc>> {
        self.cut.map(|c| c.at)
    }

    /// The part an item recorded at `t` goes to.
    #[inline(always)]
    fn part_of(&self, t: DateTime<Utc>) -> Part {
        let side = match self.cut {
            None => 0,
            Some(cut) if t >= cut.at => 2,
            Some(cut) if t > cut.hour_before => 1,
            Some(_) => 0,
        };
        Part { day: t.date_naive(), side }
    }

    /// Items read so far.
    pub(super) fn items(&self) -> usize {
        self.items
    }

    /// The charges so far, each resource's current day written back.
    #[cfg(test)]
    pub(super) fn charges(&mut self) -> &[Charge] {
        self.write_back();
        &self.charges
    }

    /// The charges, in the order their first item came.
    pub(super) fn into_charges(mut self) -> Vec<Charge> {
        self.write_back();
        self.charges
    }

    fn write_back(&mut self) {
        for open in self.slots.values().filter_map(|s| s.open) {
            write_back(&mut self.charges, open);
        }
    }

    /// Adds one item.
    pub(super) fn add(&mut self, item: &ItemStrings<'_>, quantity: Decimal, recorded_at: DateTime<Utc>, interner: &mut Interner) {
        self.items += 1;
        let part = self.part_of(recorded_at);
        if item.node_pool_id.or(item.cluster_id).is_none() {
            // The record's own id names the resource: one of a kind, not worth a slot.
            let subject = new_subject(item, item.id, interner);
            self.day_charge(&subject, part, quantity, recorded_at);
            return;
        }
        let parts = [item.cluster_id, item.node_pool_id, Some(item.resource_type), Some(item.unit)];
        let sketch = sketch_of(parts);
        let s = match self.slots.get_mut(&sketch) {
            Some(s) if matches(&s.key, parts) => s,
            taken => {
                let subject = new_subject(item, None, interner);
                match taken.is_none().then(|| key_of(parts)).flatten() {
                    Some(key) => {
                        // A resource not seen before: its first day has no charge yet.
                        let at = self.new_day_charge(&subject, part, quantity, recorded_at);
                        let open = Open::of(&self.charges, at, part);
                        self.slots.insert(sketch, Slot { open, latest: part, key, subject });
                    }
                    None => {
                        self.day_charge(&subject, part, quantity, recorded_at);
                    }
                }
                return;
            }
        };
        if let Some(open) = &mut s.open {
            if open.part == part && open.add(quantity, recorded_at) {
                return;
            }
        }
        // Another day (or a sum out of range): the day left is written back, the item's day opened.
        let subject = Arc::clone(&s.subject);
        let later = part > s.latest;
        s.latest = s.latest.max(part);
        if let Some(open) = s.open.take() {
            write_back(&mut self.charges, open);
        }
        let at = if later {
            self.new_day_charge(&subject, part, quantity, recorded_at)
        } else {
            self.index_every_day();
            self.day_charge(&subject, part, quantity, recorded_at)
        };
        let open = Open::of(&self.charges, at, part);
        if let Some(s) = self.slots.get_mut(&sketch) {
            s.open = open;
        }
    }

    /// Adds an item to its subject's charge of `part` in the list, made if there is none yet (or
    /// if the sum would leave `Decimal`'s range: pricing then says what overflowed); its index.
    fn day_charge(&mut self, subject: &Arc<Subject>, part: Part, quantity: Decimal, recorded_at: DateTime<Utc>) -> usize {
        let key = (Arc::as_ptr(subject) as usize, part);
        if let Some(mut open) = self.days.get(&key).and_then(|&at| Open::of(&self.charges, at, part)) {
            if open.add(quantity, recorded_at) {
                write_back(&mut self.charges, open);
                return open.charge;
            }
        }
        self.charges.push(usage_charge(Arc::clone(subject), quantity, recorded_at));
        let at = self.charges.len() - 1;
        self.days.insert(key, at);
        at
    }

    /// A charge for a day its subject has none of yet (a resource with a slot, on a day later than
    /// any it has had): no lookup, and into `days` only once that indexes every charge.
    fn new_day_charge(&mut self, subject: &Arc<Subject>, part: Part, quantity: Decimal, recorded_at: DateTime<Utc>) -> usize {
        self.charges.push(usage_charge(Arc::clone(subject), quantity, recorded_at));
        let at = self.charges.len() - 1;
        if self.every_day_indexed {
            self.days.insert((Arc::as_ptr(subject) as usize, part), at);
        }
        at
    }

    /// Puts every charge in `days` (once: the first time an item goes back to a day its resource
    /// had left). In list order, so each (subject, day) ends at its latest charge, as `day_charge`
    /// leaves it.
    fn index_every_day(&mut self) {
        if self.every_day_indexed {
            return;
        }
        self.every_day_indexed = true;
        for at in 0..self.charges.len() {
            if let Some(Charge { period: Period::Records { first, .. }, subject, .. }) = self.charges.get(at) {
                let key = (Arc::as_ptr(subject) as usize, self.part_of(*first));
                self.days.insert(key, at);
            }
        }
    }
}

fn write_back(charges: &mut [Charge], open: Open) {
    if let Some(c) = charges.get_mut(open.charge) {
        c.quantity = open.quantity;
        c.records = open.records;
        c.period = Period::Records { first: open.first, last: open.last };
    }
}

impl Open {
    /// The running values of charge `at`, of `day`, to go on adding to.
    fn of(charges: &[Charge], at: usize, part: Part) -> Option<Open> {
        charges.get(at).and_then(|c| match c.period {
            Period::Records { first, last } => Some(Open { charge: at, part, quantity: c.quantity, records: c.records, first, last }),
            _ => None,
        })
    }

    /// Adds an item of this day; `false` (and nothing changed) when the sum is out of range.
    fn add(&mut self, quantity: Decimal, recorded_at: DateTime<Utc>) -> bool {
        let Some(sum) = self.quantity.checked_add(quantity) else { return false };
        self.quantity = sum;
        self.records += 1;
        self.first = self.first.min(recorded_at);
        self.last = self.last.max(recorded_at);
        true
    }
}

/// The charge of one usage item.
fn usage_charge(subject: Arc<Subject>, quantity: Decimal, recorded_at: DateTime<Utc>) -> Charge {
    Charge {
        subject,
        period: Period::Records { first: recorded_at, last: recorded_at },
        quantity,
        unit_price: None,
        reported_cost: None,
        excluded: false,
        executions: None,
        records: 1,
    }
}

/// The shared subject of an item's strings. Only here, once per new resource (or per item for one
/// without a slot), are the strings needed as text (they are UTF-8, so this borrows them).
fn new_subject(item: &ItemStrings<'_>, id: Option<&[u8]>, interner: &mut Interner) -> Arc<Subject> {
    fn text(b: &[u8]) -> Cow<'_, str> {
        String::from_utf8_lossy(b)
    }
    let cluster_id = interner.opt(item.cluster_id.map(text).as_deref());
    let node_pool_id = interner.opt(item.node_pool_id.map(text).as_deref());
    // The node pool is what was used; items without one fall back to the cluster, then the record.
    let resource_id = node_pool_id.clone().or_else(|| cluster_id.clone()).or_else(|| interner.opt(id.map(text).as_deref()));
    let resource_type = interner.key(&text(item.resource_type));
    let unit = interner.key(&text(item.unit));
    interner.subject(Subject {
        source: Source::Aether,
        category: Category::Usage,
        resource_id,
        resource_name: None,
        resource_type,
        dimensions: Dimensions { cluster_id, node_pool_id, ..Dimensions::default() },
        unit,
        currency: Source::Aether.currency(),
    })
}

/// An item's strings back to back, each after its length; `None` when they do not fit a slot.
fn key_of(parts: [Option<&[u8]>; 4]) -> Option<[u8; KEY_BYTES]> {
    let mut key = [0u8; KEY_BYTES];
    let mut at = 0;
    for part in parts {
        match part {
            None => *key.get_mut(at)? = ABSENT,
            Some(b) => {
                *key.get_mut(at)? = u8::try_from(b.len()).ok().filter(|len| *len != ABSENT)?;
                key.get_mut(at + 1..at + 1 + b.len())?.copy_from_slice(b);
            }
        }
        at += 1 + part.map_or(0, <[u8]>::len);
    }
    Some(key)
}

/// Whether a slot's key holds exactly these strings.
#[inline]
fn matches(key: &[u8; KEY_BYTES], parts: [Option<&[u8]>; 4]) -> bool {
    let mut at = 0;
    for part in parts {
        let Some(&len) = key.get(at) else { return false };
        at += 1;
        match part {
            None if len == ABSENT => {}
            Some(b) if len != ABSENT && usize::from(len) == b.len() => match key.get(at..at + b.len()) {
                Some(k) if same(k, b) => at += b.len(),
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

/// One hash of an item's strings, from their sketches.
fn sketch_of(parts: [Option<&[u8]>; 4]) -> u64 {
    let mut h = FxHasher::default();
    for part in parts {
        h.write_u64(sketch(part));
    }
    h.finish()
}

/// A string's length mixed with its first and last eight bytes (0 for none): hash enough, since a
/// match is checked in full, and ids end in random hex. (Hashing every byte cost 50 of the 450 ms
/// reading 1M items natively. Strings made to share sketches only make their items take the
/// slower way: never wrong.)
fn sketch(text: Option<&[u8]>) -> u64 {
    let Some(b) = text else { return 0 };
    let word = |r: std::ops::Range<usize>| b.get(r).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes);
    let (head, tail) = if b.len() >= 8 { (word(0..8), word(b.len() - 8..b.len())) } else { (short_word(b), 0) };
    (b.len() as u64 + 1) ^ head.rotate_left(17) ^ tail.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Whether two byte strings are equal, compared eight bytes at a time. (`==` on slices is
/// `memcmp`, which in wasm is a loop over single bytes.)
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    if n < 8 {
        return short_word(a) == short_word(b);
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes (overlapping the word before when the length is not a multiple of 8).
    word(a, n - 8) == word(b, n - 8)
}

/// A string of fewer than eight bytes as one number, equal for two strings of the same length
/// exactly when their bytes are: from four bytes on, its first four and last four (overlapping),
/// two loads where a loop over the bytes took about 60 instructions for a unit like `hour`.
#[inline]
fn short_word(s: &[u8]) -> u64 {
    let quad = |r: std::ops::Range<usize>| s.get(r).and_then(|w| <[u8; 4]>::try_from(w).ok()).map_or(0, u32::from_le_bytes);
    if s.len() >= 4 {
        u64::from(quad(0..4)) | u64::from(quad(s.len() - 4..s.len())) << 32
    } else {
        s.iter().fold(0u64, |acc, c| acc << 8 | u64::from(*c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_compares_every_byte_of_any_length() {
        let text = b"41d1059b-16d6-4207-89d6-936e18d8c08d";
        for n in 0..=text.len() {
            let a = &text[..n];
            assert!(same(a, a), "{n}");
            for at in 0..n {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!same(a, &b), "{n} bytes, differing at {at}");
            }
            assert!(n == 0 || !same(a, &text[..n - 1]), "{n}: another length");
        }
    }

    #[test]
    fn an_item_back_on_a_day_its_resource_left_joins_that_days_charge() {
        let item = |pool: &'static str| ItemStrings {
            cluster_id: Some(b"c1"),
            node_pool_id: Some(pool.as_bytes()),
            id: None,
            resource_type: b"node.cpu",
            unit: b"hour",
        };
        let at = |day: u32, hour: u32| chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap().and_hms_opt(hour, 0, 0).unwrap().and_utc();
        let mut interner = Interner::default();
        let mut daily = DailyCharges::default();
        // Pool "a" goes forward, then back to days it left; pool "b" only forward, around it.
        for (pool, day, hour, q) in [
            ("b", 1, 0, 1),
            ("a", 1, 0, 1),
            ("a", 1, 5, 2),
            ("a", 2, 0, 4),
            ("b", 2, 0, 1),
            ("a", 1, 3, 8),
            ("a", 3, 0, 16),
            ("a", 2, 7, 32),
            ("b", 3, 0, 1),
            ("b", 2, 9, 1),
        ] {
            daily.add(&item(pool), Decimal::from(q), at(day, hour), &mut interner);
        }
        let summed: Vec<(String, u32, Decimal, u32, u32, u32)> = daily
            .charges()
            .iter()
            .map(|c| {
                let Period::Records { first, last } = c.period else { panic!("{:?}", c.period) };
                let pool = c.dimensions.node_pool_id.as_deref().unwrap_or_default().to_string();
                (pool, chrono::Datelike::day(&first), c.quantity, c.records, chrono::Timelike::hour(&first), chrono::Timelike::hour(&last))
            })
            .collect();
        let d = Decimal::from;
        assert_eq!(
            summed,
            [
                ("b".into(), 1, d(1), 1, 0, 0),
                ("a".into(), 1, d(11), 3, 0, 5),
                ("a".into(), 2, d(36), 2, 0, 7),
                ("b".into(), 2, d(2), 2, 0, 9),
                ("a".into(), 3, d(16), 1, 0, 0),
                ("b".into(), 3, d(1), 1, 0, 0),
            ]
        );
    }

    #[test]
    fn a_key_matches_its_own_strings_only() {
        let p = |s: &'static str| Some(s.as_bytes());
        let parts = [p("c1"), None, p("node.gpu-l40s-1"), p("hour")];
        let key = key_of(parts).unwrap();
        assert!(matches(&key, parts));
        for other in [
            [p("c1"), p(""), p("node.gpu-l40s-1"), p("hour")],
            [None, p("c1"), p("node.gpu-l40s-1"), p("hour")],
            [p("c1"), None, p("node.gpu-l40s-"), p("1hour")],
            [p("c1"), None, p("node.gpu-l40s-1"), p("hours")],
        ] {
            assert!(!matches(&key, other), "{other:?}");
        }
        let long = [b'x'; KEY_BYTES];
        assert!(key_of([Some(&long[..]), None, p("t"), p("u")]).is_none(), "too long for a slot");
        assert!(key_of([Some(&long[..KEY_BYTES - 8]), None, p("t"), p("u")]).is_some());
    }
}
