//! The app's state: what is loaded, the price book, and the derived summary. Small, passed by context.

use std::sync::Arc;

use leptos::prelude::*;
use tally_core::{Breakdown, Dimension, PriceBook, Summary};

use crate::engine::body::Body;
use crate::engine::{failure, DatasetMeta, Engine, Export, Failure, Inputs, Job, Origin, Reply};

/// One loaded body: where it came from and what it held. Its charges live in the engine (a Web
/// Worker in the portal); the page keeps what it shows and pickers need.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Unique id for keyed lists and engine requests.
    pub id: u32,
    /// What the user sees: a sample name, a file name, "pasted JSON", a URL's host.
    pub label: String,
    /// Provider, size and the values the what-if pickers offer.
    pub meta: DatasetMeta,
    /// A bundled sample: the user's own data takes its place rather than adding to it.
    pub sample: bool,
}

/// How a body joins what is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adding {
    /// A bundled sample: it replaces everything loaded.
    Sample,
    /// The user's own body (a file, a paste, a fetch): beside their other data, in place of a
    /// sample (whose usage summed with theirs would be a total of nobody's bill), along with the
    /// sample's price book.
    OwnData,
    /// The only data there is (the widget's, the iframe's): it replaces everything.
    Replace,
}

/// Long work in the engine the user can see and cancel.
#[derive(Debug, Clone, PartialEq)]
pub struct Work {
    /// The id the body's dataset will have, to find this entry again.
    pub id: u32,
    /// What is happening ("Reading usage-2026.json").
    pub label: String,
    /// Usage items read so far, once the engine reports them.
    pub items: Option<usize>,
    /// The body's size in bytes, to estimate how far a read got.
    pub bytes: f64,
}

/// The app's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Totals.
    Summary,
    /// Months and days by a dimension.
    Breakdown,
    /// What-if estimates.
    WhatIf,
    /// Loading data.
    Data,
}

impl View {
    /// Every view, in navigation order.
    pub const ALL: [View; 4] = [View::Summary, View::Breakdown, View::WhatIf, View::Data];

    /// Label in the navigation.
    pub fn label(self) -> &'static str {
        match self {
            View::Summary => "Summary",
            View::Breakdown => "Breakdown",
            View::WhatIf => "What-if",
            View::Data => "Data",
        }
    }

    /// The view an identifier names (`id`'s inverse).
    pub fn from_id(id: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.id() == id)
    }

    /// Identifier for test hooks and URLs.
    pub fn id(self) -> &'static str {
        match self {
            View::Summary => "summary",
            View::Breakdown => "breakdown",
            View::WhatIf => "whatif",
            View::Data => "data",
        }
    }
}

/// A message for the user: an error that says what and where, or a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `true` for errors.
    pub is_error: bool,
    /// The text.
    pub text: String,
}

/// What the user typed into the Data view's forms, kept while they switch views so nothing is lost.
/// The credential lives here, in memory only (see `credentials` for the opt-in storage).
#[derive(Clone, Copy)]
pub struct Drafts {
    /// Provider chosen in the connect form.
    pub source: RwSignal<tally_core::Source>,
    /// API base URL.
    pub base: RwSignal<String>,
    /// Organization id.
    pub org: RwSignal<String>,
    /// The credential, in memory.
    pub credential: RwSignal<String>,
    /// "Remember on this device".
    pub remember: RwSignal<bool>,
    /// Period start (date or month).
    pub from: RwSignal<String>,
    /// Period end.
    pub to: RwSignal<String>,
    /// Pasted JSON.
    pub paste: RwSignal<String>,
}

impl Drafts {
    fn new() -> Self {
        Drafts {
            source: RwSignal::new(tally_core::Source::Aether),
            base: RwSignal::new(String::new()),
            org: RwSignal::new(String::new()),
            credential: RwSignal::new(String::new()),
            remember: RwSignal::new(false),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            paste: RwSignal::new(String::new()),
        }
    }
}

