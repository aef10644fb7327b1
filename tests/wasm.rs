//! Browser tests (wasm-bindgen-test in headless Chromium): the core compiled to wasm gives exactly the
//! answers the native golden tests check, and the app's components mount and show them.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use serde_json::Value;
use tally_core::{breakdown, parse_timestamp, price, read_usage, summarize, Context, Dimension, PriceBook};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A provider's fixture: its name, usage body, expected summary and expected daily breakdown.
type Fixture = (&'static str, &'static [u8], &'static [u8], &'static [u8]);

const SOURCES: [Fixture; 4] = [
    ("aether", include_bytes!("../fixtures/aether/usage.json"), include_bytes!("../fixtures/aether/summary.expected.json"), include_bytes!("../fixtures/aether/breakdown-day.expected.json")),
    ("hyperstack", include_bytes!("../fixtures/hyperstack/usage.json"), include_bytes!("../fixtures/hyperstack/summary.expected.json"), include_bytes!("../fixtures/hyperstack/breakdown-day.expected.json")),
    ("elastic", include_bytes!("../fixtures/elastic/usage.json"), include_bytes!("../fixtures/elastic/summary.expected.json"), include_bytes!("../fixtures/elastic/breakdown-day.expected.json")),
    ("cu", include_bytes!("../fixtures/cu/usage.json"), include_bytes!("../fixtures/cu/summary.expected.json"), include_bytes!("../fixtures/cu/breakdown-day.expected.json")),
];
const AETHER_PRICES: &[u8] = include_bytes!("../fixtures/aether/prices.json");

fn ctx() -> Context {
    Context { as_of: parse_timestamp("2026-11-23T12:00:00Z").unwrap(), range: None }
}

fn book_for(source: &str) -> Option<PriceBook> {
    (source == "aether").then(|| PriceBook::parse(AETHER_PRICES).unwrap())
}

#[wasm_bindgen_test]
fn the_wasm_core_summarizes_every_fixture_exactly_as_the_native_goldens_expect() {
    for (source, body, expected, _) in SOURCES {
        let usage = read_usage(body, None).unwrap();
        let book = book_for(source);
        let priced = price(&[&usage], book.as_ref(), ctx()).unwrap();
        let got = serde_json::to_value(summarize(&priced).unwrap()).unwrap();
        let expected: Value = serde_json::from_slice(expected).unwrap();
        for field in ["currency", "total", "reported_total", "difference", "excluded", "credits", "unpriced", "sources"] {
            assert_eq!(got[field], expected[field], "{source}: {field}");
        }
        for list in ["by_category", "by_resource_type", "by_month"] {
            for group in expected[list].as_array().unwrap() {
                let found = got[list].as_array().unwrap().iter().find(|g| g["key"] == group["key"]);
                let total = found.map_or(Value::Null, |g| g["total"].clone());
                assert!(total == group["total"] || group["total"].as_str().is_some_and(|t| t.trim_end_matches('0') == "0."), "{source}: {list} {}", group["key"]);
            }
        }
    }
}

#[wasm_bindgen_test]
fn the_wasm_core_breaks_every_fixture_down_by_day_to_the_cent() {
    for (source, body, _, expected) in SOURCES {
        let usage = read_usage(body, None).unwrap();
        let book = book_for(source);
        let priced = price(&[&usage], book.as_ref(), ctx()).unwrap();
        let got = serde_json::to_value(breakdown(&priced, &[Dimension::Day]).unwrap()).unwrap();
        let expected: Value = serde_json::from_slice(expected).unwrap();
        assert_eq!(got["total"], expected["total"], "{source}");
        assert_eq!(got["rows"], expected["rows"], "{source}");
    }
}

