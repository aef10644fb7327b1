//! Realistic provider bodies of any size, from a seed: for benchmarks, tests and the mock API.
//! The shapes follow the fixtures; the numbers are random but reproducible.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use crate::time::Month;

/// A small, fast, seedable PRNG (xorshift64*): reproducible bodies without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

fn uuid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48 & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Fixed-point text `units / 10^dp` without floats.
fn fixed(units: u64, dp: u32) -> String {
    let scale = 10u64.pow(dp);
    if dp == 0 {
        return units.to_string();
    }
    format!("{}.{:0width$}", units / scale, units % scale, width = dp as usize)
}

const AETHER_TYPES: [(&str, &str); 5] = [
    ("node.s-4vcpu-16gb", "hour"),
    ("node.m-8vcpu-32gb", "hour"),
    ("node.gpu-l40s-1", "hour"),
    ("storage.block", "gb_hour"),
    ("network.egress", "gb"),
];

/// An Aether body with `records` hourly items over `month`, spread over `records / 700 + 2` pools.
/// `total_eur` is left for the caller to compute with a price book (see the mock API).
pub fn aether(records: usize, month: Month, seed: u64) -> String {
    aether_until(records, month, month.end(), seed)
}

/// Like [`aether`], with the items spread only up to `until` (a month-to-date body).
pub fn aether_until(records: usize, month: Month, until: DateTime<Utc>, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let org = uuid(&mut rng).to_uppercase();
    let clusters: Vec<String> = (0..3).map(|_| uuid(&mut rng)).collect();
    let pools: Vec<(usize, String)> = (0..records / 700 + 2).map(|i| (i % clusters.len(), uuid(&mut rng))).collect();
    let hours = ((until.min(month.end()) - month.start()).num_hours().max(1)) as u64;
    let mut out = String::with_capacity(records * 300 + 1024);
    let _ = write!(out, "{{\n \"org_id\": \"{org}\",\n \"period_start\": \"{}\",\n \"period_end\": \"{}\",\n \"items\": [", ts(month.start()), ts(month.end()));
    for i in 0..records {
        let (cluster, pool) = &pools[rng.below(pools.len() as u64) as usize];
        let (kind, unit) = AETHER_TYPES[rng.below(AETHER_TYPES.len() as u64) as usize];
        let quantity = match unit {
            "hour" => (1 + rng.below(6)).to_string(),
            "gb_hour" => fixed(1000 + rng.below(4000), 1),
            _ => fixed(rng.below(20_000), 3),
        };
        let at = month.start() + Duration::hours((i as u64 * hours / records.max(1) as u64) as i64);
        let _ = write!(
            out,
            "{}\n  {{\"id\": \"{}\", \"org_id\": \"{org}\", \"cluster_id\": \"{}\", \"node_pool_id\": \"{pool}\", \"resource_type\": \"{kind}\", \"quantity\": {quantity}, \"unit\": \"{unit}\", \"recorded_at\": \"{}\"}}",
            if i == 0 { "" } else { "," },
            uuid(&mut rng),
            clusters[*cluster],
            ts(at)
        );
    }
    out.push_str("\n ],\n \"subscriptions\": [");
    for (i, c) in clusters.iter().enumerate() {
        let _ = write!(
            out,
            "{}\n  {{\"kind\": \"control_plane\", \"cluster_id\": \"{c}\", \"node_pool_id\": null, \"name\": \"control-plane-{i}\", \"amount_eur\": {}}}",
            if i == 0 { "" } else { "," },
            fixed(5000 + rng.below(10_000), 2)
        );
    }
    let _ = write!(
        out,
        ",\n  {{\"kind\": \"node_pool\", \"cluster_id\": \"{}\", \"node_pool_id\": \"{}\", \"name\": \"fixed-pool-1\", \"amount_eur\": {}}}",
        clusters[0],
        pools[0].1,
        fixed(20_000 + rng.below(200_000), 2)
    );
    out.push_str("\n ],\n \"total_eur\": null\n}\n");
    out
}

