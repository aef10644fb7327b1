//! The app's state: what is loaded, the price book, and the derived summary. Small, passed by context.

use std::sync::Arc;

use leptos::prelude::*;
use tally_core::{breakdown, price, summarize, Breakdown, Context, Dimension, PriceBook, Summary, Usage};

/// One loaded body: where it came from and what it held. The raw text is kept so nothing the user
/// entered is lost when a later step fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Unique id for keyed lists.
    pub id: u32,
    /// What the user sees: a sample name, a file name, "pasted JSON", a URL's host.
    pub label: String,
    /// The parsed usage.
    pub usage: Arc<Usage>,
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
}

impl AppState {
    /// Fresh state.
    pub fn new(as_of: chrono::DateTime<chrono::Utc>) -> Self {
        AppState {
            datasets: RwSignal::new(Vec::new()),
            book: RwSignal::new(None),
            view: RwSignal::new(View::Summary),
            notice: RwSignal::new(None),
            busy: RwSignal::new(None),
            as_of: RwSignal::new(as_of),
            next_id: RwSignal::new(1),
            drafts: Drafts::new(),
            scenario: RwSignal::new(tally_core::Scenario::default()),
            book_draft: RwSignal::new(None),
        }
    }

    /// Adds a parsed body (or replaces everything when `replace`).
    pub fn add(&self, label: String, usage: Usage, replace: bool) {
        let id = self.next_id.get_untracked();
        self.next_id.set(id + 1);
        let ds = Dataset { id, label, usage: Arc::new(usage) };
        self.datasets.update(|list| {
            if replace {
                list.clear();
            }
            list.push(ds);
        });
    }

    /// Shows an error.
    pub fn error(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { is_error: true, text: text.into() }));
    }

    /// Shows a notice.
    pub fn info(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice { is_error: false, text: text.into() }));
    }

    /// Prices everything loaded with the current book and runs `f` on it (tracked: call inside a
    /// `Memo` to recompute on change, or under `untrack` for a one-off export). `None` when nothing
    /// is loaded.
    pub fn with_priced<T>(&self, f: impl FnOnce(&tally_core::Priced<'_>) -> tally_core::Result<T>) -> Option<Result<T, String>> {
        let datasets = self.datasets.get();
        if datasets.is_empty() {
            return None;
        }
        let book = self.book.get();
        let usages: Vec<&Usage> = datasets.iter().map(|d| d.usage.as_ref()).collect();
        let ctx = Context { as_of: self.as_of.get(), range: None };
        Some(price(&usages, book.as_ref().map(|b| b.1.as_ref()), ctx).and_then(|p| f(&p)).map_err(|e| e.to_string()))
    }

    /// The summary of everything loaded, computed by the core in the page.
    pub fn summary(&self) -> Option<Result<Summary, String>> {
        self.with_priced(summarize)
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
        let mut out: Vec<String> = self
            .datasets
            .get()
            .iter()
            .flat_map(|d| d.usage.charges.iter().filter(|c| c.category == tally_core::Category::Usage).map(|c| c.resource_type.to_string()).collect::<Vec<_>>())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A breakdown of everything loaded.
    pub fn breakdown(&self, by: &[Dimension]) -> Option<Result<Breakdown, String>> {
        self.with_priced(|p| breakdown(p, by))
    }
}