/// The shared state, provided as context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Loaded bodies.
    pub datasets: RwSignal<Vec<Dataset>>,
    /// The price book, if any, with where it came from.
    pub book: RwSignal<Option<(String, Arc<PriceBook>)>>,
    /// The price book the last sample came with: it leaves with the sample (see [`Adding`]).
    pub sample_book: StoredValue<Option<Arc<PriceBook>>>,
    /// The current view.
    pub view: RwSignal<View>,
    /// The latest message.
    pub notice: RwSignal<Option<Notice>>,
    /// Work in progress (fetching, parsing).
    pub busy: RwSignal<Option<String>>,
    /// The instant used as "now", fixed when the page loads so numbers do not drift.
    pub as_of: RwSignal<chrono::DateTime<chrono::Utc>>,
    /// Next dataset id.
    pub next_id: RwSignal<u32>,
    /// Form drafts of the Data view.
    pub drafts: Drafts,
    /// The what-if scenario (adjustments and overrides; its price book lives in `book_draft`).
    pub scenario: RwSignal<tally_core::Scenario>,
    /// The price book being edited for the scenario; `None` = the scenario uses the current book.
    pub book_draft: RwSignal<Option<crate::book_draft::BookDraft>>,
    /// The engine that holds the charges and computes.
    pub engine: StoredValue<Engine, LocalStorage>,
    /// Whether the engine runs in a Web Worker, and so its work can be cancelled; tracked (it
    /// moves into the page when the worker cannot start).
    pub engine_in_worker: RwSignal<bool>,
    /// Bodies being read by the engine, in the order it reads them: the first is being read, the
    /// rest wait their turn (a paste while a big file is read).
    pub work: RwSignal<Vec<Work>>,
    /// Computations in flight.
    pub computing: RwSignal<u32>,
    /// Shown inside someone else's page (the widget, the iframe mode), with no way to load data
    /// from the page itself.
    pub embedded: bool,
}

impl AppState {
    /// Fresh state.
    pub fn new(as_of: chrono::DateTime<chrono::Utc>) -> Self {
        AppState {
            datasets: RwSignal::new(Vec::new()),
            book: RwSignal::new(None),
            sample_book: StoredValue::new(None),
            view: RwSignal::new(View::Summary),
            notice: RwSignal::new(None),
            busy: RwSignal::new(None),
            as_of: RwSignal::new(as_of),
            next_id: RwSignal::new(1),
            drafts: Drafts::new(),
            scenario: RwSignal::new(tally_core::Scenario::default()),
            book_draft: RwSignal::new(None),
            engine: StoredValue::new_local(Engine::in_page()),
            engine_in_worker: RwSignal::new(false),
            work: RwSignal::new(Vec::new()),
            computing: RwSignal::new(0),
            embedded: false,
        }
    }

    /// The same state, shown inside someone else's page.
    pub fn embedded(self) -> Self {
        AppState { embedded: true, ..self }
    }

    /// Moves the engine into a Web Worker (the portal; the widget, for a big body).
    pub fn use_worker(&self) {
        self.use_engine(Engine::in_worker());
    }

    /// Moves the engine into a Web Worker started from `script` (the widget's, next to its files).
    pub fn use_worker_from(&self, script: &str) {
        self.use_engine(Engine::in_worker_from(script));
    }

    /// Moves the engine into the page (the widget, for a small body).
    pub fn use_page(&self) {
        self.use_engine(Engine::in_page());
    }

    fn use_engine(&self, engine: Engine) {
        self.engine_in_worker.set(engine.is_worker());
        let in_worker = self.engine_in_worker;
        engine.when_moved_to_page(move || {
            in_worker.try_set(false);
        });
        self.engine.set_value(engine);
    }

    /// Reads a body in the engine and adds it to what is loaded (or replaces everything when
    /// `replace`). On failure nothing loaded before is touched and the message names the field;
    /// a cancelled read says so and changes nothing.
    pub async fn load(&self, label: String, body: web_sys::Blob, adding: Adding) -> Result<(), String> {
        self.load_from(label, Origin::Body, vec![body], adding).await
    }

    /// [`AppState::load`] for bodies of a known origin (several fetched months make one dataset).
    pub async fn load_from(&self, label: String, from: Origin, bodies: Vec<web_sys::Blob>, adding: Adding) -> Result<(), String> {
        let bodies = bodies.into_iter().map(Body::Blob).collect();
        self.load_bodies(label, from, bodies, adding).await.map_err(|f| f.message)
    }