#[wasm_bindgen_test]
fn a_malformed_body_is_an_error_with_a_field_path_not_a_panic() {
    let err = read_usage(br#"{"items": [{"resource_type": "x", "quantity": "abc", "unit": "hour", "recorded_at": "2026-11-01"}]}"#, None).unwrap_err();
    assert_eq!(err.to_string(), "items[0].quantity: expected a number, found \"abc\"");
}

#[wasm_bindgen_test]
async fn the_summary_page_mounts_and_shows_the_total() {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let el: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(container.clone());
    let handle = leptos::mount::mount_to(el, move || {
        // The widget's engine: in the page.
        let state = tally_web::state::AppState::new(ctx().as_of);
        let body = tally_web::engine::body::Body::Bytes(js_sys::Uint8Array::from(SOURCES[1].1));
        leptos::task::spawn_local(async move {
            state.load_bodies("hyperstack sample".into(), tally_web::engine::Origin::Body, vec![body], tally_web::state::Adding::Sample).await.expect("the sample loads");
        });
        provide_context(state);
        view! { <tally_web::pages::SummaryPage/> }
    });
    // The engine answers asynchronously; give it a few turns of the event loop.
    let mut total = None;
    for _ in 0..50 {
        total = container.query_selector("[data-testid=total]").unwrap();
        if total.is_some() {
            break;
        }
        sleep_ms(20).await;
    }
    let total = total.expect("the total is rendered");
    assert_eq!(total.get_attribute("data-value").as_deref(), Some("31897.62"));
    assert!(container.text_content().unwrap().contains("Excluded from billing"));
    drop(handle);
}

#[wasm_bindgen_test]
fn resource_names_may_wrap_after_their_separators_only() {
    use tally_web::components::name_pieces;
    assert_eq!(name_pieces("node.gpu-l40s-1"), ["node.", "gpu-", "l40s-", "1"]);
    assert_eq!(name_pieces("control_plane"), ["control_", "plane"]);
    assert_eq!(name_pieces("projects/p1:vm"), ["projects/", "p1:", "vm"]);
    assert_eq!(name_pieces("vm"), ["vm"]);
    assert_eq!(name_pieces("node."), ["node."]);
    assert_eq!(name_pieces(""), [""]);
    assert_eq!(name_pieces("naïve–name"), ["naïve–name"]);
    assert_eq!(name_pieces("node.gpu-l40s-1").concat(), "node.gpu-l40s-1");
}

#[wasm_bindgen_test]
fn the_engine_answers_what_the_core_computes_and_names_bad_input() {
    use tally_web::engine::{Inputs, Job, Origin, Reply, Request, Workspace};
    let mut engine = Workspace::default();
    let loaded = engine.handle(Request::Load { id: 7, from: Origin::Body, as_of: None }, &[SOURCES[1].1.to_vec()], &mut |_| {});
    let Reply::Loaded(meta) = loaded else { panic!("not loaded: {loaded:?}") };
    assert_eq!(meta.source, tally_core::Source::Hyperstack);
    let inputs = Inputs { datasets: vec![7], book: None, as_of: "2026-11-23T12:00:00Z".into(), range: None };
    let Reply::Summary(summary) = engine.handle(Request::Compute { job: Job::Summary, inputs: inputs.clone() }, &[], &mut |_| {}) else { panic!() };
    assert_eq!(summary.total.to_string(), "31897.62");
    let bad = engine.handle(Request::Load { id: 8, from: Origin::Body, as_of: None }, &[br#"{"items": [{"quantity": "x"}]}"#.to_vec()], &mut |_| {});
    assert!(matches!(&bad, Reply::Failed(f) if f.message.starts_with("items[0]") && f.code == "field"), "{bad:?}");
    engine.handle(Request::Forget { ids: vec![7] }, &[], &mut |_| {});
    let gone = engine.handle(Request::Compute { job: Job::Summary, inputs }, &[], &mut |_| {});
    assert!(matches!(&gone, Reply::Failed(f) if f.message.contains("dataset 7 is not loaded")), "{gone:?}");
}

/// A dataset loaded for the page's `as_of` counts the usage so far exactly in the forecast: the
/// Aether sample at 06:00 on its last day forecasts what the sample cut to its items before 06:00
/// does (its later items are usage after `as_of`), in the engine as in the CLI.
#[wasm_bindgen_test]
fn the_engine_reads_a_body_for_the_pages_as_of() {
    use tally_web::engine::{Inputs, Job, Origin, Reply, Request, Workspace};
    const AS_OF: &str = "2026-11-23T06:00:00Z";
    let mut body: serde_json::Value = serde_json::from_slice(SOURCES[0].1).unwrap();
    body["items"].as_array_mut().unwrap().retain(|item| item["recorded_at"].as_str().unwrap() < AS_OF);
    let mut engine = Workspace::default();
    for (id, bytes) in [(1, SOURCES[0].1.to_vec()), (2, body.to_string().into_bytes())] {
        let loaded = engine.handle(Request::Load { id, from: Origin::Body, as_of: Some(AS_OF.into()) }, &[bytes], &mut |_| {});
        assert!(matches!(loaded, Reply::Loaded(_)), "{loaded:?}");
    }
    let forecast = |engine: &mut Workspace, id: u32| {
        let book = Some(String::from_utf8(AETHER_PRICES.to_vec()).unwrap());
        let inputs = Inputs { datasets: vec![id], book, as_of: AS_OF.into(), range: None };
        let Reply::Summary(summary) = engine.handle(Request::Compute { job: Job::Summary, inputs }, &[], &mut |_| {}) else { panic!() };
        summary.forecast.map(|f| f.total)
    };
    let (whole, cut) = (forecast(&mut engine, 1), forecast(&mut engine, 2));
    assert!(whole.is_some());
    assert_eq!(whole, cut);
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
fn the_crash_notice_offers_a_reload_and_shows_text_only() {
    tally_web::crash::show("panicked at <b>src/x.rs</b>");
    let notice = document().get_element_by_id("tally-crash").expect("shown");
    assert_eq!(notice.get_attribute("role").as_deref(), Some("alert"));
    assert!(notice.text_content().unwrap().contains("panicked at <b>src/x.rs</b>"), "markup stays text");
    assert!(notice.query_selector("b").unwrap().is_none());
    assert!(notice.query_selector("button").unwrap().is_some());
    tally_web::crash::show("again");
    assert_eq!(document().query_selector_all("#tally-crash").unwrap().length(), 1);
    notice.remove();
}

#[wasm_bindgen_test]
fn a_rate_given_for_a_failed_sum_joins_the_current_prices_without_losing_them() {
    use tally_web::book_draft::with_rate;
    let book = book_for("aether").unwrap();
    let with = with_rate(Some(&book), "EUR", "USD", " 0.92 ").expect("a valid rate");
    assert_eq!(with.prices, book.prices);
    assert_eq!(with.currency.as_deref(), Some("EUR"));
    assert_eq!(with.fx.get("USD").map(ToString::to_string).as_deref(), Some("0.92"));
    // A second rate for the same currency replaces the first.
    let again = with_rate(Some(&with), "EUR", "USD", "0.9").unwrap();
    assert_eq!((again.fx.len(), again.fx["USD"].to_string()), (1, "0.9".to_string()));
    // With no book, an empty one in the display currency.
    let bare = with_rate(None, "EUR", "ECU", "1.1").unwrap();
    assert!(bare.prices.is_empty());
    assert_eq!(bare.currency.as_deref(), Some("EUR"));
    assert_eq!(with_rate(None, "EUR", "USD", "").unwrap_err(), "Enter how many EUR one USD is worth.");
    // A decimal comma is read as the point it means.
    assert_eq!(with_rate(None, "EUR", "USD", "0,92").unwrap().fx["USD"].to_string(), "0.92");
    assert_eq!(with_rate(None, "EUR", "USD", "0").unwrap_err(), "A rate must be positive, found 0.");
}
