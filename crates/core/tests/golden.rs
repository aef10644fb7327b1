//! Golden tests: for each fixture, the summary and breakdowns match the expected files on every field
//! they hold (SPEC 7; fixtures/README.md). The same files are checked in wasm by tests/wasm.rs.

use std::path::PathBuf;

use serde_json::Value;
use tally_core::{breakdown, parse_timestamp, price, read_usage, summarize, Context, Dimension, PriceBook};

fn fixture(source: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(source).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(source: &str, name: &str) -> Value {
    serde_json::from_slice(&fixture(source, name)).unwrap()
}

fn ctx() -> Context {
    Context { as_of: parse_timestamp("2026-11-23T12:00:00Z").unwrap(), range: None }
}

fn book(source: &str) -> Option<PriceBook> {
    (source == "aether").then(|| PriceBook::parse(&fixture("aether", "prices.json")).unwrap())
}

const SOURCES: [&str; 4] = ["aether", "hyperstack", "elastic", "cu"];

fn is_zero(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.chars().all(|c| c == '0' || c == '.'))
}

#[test]
fn every_fixture_summary_matches_its_expected_file() {
    for source in SOURCES {
        let usage = read_usage(&fixture(source, "usage.json"), None).unwrap();
        let book = book(source);
        let priced = price(&[&usage], book.as_ref(), ctx()).unwrap();
        let got = serde_json::to_value(summarize(&priced).unwrap()).unwrap();
        let expected = json(source, "summary.expected.json");
        for (field, want) in expected.as_object().unwrap() {
            if let Some(groups) = want.as_array().filter(|a| a.first().is_some_and(|g| g.get("key").is_some())) {
                // Group lists: same non-zero groups, same totals, same order (zero groups may be absent).
                let got_groups: Vec<&Value> = got[field].as_array().unwrap().iter().filter(|g| !is_zero(&g["total"])).collect();
                let want_groups: Vec<&Value> = groups.iter().filter(|g| !is_zero(&g["total"])).collect();
                assert_eq!(got_groups, want_groups, "{source}: {field}");
            } else {
                assert_eq!(&got[field], want, "{source}: {field}");
            }
        }
    }
}

#[test]
fn every_fixture_breakdown_matches_its_expected_files() {
    for source in SOURCES {
        let usage = read_usage(&fixture(source, "usage.json"), None).unwrap();
        let book = book(source);
        let priced = price(&[&usage], book.as_ref(), ctx()).unwrap();
        for (file, by) in [
            ("breakdown-month-resource_type.expected.json", vec![Dimension::Month, Dimension::ResourceType]),
            ("breakdown-day.expected.json", vec![Dimension::Day]),
        ] {
            let got = serde_json::to_value(breakdown(&priced, &by).unwrap()).unwrap();
            let expected = json(source, file);
            assert_eq!(got, expected, "{source}: {file}");
        }
    }
}

#[test]
fn aether_without_its_price_book_leaves_every_item_unpriced_and_a_large_difference() {
    let usage = read_usage(&fixture("aether", "usage.json"), None).unwrap();
    let priced = price(&[&usage], None, ctx()).unwrap();
    let s = summarize(&priced).unwrap();
    assert_eq!(s.total.to_string(), "2205.26", "only subscriptions have a cost");
    assert_eq!(s.difference.unwrap().to_string(), "-1268.13");
    assert_eq!(s.unpriced.iter().map(|u| u.count).sum::<u64>(), 1136);
    assert!(s.unpriced.windows(2).all(|w| (w[0].source, &w[0].resource_type, &w[0].unit) < (w[1].source, &w[1].resource_type, &w[1].unit)));
}
