//! Property tests, grouped by the law they check (proptest; regressions are kept in
//! `proptest-regressions/`).

use proptest::prelude::*;
use rust_decimal::Decimal;
use tally_core::{allocate, breakdown, parse_timestamp, price, price_quantity, read_usage, read_usage_at, summarize, Context, Dimension, Model, PriceBook, Tier};

fn dec(units: i64, dp: u32) -> Decimal {
    Decimal::new(units, dp)
}

fn ctx() -> Context {
    Context { as_of: parse_timestamp("2026-11-23T12:00:00Z").unwrap(), range: None }
}

/// A Hyperstack body of resources with random lifetimes over several months, some running.
fn hyperstack_body(resources: &[(u32, u32, Option<u32>, u64)]) -> String {
    let base = parse_timestamp("2026-06-01T00:00:00Z").unwrap();
    let items: Vec<String> = resources
        .iter()
        .enumerate()
        .map(|(i, (kind, start_h, len_h, bill_cents))| {
            let start = base + chrono::Duration::hours(i64::from(*start_h));
            let end = len_h.map(|l| start + chrono::Duration::hours(i64::from(l) + 1));
            format!(
                r#"{{"resource_id": {i}, "resource_type": "{}", "name": "r{i}", "organization_id": 1, "bill_per_minute": 0.01,
                "create_time": "{}", "terminate_time": {}, "total_up_time": 60, "total_bill": {}, "active": {}, "exclude_billing": false}}"#,
                if *kind % 3 == 0 { "volume" } else { "vm" },
                start.format("%Y-%m-%dT%H:%M:%S"),
                end.map_or("null".to_string(), |e| format!("\"{}\"", e.format("%Y-%m-%dT%H:%M:%S"))),
                dec(*bill_cents as i64, 4),
                end.is_none()
            )
        })
        .collect();
    format!(r#"{{"message": "ok", "status": true, "data": [{}]}}"#, items.join(","))
}

fn resources() -> impl Strategy<Value = Vec<(u32, u32, Option<u32>, u64)>> {
    prop::collection::vec((0u32..10, 0u32..3500, prop::option::of(0u32..2000), 0u64..50_000_000), 1..25)
}

