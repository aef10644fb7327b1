//! Readable tables for people (the JSON is for programs).

use std::fmt::Write;

use tally_core::{Breakdown, Comparison, Delta, Group, Summary};

fn groups(out: &mut String, title: &str, groups: &[Group], currency: &str) {
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    let width = groups.iter().map(|g| g.key.len()).max().unwrap_or(0).max(8);
    for g in groups {
        let _ = writeln!(out, "  {:<width$}  {:>14} {currency}", g.key, g.total.to_string());
    }
}

pub fn summary(s: &Summary) -> String {
    let mut out = String::new();
    let sources: Vec<&str> = s.sources.iter().map(|x| x.display_name()).collect();
    let _ = writeln!(out, "Sources:         {}", sources.join(", "));
    let _ = writeln!(out, "As of:           {}", s.as_of);
    let _ = writeln!(out, "Total:           {} {}", s.total, s.currency);
    match (&s.reported_total, &s.difference) {
        (Some(r), Some(d)) => {
            let _ = writeln!(out, "Reported total:  {r} {}  (difference {d})", s.currency);
        }
        _ => {
            let _ = writeln!(out, "Reported total:  not available");
        }
    }
    if let Some(f) = &s.forecast {
        let _ = writeln!(out, "Forecast {}:  {} {}", f.month, f.total, s.currency);
    }
    groups(&mut out, "By category", &s.by_category, &s.currency);
    groups(&mut out, "By resource type", &s.by_resource_type, &s.currency);
    groups(&mut out, "By month", &s.by_month, &s.currency);
    if !s.unpriced.is_empty() {
        let _ = writeln!(out, "\nUnpriced (no price in the price book, not in the total)");
        for u in &s.unpriced {
            let _ = writeln!(out, "  {} {}: {} {} in {} records", u.source, u.resource_type, u.quantity, u.unit, u.count);
        }
    }
    if s.excluded.count > 0 {
        let reported = s.excluded.reported_cost.map_or_else(|| "no rate into the display currency".to_string(), |r| format!("{r} {}", s.currency));
        let _ = writeln!(out, "\nExcluded from billing: {} resources (reported {reported})", s.excluded.count);
    }
    if let Some(c) = &s.credits {
        let _ = writeln!(out, "\nCredits: deposited {} + granted {} - used {} = remaining {} CU", c.deposited, c.granted, c.used, c.remaining);
    }
    for w in &s.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

pub fn breakdown(b: &Breakdown) -> String {
    let mut out = String::new();
    let header: Vec<&str> = b.by.iter().map(|d| d.id()).collect();
    let mut rows: Vec<Vec<String>> = b
        .rows
        .iter()
        .map(|r| r.values.iter().map(|v| v.as_deref().unwrap_or("-").to_string()).chain([r.total.to_string()]).collect())
        .collect();
    rows.insert(0, header.iter().map(|h| (*h).to_string()).chain(["total".to_string()]).collect());
    rows.push(std::iter::repeat_n(String::new(), b.by.len()).chain([b.total.to_string()]).collect());
    let widths: Vec<usize> = (0..=b.by.len()).map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0)).collect();
    for r in rows {
        let line: Vec<String> = r.iter().zip(&widths).enumerate().map(|(i, (c, w))| if i == b.by.len() { format!("{c:>w$}") } else { format!("{c:<w$}") }).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(out, "({})", b.currency);
    out
}

fn deltas(out: &mut String, title: &str, rows: &[Delta]) {
    let _ = writeln!(out, "\n{title}");
    let width = rows.iter().map(|d| d.key.len()).max().unwrap_or(0).max(8);
    let _ = writeln!(out, "  {:<width$}  {:>14}  {:>14}  {:>14}", "", "base", "scenario", "difference");
    for d in rows {
        let _ = writeln!(out, "  {:<width$}  {:>14}  {:>14}  {:>14}", d.key, d.base, d.scenario, d.difference);
    }
}

pub fn comparison(c: &Comparison) -> String {
    let mut out = String::new();
    if let Some(name) = &c.name {
        let _ = writeln!(out, "Scenario: {name}");
    }
    let _ = writeln!(out, "Base:       {} {}", c.base, c.currency);
    let _ = writeln!(out, "Scenario:   {} {}", c.scenario, c.currency);
    let _ = writeln!(out, "Difference: {} {}", c.difference, c.currency);
    deltas(&mut out, "By month", &c.by_month);
    deltas(&mut out, "By resource type", &c.by_resource_type);
    if c.unpriced_count > 0 {
        let _ = writeln!(out, "\nwarning: {} scenario records have no price and are not in the total", c.unpriced_count);
    }
    out
}
