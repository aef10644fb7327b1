//! Tally's formats as they are on the wire: the structs four providers' usage and error bodies,
//! price books and what-if scenarios are read into, their serde readers (and the writers of books
//! and scenarios), and the exact numbers and timestamps in them. The core (`tally-core`) turns what
//! these read into its model, and checks its rules.
//!
//! Why a crate of its own: size. The wasm app is built for size (`opt-level = "z"`), except the
//! core, built at `opt-level = 2` for its hot loops (the fast scanner of plain Aether bodies,
//! pricing, grouping). Generic code is compiled in the crate that instantiates it, at that crate's
//! opt-level, and serde's readers are generic: derived `Deserialize` impls and visitors are
//! compiled where `serde_json::Deserializer` is first put together with them. When that was in the
//! core, they were built at 2 too, code the hot path never runs. Here, in a crate with no
//! opt-level override, they are built for size: [`read_envelope`], [`read_error_keys`],
//! [`read_book`] and [`read_scenario`] are where `serde_json` runs them, and
//! [`BookWire::to_json`] and [`ScenarioOut::to_json`] where it writes; they are the only way in
//! (they are not generic, so no caller instantiates them again). The app's wasm, after
//! `wasm-opt -Oz`, gzipped: 579,283 bytes with all of it in the core; 576,188 with the provider
//! readers here; 566,904 with the price book and the scenario too.
//!
//! What the core's fast path shares with these readers (reading a decimal or a timestamp from its
//! text, telling an item's keys apart) is `#[inline]`: the core gets its own copy, built at its
//! opt-level, and these readers theirs.
//!
//! The general reader streams Aether's usage items to an [`ItemSink`] as they are read: this crate
//! does not know the core's model, the sink (the core's) turns them into charges.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod aether;
mod book;
mod cu;
mod elastic;
mod envelope;
mod hyperstack;
mod num;
mod read;
mod scenario;
mod timestamp;

pub use aether::{AetherItem, AetherSubscription, Field, ItemSink, PROGRESS_EVERY};
pub use book::{BookWire, EntryWire, TierWire};
pub use cu::{CuData, CuDay, CuRow, CuSummary};
pub use elastic::{Costs, Deployment, DeploymentPeriod, Dimension, ElasticError};
pub use envelope::{Code, Data, Envelope, EnvelopeSeed, ErrorDetail, ErrorObject};
pub use hyperstack::{HsResource, IdText};
pub use num::{abbreviate, parse_decimal, take_refused_number_end, AmountText, Num, Ts};
pub use read::{read_book, read_envelope, read_error_keys, read_scenario, syntax_error, TrailingData};
pub use scenario::{Adjustment, Match, NewCharge, ScenarioOut, ScenarioWire};
pub use timestamp::{parse_date, parse_timestamp, parse_timestamp_bytes, rfc3339, rfc3339_exact, rfc3339_millis};