fn tiers() -> impl Strategy<Value = Vec<Tier>> {
    prop::collection::vec((1i64..500, 0i64..300), 0..4).prop_map(|steps| {
        let mut bound = 0i64;
        let mut out: Vec<Tier> = steps
            .into_iter()
            .map(|(step, price)| {
                bound += step;
                Tier { up_to: Some(dec(bound, 0)), unit_price: dec(price, 3) }
            })
            .collect();
        out.push(Tier { up_to: None, unit_price: dec(7, 3) });
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn allocation_sum_equals_total(parts in prop::collection::vec(-1_000_000i64..10_000_000, 1..40), dp in 0u32..5) {
        let parts: Vec<(usize, Decimal)> = parts.into_iter().enumerate().map(|(i, p)| (i, dec(p, dp + 2))).collect();
        let exact: Decimal = parts.iter().map(|p| p.1).sum();
        let total = tally_core::round_to(exact, dp);
        let units = rust_decimal::prelude::ToPrimitive::to_i128(&(total * Decimal::from(10i64.pow(dp)))).unwrap();
        let alloc = allocate(units, &parts, dp).unwrap();
        prop_assert_eq!(alloc.iter().sum::<i128>(), units);
        for ((_, e), a) in parts.iter().zip(&alloc) {
            let diff = (Decimal::from_i128_with_scale(*a, dp) - e).abs();
            prop_assert!(diff < Decimal::ONE / Decimal::from(10i64.pow(dp)) , "each group is within one minor unit of its exact amount");
        }
    }

    #[test]
    fn breakdown_groups_sum_to_the_total_at_every_level(res in resources()) {
        let u = read_usage(hyperstack_body(&res).as_bytes(), None).unwrap();
        let priced = price(&[&u], None, ctx()).unwrap();
        let s = summarize(&priced).unwrap();
        for by in [vec![Dimension::Month, Dimension::ResourceType], vec![Dimension::Day], vec![Dimension::ResourceType, Dimension::Month, Dimension::Resource]] {
            let b = breakdown(&priced, &by).unwrap();
            prop_assert_eq!(b.total, s.total);
            prop_assert_eq!(b.rows.iter().map(|r| r.total).sum::<Decimal>(), s.total);
        }
        prop_assert_eq!(s.by_month.iter().map(|g| g.total).sum::<Decimal>(), s.total);
        prop_assert_eq!(s.by_resource_type.iter().map(|g| g.total).sum::<Decimal>(), s.total);
    }

    #[test]
    fn month_split_conserves_cost(res in resources()) {
        let u = read_usage(hyperstack_body(&res).as_bytes(), None).unwrap();
        let priced = price(&[&u], None, ctx()).unwrap();
        let reported: Decimal = u.charges.iter().filter_map(|c| c.reported_cost).sum();
        let split: Decimal = priced.pieces.iter().filter_map(|p| p.cost).sum();
        // Each part is kept to 18 decimals; the grand total comes from the unsplit amounts.
        prop_assert!((reported - split).abs() <= dec(priced.pieces.len() as i64, 18), "{} vs {}", reported, split);
        prop_assert_eq!(priced.exact_total, reported);
    }

    #[test]
    fn graduated_and_volume_agree_on_a_single_tier(q in 0i64..10_000_000, price in 0i64..100_000) {
        let single = vec![Tier { up_to: None, unit_price: dec(price, 4) }];
        let q = dec(q, 3);
        let g = price_quantity(&Model::Graduated(single.clone()), q).unwrap();
        let v = price_quantity(&Model::Volume(single), q).unwrap();
        let p = price_quantity(&Model::PerUnit { unit_price: dec(price, 4) }, q).unwrap();
        prop_assert_eq!(g, v);
        prop_assert_eq!(g, p);
    }

    #[test]
    fn graduated_never_exceeds_the_highest_tier_price_for_every_unit(t in tiers(), q in 0i64..5_000_000) {
        let q = dec(q, 2);
        let g = price_quantity(&Model::Graduated(t.clone()), q).unwrap();
        let top = t.iter().map(|x| x.unit_price).max().unwrap();
        prop_assert!(g <= q * top);
        prop_assert!(g >= Decimal::ZERO);
    }

    #[test]
    fn graduated_cost_never_decreases_as_quantity_grows(t in tiers(), a in 0i64..5_000_000, b in 0i64..5_000_000) {
        let (lo, hi) = (dec(a.min(b), 2), dec(a.max(b), 2));
        prop_assert!(price_quantity(&Model::Graduated(t.clone()), lo).unwrap() <= price_quantity(&Model::Graduated(t), hi).unwrap());
    }

    #[test]
    fn per_unit_pricing_is_linear(a in 0i64..1_000_000_000, b in 0i64..1_000_000_000, price in 0i64..1_000_000) {
        let m = Model::PerUnit { unit_price: dec(price, 6) };
        let (a, b) = (dec(a, 3), dec(b, 3));
        prop_assert_eq!(price_quantity(&m, a + b).unwrap(), price_quantity(&m, a).unwrap() + price_quantity(&m, b).unwrap());
    }

    #[test]
    fn reordering_charges_changes_nothing(res in resources(), seed in any::<u64>()) {
        let mut shuffled = res.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let book = PriceBook::parse(br#"{"prices": [{"source": "hyperstack", "resource_type": "vm", "model": "graduated",
            "tiers": [{"up_to": "100", "unit_price": "0.5"}, {"up_to": null, "unit_price": "0.25"}]}]}"#).unwrap();
        let one = |r: &[(u32, u32, Option<u32>, u64)]| {
            let u = read_usage(hyperstack_body(r).as_bytes(), None).unwrap();
            let p = price(&[&u], Some(&book), ctx()).unwrap();
            let s = summarize(&p).unwrap();
            (s.total, s.by_month, s.by_resource_type)
        };
        prop_assert_eq!(one(&res), one(&shuffled));
    }
}

