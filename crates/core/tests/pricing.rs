//! Price books, models, currencies, monthly lines and forecast (SPEC sections 3, 4 and 6), each
//! with values checked by hand in the comments.

use tally_core::{breakdown, parse_timestamp, price, read_usage, summarize, Context, Dimension, PriceBook, Summary, Usage};

fn ctx(as_of: &str) -> Context {
    Context { as_of: parse_timestamp(as_of).unwrap(), range: None }
}

fn usage(body: &str) -> Usage {
    read_usage(body.as_bytes(), None).unwrap()
}

fn book(json: &str) -> PriceBook {
    PriceBook::parse(json.as_bytes()).unwrap()
}

fn run(usages: &[&Usage], book: Option<&PriceBook>, as_of: &str) -> Summary {
    summarize(&price(usages, book, ctx(as_of)).unwrap()).unwrap()
}

fn group(s: &Summary, list: &str, key: &str) -> String {
    let groups = match list {
        "category" => &s.by_category,
        "month" => &s.by_month,
        _ => &s.by_resource_type,
    };
    groups.iter().find(|g| g.key == key).map(|g| g.total.to_string()).unwrap_or_else(|| panic!("no {list} group {key}: {groups:?}"))
}

fn aether_items(items: &[(&str, &str, &str, &str)]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|(t, q, u, at)| format!(r#"{{"resource_type": "{t}", "quantity": {q}, "unit": "{u}", "recorded_at": "{at}", "node_pool_id": "p1", "cluster_id": "c1"}}"#))
        .collect();
    format!(r#"{{"period_start": "2026-11-01T00:00:00Z", "period_end": "2026-12-01T00:00:00Z", "items": [{}], "subscriptions": [], "total_eur": null}}"#, items.join(","))
}

const TIERS: &str = r#"[{"up_to": "100", "unit_price": "0"}, {"up_to": 1000, "unit_price": "0.01"}, {"up_to": null, "unit_price": "0.008"}]"#;

#[test]
fn the_most_specific_entry_wins_and_a_tie_goes_to_the_earlier_one() {
    let u = usage(&aether_items(&[("gpu", "1", "hour", "2026-11-02T00:00:00Z")]));
    let b = book(
        r#"{"currency": "EUR", "prices": [
        {"source": "aether", "model": "per_unit", "unit_price": 1},
        {"source": "aether", "resource_type": "gpu", "model": "per_unit", "unit_price": 2},
        {"source": "aether", "resource_type": "gpu", "unit": "hour", "model": "per_unit", "unit_price": 3},
        {"resource_type": "gpu", "unit": "hour", "source": "aether", "model": "per_unit", "unit_price": 4}]}"#,
    );
    assert_eq!(run(&[&u], Some(&b), "2026-11-23T12:00:00Z").total.to_string(), "3.00");
    let other = usage(&aether_items(&[("cpu", "1", "hour", "2026-11-02T00:00:00Z")]));
    assert_eq!(run(&[&other], Some(&b), "2026-11-23T12:00:00Z").total.to_string(), "1.00", "source alone still matches");
}

