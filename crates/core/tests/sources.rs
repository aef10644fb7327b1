//! Every provider quirk and every error body (SPEC section 1), and malformed input of every kind:
//! a clear error naming the field, never a panic.

use tally_core::{parse_timestamp, price, read_usage, summarize, Category, Context, ErrorKind, Period, Source, Summary};

fn ctx(as_of: &str) -> Context {
    Context { as_of: parse_timestamp(as_of).unwrap(), range: None }
}

fn summary(body: &str, as_of: &str) -> Summary {
    let u = read_usage(body.as_bytes(), None).unwrap();
    summarize(&price(&[&u], None, ctx(as_of)).unwrap()).unwrap()
}

fn err(body: &str) -> String {
    read_usage(body.as_bytes(), None).unwrap_err().to_string()
}

fn fixture(source: &str, name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../fixtures/{source}/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

const HS_ONE: &str = r#"{"message": "ok", "status": true, "data": [{"resource_id": 1, "resource_type": "vm", "name": "a",
  "organization_id": 1, "bill_per_minute": 0.01, "create_time": "2026-10-31T12:00:00", "terminate_time": "2026-11-01T12:00:00",
  "total_up_time": 1440, "total_bill": 14.4, "active": false, "exclude_billing": false}]}"#;

#[test]
fn naive_timestamps_are_utc_and_a_span_over_midnight_of_the_month_splits_by_seconds() {
    let s = summary(HS_ONE, "2026-11-23T12:00:00Z");
    let months: Vec<(&str, String)> = s.by_month.iter().map(|g| (g.key.as_str(), g.total.to_string())).collect();
    assert_eq!(months, vec![("2026-10", "7.20".to_string()), ("2026-11", "7.20".to_string())]);
}

#[test]
fn an_offset_timestamp_is_converted_to_utc_before_choosing_the_month() {
    let body = HS_ONE.replace("2026-10-31T12:00:00", "2026-11-01T01:00:00+02:00").replace("2026-11-01T12:00:00", "2026-11-01T02:00:00+02:00");
    let s = summary(&body, "2026-11-23T12:00:00Z");
    assert_eq!(s.by_month[0].key, "2026-10", "01:00+02:00 on Nov 1 is 23:00 UTC on Oct 31");
}

#[test]
fn an_active_resource_runs_to_as_of_whether_terminate_time_is_null_or_absent() {
    for body in [
        HS_ONE.replace(r#""terminate_time": "2026-11-01T12:00:00""#, r#""terminate_time": null"#),
        HS_ONE.replace(r#""terminate_time": "2026-11-01T12:00:00","#, ""),
    ] {
        let u = read_usage(body.as_bytes(), None).unwrap();
        assert!(matches!(u.charges[0].period, Period::RunningSince(_)));
        // 12 h in October, then as_of 2026-11-01T06:00 gives 6 h in November: 2/3 and 1/3.
        let s = summarize(&price(&[&u], None, ctx("2026-11-01T06:00:00Z")).unwrap()).unwrap();
        let months: Vec<String> = s.by_month.iter().map(|g| g.total.to_string()).collect();
        assert_eq!(months, vec!["9.60", "4.80"]);
    }
}

#[test]
fn an_end_before_the_start_is_a_warning_and_the_whole_cost_goes_to_the_start_month() {
    let body = HS_ONE.replace("2026-11-01T12:00:00", "2026-09-01T00:00:00");
    let s = summary(&body, "2026-11-23T12:00:00Z");
    assert_eq!(s.by_month.len(), 1);
    assert_eq!(s.by_month[0].key, "2026-10");
    assert!(s.warnings[0].contains("terminate_time is before create_time"), "{:?}", s.warnings);
}

#[test]
fn excluded_resources_cost_nothing_and_are_counted_with_their_reported_cost() {
    let body = HS_ONE.replace(r#""exclude_billing": false"#, r#""exclude_billing": true"#);
    let s = summary(&body, "2026-11-23T12:00:00Z");
    assert_eq!(s.total.to_string(), "0.00");
    assert_eq!((s.excluded.count, s.excluded.reported_cost.map(|r| r.to_string())), (1, Some("14.40".to_string())));
    assert_eq!(s.reported_total.unwrap().to_string(), "0.00", "the reported total counts billed resources only");
}

const EL: &str = r#"{"total_cost": 30, "deployments": [{"deployment_id": "d1", "deployment_name": "one",
  "costs": {"total": 30, "dimensions": []}, "hourly_rate": 0.1}]}"#;

