//! The `tally` binary as a user runs it: SPEC section 7 output, exit statuses and stderr lines.

use std::path::PathBuf;
use std::process::{Command, Output};

use rust_decimal::Decimal;
use serde_json::Value;

const AS_OF: &str = "2026-11-23T12:00:00Z";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn f(path: &str) -> String {
    fixtures().join(path).to_string_lossy().into_owned()
}

fn tally(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tally")).args(args).output().expect("tally runs")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn summarize_prints_the_spec_json_for_every_fixture() {
    for source in ["aether", "hyperstack", "elastic", "cu"] {
        let usage = f(&format!("{source}/usage.json"));
        let prices = f("aether/prices.json");
        let mut args = vec!["summarize", usage.as_str(), "--as-of", AS_OF, "--json"];
        if source == "aether" {
            args.extend(["--prices", prices.as_str()]);
        }
        let got = json(&tally(&args));
        let want: Value = serde_json::from_slice(&std::fs::read(fixtures().join(source).join("summary.expected.json")).unwrap()).unwrap();
        for key in ["sources", "currency", "total", "reported_total", "difference", "unpriced", "excluded", "credits", "by_month"] {
            assert_eq!(got[key], want[key], "{source}: {key}");
        }
        assert_eq!(got["as_of"], AS_OF);
        assert!(got["forecast"].is_object(), "{source}: as_of is inside the period");
        assert!(got["warnings"].is_array());
    }
}

#[test]
fn breakdown_prints_json_and_csv_rows_that_add_up() {
    let usage = f("hyperstack/usage.json");
    let got = json(&tally(&["breakdown", &usage, "--by", "month,resource_type", "--json", "--as-of", AS_OF]));
    let want: Value = serde_json::from_slice(&std::fs::read(fixtures().join("hyperstack/breakdown-month-resource_type.expected.json")).unwrap()).unwrap();
    assert_eq!(got, want);
    let csv = tally(&["breakdown", &usage, "--by", "month,resource", "--csv", "--as-of", AS_OF]);
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("month,resource,total"));
    let sum: Decimal = lines.map(|l| l.rsplit(',').next().unwrap().parse::<Decimal>().unwrap()).sum();
    assert_eq!(sum.to_string(), "31897.62");
}

#[test]
fn a_charge_without_the_dimension_is_null_in_json_and_empty_in_csv() {
    let usage = f("cu/usage.json");
    let got = json(&tally(&["breakdown", &usage, "--by", "cluster_id", "--json", "--as-of", AS_OF]));
    assert_eq!(got["rows"][0]["cluster_id"], Value::Null);
    let csv = tally(&["breakdown", &usage, "--by", "cluster_id", "--csv", "--as-of", AS_OF]);
    assert_eq!(String::from_utf8(csv.stdout).unwrap(), "cluster_id,total\n,19129.1900\n");
}

