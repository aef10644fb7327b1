//! Tally's core: reads four providers' usage and billing bodies into one normalized model, prices
//! them with a price book, and summarizes, breaks down and forecasts them exactly.
//!
//! Pure by design: no I/O, no clock (`as_of` is an argument), no web dependency, so the same code runs
//! natively (CLI, benches, fuzzing) and in the browser (wasm). Money is `rust_decimal::Decimal`
//! throughout; JSON numbers are read from their text; rounding happens once, at the end (SPEC 5).
//!
//! ```
//! use tally_core::{read_usage, price, summarize, Context};
//! let body = br#"{"total_cost": 1.5, "deployments": [{"deployment_id": "d1",
//!   "costs": {"total": 1.5, "dimensions": []}}]}"#;
//! let usage = read_usage(body, None).unwrap();
//! let as_of = tally_core::parse_timestamp("2026-11-23T12:00:00Z").unwrap();
//! let priced = price(&[&usage], None, Context { as_of, range: None }).unwrap();
//! assert_eq!(summarize(&priced).unwrap().total.to_string(), "1.50");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod aggregate;
mod allocate;
pub mod chart;
pub mod generate;
pub mod share;
mod connect;
mod connect_policy;
mod error;
mod estimate;
mod focus;
mod forecast;
mod fxhash;
mod json_path;
mod model;
mod money;
mod pricing;
pub(crate) mod sources;
mod summary;
mod time;

pub use aggregate::{breakdown, csv_cell, Breakdown, DimValue, Dimension, Group, Row};
pub use allocate::allocate;
pub use connect::{default_base_url, http_error, is_retryable, merge, read_fetched, read_fetched_range, retry_delay_ms, FetchPlan, FieldProblem, PlanField, PlannedRequest};
pub use connect_policy::ConnectPolicy;
pub use error::{Error, ErrorKind, Result};
pub use estimate::{apply, billable_hours, estimate, Adjustment, AmountText, Applied, Comparison, Delta, Match, NewCharge, Scenario};
pub use focus::{focus_csv, FOCUS_COLUMNS};
pub use forecast::{forecast, Forecast};
pub use model::{Category, Charge, CreditBalance, Dimensions, Key, Period, Source, Subject, Usage};
pub use money::{minor_unit, round_to};
// Numbers and timestamps as text are tally_formats', whose readers need them; the core's API keeps them.
pub use tally_formats::{parse_date, parse_decimal, parse_timestamp, rfc3339, rfc3339_millis};
pub use pricing::book::{Model, PriceEntry, Selector, Tier};
pub use pricing::models::price_quantity;
pub use pricing::{derived_lines, display_currency, price, Context, Piece, Placement, PriceBook, Priced, UnpricedGroup, MAX_SPAN_DAYS};
pub use sources::{read_usage, read_usage_at, read_usage_generally, read_usage_with_progress, BodyReader, MAX_BODY_BYTES};
pub use summary::{summarize, Credits, Excluded, ForecastOut, Summary, UnpricedOut};
pub use time::Month;