#[test]
fn an_elastic_deployment_without_dimensions_is_one_capacity_charge_of_its_total() {
    let u = read_usage(EL.as_bytes(), None).unwrap();
    assert_eq!(u.charges.len(), 1);
    assert_eq!(&*u.charges[0].resource_type, "capacity");
    assert_eq!(u.charges[0].reported_cost.unwrap().to_string(), "30");
}

#[test]
fn an_elastic_deployment_without_period_spans_the_request_range_else_the_month_of_as_of() {
    let u = read_usage(EL.as_bytes(), None).unwrap();
    let s = summarize(&price(&[&u], None, ctx("2026-11-23T12:00:00Z")).unwrap()).unwrap();
    assert_eq!(s.by_month.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(), vec!["2026-11"]);
    let range = Some((parse_timestamp("2026-10-16T00:00:00Z").unwrap(), parse_timestamp("2026-11-16T00:00:00Z").unwrap()));
    let ctx = Context { range, ..ctx("2026-11-23T12:00:00Z") };
    let s = summarize(&price(&[&u], None, ctx).unwrap()).unwrap();
    // 16 days of October, 15 of November: 30 x 16/31 and 30 x 15/31.
    let months: Vec<String> = s.by_month.iter().map(|g| g.total.to_string()).collect();
    assert_eq!(months, vec!["15.48", "14.52"]);
}

const CU: &str = r#"{"code": 0, "message": "ok", "requestId": "r1", "data": {"yearMonth": "2026-11",
  "daily": [{"date": "2026-11-01", "used": 3.5, "breakdown": [{"count": 2, "cu": 1.5, "nodeType": "cronjob", "type": "trigger"},
                                                            {"count": 1, "cu": 2, "nodeType": "db-query", "type": "action"}]},
            {"date": "2026-11-03", "used": 1, "breakdown": [{"count": 1, "cu": 1, "nodeType": "db-query", "type": "action"}]}],
  "summary": {"deposited": 100, "granted": 10, "used": 4.5}}}"#;

#[test]
fn cu_rows_are_charges_with_node_type_and_class_and_missing_days_are_fine() {
    let u = read_usage(CU.as_bytes(), None).unwrap();
    assert_eq!(u.charges.len(), 3);
    assert_eq!(u.charges[0].dimensions.charge_class.as_deref(), Some("trigger"));
    assert_eq!(u.charges[1].executions, Some(1));
    assert!(u.warnings.is_empty());
    let s = summarize(&price(&[&u], None, ctx("2026-11-04T00:00:00Z")).unwrap()).unwrap();
    assert_eq!((s.currency.as_str(), s.total.to_string()), ("CU", "4.5000".to_string()));
    let c = s.credits.unwrap();
    assert_eq!(c.remaining.to_string(), "105.5000");
    // 4.5 CU in 3 days = 1.5/day; 105.5 left lasts 70.33 days from Nov 4.
    let f = s.forecast.unwrap();
    assert_eq!(f.credits_run_out.as_deref(), Some("2027-01-13"));
    assert_eq!(f.cu_by_month_end.unwrap().to_string(), "45.0000");
}

