//! Structure-aware adversarial input (issue "Hardening"): each gives a clear error or a documented
//! result, never a panic, a hang or unbounded memory.

use tally_core::{breakdown, parse_timestamp, price, read_usage, summarize, Context, Dimension, PriceBook, Scenario};

fn ctx() -> Context {
    Context { as_of: parse_timestamp("2026-11-23T12:00:00Z").unwrap(), range: None }
}

fn err(body: &str) -> String {
    read_usage(body.as_bytes(), None).unwrap_err().to_string()
}

fn item(quantity: &str, recorded_at: &str) -> String {
    format!(r#"{{"items": [{{"resource_type": "x", "quantity": {quantity}, "unit": "h", "recorded_at": "{recorded_at}"}}]}}"#)
}

#[test]
fn a_million_element_array_is_read_in_one_pass() {
    let mut body = String::from(r#"{"x": ["#);
    body.push_str(&"0,".repeat(999_999));
    body.push_str(r#"0], "total_cost": 0, "deployments": []}"#);
    assert_eq!(read_usage(body.as_bytes(), None).unwrap().charges.len(), 0);
    let day = r#"{"date": "2026-11-01", "used": 0, "breakdown": []},"#;
    let mut cu = String::from(r#"{"code": 0, "requestId": "r", "data": {"yearMonth": "2026-11", "daily": ["#);
    cu.push_str(&day.repeat(1_000_000));
    cu.push_str(r#"{"date": "2026-11-02", "used": 0}], "summary": {"deposited": 0, "granted": 0, "used": 0}}}"#);
    let u = read_usage(cu.as_bytes(), None).unwrap();
    assert!(u.charges.is_empty() && u.warnings.is_empty());
}

#[test]
fn numbers_beyond_decimal_are_errors_and_odd_spellings_are_named() {
    assert!(err(&item(&"9".repeat(400), "2026-11-01")).ends_with("number out of range: 9999999999999999999999999999999999999999... (400 characters)"));
    assert!(err(&item("1e400", "2026-11-01")).contains("number out of range: 1e400"));
    assert!(err(&item("-1e-400", "2026-11-01")).contains("quantity"));
    assert_eq!(err(&item("\"NaN\"", "2026-11-01")), "items[0].quantity: expected a number, found \"NaN\"");
    assert!(err(&item("Infinity", "2026-11-01")).starts_with("not valid JSON"));
    let book = PriceBook::parse(br#"{"prices": [{"model": "per_unit", "unit_price": "NaN"}]}"#).unwrap_err().to_string();
    assert_eq!(book, "prices[0].unit_price: expected a number, found \"NaN\"");
    // -0 is zero, and many digits after the point are kept to Decimal's 28 significant digits.
    let u = read_usage(item("0.12345678901234567890123456789012345", "2026-11-01").as_bytes(), None).unwrap();
    assert_eq!(u.charges[0].quantity.to_string(), "0.1234567890123456789012345679");
}

#[test]
fn duplicate_keys_are_refused_at_the_repeated_key() {
    let body = r#"{"items": [{"resource_type": "x", "quantity": 1, "quantity": 2, "unit": "h", "recorded_at": "2026-11-01"}]}"#;
    assert_eq!(err(body), "items[0].quantity: duplicate field `quantity`");
}

#[test]
fn invalid_utf8_and_boms_are_handled() {
    let mut body = item("1", "2026-11-01").into_bytes();
    let at = body.iter().position(|b| *b == b'x').unwrap();
    body[at] = 0xFF;
    assert!(read_usage(&body, None).unwrap_err().to_string().starts_with("not valid JSON"));
    // Where the text stops being UTF-8 (a binary file dropped by mistake says so at once).
    assert_eq!(
        read_usage(b"{\n  \"items\": \"ok\xFF\"}", None).unwrap_err().to_string(),
        "not valid JSON: the body is not UTF-8 text, as JSON must be (line 2, column 15)"
    );
    assert!(read_usage(b"\x89PNG\r\n\x1a\n", None).unwrap_err().to_string().contains("not UTF-8 text"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(br#"{"prices": []}"#);
    assert!(PriceBook::parse(&bom).is_ok());
    assert!(read_usage(b"\xEF\xBB\xBF\xEF\xBB\xBF{}", None).is_err(), "a second BOM is not JSON");
}

#[test]
fn timestamps_out_of_range_are_errors_and_extreme_as_of_values_do_not_panic() {
    assert!(err(&item("1", "99999-01-01T00:00:00Z")).contains("recorded_at: expected an RFC 3339 timestamp"));
    assert!(err(&item("1", "2026-02-30")).contains("recorded_at"));
    let body = r#"{"message": "", "status": true, "data": [{"resource_id": 1, "resource_type": "vm", "create_time": "1990-01-01T00:00:00",
        "terminate_time": null, "total_up_time": 1, "total_bill": 1, "bill_per_minute": 1}]}"#;
    let u = read_usage(body.as_bytes(), None).unwrap();
    for as_of in ["2080-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"] {
        let ctx = Context { as_of: parse_timestamp(as_of).unwrap(), range: None };
        let priced = price(&[&u], None, ctx).unwrap();
        let s = summarize(&priced).unwrap();
        assert_eq!(s.total.to_string(), "1.00", "as_of {as_of}");
        assert!(breakdown(&priced, &Dimension::ALL).is_ok());
    }
    // Fuzzing found that an as_of in year 9999 made a running resource span 8,000 years: millions
    // of day parts and gigabytes. Spans over 100 years are now refused with a clear message.
    let ctx = Context { as_of: parse_timestamp("9999-12-31T23:59:59Z").unwrap(), range: None };
    let e = price(&[&u], None, ctx).unwrap_err().to_string();
    assert_eq!(e, "hyperstack 1: the period 1990-01-01 to 9999-12-31 is longer than 100 years; check the timestamps (and as_of)");
}

#[test]
fn periods_of_zero_or_negative_length_are_placed_at_their_start() {
    let body = r#"{"message": "", "status": true, "data": [
        {"resource_id": 1, "resource_type": "vm", "create_time": "2026-11-05T00:00:00", "terminate_time": "2026-11-05T00:00:00", "total_up_time": 0, "total_bill": 3},
        {"resource_id": 2, "resource_type": "vm", "create_time": "2026-11-06T00:00:00", "terminate_time": "2026-10-01T00:00:00", "total_up_time": 0, "total_bill": 4}]}"#;
    let u = read_usage(body.as_bytes(), None).unwrap();
    let priced = price(&[&u], None, ctx()).unwrap();
    let days = breakdown(&priced, &[Dimension::Day]).unwrap();
    let got: Vec<(String, String)> = days.rows.iter().map(|r| (r.values[0].as_deref().unwrap().to_string(), r.total.to_string())).collect();
    assert_eq!(got, [("2026-11-05".to_string(), "3.00".to_string()), ("2026-11-06".to_string(), "4.00".to_string())]);
    let elastic = r#"{"total_cost": 1, "deployments": [{"deployment_id": "d", "costs": {"total": 1, "dimensions": []},
        "period": {"start": "2026-11-10T00:00:00Z", "end": "2026-11-01T00:00:00Z"}}]}"#;
    let u = read_usage(elastic.as_bytes(), None).unwrap();
    assert_eq!(summarize(&price(&[&u], None, ctx()).unwrap()).unwrap().by_month[0].key, "2026-11");
}

#[test]
fn a_tier_up_to_zero_is_a_valid_empty_tier() {
    let book = PriceBook::parse(br#"{"prices": [{"model": "graduated", "tiers": [{"up_to": 0, "unit_price": 5}, {"up_to": null, "unit_price": 1}]}]}"#).unwrap();
    let u = read_usage(item("3", "2026-11-01").as_bytes(), None).unwrap();
    let s = summarize(&price(&[&u], Some(&book), ctx()).unwrap()).unwrap();
    assert_eq!(s.total.to_string(), "3.00");
}

#[test]
fn decimal_overflow_in_tiered_sums_totals_and_conversion_is_an_error() {
    let big = "70000000000000000000000000000";
    let body = format!(
        r#"{{"items": [{{"resource_type": "x", "quantity": {big}, "unit": "h", "recorded_at": "2026-11-01"}},
                       {{"resource_type": "x", "quantity": {big}, "unit": "h", "recorded_at": "2026-11-02"}}]}}"#
    );
    let u = read_usage(body.as_bytes(), None).unwrap();
    let book = PriceBook::parse(br#"{"prices": [{"model": "volume", "tiers": [{"up_to": null, "unit_price": 1}]}]}"#).unwrap();
    assert!(price(&[&u], Some(&book), ctx()).unwrap_err().to_string().starts_with("number out of range"));
    let per_unit = PriceBook::parse(br#"{"prices": [{"model": "per_unit", "unit_price": 2}]}"#).unwrap();
    assert!(price(&[&u], Some(&per_unit), ctx()).is_err());
    let package = PriceBook::parse(br#"{"prices": [{"model": "package", "package_size": "0.0000000000000000000000000001", "package_price": 1}]}"#).unwrap();
    let one = read_usage(item("9", "2026-11-01").as_bytes(), None).unwrap();
    assert!(price(&[&one], Some(&package), ctx()).is_err());
    let hs = format!(
        r#"{{"status": true, "data": [{{"resource_id": 1, "resource_type": "vm", "create_time": "2026-11-01", "total_up_time": 1, "total_bill": {big}}},
                                     {{"resource_id": 2, "resource_type": "vm", "create_time": "2026-11-01", "total_up_time": 1, "total_bill": {big}}}]}}"#
    );
    assert!(read_usage(hs.as_bytes(), None).unwrap_err().to_string().contains("number out of range"));
    let usd = read_usage(r#"{"status": true, "data": [{"resource_id": 1, "resource_type": "vm", "create_time": "2026-11-01", "total_up_time": 1, "total_bill": 1e25}]}"#.as_bytes(), None).unwrap();
    let fx = PriceBook::parse(br#"{"currency": "EUR", "fx": {"USD": "1e10"}, "prices": []}"#).unwrap();
    assert!(price(&[&usd], Some(&fx), ctx()).unwrap_err().to_string().contains("converting"));
}

#[test]
fn oversized_inputs_are_refused_before_parsing() {
    let huge = vec![b' '; 17 * 1024 * 1024];
    assert_eq!(PriceBook::parse(&huge).unwrap_err().to_string(), "a price book is at most 16 MB");
    assert_eq!(Scenario::parse(&huge).unwrap_err().to_string(), "a scenario is at most 16 MB");
}

#[test]
fn html_in_fields_is_kept_as_plain_text() {
    let body = r#"{"status": true, "data": [{"resource_id": 1, "resource_type": "<img src=x onerror=alert(1)>", "name": "<script>alert(1)</script>",
        "create_time": "2026-11-01", "total_up_time": 1, "total_bill": 1}]}"#;
    let u = read_usage(body.as_bytes(), None).unwrap();
    assert_eq!(&*u.charges[0].resource_type, "<img src=x onerror=alert(1)>");
    let csv = breakdown(&price(&[&u], None, ctx()).unwrap(), &[Dimension::ResourceType]).unwrap().to_csv();
    assert!(csv.contains("<img src=x onerror=alert(1)>"));
    // A spreadsheet formula in a field is defused in CSV.
    assert_eq!(tally_core::csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
}

