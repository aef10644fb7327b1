//! What the page asks of the engine and what it answers, as JSON messages (the same types travel
//! to the Web Worker and back, or are handed over directly when the engine runs in the page).

use serde::{Deserialize, Serialize};
use tally_core::{Breakdown, Comparison, Dimension, Row, Source, Summary};

/// A request to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Read the bodies that travel alongside and keep them as dataset `id`.
    Load {
        /// The dataset's id (chosen by the page).
        id: u32,
        /// What the bodies are.
        from: Origin,
        /// The page's "now" (RFC 3339), which it will be priced at: read for it, a forecast
        /// counts the usage so far exactly (`tally_core::read_usage_at`). Counted by time on the
        /// day of another `as_of`.
        #[serde(default)]
        as_of: Option<String>,
    },
    /// Forget datasets, freeing their memory.
    Forget {
        /// Their ids.
        ids: Vec<u32>,
    },
    /// Compute something over some of the loaded datasets.
    Compute {
        /// What to compute.
        job: Job,
        /// Over what.
        inputs: Inputs,
    },
}

impl Request {
    /// The instant a `Load` reads its bodies for (see [`Request::Load`]); `None` when it does not
    /// say, or not as an instant.
    pub fn load_as_of(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Request::Load { as_of: Some(t), .. } => tally_core::parse_timestamp(t).ok(),
            _ => None,
        }
    }
}

/// Where a dataset's bodies came from, which says how to read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// One body of any provider (a sample, a file, a paste): the provider is detected.
    Body,
    /// One body of this provider (the widget's `source` option).
    Of(Source),
    /// Bodies fetched from `source`'s API, one per request range (RFC 3339 start and end, or none),
    /// merged into one dataset.
    Fetched {
        /// The provider asked.
        source: Source,
        /// Each request's range, in the order of the bodies.
        ranges: Vec<Option<(String, String)>>,
        /// Each request's label ("2026-11"), to say which one a problem is in.
        labels: Vec<String>,
    },
}

impl Origin {
    /// For one body of a provider given or to detect: `Some` with the provider, if given.
    pub fn one_body(&self) -> Option<Option<Source>> {
        match self {
            Origin::Body => Some(None),
            Origin::Of(source) => Some(Some(*source)),
            Origin::Fetched { .. } => None,
        }
    }
}

/// What every computation depends on: which datasets, which prices, which "now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// Dataset ids, in the order the user loaded them.
    pub datasets: Vec<u32>,
    /// The price book as JSON, if any.
    pub book: Option<String>,
    /// The instant used as "now" (RFC 3339).
    pub as_of: String,
    /// The request range (RFC 3339 start and end) for Elastic deployments without a period: the
    /// widget's `from` and `to`.
    #[serde(default)]
    pub range: Option<(String, String)>,
}

/// A computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// The summary (SPEC 7).
    Summary,
    /// A breakdown by these dimensions.
    Breakdown(Vec<Dimension>),
    /// A what-if comparison for a scenario (its JSON), from the loaded usage or from nothing.
    Estimate {
        /// The scenario as saved (`Scenario::to_json`).
        scenario: String,
        /// Ignore the loaded usage.
        from_nothing: bool,
    },
    /// A download's text.
    Export(Export),
}

/// The downloads computed from the loaded usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Export {
    /// The summary as CSV.
    SummaryCsv,
    /// Months by resource type as CSV.
    BreakdownCsv,
    /// Every priced charge in FOCUS columns.
    FocusCsv,
    /// A scenario's comparison as CSV.
    ComparisonCsv {
        /// The scenario as saved.
        scenario: String,
    },
}

/// What the page keeps of a loaded dataset (the charges stay in the engine).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    /// The provider.
    pub source: Source,
    /// Number of provider records read (items, resources, rows: Aether's items of a resource and
    /// day are one charge in the engine, so this is not its count of charges).
    pub records: u64,
    /// Resource types of its usage charges, sorted, for the what-if pickers.
    pub resource_types: Vec<String>,
    /// Aether node pools, sorted, for the what-if pickers.
    pub node_pools: Vec<String>,
    /// How the read went, measured where the engine runs.
    #[serde(default)]
    pub cost: ReadCost,
}

/// What reading a body cost the engine: shown to the user and used by the browser benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadCost {
    /// Waiting for the `Blob` to be read (from the browser's storage of files and blobs; what
    /// overlaps the copying of the chunk before is not counted).
    pub read_ms: f64,
    /// Copying the bytes into the engine's (wasm) memory.
    pub copy_ms: f64,
    /// Parsing and converting them into charges.
    pub parse_ms: f64,
    /// The engine's wasm memory after the read, in bytes (it only grows).
    pub memory_bytes: f64,
}

/// A breakdown as it travels (the core's own `Serialize` is the SPEC 7 output, not this).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakdownWire {
    currency: String,
    total: rust_decimal::Decimal,
    by: Vec<Dimension>,
    rows: Vec<Row>,
}

impl From<Breakdown> for BreakdownWire {
    fn from(b: Breakdown) -> Self {
        BreakdownWire { currency: b.currency, total: b.total, by: b.by, rows: b.rows }
    }
}

impl From<BreakdownWire> for Breakdown {
    fn from(b: BreakdownWire) -> Self {
        Breakdown { currency: b.currency, total: b.total, by: b.by, rows: b.rows }
    }
}

/// An answer. `Progress` may come any number of times before the final answer to a `Load`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// Usage items read so far by a long `Load`.
    Progress {
        /// Items read.
        items: usize,
    },
    /// A body was read.
    Loaded(DatasetMeta),
    /// Datasets were forgotten.
    Forgotten,
    /// A summary.
    Summary(Box<Summary>),
    /// A breakdown.
    Breakdown(BreakdownWire),
    /// A comparison.
    Estimate(Box<Comparison>),
    /// A download's text.
    Text(String),
    /// The request failed; the message says what and where.
    Failed(Failure),
}

/// Why a request failed: a code a program can act on (the core's error codes, such as `field` or
/// `provider`, or the engine's own: `cancelled`, `unreadable`, `engine`) and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The kind of failure.
    pub code: String,
    /// What failed and where (a field path for a body at fault).
    pub message: String,
    /// For a `currency` failure: the display currency and the currency with no rate into it, so
    /// the page can ask for that rate right where the failure is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_rate: Option<(String, String)>,
}

impl Failure {
    /// A failure of the engine itself (`engine`), not of the data.
    pub fn engine(message: impl Into<String>) -> Self {
        Failure::new("engine", message)
    }

    /// A failure with this code.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Failure { code: code.to_string(), message: message.into(), missing_rate: None }
    }

    /// Work stopped on purpose (the user pressed Cancel).
    pub fn cancelled() -> Self {
        Failure::new("cancelled", "cancelled")
    }

    /// Whether the work was cancelled rather than failing.
    pub fn is_cancelled(&self) -> bool {
        self.code == "cancelled"
    }
}

impl From<&tally_core::Error> for Failure {
    fn from(e: &tally_core::Error) -> Self {
        let mut failure = Failure::new(e.code(), e.to_string());
        if let tally_core::ErrorKind::Currency { target, other } = e.kind() {
            failure.missing_rate = Some((target.clone(), other.clone()));
        }
        failure
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A reply with the number of the request it answers (the worker's message format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Which request.
    pub request: u64,
    /// The request or the reply.
    pub body: T,
}