#[test]
fn a_cu_forecast_counts_the_days_used_so_far_in_its_total_and_cu_alike() {
    let u = read_usage(CU.as_bytes(), None).unwrap();
    // On Nov 1 at 12:00, half of Nov 1's day is so far; Nov 2 and 3 are to come.
    let s = summarize(&price(&[&u], None, ctx("2026-11-01T12:00:00Z")).unwrap()).unwrap();
    let f = s.forecast.unwrap();
    assert_eq!(Some(f.total), f.cu_by_month_end, "without a price book both are CU used by month end");
    // The JSON has the same keys whether or not the credits last.
    let json = |s: &tally_core::Summary| serde_json::to_value(s).unwrap()["forecast"].clone();
    assert!(json(&summarize(&price(&[&u], None, ctx("2026-11-04T00:00:00Z")).unwrap()).unwrap())["credits_run_out"].is_string());
    let idle = r#"{"code": 0, "message": "ok", "requestId": "r1", "data": {"yearMonth": "2026-11", "daily": [],
      "summary": {"deposited": 100, "granted": 10, "used": 0}}}"#;
    let idle = read_usage(idle.as_bytes(), None).unwrap();
    let s = summarize(&price(&[&idle], None, ctx("2026-11-04T00:00:00Z")).unwrap()).unwrap();
    let f = json(&s);
    assert!(f["credits_run_out"].is_null() && f.as_object().unwrap().contains_key("credits_run_out"), "{f}");
}