    /// [`AppState::load_from`] for bodies of any kind (the widget's bytes), failing with a code.
    pub async fn load_bodies(&self, label: String, from: Origin, bodies: Vec<Body>, adding: Adding) -> Result<(), Failure> {
        let id = self.next_id.get_untracked();
        self.next_id.set(id + 1);
        let state = *self;
        let bytes = bodies.iter().map(Body::size).sum();
        self.work.update(|list| list.push(Work { id, label: format!("Reading {label}"), items: None, bytes }));
        let progress = move |items: usize| {
            state.work.try_update(|list| list.iter_mut().filter(|w| w.id == id).for_each(|w| w.items = Some(items)));
        };
        let engine = self.engine.get_value();
        let result = engine.load(id, from, self.as_of.get_untracked(), bodies, progress).await;
        // (The widget may have been destroyed meanwhile.)
        self.work.try_update(|list| list.retain(|w| w.id != id));
        let meta = result?;
        // The widget moved its engine (into or out of a worker) for a later body while this one
        // was read: this dataset lives in an engine no longer asked, and the later body wins.
        if !engine.is(&self.engine.get_value()) {
            return Err(Failure::new("cancelled", "replaced by a later body"));
        }
        self.push(Dataset { id, label, meta, sample: adding == Adding::Sample }, adding);
        Ok(())
    }

    fn push(&self, dataset: Dataset, adding: Adding) {
        let mut gone = Vec::new();
        self.datasets.update(|list| {
            let goes = |d: &Dataset| adding != Adding::OwnData || d.sample;
            gone = list.iter().filter(|d| goes(d)).map(|d| d.id).collect();
            list.retain(|d| !goes(d));
            list.push(dataset);
        });
        if gone.is_empty() {
            return;
        }
        self.engine.get_value().forget(gone);
        if adding == Adding::OwnData {
            // The sample's price book goes with it; a book the user chose or edited stays.
            let sample_book = self.sample_book.get_value();
            if self.book.with_untracked(|b| b.as_ref().zip(sample_book.as_ref()).is_some_and(|((_, b), s)| Arc::ptr_eq(b, s))) {
                self.book.set(None);
            }
        }
    }

    /// Removes a loaded body.
    pub fn remove(&self, id: u32) {
        self.datasets.update(|l| l.retain(|d| d.id != id));
        self.engine.get_value().forget(vec![id]);
    }

    /// Whether usage is on its way in (a fetch or a read in the engine); tracked.
    pub fn loading(&self) -> bool {
        self.busy.with(Option::is_some) || self.work.with(|list| !list.is_empty())
    }

    /// Stops the engine's current work (a long read or computation); what was loaded stays.
    pub fn cancel_work(&self) {
        self.engine.get_value().restart("cancelled");
        self.work.set(Vec::new());
        self.info("Cancelled. What was loaded before is still there.");
    }

