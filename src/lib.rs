//! Tally's browser app: a Leptos single-page front end over `tally-core`, which runs in the page.

pub mod app;
pub mod book_draft;
pub mod components;
pub mod crash;
pub mod credentials;
pub mod dom;
pub mod download;
pub mod engine;
pub mod embed;
pub mod format;
pub mod fetcher;
pub mod loader;
pub mod pages;
pub mod persist;
pub mod route;
pub mod state;
pub mod widget;

pub use app::App;
