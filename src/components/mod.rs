//! Reusable pieces of the page, one component per file.

mod app_header;
mod bar_chart;
mod breakable_name;
mod compute_error;
mod connect_form;
mod notice_banner;
mod price_book_editor;
mod source_picker;

pub use app_header::AppHeader;
pub use bar_chart::{BarChart, ChartSeries};
pub use breakable_name::{name_pieces, BreakableName};
pub use compute_error::ComputeError;
pub use connect_form::ConnectForm;
pub use notice_banner::NoticeBanner;
pub use price_book_editor::PriceBookEditor;
pub use source_picker::SourcePicker;