#[test]
fn the_second_cu_envelope_is_accepted_too() {
    let body = CU.replace(r#""code": 0, "message": "ok", "requestId": "r1","#, r#""success": true,"#);
    assert_eq!(read_usage(body.as_bytes(), None).unwrap().source, Source::Cu);
    let e = err(r#"{"success": false, "error": {"code": "QUOTA", "message": "no credits"}}"#);
    assert_eq!(e, "CU usage API error QUOTA: no credits");
}

#[test]
fn cu_days_that_do_not_add_up_are_warnings_naming_the_day() {
    let body = CU.replace(r#""used": 3.5"#, r#""used": 3.6"#);
    let u = read_usage(body.as_bytes(), None).unwrap();
    assert_eq!(u.warnings.len(), 2);
    assert!(u.warnings[0].starts_with("2026-11-01: the breakdown adds up to 3.5 CU but the day reports 3.6 CU"));
    assert!(u.warnings[1].contains("summary.used is 4.5"));
}

#[test]
fn every_fixture_error_body_is_that_providers_error_with_code_and_message() {
    let cases = [
        ("aether", "error-401.json", "Aether API error unauthenticated: Missing or invalid credentials."),
        ("aether", "error-404.json", "Aether API error not_found: Organization not found. (orgID: no organization with this id)"),
        ("hyperstack", "error-401.json", "Hyperstack API error unauthorized: No valid API key provided"),
        ("elastic", "error-400.json", "Elastic Cloud API error costs.invalid_date_range: Invalid date range specified: 'from' must be before 'to'"),
        ("elastic", "error-403.json", "Elastic Cloud API error organization.invalid_access: The current user does not have access to the requested organization"),
        ("cu", "error-400.json", "CU usage API error 400: invalid yearMonth: expected YYYY-MM"),
        ("cu", "error-404.json", "CU usage API error 404: organization not found"),
    ];
    for (source, file, message) in cases {
        let e = read_usage(fixture(source, file).as_bytes(), None).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Provider { .. }), "{source}/{file}: {e}");
        assert_eq!(e.to_string(), message);
        // Forcing the right source gives the same error; forcing another says what was expected.
        let forced = read_usage(fixture(source, file).as_bytes(), Source::from_id(source)).unwrap_err();
        assert_eq!(forced.to_string(), message);
    }
}

#[test]
fn an_empty_body_says_so() {
    assert!(err("").contains("the body is empty"));
    assert!(err("  \n").contains("the body is empty"));
}

#[test]
fn malformed_input_gets_a_clear_error_with_the_field_path() {
    let cases: &[(&str, &str)] = &[
        (r#"{"items": [{"resource_type": "x", "quantity": "abc", "unit": "h", "recorded_at": "2026-11-01"}]}"#, "items[0].quantity: expected a number, found \"abc\""),
        (r#"{"items": [{"resource_type": "x", "unit": "h", "recorded_at": "2026-11-01"}]}"#, "items[0].quantity: required, but missing"),
        (r#"{"items": [{"resource_type": "x", "quantity": 1, "unit": "h", "recorded_at": "yesterday"}]}"#, "items[0].recorded_at: expected an RFC 3339 timestamp or a YYYY-MM-DD date, found \"yesterday\""),
        (r#"{"items": [{"resource_type": "x", "quantity": 1e400, "unit": "h", "recorded_at": "2026-11-01"}]}"#, "items[0].quantity: number out of range: 1e400"),
        (r#"{"items": [{"resource_type": 5, "quantity": 1, "unit": "h", "recorded_at": "2026-11-01"}]}"#, "items[0].resource_type: expected a string, found 5"),
        (r#"{"items": {}}"#, "items: expected an array of usage items, found an object"),
        (r#"{"status": true, "data": [{"resource_id": 1}]}"#, "data[0].resource_type: required, but missing"),
        (r#"{"total_cost": true, "deployments": []}"#, "total_cost: expected a number, found true"),
        (r#"{"code": 0, "data": {"yearMonth": "2026-13", "daily": [], "summary": {"deposited": 1, "granted": 0, "used": 0}}, "requestId": "r"}"#, "data.yearMonth: expected YYYY-MM, found \"2026-13\""),
        (r#"{"items": [], "items": []}"#, "duplicate key \"items\""),
        (r#"[1, 2]"#, "expected a JSON object (a provider's usage or error body), found an array"),
    ];
    for (body, want) in cases {
        let got = err(body);
        assert!(got.contains(want), "for {body}\n  got: {got}\n want: {want}");
    }
}

#[test]
fn truncated_or_invalid_json_names_the_line_and_column() {
    let body = fixture("elastic", "usage.json");
    let e = err(&body[..body.len() / 2]);
    assert!(e.starts_with("not valid JSON: the input ended while parsing"), "{e}");
    assert!(err("{\"items\": [}").contains("line 1, column 12"));
    assert!(read_usage(b"{\"items\": \"\xff\xfe\"}", None).unwrap_err().to_string().starts_with("not valid JSON"));
    // Deep nesting is skipped without recursion (unknown keys) or refused at the first wrong type.
    assert!(err(&format!("{{\"x\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000))).starts_with("unknown body"));
    assert!(err(&format!("{{\"items\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000))).starts_with("items[0]"));
}

#[test]
fn unknown_and_ambiguous_shapes_say_what_was_expected() {
    let e = err(r#"{"hello": 1}"#);
    assert!(e.starts_with("unknown body: expected one of Aether {items, subscriptions, total_eur}"), "{e}");
    assert!(e.ends_with("found keys hello"), "{e}");
    let e = err(r#"{"items": [], "deployments": []}"#);
    assert_eq!(e, "ambiguous body: it has keys of Aether and Elastic Cloud; choose the source explicitly");
    let e = read_usage(EL.as_bytes(), Some(Source::Aether)).unwrap_err().to_string();
    assert_eq!(e, "this is not an Aether body: expected {items, subscriptions, total_eur}; found keys total_cost, deployments");
}

#[test]
fn a_bom_negative_zero_and_empty_arrays_are_accepted() {
    let body = "\u{feff}{\"items\": [], \"subscriptions\": [], \"total_eur\": -0, \"period_start\": \"2026-11-01T00:00:00Z\"}";
    let s = summary(body, "2026-11-23T12:00:00Z");
    assert_eq!(s.total.to_string(), "0.00");
    assert_eq!(s.reported_total.unwrap().to_string(), "0.00");
}

#[test]
fn exact_decimals_survive_without_a_float_round_trip() {
    let body = r#"{"items": [{"resource_type": "x", "quantity": 0.5025967747999994, "unit": "h", "recorded_at": "2026-11-01"}]}"#;
    let u = read_usage(body.as_bytes(), None).unwrap();
    assert_eq!(u.charges[0].quantity.to_string(), "0.5025967747999994");
    assert_eq!(u.charges[0].category, Category::Usage);
}

#[test]
fn aether_subscriptions_belong_to_the_month_of_period_start() {
    let body = r#"{"period_start": "2026-10-01T00:00:00Z", "period_end": "2026-11-01T00:00:00Z", "items": [],
      "subscriptions": [{"kind": "node_pool", "cluster_id": "c", "node_pool_id": "p", "name": "pool", "amount_eur": 100}], "total_eur": 100}"#;
    let s = summary(body, "2026-11-23T12:00:00Z");
    assert_eq!(s.by_month[0].key, "2026-10");
    assert!(s.forecast.is_none(), "as_of is past the body's period");
    let e = err(&body.replace(r#""period_start": "2026-10-01T00:00:00Z","#, ""));
    assert!(e.starts_with("period_start: missing"), "{e}");
}

#[test]
fn a_hyperstack_500_with_an_empty_body_and_html_bodies_are_clear() {
    assert!(err("").contains("empty"));
    assert!(err("<html><body>Gateway</body></html>").starts_with("not valid JSON"));
}

/// Aether items find their shared subject by a sketch of their strings (length, first and last
/// eight bytes); pools that agree on all of that but differ in the middle stay two pools, and each
/// pool's items of one day still sum into one charge (the two take turns in the sketch's slot).
#[test]
fn pools_that_differ_only_in_the_middle_of_their_ids_stay_apart() {
    let item = |pool: &str, quantity: u32| {
        format!(r#"{{"cluster_id": "c", "node_pool_id": "{pool}", "resource_type": "node.s-4vcpu-16gb", "quantity": {quantity}, "unit": "hour", "recorded_at": "2026-11-01T00:00:00Z"}}"#)
    };
    let (a, b) = ("aaaaaaaa-1111-ffffffff", "aaaaaaaa-2222-ffffffff");
    let body = format!(r#"{{"period_start": "2026-11-01T00:00:00Z", "items": [{}, {}, {}, {}]}}"#, item(a, 1), item(b, 10), item(a, 100), item(b, 1000));
    let usage = read_usage(body.as_bytes(), None).unwrap();
    let pools: Vec<(String, String)> = usage.charges.iter().map(|c| (c.dimensions.node_pool_id.as_deref().unwrap().to_string(), c.quantity.to_string())).collect();
    assert_eq!(pools, [(a, "101"), (b, "1010")].map(|(p, q)| (p.to_string(), q.to_string())));
    assert_eq!(usage.charges.iter().map(|c| c.records).collect::<Vec<_>>(), [2, 2]);
}

/// Items of one resource and day are summed into one charge, unless the sum would leave
/// `Decimal`'s range: then the item starts a charge of its own and pricing says what overflowed.
#[test]
fn items_whose_sum_is_out_of_range_stay_apart() {
    let item = |q: &str| format!(r#"{{"node_pool_id": "p", "resource_type": "node", "quantity": {q}, "unit": "hour", "recorded_at": "2026-11-02T01:00:00Z"}}"#);
    let body = format!(r#"{{"items": [{}, {}, {}]}}"#, item("70000000000000000000000000000"), item("70000000000000000000000000000"), item("1"));
    let usage = read_usage(body.as_bytes(), None).unwrap();
    let sums: Vec<(String, u32)> = usage.charges.iter().map(|c| (c.quantity.to_string(), c.records)).collect();
    assert_eq!(sums, [("70000000000000000000000000000".to_string(), 1), ("70000000000000000000000000001".to_string(), 2)]);
    let book = tally_core::PriceBook::parse(br#"{"prices": [{"source": "aether", "model": "per_unit", "unit_price": "1"}]}"#).unwrap();
    let ctx = tally_core::Context { as_of: tally_core::parse_timestamp("2026-11-23T12:00:00Z").unwrap(), range: None };
    let err = tally_core::price(&[&usage], Some(&book), ctx).unwrap_err().to_string();
    assert!(err.contains("out of range") || err.contains("overflow"), "{err}");
}

#[test]
fn elastic_dimensions_missing_null_or_empty_all_give_one_capacity_charge() {
    for dims in ["", r#", "dimensions": null"#, r#", "dimensions": []"#] {
        let body = format!(r#"{{"total_cost": 7, "deployments": [{{"deployment_id": "d", "costs": {{"total": 7{dims}}}}}]}}"#);
        let u = read_usage(body.as_bytes(), None).unwrap();
        let kinds: Vec<&str> = u.charges.iter().map(|c| &*c.resource_type).collect();
        assert_eq!(kinds, ["capacity"], "dimensions {dims:?}");
    }
}

#[test]
fn an_elastic_body_with_an_empty_errors_list_and_no_deployments_is_an_error_not_empty_costs() {
    let e = err(r#"{"errors": []}"#);
    assert_eq!(e, "Elastic Cloud API error (no code): the body's errors list is empty");
    // Beside costs, an empty list is just no errors.
    assert!(read_usage(br#"{"total_cost": 0, "deployments": [], "errors": []}"#, None).is_ok());
}

#[test]
fn an_elastic_forecast_counts_deployments_with_their_own_period_beside_ones_without() {
    // d1 has November; d2 has no period and takes the request range, October. At mid-November
    // d1 still runs, so there is a forecast (not everything is past).
    let body = r#"{"total_cost": 40, "deployments": [
      {"deployment_id": "d1", "costs": {"total": 30, "dimensions": []}, "period": {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z"}},
      {"deployment_id": "d2", "costs": {"total": 10, "dimensions": []}}]}"#;
    let u = read_usage(body.as_bytes(), None).unwrap();
    let range = Some((parse_timestamp("2026-10-01T00:00:00Z").unwrap(), parse_timestamp("2026-11-01T00:00:00Z").unwrap()));
    let ctx = Context { as_of: parse_timestamp("2026-11-15T00:00:00Z").unwrap(), range };
    let s = summarize(&price(&[&u], None, ctx).unwrap()).unwrap();
    let f = s.forecast.expect("d1 runs past as_of");
    assert_eq!((f.month.as_str(), f.total.to_string()), ("2026-11", "30.00".to_string()));
    // Once d1's period is over too, nothing is left to forecast.
    let ctx = Context { as_of: parse_timestamp("2026-12-01T00:00:00Z").unwrap(), range };
    assert!(summarize(&price(&[&u], None, ctx).unwrap()).unwrap().forecast.is_none());
}

#[test]
fn amounts_without_a_rate_are_never_counted_as_zero() {
    let eur_book = tally_core::PriceBook::parse(br#"{"currency": "EUR", "prices": [{"source": "hyperstack", "model": "per_unit", "unit_price": "0.02"}]}"#).unwrap();
    // A running VM billed per minute in USD: the rest of its month cannot be added to EUR.
    let running = HS_ONE.replace(r#""terminate_time": "2026-11-01T12:00:00""#, r#""terminate_time": null"#).replace(r#""active": false"#, r#""active": true"#);
    let u = read_usage(running.as_bytes(), None).unwrap();
    let e = summarize(&price(&[&u], Some(&eur_book), ctx("2026-11-11T00:00:00Z")).unwrap()).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Currency { .. }), "{e}");
    // An excluded resource's reported USD: unknown in EUR, not 0.00 (and no error: it is in no total).
    let excluded = HS_ONE.replace(r#""exclude_billing": false"#, r#""exclude_billing": true"#);
    let u = read_usage(excluded.as_bytes(), None).unwrap();
    let s = summarize(&price(&[&u], Some(&eur_book), ctx("2026-11-23T12:00:00Z")).unwrap()).unwrap();
    assert_eq!((s.excluded.count, s.excluded.reported_cost), (1, None));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["excluded"]["reported_cost"], serde_json::Value::Null);
}

#[test]
fn a_reported_total_too_large_for_cents_is_an_error_not_a_figure_without_them() {
    let body = r#"{"total_cost": 79228162514264337593543950335, "deployments": []}"#;
    let u = read_usage(body.as_bytes(), None).unwrap();
    let e = summarize(&price(&[&u], None, ctx("2026-11-23T12:00:00Z")).unwrap()).unwrap_err().to_string();
    assert_eq!(e, "number out of range: reported_total 79228162514264337593543950335 is too large to write with 2 decimals");
}

/// A Hyperstack resource, for the forecast cases below.
fn hs_resource(id: u32, create: &str, terminate: Option<&str>, per_minute: Option<&str>, bill: &str) -> String {
    let terminate = terminate.map_or("null".to_string(), |t| format!("\"{t}\""));
    let per_minute = per_minute.unwrap_or("null");
    format!(
        r#"{{"resource_id": {id}, "resource_type": "vm", "name": "r{id}", "organization_id": 1, "bill_per_minute": {per_minute},
        "create_time": "{create}", "terminate_time": {terminate}, "total_up_time": 1440, "total_bill": {bill},
        "active": {}, "exclude_billing": false}}"#,
        terminate == "null"
    )
}

#[test]
fn usage_whose_period_starts_after_as_of_is_not_usage_so_far_even_when_it_ends_at_month_end() {
    // At Nov 15 00:00, 336 of November's 720 hours have passed. A ran on Nov 1 (10.00); B runs
    // on Nov 30, wholly after as_of: neither counted as it is nor extrapolated (DECISIONS).
    let a = hs_resource(1, "2026-11-01T00:00:00Z", Some("2026-11-02T00:00:00Z"), None, "10");
    let later = |end: &str| hs_resource(2, "2026-11-30T00:00:00Z", Some(end), None, "1000");
    let forecast = |b: &str| {
        let body = format!(r#"{{"message": "ok", "status": true, "data": [{a}, {b}]}}"#);
        summary(&body, "2026-11-15T00:00:00Z").forecast.unwrap().total.to_string()
    };
    // 10 x 720 / 336 = 21.43, whether B ends at the month's end, a second later or a day earlier.
    assert_eq!(forecast(&later("2026-12-01T00:00:00Z")), "21.43");
    assert_eq!(forecast(&later("2026-12-01T00:00:01Z")), "21.43");
    assert_eq!(forecast(&hs_resource(2, "2026-11-29T00:00:00Z", Some("2026-11-30T00:00:00Z"), None, "1000")), "21.43");
    // Under way at as_of and running to the month's end, it counts as it is (the rest of its
    // month is in it already): 10 x 720 / 336 + 1000.
    assert_eq!(forecast(&hs_resource(2, "2026-11-14T00:00:00Z", Some("2026-12-01T00:00:00Z"), None, "1000")), "1021.43");

    // The same for Elastic deployment periods.
    let elastic = r#"{"total_cost": 1010, "deployments": [
      {"deployment_id": "d1", "deployment_name": "a", "costs": {"total": 10, "dimensions": []}, "hourly_rate": 0, "period": {"start": "2026-11-01", "end": "2026-11-02"}},
      {"deployment_id": "d2", "deployment_name": "b", "costs": {"total": 1000, "dimensions": []}, "hourly_rate": 0, "period": {"start": "2026-11-30", "end": "2026-12-01"}}]}"#;
    assert_eq!(summary(elastic, "2026-11-15T00:00:00Z").forecast.unwrap().total.to_string(), "21.43");
}

#[test]
fn a_running_resource_that_starts_after_as_of_adds_only_its_minutes_to_month_end() {
    // Started Nov 20, 0.01 a minute: 11 days x 1,440 minutes x 0.01 = 158.40; its total_bill,
    // recorded after as_of, is not usage so far.
    let body = format!(r#"{{"message": "ok", "status": true, "data": [{}]}}"#, hs_resource(1, "2026-11-20T00:00:00Z", None, Some("0.01"), "5"));
    assert_eq!(summary(&body, "2026-11-10T00:00:00Z").forecast.unwrap().total.to_string(), "158.40");
}

#[test]
fn cu_used_by_month_end_and_the_forecast_total_agree_on_days_after_as_of_and_the_last_day() {
    let body = r#"{"code": 0, "message": "ok", "requestId": "r1", "data": {"yearMonth": "2026-11", "daily": [
      {"date": "2026-11-10", "used": 10, "breakdown": [{"count": 1, "cu": 10, "nodeType": "a", "type": "trigger"}]},
      {"date": "2026-11-30", "used": 4, "breakdown": [{"count": 1, "cu": 4, "nodeType": "a", "type": "trigger"}]}],
      "summary": {"deposited": 100, "granted": 0, "used": 14}}}"#;
    // Nov 30 is after Nov 15: 10 x 720 / 336.
    let f = summary(body, "2026-11-15T00:00:00Z").forecast.unwrap();
    assert_eq!((f.total.to_string(), f.cu_by_month_end.map(|c| c.to_string())), ("21.4286".into(), Some("21.4286".into())));
    // On Nov 30 at noon the last day is under way and runs to the month's end: as it is, in both.
    let f = summary(body, "2026-11-30T12:00:00Z").forecast.unwrap();
    assert_eq!(Some(f.total), f.cu_by_month_end);
    assert!(f.total >= rust_decimal::Decimal::from(14), "never less than the month's CU so far: {}", f.total);
}

#[test]
fn an_error_body_with_a_malformed_payload_is_still_the_providers_error() {
    assert_eq!(err(r#"{"code": 402, "message": "insufficient credits", "requestId": "r1", "data": {}}"#), "CU usage API error 402: insufficient credits");
    assert_eq!(err(r#"{"success": false, "error": {"code": "E1", "message": "nope"}, "data": {"daily": "x"}}"#), "CU usage API error E1: nope");
    assert_eq!(err(r#"{"status": false, "message": "denied", "error_reason": "forbidden", "data": [{"x": 1}]}"#), "Hyperstack API error forbidden: denied");
    assert_eq!(err(r#"{"error": {"code": "unauthenticated", "message": "Missing"}, "items": [{"id": 1}]}"#), "Aether API error unauthenticated: Missing");
    assert_eq!(err(r#"{"errors": [{"code": "x.y", "message": "bad"}], "deployments": [{"deployment_id": 5}]}"#), "Elastic Cloud API error x.y: bad");
    // A success body with a malformed payload is still a field error, with its path.
    assert_eq!(err(r#"{"code": 0, "message": "ok", "requestId": "r", "data": {}}"#), "data.summary: required, but missing");
    // No code in the body: said so, the same way for every provider.
    assert_eq!(err(r#"{"status": false, "message": "Internal"}"#), "Hyperstack API error (no code): Internal");
}

#[test]
fn aether_error_keys_beside_cu_envelope_keys_are_ambiguous() {
    let e = err(r#"{"code": 401, "message": "bad token", "requestId": "r1", "error": {"code": "unauthenticated", "message": "Missing"}}"#);
    assert_eq!(e, "ambiguous body: it has keys of Aether and CU usage; choose the source explicitly");
    let forced = read_usage(br#"{"code": 401, "message": "bad token", "requestId": "r1", "error": {"code": "unauthenticated", "message": "Missing"}}"#, Some(Source::Cu));
    assert_eq!(forced.unwrap_err().to_string(), "CU usage API error 401: bad token");
}

#[test]
fn a_wrong_shape_is_described_in_the_providers_terms_not_the_readers_type_names() {
    for (body, said) in [
        (r#"{"total_cost": 1, "deployments": [{"deployment_id": "d", "costs": "x"}]}"#, r#"deployments[0].costs: expected a costs object {total, dimensions}, found "x""#),
        (r#"{"error": "unauthorized"}"#, r#"error: expected an error object {code, message}, found "unauthorized""#),
        (r#"{"message": "ok", "status": true, "data": ["x"]}"#, "data[0]: expected a resource object {resource_id, resource_type, total_bill, ...}, found \"x\""),
    ] {
        assert_eq!(err(body), said);
        assert!(!err(body).contains("struct"));
    }
}

#[test]
fn an_elastic_period_that_ends_before_it_starts_is_a_warning_and_the_cost_goes_to_the_start() {
    let body = r#"{"total_cost": 5, "deployments": [{"deployment_id": "d1", "deployment_name": "search",
      "costs": {"total": 5, "dimensions": []}, "hourly_rate": 0, "period": {"start": "2026-11-03", "end": "2026-10-01"}}]}"#;
    let s = summary(body, "2026-11-23T12:00:00Z");
    assert_eq!(s.warnings, vec!["deployments[0] (search): period.end is before period.start; the whole cost is put in the month it started".to_string()]);
    assert_eq!(s.by_month.iter().map(|g| (g.key.as_str(), g.total.to_string())).collect::<Vec<_>>(), vec![("2026-11", "5.00".to_string())]);
}
