//! The scenario parser, and estimating a fixed body with whatever scenario parses.
#![no_main]
use libfuzzer_sys::fuzz_target;

const BODY: &[u8] = include_bytes!("../../fixtures/hyperstack/usage.json");

fuzz_target!(|data: &[u8]| {
    let Ok(scenario) = tally_core::Scenario::parse(data) else { return };
    let _ = scenario.to_json();
    let Ok(usage) = tally_core::read_usage(BODY, None) else { return };
    let as_of = tally_core::parse_timestamp("2026-11-23T12:00:00Z").unwrap_or_default();
    let _ = tally_core::estimate(&scenario, &[&usage], None, tally_core::Context { as_of, range: None });
});
