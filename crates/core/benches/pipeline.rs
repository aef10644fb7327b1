//! `cargo bench -p tally-core`: parse, price, breakdown and the whole summarize of generated Aether
//! bodies at 10k, 100k and 1M items, natively. A plain harness (no timing assertions anywhere):
//! it prints the best of several runs. `TALLY_BENCH_SIZES=10000,100000` picks sizes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tally_core::{breakdown, generate, parse_timestamp, price, read_usage, summarize, Context, Dimension, Month, PriceBook};

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` runs benches only when asked, so nothing here runs in tests.
    let sizes: Vec<usize> = std::env::var("TALLY_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let book = PriceBook::parse(include_bytes!("../../../fixtures/aether/prices.json")).expect("sample book");
    let month = Month::parse("2026-11").expect("month");
    let ctx = Context { as_of: parse_timestamp("2026-11-23T12:00:00Z").expect("as_of"), range: None };
    println!("{:>9} {:>9} {:>10} {:>10} {:>12} {:>12} {:>12}", "items", "MB", "parse", "price", "breakdown", "summarize", "end-to-end");
    for n in sizes {
        let body = generate::aether_priced(n, month, month.end(), 42, &book).expect("body");
        let runs = if n >= 1_000_000 { 3 } else { 7 };
        let usage = read_usage(body.as_bytes(), None).expect("parse");
        let parse = best(runs, || read_usage(body.as_bytes(), None).expect("parse"));
        let price_t = best(runs, || price(&[&usage], Some(&book), ctx).expect("price").pieces.len());
        let priced = price(&[&usage], Some(&book), ctx).expect("price");
        let by = [Dimension::Month, Dimension::ResourceType];
        let bd = best(runs, || breakdown(&priced, &by).expect("breakdown"));
        let sm = best(runs, || summarize(&priced).expect("summary"));
        let e2e = best(runs, || {
            let u = read_usage(body.as_bytes(), None).expect("parse");
            summarize(&price(&[&u], Some(&book), ctx).expect("price")).expect("summary").total
        });
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "{n:>9} {:>9.1} {:>10} {:>10} {:>12} {:>12} {:>12}",
            body.len() as f64 / 1e6,
            ms(parse),
            ms(price_t),
            ms(bd),
            ms(sm),
            ms(e2e)
        );
    }
}