/// Every input the fuzzers ever found a problem with, replayed through the whole pipeline as the
/// `summarize` fuzz target does (with its three as_of instants).
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let (body, book) = match data.iter().position(|b| *b == 0xFF) {
            Some(i) => (&data[..i], PriceBook::parse(&data[i + 1..]).ok()),
            None => (&data[..], None),
        };
        let Ok(usage) = read_usage(body, None) else { continue };
        for as_of in ["2026-11-23T12:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let ctx = Context { as_of: parse_timestamp(as_of).unwrap(), range: None };
            if let Ok(priced) = price(&[&usage], book.as_ref(), ctx) {
                let _ = summarize(&priced);
                let _ = breakdown(&priced, &Dimension::ALL);
            }
        }
    }
}

/// Random bytes that happen to start like a JSON value (a digit, `[`, `"`) are "not valid JSON"
/// first of all; a well-formed body of the wrong type still says what was expected instead.
#[test]
fn garbage_starting_like_a_value_is_not_valid_json() {
    for body in [&b"4\x00\xff\x13garbage"[..], b"[1, 2", b"\"abc\" trailing", b"- 12"] {
        let message = read_usage(body, None).unwrap_err().to_string();
        assert!(message.starts_with("not valid JSON"), "{message}");
    }
    assert_eq!(read_usage(b"[1, 2]", None).unwrap_err().to_string(), "expected a JSON object (a provider's usage or error body), found an array");
    assert_eq!(read_usage(b"42", None).unwrap_err().to_string(), "expected a JSON object (a provider's usage or error body), found 42");
}
