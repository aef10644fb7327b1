//! The price book parser, and pricing a fixed body with whatever book parses.
#![no_main]
use libfuzzer_sys::fuzz_target;

const BODY: &[u8] = include_bytes!("../../fixtures/aether/usage.json");

fuzz_target!(|data: &[u8]| {
    let Ok(book) = tally_core::PriceBook::parse(data) else { return };
    let _ = book.to_json();
    let Ok(usage) = tally_core::read_usage(BODY, None) else { return };
    let as_of = tally_core::parse_timestamp("2026-11-23T12:00:00Z").unwrap_or_default();
    if let Ok(priced) = tally_core::price(&[&usage], Some(&book), tally_core::Context { as_of, range: None }) {
        let _ = tally_core::summarize(&priced);
        let _ = tally_core::breakdown(&priced, &[tally_core::Dimension::Day]);
    }
});