#[test]
fn graduated_and_volume_price_the_months_summed_quantity_and_share_it_back_by_quantity() {
    // November: 600 + 900 = 1500 GB; December: 50 GB.
    let u = usage(&aether_items(&[
        ("egress", "600", "gb", "2026-11-02T00:00:00Z"),
        ("egress", "900", "gb", "2026-11-20T00:00:00Z"),
        ("egress", "50", "gb", "2026-12-02T00:00:00Z"),
    ]));
    // Graduated: 100 free + 900 x 0.01 + 500 x 0.008 = 9 + 4 = 13 in November; 50 free in December.
    let g = book(&format!(r#"{{"currency": "EUR", "prices": [{{"source": "aether", "resource_type": "egress", "model": "graduated", "tiers": {TIERS}}}]}}"#));
    let s = run(&[&u], Some(&g), "2026-12-05T00:00:00Z");
    assert_eq!((group(&s, "month", "2026-11"), group(&s, "month", "2026-12")), ("13.00".into(), "0.00".into()));
    // Shared back by quantity: 600/1500 x 13 = 5.20 on Nov 2, 900/1500 x 13 = 7.80 on Nov 20.
    let priced = price(&[&u], Some(&g), ctx("2026-12-05T00:00:00Z")).unwrap();
    let days = breakdown(&priced, &[Dimension::Day]).unwrap();
    let day = |d: &str| days.rows.iter().find(|r| r.values[0].as_deref() == Some(d)).map(|r| r.total.to_string());
    assert_eq!((day("2026-11-02"), day("2026-11-20")), (Some("5.20".into()), Some("7.80".into())));
    // Volume: all 1500 at the tier reached (> 1000 -> 0.008) = 12.
    let v = book(&format!(r#"{{"currency": "EUR", "prices": [{{"source": "aether", "resource_type": "egress", "model": "volume", "tiers": {TIERS}}}]}}"#));
    assert_eq!(run(&[&u], Some(&v), "2026-12-05T00:00:00Z").total.to_string(), "12.00");
}

#[test]
fn package_pricing_turns_cu_into_money_and_the_cu_reported_total_needs_a_rate() {
    let u = usage(
        r#"{"code": 0, "message": "ok", "requestId": "r", "data": {"yearMonth": "2026-11", "daily": [
        {"date": "2026-11-01", "used": 1500, "breakdown": [{"count": 1, "cu": 1500, "nodeType": "cronjob", "type": "trigger"}]}],
        "summary": {"deposited": 5000, "granted": 0, "used": 1500}}}"#,
    );
    // ceil(1500 / 1000) = 2 packages x 5.00 = 10.00 EUR.
    let b = book(r#"{"currency": "EUR", "prices": [{"source": "cu", "model": "package", "package_size": "1000", "package_price": "5.00"}]}"#);
    let s = run(&[&u], Some(&b), "2026-11-23T12:00:00Z");
    assert_eq!((s.currency.as_str(), s.total.to_string()), ("EUR", "10.00".into()));
    assert_eq!(s.reported_total, None, "1500 CU has no rate into EUR");
    let with_rate = book(r#"{"currency": "EUR", "fx": {"CU": "0.004"}, "prices": [{"source": "cu", "model": "package", "package_size": "1000", "package_price": "5.00"}]}"#);
    let s = run(&[&u], Some(&with_rate), "2026-11-23T12:00:00Z");
    assert_eq!((s.reported_total.unwrap().to_string(), s.difference.unwrap().to_string()), ("6.00".into(), "4.00".into()));
}

#[test]
fn a_flat_fee_is_charged_once_in_each_month_the_entry_matched() {
    let u = usage(&aether_items(&[
        ("gpu", "2", "hour", "2026-11-02T00:00:00Z"),
        ("gpu", "3", "hour", "2026-11-03T00:00:00Z"),
        ("gpu", "1", "hour", "2026-12-01T00:00:00Z"),
    ]));
    let b = book(r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "per_unit", "unit_price": "2", "flat_fee": "10"}]}"#);
    let s = run(&[&u], Some(&b), "2026-12-02T00:00:00Z");
    // November: 5 h x 2 + 10 = 20; December: 1 h x 2 + 10 = 12.
    assert_eq!((group(&s, "month", "2026-11"), group(&s, "month", "2026-12")), ("20.00".into(), "12.00".into()));
}

const HS: &str = r#"{"message": "ok", "status": true, "data": [
  {"resource_id": 1, "resource_type": "vm", "name": "a", "organization_id": 1, "bill_per_minute": 0.01,
   "create_time": "2026-11-01T00:00:00", "terminate_time": "2026-11-02T00:00:00", "total_up_time": 1440, "total_bill": 14.4,
   "active": false, "exclude_billing": false},
  {"resource_id": 2, "resource_type": "vm", "name": "b", "organization_id": 1, "bill_per_minute": 0.01,
   "create_time": "2026-11-01T00:00:00", "terminate_time": "2026-11-02T00:00:00", "total_up_time": 1440, "total_bill": 14.4,
   "active": false, "exclude_billing": true}]}"#;

