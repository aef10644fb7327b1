//! Tally's browser app: a Leptos single-page front end over `tally-core`, which runs in the page.

pub mod app;
pub mod components;
pub mod credentials;
pub mod format;
pub mod fetcher;
pub mod loader;
pub mod pages;
pub mod state;

pub use app::App;
