//! Tally's provider formats as they are on the wire: the structs four providers' usage and error
//! bodies are read into, their serde readers, and the exact numbers and timestamps in them. The
//! core (`tally-core`) turns what these read into its normalized model.
//!
//! Why a crate of its own: size. The wasm app is built for size (`opt-level = "z"`), except the
//! core, built at `opt-level = 2` for its hot loops (the fast scanner of plain Aether bodies,
//! pricing, grouping). Generic code is compiled in the crate that instantiates it, at that crate's
//! opt-level, and serde's readers are generic: derived `Deserialize` impls and visitors are
//! compiled where `serde_json::Deserializer` is first put together with them. When that was in the
//! core, they were built at 2 too, about 85 KB of wasm the hot path never runs (the envelope
//! reader alone was 37.7 KB at 2 and 2 KB at "z"). Here, in a crate with no opt-level override,
//! they are built for size: [`read_envelope`] and [`read_error_keys`] are where `serde_json` runs
//! them, and they are the only way in (they are not generic, so no caller instantiates them again).
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
mod cu;
mod elastic;
mod envelope;
mod hyperstack;
mod num;
mod read;
mod timestamp;

pub use aether::{AetherItem, AetherSubscription, Field, ItemSink, PROGRESS_EVERY};
pub use cu::{CuData, CuDay, CuRow, CuSummary};
pub use elastic::{Costs, Deployment, DeploymentPeriod, Dimension, ElasticError};
pub use envelope::{Code, Data, Envelope, EnvelopeSeed, ErrorDetail, ErrorObject};
pub use hyperstack::{HsResource, IdText};
pub use num::{abbreviate, forget_refused_number, parse_decimal, take_refused_number_end, Amount, Num, Ts};
pub use read::{read_envelope, read_error_keys, syntax_error, TrailingData};
pub use timestamp::{parse_date, parse_timestamp, parse_timestamp_bytes, rfc3339, rfc3339_exact, rfc3339_millis};