/// An Aether body whose `total_eur` is what `book` prices it at, as the real API's total is.
///
/// # Errors
/// Pricing fails (a book in another currency without a rate).
pub fn aether_priced(records: usize, month: Month, until: DateTime<Utc>, seed: u64, book: &crate::PriceBook) -> crate::Result<String> {
    let body = aether_until(records, month, until, seed);
    let usage = crate::read_usage(body.as_bytes(), Some(crate::Source::Aether))?;
    let ctx = crate::Context { as_of: month.end(), range: None };
    let summary = crate::summarize(&crate::price(&[&usage], Some(book), ctx)?)?;
    Ok(body.replacen("\"total_eur\": null", &format!("\"total_eur\": {}", summary.total), 1))
}

/// A Hyperstack body with `records` VMs and volumes alive around `month`, as of `as_of`.
pub fn hyperstack(records: usize, month: Month, as_of: DateTime<Utc>, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(records * 350 + 128);
    out.push_str("{\n \"message\": \"Successful\",\n \"status\": true,\n \"data\": [");
    for i in 0..records {
        let vm = rng.below(5) > 0;
        let start = month.start() - Duration::minutes(rng.below(60 * 24 * 60) as i64);
        let active = rng.below(3) == 0;
        let end = if active { as_of } else { start + Duration::minutes(30 + rng.below(60 * 24 * 40) as i64) };
        let end = end.min(as_of).max(start);
        let minutes = (end - start).num_minutes().max(0) as u64;
        // Per-minute prices in units of 1e-10.
        let per_minute: u64 = if vm { [58_333_333, 166_666_667, 416_666_667][rng.below(3) as usize] } else { 16_129 };
        let bill = u128::from(minutes) * u128::from(per_minute);
        let bill_text = format!("{}.{:010}", bill / 10_000_000_000, bill % 10_000_000_000);
        let exclude = rng.below(40) == 0;
        let _ = write!(
            out,
            "{}\n  {{\"resource_id\": {}, \"resource_type\": \"{}\", \"name\": \"{}-{i}\", \"organization_id\": 29, \"bill_per_minute\": {}, \"create_time\": \"{}\", \"terminate_time\": {}, \"total_up_time\": {minutes}, \"total_bill\": {bill_text}, \"active\": {active}, \"exclude_billing\": {exclude}}}",
            if i == 0 { "" } else { "," },
            1000 + i,
            if vm { "vm" } else { "volume" },
            if vm { "n3-vm" } else { "volume-ssd" },
            if active { fixed(per_minute, 10) } else { "null".into() },
            start.format("%Y-%m-%dT%H:%M:%S"),
            if active { "null".into() } else { format!("\"{}\"", end.format("%Y-%m-%dT%H:%M:%S")) },
        );
    }
    out.push_str("\n ]\n}\n");
    out
}

const ELASTIC_DIMENSIONS: [&str; 6] = ["capacity", "data_in", "data_out", "data_internode", "storage_api", "storage_bytes"];

/// An Elastic body with `records` deployments over `[from, to)`.
pub fn elastic(records: usize, from: DateTime<Utc>, to: DateTime<Utc>, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(records * 700 + 64);
    let mut total: u64 = 0;
    out.push_str("{\n \"deployments\": [");
    for i in 0..records {
        let costs: Vec<u64> = ELASTIC_DIMENSIONS
            .iter()
            .map(|d| match *d {
                "capacity" => 100_000 + rng.below(8_000_000),
                "data_in" => 0,
                _ => rng.below(400_000),
            })
            .collect();
        let sum: u64 = costs.iter().sum();
        total += sum;
        let dims: Vec<String> = ELASTIC_DIMENSIONS.iter().zip(&costs).map(|(d, c)| format!("{{\"type\": \"{d}\", \"cost\": {}}}", fixed(*c, 4))).collect();
        let _ = write!(
            out,
            "{}\n  {{\"deployment_id\": \"{:016x}{:016x}\", \"deployment_name\": \"search-{i}\", \"costs\": {{\"total\": {}, \"dimensions\": [{}]}}, \"hourly_rate\": {}, \"period\": {{\"start\": \"{}\", \"end\": \"{}\"}}}}",
            if i == 0 { "" } else { "," },
            rng.next_u64(),
            rng.next_u64(),
            fixed(sum, 4),
            dims.join(", "),
            fixed(5000 + rng.below(30_000), 4),
            ts(from),
            ts(to)
        );
    }
    let _ = write!(out, "\n ],\n \"total_cost\": {}\n}}\n", fixed(total, 4));
    out
}

