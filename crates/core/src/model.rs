//! The normalized model (SPEC section 2): every provider body becomes a [`Usage`] holding [`Charge`]s.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::time::Month;

/// An interned string: group keys repeat across hundreds of thousands of charges, so they are shared.
pub type Key = Arc<str>;

/// Where a body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Aether: subscriptions plus hourly autoscaling usage.
    Aether,
    /// Hyperstack: per-resource VM and volume billing.
    Hyperstack,
    /// Elastic Cloud: deployment costs over a date range.
    Elastic,
    /// A workflow platform's compute-unit credits.
    Cu,
}

impl Source {
    /// Every source, in a stable order.
    pub const ALL: [Source; 4] = [Source::Aether, Source::Hyperstack, Source::Elastic, Source::Cu];

    /// The identifier used on the command line and in price books.
    pub fn id(self) -> &'static str {
        match self {
            Source::Aether => "aether",
            Source::Hyperstack => "hyperstack",
            Source::Elastic => "elastic",
            Source::Cu => "cu",
        }
    }

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            Source::Aether => "Aether",
            Source::Hyperstack => "Hyperstack",
            Source::Elastic => "Elastic Cloud",
            Source::Cu => "CU usage",
        }
    }

    /// The currency the provider bills in.
    pub fn currency(self) -> &'static str {
        match self {
            Source::Aether => "EUR",
            Source::Hyperstack => "USD",
            Source::Elastic => "ECU",
            Source::Cu => "CU",
        }
    }

    /// Parses an identifier (`aether`, `hyperstack`, `elastic`, `cu`).
    pub fn from_id(id: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.id() == id)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The FOCUS-style charge category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A flat recurring fee.
    Subscription,
    /// Metered consumption.
    Usage,
    /// A price book's monthly discount (negative).
    Discount,
    /// The top-up to a price book's minimum monthly commitment.
    Commitment,
    /// Tax on the month.
    Tax,
}

impl Category {
    /// The identifier used in output.
    pub fn id(self) -> &'static str {
        match self {
            Category::Subscription => "subscription",
            Category::Usage => "usage",
            Category::Discount => "discount",
            Category::Commitment => "commitment",
            Category::Tax => "tax",
        }
    }
}

/// When a charge happened, as the provider describes it; resolved against `as_of` when priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `[start, end)`, split over months and days by seconds.
    Span {
        /// Inclusive start.
        start: DateTime<Utc>,
        /// Exclusive end.
        end: DateTime<Utc>,
    },
    /// Still running: `[start, as_of)` (an active Hyperstack resource).
    RunningSince(DateTime<Utc>),
    /// No period in the body: the request range, else the month of `as_of` (Elastic without `period`).
    Unspecified,
    /// A point in time: the charge belongs wholly to the month and day of this instant (a
    /// Hyperstack or Elastic period of no length).
    At(DateTime<Utc>),
    /// Point records of one UTC day summed into one charge (Aether's hourly items of one
    /// resource): wholly in that day and its month. `first` and `last` are the first and last
    /// record's instants (the same for a single record).
    Records {
        /// The earliest record.
        first: DateTime<Utc>,
        /// The latest record, on the same UTC day.
        last: DateTime<Utc>,
    },
    /// A monthly fee of the month containing this instant, spread evenly over its days.
    Month(Month),
}

/// Extra group keys (SPEC section 2 `dimensions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Dimensions {
    /// Aether cluster.
    pub cluster_id: Option<Key>,
    /// Aether node pool.
    pub node_pool_id: Option<Key>,
    /// Elastic deployment.
    pub deployment_id: Option<Key>,
    /// CU node type.
    pub node_type: Option<Key>,
    /// CU charge class (`trigger`, `action`).
    pub charge_class: Option<Key>,
}

/// What a charge is about, apart from when and how much: provider, category, resource, unit and
/// group keys. A year of hourly usage repeats a few hundred of these a million times, so charges
/// share one (interned while a body is read) instead of each carrying a dozen keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subject {
    /// Provider.
    pub source: Source,
    /// Subscription or usage (derived lines are made by pricing, never parsed).
    pub category: Category,
    /// Identity of what was used.
    pub resource_id: Option<Key>,
    /// Human name of what was used.
    pub resource_name: Option<Key>,
    /// The kind of thing used (`node.gpu-l40s-1`, `vm`, `capacity`, a CU node type).
    pub resource_type: Key,
    /// Extra group keys.
    pub dimensions: Dimensions,
    /// Unit of the quantity.
    pub unit: Key,
    /// Currency of the reported cost and unit price.
    pub currency: &'static str,
}

