//! The engine: reads bodies and computes summaries, breakdowns, estimates and exports with
//! `tally-core`. It runs in a Web Worker for the portal and for the widget's big bodies, so the page
//! stays responsive on a year of hourly usage, and in the page for small ones.

pub mod body;
mod client;
mod protocol;
mod worker;
mod workspace;

pub use client::{failure, Engine};
pub use protocol::{BreakdownWire, DatasetMeta, Export, Failure, Inputs, Job, Origin, Reply, Request};
pub use worker::engine_worker_start;
pub use workspace::Workspace;
