//! The four views.

mod breakdown;
mod data;
mod summary;
mod whatif;

pub use breakdown::BreakdownPage;
pub use data::DataPage;
pub use summary::SummaryPage;
pub use whatif::WhatIfPage;