#[test]
fn a_provider_error_body_exits_1_with_one_line_naming_the_file() {
    let out = tally(&["summarize", &f("aether/error-401.json"), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: error-401.json: Aether API error unauthenticated: Missing or invalid credentials.\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn malformed_input_exits_1_naming_file_field_and_problem() {
    let dir = std::env::temp_dir().join(format!("tally-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("usage.json");
    let body = std::fs::read_to_string(fixtures().join("aether/usage.json")).unwrap().replacen("\"quantity\": 5,", "\"quantity\": \"abc\",", 1);
    std::fs::write(&bad, body).unwrap();
    let out = tally(&["summarize", bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: usage.json: items[0].quantity: expected a number, found \"abc\"\n");
    std::fs::write(&bad, "{\"items\": [").unwrap();
    let out = tally(&["summarize", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: usage.json: not valid JSON"), "{}", stderr(&out));
    let out = tally(&["summarize", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.json: cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let usage = f("cu/usage.json");
    for args in [
        vec!["summarize"],
        vec!["summarize", usage.as_str(), "--source", "aws"],
        vec!["summarize", usage.as_str(), "--as-of", "yesterday"],
        vec!["summarize", usage.as_str(), "--from", "2026-11-01"],
        vec!["summarize", usage.as_str(), "--frobnicate"],
        vec!["breakdown", usage.as_str(), "--by", "colour"],
        vec!["breakdown", usage.as_str()],
        vec!["explode", usage.as_str()],
    ] {
        let out = tally(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "));
    }
}

#[test]
fn a_forced_source_that_does_not_fit_is_an_input_error() {
    let out = tally(&["summarize", &f("cu/usage.json"), "--source", "elastic"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("this is not an Elastic Cloud body"));
}

#[test]
fn several_files_are_summed_and_two_currencies_need_a_rate() {
    let (h, e) = (f("hyperstack/usage.json"), f("elastic/usage.json"));
    let out = tally(&["summarize", &h, &e, "--json", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot add ECU amounts to USD amounts"));
    let dir = std::env::temp_dir().join(format!("tally-fx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let book = dir.join("book.json");
    std::fs::write(&book, r#"{"currency": "USD", "fx": {"ECU": "1"}, "prices": []}"#).unwrap();
    let got = json(&tally(&["summarize", &h, &e, "--prices", book.to_str().unwrap(), "--json", "--as-of", AS_OF]));
    assert_eq!(got["sources"], serde_json::json!(["hyperstack", "elastic"]));
    // 31897.62366... USD + 4216.5749 ECU at 1:1 = 36114.19857...: summed exactly, then rounded once
    // (adding the rounded totals would give 36114.19).
    assert_eq!(got["total"], "36114.20");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn estimate_compares_base_and_scenario() {
    let scenario = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenario-gpu.json");
    let got = json(&tally(&[
        "estimate", &f("aether/usage.json"), "--prices", &f("aether/prices.json"), "--scenario", scenario.to_str().unwrap(), "--json", "--as-of", AS_OF,
    ]));
    assert_eq!(got["base"], "3473.39");
    let base: Decimal = got["base"].as_str().unwrap().parse().unwrap();
    let scen: Decimal = got["scenario"].as_str().unwrap().parse().unwrap();
    assert_eq!(got["difference"].as_str().unwrap().parse::<Decimal>().unwrap(), scen - base);
    let gpu = got["by_resource_type"].as_array().unwrap().iter().find(|d| d["key"] == "node.gpu-l40s-1").unwrap();
    // 2 nodes x (0 + 1 + 2 + 8 billed hours) = 22 more hours, all GPU hours at 1.305.
    assert_eq!(gpu["difference"], "40.09");
}

#[test]
fn export_focus_rows_add_up_to_the_total() {
    let out = tally(&["export", "--focus", &f("hyperstack/usage.json"), "--as-of", AS_OF]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "BilledCost");
    assert!(header.contains(&"ChargePeriodStart") && header.contains(&"ProviderName") && header.contains(&"PublisherName"));
    let sum: Decimal = lines.map(|l| l.split(',').next().unwrap().parse::<Decimal>().unwrap()).sum();
    assert_eq!(sum.round_dp(2).to_string(), "31897.62");
}

#[test]
fn generated_bodies_summarize_cleanly() {
    for source in ["aether", "hyperstack", "elastic", "cu"] {
        let dir = std::env::temp_dir().join(format!("tally-gen-{}-{source}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out_file = dir.join("body.json");
        let out = tally(&["generate", "--source", source, "--records", "300", "--seed", "7", "--as-of", AS_OF, "--out", out_file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let mut args = vec!["summarize", out_file.to_str().unwrap(), "--json", "--as-of", AS_OF];
        let prices = f("aether/prices.json");
        if source == "aether" {
            args.extend(["--prices", prices.as_str()]);
        }
        let got = json(&tally(&args));
        assert_eq!(got["sources"][0], source);
        assert_eq!(got["difference"].as_str().map(|d| d.trim_end_matches('0').trim_end_matches('.')), Some("0"), "{source}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn an_error_found_after_reading_names_the_file_it_comes_from() {
    let dir = std::env::temp_dir().join(format!("tally-cli-blame-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Aether (EUR) and Hyperstack (USD) with no rate: the Hyperstack file's amounts cannot be added.
    let out = tally(&["summarize", &f("aether/usage.json"), &f("hyperstack/usage.json"), "--json", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: usage.json: cannot add USD amounts to EUR amounts without an exchange rate"), "{}", stderr(&out));
    // In an estimate, the usage's own problem names the usage, not the scenario.
    let hs = dir.join("hs.json");
    std::fs::copy(fixtures().join("hyperstack/usage.json"), &hs).unwrap();
    let scenario = dir.join("scenario.json");
    std::fs::write(&scenario, r#"{"adjustments": []}"#).unwrap();
    let out = tally(&["estimate", &f("aether/usage.json"), hs.to_str().unwrap(), "--scenario", scenario.to_str().unwrap(), "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: hs.json: cannot add USD"), "{}", stderr(&out));
    // A figure too large to write with cents, from the only file.
    let big = dir.join("big.json");
    std::fs::write(&big, r#"{"total_cost": 79228162514264337593543950335, "deployments": []}"#).unwrap();
    let out = tally(&["summarize", big.to_str().unwrap(), "--json", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: big.json: number out of range: reported_total 79228162514264337593543950335 is too large to write with 2 decimals\n");
    // Beside another file, the one that fails on its own is named, with its own numbers (not the
    // sum's), whatever the order, for summarize and breakdown alike.
    let small = dir.join("small.json");
    std::fs::write(&small, r#"{"total_cost": 1, "deployments": [{"deployment_id": "a", "costs": {"total": 1, "dimensions": []}}]}"#).unwrap();
    std::fs::write(&big, r#"{"total_cost": 1, "deployments": [{"deployment_id": "b", "costs": {"total": 79228162514264337593543950335, "dimensions": []}}]}"#).unwrap();
    for files in [[&small, &big], [&big, &small]] {
        let files = files.map(|p| p.to_str().unwrap());
        for command in [&["summarize", "--json"][..], &["breakdown", "--by", "month", "--json"][..]] {
            let out = tally(&[command, &files[..], &["--as-of", AS_OF]].concat());
            assert_eq!(out.status.code(), Some(1));
            assert!(stderr(&out).starts_with("error: big.json: number out of range: "), "{command:?}: {}", stderr(&out));
            assert!(!stderr(&out).contains("79228162514264337593543950336"), "{}", stderr(&out));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// SPEC 6 extrapolates the usage so far: what a body records from `as_of` on cannot change the
/// forecast. The fixture's hourly items run to 11:00 on the 23rd; at 06:00 that day, the forecast
/// of the whole body must be the forecast of the body cut to its items before 06:00, for every
/// price model in the sample book. (Items are summed per resource and day; the day of `as_of` used
/// to be counted by time, as if even over its hours: 3,889.08 against 3,890.15 here.)
#[test]
fn usage_recorded_after_as_of_does_not_change_the_forecast() {
    let dir = std::env::temp_dir().join(format!("tally-cli-so-far-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut body: Value = serde_json::from_str(&std::fs::read_to_string(f("aether/usage.json")).unwrap()).unwrap();
    let prices = f("aether/prices.json");
    for as_of in ["2026-11-23T06:00:00Z", "2026-11-23T00:00:00Z", "2026-11-20T17:00:00Z"] {
        let items = body["items"].as_array_mut().unwrap();
        let all = items.clone();
        items.retain(|item| item["recorded_at"].as_str().unwrap() < as_of);
        assert!(items.len() < all.len(), "some items are after {as_of}");
        let cut = dir.join("cut.json");
        std::fs::write(&cut, body.to_string()).unwrap();
        body["items"] = Value::Array(all);
        let whole = json(&tally(&["summarize", &f("aether/usage.json"), "--prices", &prices, "--as-of", as_of, "--json"]));
        let before = json(&tally(&["summarize", cut.to_str().unwrap(), "--prices", &prices, "--as-of", as_of, "--json"]));
        assert_eq!(whole["forecast"], before["forecast"], "at {as_of}");
        assert_ne!(whole["total"], before["total"], "the later items cost something");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A body that states no period covers the months its items were recorded in: a forecast at an
/// `as_of` in them, none after (SPEC 7: `null` only when `as_of` is past every source's period).
#[test]
fn a_body_without_a_period_is_forecast_for_the_months_of_its_items() {
    let dir = std::env::temp_dir().join(format!("tally-cli-no-period-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut body: Value = serde_json::from_str(&std::fs::read_to_string(f("aether/usage.json")).unwrap()).unwrap();
    let object = body.as_object_mut().unwrap();
    for key in ["period_start", "period_end", "subscriptions", "total_eur"] {
        object.remove(key);
    }
    let file = dir.join("items-only.json");
    std::fs::write(&file, body.to_string()).unwrap();
    let prices = f("aether/prices.json");
    let in_month = json(&tally(&["summarize", file.to_str().unwrap(), "--prices", &prices, "--as-of", AS_OF, "--json"]));
    assert_eq!(in_month["forecast"]["month"], "2026-11");
    // Usage so far (everything, at 12:00 on the 23rd, 540 of November's 720 hours) extrapolated.
    let total: Decimal = in_month["total"].as_str().unwrap().parse().unwrap();
    let forecast: Decimal = in_month["forecast"]["total"].as_str().unwrap().parse().unwrap();
    assert!(forecast > total, "{forecast} against {total}");
    let after = json(&tally(&["summarize", file.to_str().unwrap(), "--prices", &prices, "--as-of", "2026-12-02T00:00:00Z", "--json"]));
    assert_eq!(after["forecast"], Value::Null);
    std::fs::remove_dir_all(&dir).unwrap();
}