const CU_NODES: [(&str, &str); 8] = [
    ("cronjob", "trigger"),
    ("webhook", "trigger"),
    ("evm-log", "trigger"),
    ("db-query", "action"),
    ("if-else", "action"),
    ("code-transform", "action"),
    ("send-webhook", "action"),
    ("place-order", "action"),
];

/// A CU body for `month` with about `records` breakdown rows, up to `as_of`.
pub fn cu(records: usize, month: Month, as_of: DateTime<Utc>, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let days: Vec<_> = month.days().filter(|d| crate::time::day_start(*d) < as_of).collect();
    let per_day = records.div_ceil(days.len().max(1)).max(1);
    let mut out = String::with_capacity(records * 90 + 256);
    let mut used_total: u64 = 0;
    let _ = write!(out, "{{\n \"code\": 0,\n \"message\": \"success\",\n \"requestId\": \"req_{:08x}\",\n \"data\": {{\n  \"yearMonth\": \"{month}\",\n  \"daily\": [", rng.next_u64() as u32);
    for (i, day) in days.iter().enumerate() {
        let mut rows = Vec::with_capacity(per_day);
        let mut used: u64 = 0;
        for _ in 0..per_day {
            let (node, class) = CU_NODES[rng.below(CU_NODES.len() as u64) as usize];
            let cu = rng.below(20_000);
            used += cu;
            rows.push(format!("{{\"count\": {}, \"cu\": {}, \"nodeType\": \"{node}\", \"type\": \"{class}\"}}", 1 + rng.below(500), fixed(cu, 2)));
        }
        used_total += used;
        let _ = write!(out, "{}\n   {{\"date\": \"{day}\", \"used\": {}, \"breakdown\": [{}]}}", if i == 0 { "" } else { "," }, fixed(used, 2), rows.join(", "));
    }
    let deposited = used_total * 2 + 100_000;
    let _ = write!(
        out,
        "\n  ],\n  \"summary\": {{\"deposited\": {}, \"granted\": 500.00, \"used\": {}}}\n }}\n}}\n",
        fixed(deposited, 2),
        fixed(used_total, 2)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{price, read_usage, summarize, Context, Source};

    fn nov() -> Month {
        Month::parse("2026-11").unwrap()
    }

    fn as_of() -> DateTime<Utc> {
        crate::parse_timestamp("2026-11-23T12:00:00Z").unwrap()
    }

    #[test]
    fn generated_bodies_parse_as_their_provider_with_the_asked_size() {
        let a = read_usage(aether(500, nov(), 1).as_bytes(), None).unwrap();
        assert_eq!(a.source, Source::Aether);
        assert_eq!(a.charges.iter().filter(|c| c.category == crate::Category::Usage).map(|c| c.records).sum::<u32>(), 500);
        let h = read_usage(hyperstack(40, nov(), as_of(), 2).as_bytes(), None).unwrap();
        assert_eq!((h.source, h.charges.len()), (Source::Hyperstack, 40));
        let e = read_usage(elastic(6, nov().start(), as_of(), 3).as_bytes(), None).unwrap();
        assert_eq!((e.source, e.charges.len()), (Source::Elastic, 36));
        let c = read_usage(cu(220, nov(), as_of(), 4).as_bytes(), None).unwrap();
        assert_eq!(c.source, Source::Cu);
        assert!(c.warnings.is_empty(), "generated CU days add up: {:?}", c.warnings);
    }

    #[test]
    fn the_same_seed_gives_the_same_body_and_reported_totals_match() {
        assert_eq!(elastic(3, nov().start(), as_of(), 9), elastic(3, nov().start(), as_of(), 9));
        let body = hyperstack(30, nov(), as_of(), 5);
        let u = read_usage(body.as_bytes(), None).unwrap();
        let ctx = Context { as_of: as_of(), range: None };
        let s = summarize(&price(&[&u], None, ctx).unwrap()).unwrap();
        assert_eq!(s.difference.unwrap().to_string(), "0.00");
    }
}