    /// Shows an error.
    pub fn error(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { is_error: true, text: text.into() }));
    }

    /// Shows a notice.
    pub fn info(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { is_error: false, text: text.into() }));
    }

    /// What every computation depends on (tracked); `None` when nothing is loaded.
    pub fn inputs(&self) -> Option<Inputs> {
        let datasets = self.datasets.get();
        if datasets.is_empty() {
            return None;
        }
        Some(self.inputs_with(datasets.iter().map(|d| d.id).collect()))
    }

    fn inputs_with(&self, datasets: Vec<u32>) -> Inputs {
        Inputs {
            datasets,
            book: self.book.get().map(|(_, b)| b.to_json()),
            as_of: tally_core::rfc3339_millis(self.as_of.get()),
            range: None,
        }
    }

    /// A value the engine computes, kept up to date: whenever `job` or the inputs change, the
    /// engine is asked again and the latest answer wins. `None` while nothing is loaded (or `job`
    /// is `None`) and before the first answer.
    pub fn computed<T: Send + Sync + 'static>(
        &self,
        job: impl Fn() -> Option<(Job, Inputs)> + 'static,
        pick: fn(Reply) -> Option<T>,
    ) -> ReadSignal<Option<Result<T, Failure>>> {
        let out = RwSignal::new(None);
        let latest = StoredValue::new(0u64);
        let state = *self;
        Effect::new(move |_| {
            let Some((job, inputs)) = job() else {
                out.set(None);
                return;
            };
            let generation = latest.get_value() + 1;
            latest.set_value(generation);
            let engine = state.engine.get_value();
            state.computing.update(|n| *n += 1);
            leptos::task::spawn_local(async move {
                let reply = engine.compute(job, inputs).await;
                state.computing.try_update(|n| *n = n.saturating_sub(1));
                if latest.try_get_value() == Some(generation) {
                    let value = match reply {
                        Reply::Failed(e) if e.is_cancelled() => Err(Failure::new("cancelled", "Cancelled. Change something (or reload) to compute again.")),
                        Reply::Failed(e) => Err(e),
                        other => pick(other.clone()).ok_or_else(|| Failure::engine(failure(other))),
                    };
                    out.try_set(Some(value));
                }
            });
        });
        out.read_only()
    }

    /// The summary of everything loaded, kept up to date.
    pub fn summary(&self) -> ReadSignal<Option<Result<Summary, Failure>>> {
        let state = *self;
        self.computed(move || state.inputs().map(|i| (Job::Summary, i)), |r| match r {
            Reply::Summary(s) => Some(*s),
            _ => None,
        })
    }

    /// A download's text, computed now (untracked).
    pub async fn export(&self, export: Export) -> Result<String, String> {
        let inputs = untrack(|| self.inputs()).ok_or("nothing is loaded: load usage on the Data view first")?;
        match self.engine.get_value().compute(Job::Export(export), inputs).await {
            Reply::Text(t) => Ok(t),
            other => Err(failure(other)),
        }
    }

    /// The inputs over a chosen set of datasets (the what-if "start from nothing" uses none).
    pub fn inputs_over(&self, datasets: Vec<u32>) -> Inputs {
        self.inputs_with(datasets)
    }

    /// The scenario as saved and shared: its adjustments plus the edited price book, if valid.
    pub fn scenario_with_book(&self) -> tally_core::Scenario {
        let mut s = self.scenario.get();
        s.price_book = self.book_draft.get().and_then(|d| d.validate().ok().map(|_| d.to_value()));
        s
    }

    /// Restores a saved or shared scenario (and its price book into the editor).
    pub fn restore_scenario(&self, json: &str) -> Result<(), String> {
        let mut s = tally_core::Scenario::parse(json.as_bytes()).map_err(|e| format!("the saved scenario could not be read: {e}"))?;
        let draft = match s.price_book.take() {
            Some(v) => Some(crate::book_draft::BookDraft::from_book(
                &tally_core::PriceBook::parse(v.to_string().as_bytes()).map_err(|e| format!("the scenario's price book could not be read: {e}"))?,
            )),
            None => None,
        };
        self.scenario.set(s);
        self.book_draft.set(draft);
        Ok(())
    }

    /// Every loaded resource type, sorted, for pickers.
    pub fn resource_types(&self) -> Vec<String> {
        self.collect_meta(|m| &m.resource_types)
    }

    /// Every loaded Aether node pool, sorted, for pickers.
    pub fn node_pools(&self) -> Vec<String> {
        self.collect_meta(|m| &m.node_pools)
    }

    fn collect_meta(&self, field: fn(&DatasetMeta) -> &Vec<String>) -> Vec<String> {
        let mut out: Vec<String> = self.datasets.get().iter().flat_map(|d| field(&d.meta).iter().cloned()).collect();
        out.sort();
        out.dedup();
        out
    }

    /// A breakdown of everything loaded by `by()`, kept up to date.
    pub fn breakdown(&self, by: impl Fn() -> Vec<Dimension> + 'static) -> ReadSignal<Option<Result<Breakdown, Failure>>> {
        let state = *self;
        self.computed(move || state.inputs().map(|i| (Job::Breakdown(by()), i)), |r| match r {
            Reply::Breakdown(b) => Some(b.into()),
            _ => None,
        })
    }
}