/// One normalized charge: a shared [`Subject`] plus when, how much and what the provider said it
/// cost. About 100 bytes, so a million charges fit in about a third of their JSON.
///
/// Reading a charge's subject fields goes through `Deref` (`charge.resource_type`), which keeps
/// the many readers as plain as when the fields lived in the charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// What it is about.
    pub subject: Arc<Subject>,
    /// When.
    pub period: Period,
    /// How much, exactly.
    pub quantity: Decimal,
    /// The provider's unit price, when it gives one.
    pub unit_price: Option<Decimal>,
    /// The provider's cost, when it gives one.
    pub reported_cost: Option<Decimal>,
    /// Excluded from billing by the provider (Hyperstack `exclude_billing`): costs 0.
    pub excluded: bool,
    /// Executions behind a CU row (`count`).
    pub executions: Option<u64>,
    /// How many provider records the charge sums: Aether items of one resource and UTC day are
    /// one charge (see [`Period::Records`]); 1 for every other charge. What "N records" counts.
    pub records: u32,
}

impl std::ops::Deref for Charge {
    type Target = Subject;

    fn deref(&self) -> &Subject {
        &self.subject
    }
}

/// CU credit balance (SPEC 1.4), in CU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditBalance {
    /// Credits bought.
    pub deposited: Decimal,
    /// Credits given.
    pub granted: Decimal,
    /// Credits used.
    pub used: Decimal,
}

impl CreditBalance {
    /// deposited + granted - used, or `None` on overflow.
    pub fn remaining(&self) -> Option<Decimal> {
        self.deposited.checked_add(self.granted)?.checked_sub(self.used)
    }
}

/// Everything read from one provider body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Provider.
    pub source: Source,
    /// The provider's currency.
    pub currency: &'static str,
    /// Normalized charges.
    pub charges: Vec<Charge>,
    /// The provider's own total, when it reports one.
    pub reported_total: Option<Decimal>,
    /// CU credits.
    pub credits: Option<CreditBalance>,
    /// The period the body covers, when it says (for the forecast).
    pub coverage: Option<Period>,
    /// Data problems that do not stop the summary.
    pub warnings: Vec<String>,
}

impl Usage {
    /// How many provider records the charges sum (a body's item count, whatever was summed).
    pub fn records(&self) -> u64 {
        self.charges.iter().map(|c| u64::from(c.records)).sum()
    }

    /// One charge for each distinct subject (resource, type, unit...), in the order first seen:
    /// what a list of resource types or node pools needs, found by address rather than by
    /// comparing a million charges' strings.
    pub fn one_charge_per_subject(&self) -> Vec<&Charge> {
        let mut seen = crate::fxhash::FxHashSet::default();
        self.charges.iter().filter(|c| seen.insert(Arc::as_ptr(&c.subject) as usize)).collect()
    }
}

/// Deduplicates repeated strings into shared [`Key`]s, and repeated subjects into shared
/// [`Subject`]s, while a body is converted.
#[derive(Default)]
pub(crate) struct Interner {
    seen: crate::fxhash::FxHashSet<Key>,
    /// Subjects by the addresses of their keys: within one interner equal keys share an address,
    /// so this finds an equal subject without comparing a single string.
    subjects: crate::fxhash::FxHashMap<SubjectAddress, Arc<Subject>>,
}

/// A subject's provider, category and currency with the addresses of its keys.
type SubjectAddress = (Source, Category, usize, [usize; 9]);

fn address(key: Option<&Key>) -> usize {
    key.map_or(0, |k| Arc::as_ptr(k).cast::<u8>() as usize)
}

impl Interner {
    pub(crate) fn key(&mut self, text: &str) -> Key {
        if let Some(k) = self.seen.get(text) {
            return Arc::clone(k);
        }
        let k: Key = Arc::from(text);
        self.seen.insert(Arc::clone(&k));
        k
    }

    pub(crate) fn opt(&mut self, text: Option<&str>) -> Option<Key> {
        text.map(|t| self.key(t))
    }

    /// The shared copy of `subject`, whose keys must come from this interner.
    pub(crate) fn subject(&mut self, subject: Subject) -> Arc<Subject> {
        let d = &subject.dimensions;
        let address = (
            subject.source,
            subject.category,
            subject.currency.as_ptr() as usize,
            [
                address(subject.resource_id.as_ref()),
                address(subject.resource_name.as_ref()),
                address(Some(&subject.resource_type)),
                address(Some(&subject.unit)),
                address(d.cluster_id.as_ref()),
                address(d.node_pool_id.as_ref()),
                address(d.deployment_id.as_ref()),
                address(d.node_type.as_ref()),
                address(d.charge_class.as_ref()),
            ],
        );
        Arc::clone(self.subjects.entry(address).or_insert_with(|| Arc::new(subject)))
    }
}
