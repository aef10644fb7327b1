//! The engine: reads bodies and computes summaries, breakdowns, estimates and exports with
//! `tally-core`. It runs in a Web Worker for the portal, so the page stays responsive on a year of
//! hourly usage, and in the page for the embeddable widget.

pub mod body;
mod client;
mod protocol;
mod worker;
mod workspace;

pub use client::{failure, Engine};
pub use protocol::{BreakdownWire, DatasetMeta, Export, Inputs, Job, Origin, Reply, Request};
pub use worker::engine_worker_start;
pub use workspace::Workspace;