#[test]
fn a_price_book_reprices_reported_costs_but_excluded_charges_stay_at_zero() {
    let u = usage(HS);
    let b = book(r#"{"prices": [{"source": "hyperstack", "unit": "minute", "model": "per_unit", "unit_price": "0.02"}]}"#);
    let s = run(&[&u], Some(&b), "2026-11-23T12:00:00Z");
    // 1440 min x 0.02 = 28.80 for the billed VM; the excluded one costs 0.
    assert_eq!((s.currency.as_str(), s.total.to_string()), ("USD", "28.80".into()));
    assert_eq!(s.difference.unwrap().to_string(), "14.40");
    assert_eq!(s.excluded.count, 1);
}

#[test]
fn amounts_in_other_currencies_are_converted_with_fx_or_refused_with_both_named() {
    let hs = usage(HS);
    let el = usage(r#"{"total_cost": 10, "deployments": [{"deployment_id": "d", "costs": {"total": 10, "dimensions": []}}]}"#);
    let e = price(&[&hs, &el], None, ctx("2026-11-23T12:00:00Z")).unwrap_err().to_string();
    assert!(e.starts_with("cannot add ECU amounts to USD amounts without an exchange rate"), "{e}");
    let b = book(r#"{"currency": "EUR", "fx": {"USD": "0.92"}, "prices": []}"#);
    let e = price(&[&hs, &el], Some(&b), ctx("2026-11-23T12:00:00Z")).unwrap_err().to_string();
    assert!(e.starts_with("cannot add ECU amounts to EUR amounts"), "{e}");
    let b = book(r#"{"currency": "EUR", "fx": {"USD": "0.92", "ECU": "0.95"}, "prices": []}"#);
    let s = run(&[&hs, &el], Some(&b), "2026-11-23T12:00:00Z");
    // 14.40 USD x 0.92 = 13.248 EUR; 10 ECU x 0.95 = 9.50 EUR; total 22.748 -> 22.75.
    assert_eq!(s.total.to_string(), "22.75");
    assert_eq!(s.reported_total.unwrap().to_string(), "22.75");
    assert_eq!(s.sources.len(), 2);
}

#[test]
fn discount_commitment_and_tax_are_monthly_lines_of_their_own() {
    let u = usage(&aether_items(&[("gpu", "100", "hour", "2026-11-02T00:00:00Z")]));
    let b = book(
        r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "per_unit", "unit_price": "1"}],
        "discount_percent": "10", "minimum_monthly": "120", "tax_percent": "20"}"#,
    );
    let s = run(&[&u], Some(&b), "2026-11-23T12:00:00Z");
    // subtotal 100; discount -10; commitment 120 - 90 = 30; tax 20% of 120 = 24; total 144.
    assert_eq!(s.total.to_string(), "144.00");
    assert_eq!(group(&s, "category", "discount"), "-10.00");
    assert_eq!(group(&s, "category", "commitment"), "30.00");
    assert_eq!(group(&s, "category", "tax"), "24.00");
    assert_eq!(group(&s, "resource_type", "tax"), "24.00", "derived lines have their category as resource type");
    // Derived lines follow the day's subtotal: all on Nov 2 here.
    let priced = price(&[&u], Some(&b), ctx("2026-11-23T12:00:00Z")).unwrap();
    let days = breakdown(&priced, &[Dimension::Day, Dimension::Category]).unwrap();
    assert!(days.rows.iter().all(|r| r.values[0].as_deref() == Some("2026-11-02")));
    let src = breakdown(&priced, &[Dimension::Source]).unwrap();
    assert_eq!(src.rows.iter().find(|r| r.values[0].is_none()).unwrap().total.to_string(), "44.00", "derived lines have no source");
}

#[test]
fn subscriptions_are_never_repriced() {
    let u = usage(
        r#"{"period_start": "2026-11-01T00:00:00Z", "items": [], "total_eur": 50,
        "subscriptions": [{"kind": "node_pool", "cluster_id": "c", "node_pool_id": "p", "name": "fixed", "amount_eur": 50}]}"#,
    );
    let b = book(r#"{"currency": "EUR", "prices": [{"model": "per_unit", "unit_price": "99"}]}"#);
    assert_eq!(run(&[&u], Some(&b), "2026-11-23T12:00:00Z").total.to_string(), "50.00");
}

#[test]
fn invalid_price_books_are_refused_at_the_field() {
    let cases = [
        (r#"{"prices": [{"model": "graduated", "tiers": [{"up_to": 10, "unit_price": 1}, {"up_to": 5, "unit_price": 1}, {"up_to": null, "unit_price": 1}]}]}"#, "prices[0].tiers[1].up_to: tiers must be in increasing order: 5 is not above the previous tier's 10"),
        (r#"{"prices": [{"model": "volume", "tiers": [{"up_to": 10, "unit_price": 1}]}]}"#, "prices[0].tiers[0].up_to: the last tier must be unbounded (null), found 10"),
        (r#"{"prices": [{"model": "per_unit", "unit_price": "-1"}]}"#, "prices[0].unit_price: must not be negative, found -1"),
        (r#"{"prices": [{"model": "package", "package_size": 0, "package_price": 5}]}"#, "prices[0].package_size: must be greater than 0"),
        (r#"{"prices": [{"model": "tiered"}]}"#, "prices[0].model: unknown model \"tiered\": expected per_unit, graduated, volume or package"),
        (r#"{"prices": [{"model": "per_unit"}]}"#, "prices[0].unit_price: missing: the per_unit model needs it"),
        (r#"{"prices": [{"model": "per_unit", "unit_price": "abc"}]}"#, "prices[0].unit_price: expected a number, found \"abc\""),
        (r#"{"prices": [{"model": "per_unit", "unit_price": 1, "source": "aws"}]}"#, "prices[0].source: unknown source \"aws\""),
        (r#"{"prices": [{"model": "per_unit", "unitprice": 1}]}"#, "prices[0].unitprice: unknown field `unitprice`, expected one of"),
        (r#"{"currency": "EUR"}"#, "prices: required, but missing"),
        (r#"{"prices": [], "fx": {"USD": 0}}"#, "fx.USD: a rate must be positive, found 0"),
        (r#"{"prices": [], "discount_percent": 150}"#, "discount_percent: must be at most 100, found 150"),
    ];
    for (json, want) in cases {
        let got = PriceBook::parse(json.as_bytes()).unwrap_err().to_string();
        assert!(got.contains(want), "for {json}\n  got: {got}\n want: {want}");
    }
}

#[test]
fn a_price_book_survives_a_round_trip_through_json() {
    let text = std::fs::read_to_string(format!("{}/../../fixtures/aether/prices.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let b = book(&text);
    assert_eq!(book(&b.to_json()), b);
}

/// A running Hyperstack VM billed 0.01 a minute, created at `created` (no offset: UTC).
fn active_vm(created: &str, up_time: u32, bill: u32) -> Usage {
    usage(&format!(
        r#"{{"message": "ok", "status": true, "data": [{{"resource_id": 1, "resource_type": "vm", "name": "a",
        "organization_id": 1, "bill_per_minute": 0.01, "create_time": "{created}", "terminate_time": null,
        "total_up_time": {up_time}, "total_bill": {bill}, "active": true, "exclude_billing": false}}]}}"#
    ))
}

#[test]
fn the_forecast_adds_bill_per_minute_for_an_active_resource_and_extrapolates_the_rest() {
    let u = active_vm("2026-11-01T00:00:00", 14400, 144);
    // Ten days so far (144), 20 days left = 28,800 minutes x 0.01 = 288: 432.
    let s = run(&[&u], None, "2026-11-11T00:00:00Z");
    let f = s.forecast.unwrap();
    assert_eq!((f.month.as_str(), f.total.to_string()), ("2026-11", "432.00".to_string()));
    // An Aether item: 10 EUR of usage by Nov 11 00:00 (240 of 720 hours) -> 30 EUR by month end,
    // plus a subscription in full (50).
    let a = usage(
        r#"{"period_start": "2026-11-01T00:00:00Z", "period_end": "2026-12-01T00:00:00Z", "total_eur": 60,
        "items": [{"resource_type": "gpu", "quantity": 10, "unit": "hour", "recorded_at": "2026-11-05T00:00:00Z"}],
        "subscriptions": [{"kind": "control_plane", "cluster_id": "c", "node_pool_id": null, "name": "cp", "amount_eur": 50}]}"#,
    );
    let b = book(r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "per_unit", "unit_price": "1"}]}"#);
    let s = run(&[&a], Some(&b), "2026-11-11T00:00:00Z");
    assert_eq!(s.forecast.unwrap().total.to_string(), "80.00");
    assert!(run(&[&a], Some(&b), "2026-12-11T00:00:00Z").forecast.is_none(), "past the body's period");
}

#[test]
fn an_active_resource_runs_to_month_end_from_the_very_start_of_the_month() {
    let u = active_vm("2026-10-31T12:00:00", 43200, 30);
    // Nothing of November is used at its first instant; all 43,200 minutes are to come: 432.
    let f = run(&[&u], None, "2026-11-01T00:00:00Z").forecast.unwrap();
    assert_eq!((f.month.as_str(), f.total.to_string()), ("2026-11", "432.00".to_string()));
}

#[test]
fn the_forecast_prices_the_months_extrapolated_usage_as_the_bill_would() {
    // 10 hours by Nov 16, 00:00 (360 of 720 hours): 20 hours by month end.
    let a = usage(&aether_items(&[("gpu", "4", "hour", "2026-11-02T00:00:00Z"), ("gpu", "6", "hour", "2026-11-09T00:00:00Z")]));
    let forecast = |book_json: &str| run(&[&a], Some(&book(book_json)), "2026-11-16T00:00:00Z").forecast.unwrap().total.to_string();
    // Per unit with a flat fee: 20 x 3, and the fee once (not 10 x 3 + 10, doubled).
    assert_eq!(forecast(r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "per_unit", "unit_price": "3", "flat_fee": "10"}]}"#), "70.00");
    // Graduated, the first 12 hours free: so far nothing is paid, but 20 hours will cost 8 x 2.
    let graduated = r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "graduated",
        "tiers": [{"up_to": "12", "unit_price": "0"}, {"up_to": null, "unit_price": "2"}]}]}"#;
    assert_eq!(run(&[&a], Some(&book(graduated)), "2026-11-16T00:00:00Z").total.to_string(), "0.00");
    assert_eq!(forecast(graduated), "16.00");
    // Volume: 20 hours fall in the cheaper tier, for all of them: 20 x 1.5.
    assert_eq!(forecast(r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "volume",
        "tiers": [{"up_to": "15", "unit_price": "2"}, {"up_to": null, "unit_price": "1.5"}]}]}"#), "30.00");
    // Package: 20 hours in packages of 8 at 5 each: 3 packages.
    assert_eq!(forecast(r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "package",
        "package_size": "8", "package_price": "5"}]}"#), "15.00");
}

#[test]
fn usage_recorded_after_as_of_is_not_usage_so_far() {
    let b = book(r#"{"currency": "EUR", "prices": [{"resource_type": "gpu", "model": "per_unit", "unit_price": "1"}]}"#);
    // 2 hours on Nov 1 (01:00 and 02:00), 4 hours on Nov 3.
    let a = usage(&aether_items(&[
        ("gpu", "1", "hour", "2026-11-01T01:00:00Z"),
        ("gpu", "1", "hour", "2026-11-01T02:00:00Z"),
        ("gpu", "4", "hour", "2026-11-03T10:00:00Z"),
    ]));
    let forecast = |as_of: &str| run(&[&a], Some(&b), as_of).forecast.unwrap().total.to_string();
    // Nov 2, 00:00: the 2 hours of Nov 1 over 24 elapsed hours, x 720 = 60; Nov 3 is to come.
    assert_eq!(forecast("2026-11-02T00:00:00Z"), "60.00");
    // Before any item: nothing so far, nothing to extrapolate (it used to be all 6 hours over one
    // second of the month: 15,552,000).
    assert_eq!(forecast("2026-11-01T00:00:01Z"), "0.00");
    // Nov 4: all 6 hours over 72 = 60.
    assert_eq!(forecast("2026-11-04T00:00:00Z"), "60.00");
    // Inside Nov 1's items (summed as one charge from 01:00 to the end of the 02:00 hour, 03:00):
    // at 02:00 half of that time has passed, so 1 of the 2 hours, over 2 elapsed hours, x 720.
    assert_eq!(forecast("2026-11-01T02:00:00Z"), "360.00");

    // An Elastic deployment billed 10 for Oct 1 to Oct 11: on Oct 6, half of it is so far (5),
    // over 120 of 744 hours = 31.
    let e = usage(
        r#"{"total_cost": 10, "deployments": [{"deployment_id": "d1", "deployment_name": "a", "total_ec_units": 1,
        "hourly_rate": 0.04, "period": {"start": "2026-10-01T00:00:00Z", "end": "2026-10-11T00:00:00Z"},
        "costs": {"total": 10, "dimensions": [{"type": "capacity", "cost": 10}]}}]}"#,
    );
    assert_eq!(run(&[&e], None, "2026-10-06T00:00:00Z").forecast.unwrap().total.to_string(), "31.00");
}