/// A price book with every model, a flat fee, a currency to convert from and the monthly lines: the
/// cases where summing before pricing could show, if it changed anything.
const TIERED_BOOK: &str = r#"{"currency": "USD", "fx": {"EUR": "1.0837"}, "prices": [
  {"source": "aether", "unit": "hour", "model": "graduated", "tiers": [{"up_to": "40", "unit_price": "0.031"}, {"up_to": null, "unit_price": "0.0277"}], "flat_fee": "3.5"},
  {"source": "aether", "resource_type": "node.gpu-l40s-1", "model": "volume", "tiers": [{"up_to": "30", "unit_price": "1.9"}, {"up_to": null, "unit_price": "1.7"}]},
  {"source": "aether", "unit": "gb_hour", "model": "package", "package_size": "1000", "package_price": "0.07"}
], "discount_percent": "3.5", "minimum_monthly": "100", "tax_percent": "19"}"#;

/// The same Aether body with its items in another order, and each item as a charge of its own (read
/// from a body of that one item): the oracle for the reader's summing of items per resource and day.
fn shuffled_and_one_by_one(body: &str, seed: u64) -> (String, tally_core::Usage) {
    let mut value: serde_json::Value = serde_json::from_str(body).unwrap();
    let items = value["items"].as_array_mut().unwrap();
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let each: Vec<tally_core::Charge> = items
        .iter()
        .map(|item| read_usage(format!(r#"{{"items": [{item}]}}"#).as_bytes(), None).unwrap().charges.remove(0))
        .collect();
    let mut whole = read_usage(body.as_bytes(), None).unwrap();
    whole.charges.retain(|c| c.category != tally_core::Category::Usage);
    whole.charges.extend(each);
    (value.to_string(), whole)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Aether items summed per resource and UTC day (the reader) give the summary and breakdowns
    /// their items give one by one, in any order, with any price book and `as_of`.
    #[test]
    fn items_summed_per_day_cost_what_they_cost_one_by_one(items in 0usize..300, seed in 0u64..1000, book in 0usize..3, mid_month in proptest::bool::ANY) {
        let month = tally_core::Month::parse("2026-11").unwrap();
        let body = tally_core::generate::aether(items, month, seed);
        let (shuffled, one_by_one) = shuffled_and_one_by_one(&body, seed);
        let book = match book {
            0 => None,
            1 => Some(PriceBook::parse(include_bytes!("../../../fixtures/aether/prices.json")).unwrap()),
            _ => Some(PriceBook::parse(TIERED_BOOK.as_bytes()).unwrap()),
        };
        // At a midnight no day's items lie on both sides of `as_of`; at 07:30 the day that holds
        // it does, and the reader told `as_of` parts that day there (`read_usage_at`), so the
        // forecast's usage so far is the items' own.
        let as_of = parse_timestamp(if mid_month { "2026-11-15T00:00:00Z" } else { "2026-11-23T07:30:00Z" }).unwrap();
        let ctx = Context { as_of, range: None };
        let expected = price(&[&one_by_one], book.as_ref(), ctx).unwrap();
        for summed in [read_usage_at(body.as_bytes(), None, as_of).unwrap(), read_usage_at(shuffled.as_bytes(), None, as_of).unwrap()] {
            prop_assert_eq!(summed.records(), one_by_one.records());
            prop_assert!(summed.charges.len() <= one_by_one.charges.len());
            let priced = price(&[&summed], book.as_ref(), ctx).unwrap();
            prop_assert_eq!(summarize(&priced).unwrap(), summarize(&expected).unwrap());
            for by in [[Dimension::Day, Dimension::ResourceType], [Dimension::Month, Dimension::Resource]] {
                let (got, want) = (breakdown(&priced, &by).unwrap(), breakdown(&expected, &by).unwrap());
                // What is shown is the same; the exact amounts agree to the noise of 18-decimal
                // shares of a tier (one share of a day's sum, or one per item).
                let shown = |b: &tally_core::Breakdown| b.rows.iter().map(|r| (r.values.clone(), r.total)).collect::<Vec<_>>();
                prop_assert_eq!(shown(&got), shown(&want));
                prop_assert_eq!(got.total, want.total);
                for (g, w) in got.rows.iter().zip(&want.rows) {
                    prop_assert!((g.exact - w.exact).abs() < Decimal::new(1, 15), "{:?}: {} against {}", g.values, g.exact, w.exact);
                }
            }
        }
    }
}
