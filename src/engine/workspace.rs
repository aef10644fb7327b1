//! The engine's state and work: the loaded usage, and every computation the pages ask for. Pure
//! (no browser API), so it runs the same in the Web Worker and, for the embeddable widget, in the page.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use tally_core::{
    breakdown, estimate, focus_csv, merge, parse_timestamp, price, read_fetched_range, read_usage_with_progress, summarize, Category, Context, Dimension,
    PriceBook, Priced, Scenario, Usage,
};

use super::protocol::{DatasetMeta, Export, Failure, Inputs, Job, Origin, ReadCost, Reply, Request};

/// The loaded datasets, by the page's ids.
#[derive(Default)]
pub struct Workspace {
    datasets: Vec<(u32, Arc<Usage>)>,
    /// The latest answers: going back to a view asks again, and over a year of hourly usage each
    /// answer takes a second. Dataset ids are never reused and a dataset never changes, so an
    /// answer stays right for its (job, inputs); downloads are not kept (they can be large).
    answers: VecDeque<((Job, Inputs), Reply)>,
}

/// How many answers are kept.
const KEPT_ANSWERS: usize = 8;

impl Workspace {
    /// Answers one request. `body` is the body of a `Load`; `progress` hears about long reads.
    pub fn handle(&mut self, request: Request, bodies: &[Vec<u8>], progress: &mut dyn FnMut(Reply)) -> Reply {
        match request {
            Request::Load { id, ref from, .. } => self.load(id, from, request.load_as_of(), bodies, progress),
            Request::Forget { ids } => {
                self.datasets.retain(|(id, _)| !ids.contains(id));
                self.answers.retain(|((_, inputs), _)| !inputs.datasets.iter().any(|id| ids.contains(id)));
                Reply::Forgotten
            }
            Request::Compute { job, inputs } => {
                if let Some((_, reply)) = self.answers.iter().find(|(key, _)| key.0 == job && key.1 == inputs) {
                    return reply.clone();
                }
                let reply = self.compute(&job, &inputs).unwrap_or_else(Reply::Failed);
                if !matches!(job, Job::Export(_)) && !matches!(reply, Reply::Failed(_)) {
                    if self.answers.len() == KEPT_ANSWERS {
                        self.answers.pop_front();
                    }
                    self.answers.push_back(((job, inputs), reply.clone()));
                }
                reply
            }
        }
    }

    /// Keeps a body read elsewhere as dataset `id` (the worker reads a file as it arrives), or
    /// passes its failure on.
    pub fn keep(&mut self, id: u32, read: Result<Usage, Failure>) -> Reply {
        match read {
            Ok(usage) => {
                let meta = meta(&usage);
                self.datasets.retain(|(i, _)| *i != id);
                self.datasets.push((id, Arc::new(usage)));
                Reply::Loaded(meta)
            }
            Err(e) => Reply::Failed(e),
        }
    }

    fn load(&mut self, id: u32, from: &Origin, as_of: Option<DateTime<Utc>>, bodies: &[Vec<u8>], progress: &mut dyn FnMut(Reply)) -> Reply {
        let read = read(from, as_of, bodies, progress);
        self.keep(id, read)
    }