#[test]
fn a_set_price_scoped_to_one_resource_is_refused_rather_than_widened() {
    let u = usage(&aether_items(&[("gpu", "1", "hour", "2026-11-02T00:00:00Z")]));
    let scenario = tally_core::Scenario::parse(
        br#"{"adjustments": [{"action": "set_price", "match": {"resource_type": "gpu", "resource": "p1"}, "unit_price": "9"}]}"#,
    )
    .unwrap();
    let e = tally_core::estimate(&scenario, &[&u], None, ctx("2026-11-23T12:00:00Z")).unwrap_err().to_string();
    assert_eq!(e, "adjustments[0].match: set_price matches by source, resource_type and unit only (not resource or category)");
}

#[test]
fn a_negative_scale_factor_is_refused() {
    let u = usage(&aether_items(&[("gpu", "1", "hour", "2026-11-02T00:00:00Z")]));
    let scenario = |factor: &str| tally_core::Scenario::parse(format!(r#"{{"adjustments": [{{"action": "scale", "match": {{"resource_type": "gpu"}}, "factor": "{factor}"}}]}}"#).as_bytes()).unwrap();
    let e = tally_core::estimate(&scenario("-1"), &[&u], None, ctx("2026-11-23T12:00:00Z")).unwrap_err().to_string();
    assert_eq!(e, "adjustments[0].factor: must not be negative (0 removes the usage)");
    assert!(tally_core::estimate(&scenario("0"), &[&u], None, ctx("2026-11-23T12:00:00Z")).is_ok());
}

#[test]
fn currency_codes_in_a_book_are_read_in_capitals() {
    let hs = usage(r#"{"message": "ok", "status": true, "data": [{"resource_id": 1, "resource_type": "vm", "name": "a",
      "organization_id": 1, "bill_per_minute": null, "create_time": "2026-11-01T00:00:00Z", "terminate_time": "2026-11-02T00:00:00Z",
      "total_up_time": 1440, "total_bill": 10, "active": false, "exclude_billing": false}]}"#);
    let lower = book(r#"{"currency": " eur", "fx": {"usd": "0.5"}, "prices": []}"#);
    assert_eq!(lower.currency.as_deref(), Some("EUR"));
    let s = run(&[&hs], Some(&lower), "2026-11-23T12:00:00Z");
    assert_eq!((s.currency.as_str(), s.total.to_string()), ("EUR", "5.00".to_string()));
    let twice = PriceBook::parse(br#"{"fx": {"USD": "0.5", "usd": "0.6"}, "prices": []}"#).unwrap_err().to_string();
    assert_eq!(twice, "fx.usd: a second rate for USD");
}