    fn compute(&self, job: &Job, inputs: &Inputs) -> Result<Reply, Failure> {
        let instant = |name: &str, text: &str| parse_timestamp(text).map_err(|e| Failure::new("usage", format!("{name}: {e}")));
        let as_of = instant("as_of", &inputs.as_of)?;
        let range = match &inputs.range {
            Some((from, to)) => Some((instant("from", from)?, instant("to", to)?)),
            None => None,
        };
        let ctx = Context { as_of, range };
        let book = match &inputs.book {
            Some(json) => Some(PriceBook::parse(json.as_bytes()).map_err(|e| Failure::new(e.code(), format!("price book: {e}")))?),
            None => None,
        };
        let usages = self.usages(&inputs.datasets)?;
        let priced = || -> Result<Priced<'_>, Failure> {
            if usages.is_empty() {
                return Err(Failure::engine("nothing is loaded: load usage on the Data view first"));
            }
            price(&usages, book.as_ref(), ctx).map_err(|e| Failure::from(&e))
        };
        let scenario = |json: &str| Scenario::parse(json.as_bytes()).map_err(|e| Failure::new(e.code(), format!("scenario: {e}")));
        Ok(match job {
            Job::Summary => Reply::Summary(Box::new(summarize(&priced()?).map_err(|e| Failure::from(&e))?)),
            Job::Breakdown(by) => Reply::Breakdown(breakdown(&priced()?, by).map_err(|e| Failure::from(&e))?.into()),
            Job::Estimate { scenario: json, from_nothing } => {
                let base = if *from_nothing { Vec::new() } else { usages.clone() };
                let (_, _, comparison) = estimate(&scenario(json)?, &base, book.as_ref(), ctx).map_err(|e| Failure::from(&e))?;
                Reply::Estimate(Box::new(comparison))
            }
            Job::Export(export) => Reply::Text(match export {
                Export::SummaryCsv => summarize(&priced()?).map_err(|e| Failure::from(&e))?.to_csv(),
                Export::BreakdownCsv => breakdown(&priced()?, &[Dimension::Month, Dimension::ResourceType]).map_err(|e| Failure::from(&e))?.to_csv(),
                Export::FocusCsv => focus_csv(&priced()?),
                Export::ComparisonCsv { scenario: json } => {
                    estimate(&scenario(json)?, &usages, book.as_ref(), ctx).map_err(|e| Failure::from(&e))?.2.to_csv()
                }
            }),
        })
    }

    fn usages(&self, ids: &[u32]) -> Result<Vec<&Usage>, Failure> {
        ids.iter()
            .map(|id| {
                self.datasets
                    .iter()
                    .find(|(i, _)| i == id)
                    .map(|(_, u)| u.as_ref())
                    .ok_or_else(|| Failure::engine(format!("dataset {id} is not loaded in the engine (reload the page if this persists)")))
            })
            .collect()
    }
}

/// Reads a dataset's bodies as their origin says, for pricing at `as_of` if known.
fn read(from: &Origin, as_of: Option<DateTime<Utc>>, bodies: &[Vec<u8>], progress: &mut dyn FnMut(Reply)) -> Result<Usage, Failure> {
    match from {
        Origin::Body | Origin::Of(_) => {
            let [body] = bodies else { return Err(Failure::engine(format!("expected one body, {} arrived", bodies.len()))) };
            let source = from.one_body().flatten();
            read_usage_with_progress(body, source, as_of, &mut |items| progress(Reply::Progress { items })).map_err(|e| Failure::from(&e))
        }
        Origin::Fetched { source, ranges, labels } => {
            if ranges.len() != bodies.len() || labels.len() != bodies.len() {
                return Err(Failure::engine(format!("expected {} bodies, {} arrived", ranges.len(), bodies.len())));
            }
            let mut parts = Vec::with_capacity(bodies.len());
            for ((body, range), label) in bodies.iter().zip(ranges).zip(labels) {
                let range = match range {
                    Some((start, end)) => Some((parse_timestamp(start).map_err(Failure::engine)?, parse_timestamp(end).map_err(Failure::engine)?)),
                    None => None,
                };
                let usage = read_fetched_range(body, range, *source, as_of).map_err(|e| Failure::from(&e.in_file(format!("{} ({label})", source.display_name()))))?;
                parts.push(usage);
            }
            merge(parts).ok_or_else(|| Failure::engine("nothing was fetched"))
        }
    }
}

/// What the page needs to know about a dataset without holding its charges.
fn meta(usage: &Usage) -> DatasetMeta {
    let mut resource_types: BTreeSet<&str> = BTreeSet::new();
    let mut node_pools: BTreeSet<&str> = BTreeSet::new();
    for c in usage.one_charge_per_subject() {
        if c.category == Category::Usage {
            resource_types.insert(&c.resource_type);
        }
        if let Some(pool) = c.dimensions.node_pool_id.as_deref() {
            node_pools.insert(pool);
        }
    }
    let owned = |set: BTreeSet<&str>| set.into_iter().map(str::to_string).collect();
    DatasetMeta { source: usage.source, records: usage.records(), resource_types: owned(resource_types), node_pools: owned(node_pools), cost: ReadCost::default() }
}
