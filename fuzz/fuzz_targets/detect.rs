//! Auto-detection and every reader behind it, on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(usage) = tally_core::read_usage(data, None) {
        // Whatever is read must also summarize without a panic.
        let ctx = tally_core::Context { as_of: chrono_now(), range: None };
        if let Ok(priced) = tally_core::price(&[&usage], None, ctx) {
            let _ = tally_core::summarize(&priced);
        }
    }
});

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    tally_core::parse_timestamp("2026-11-23T12:00:00Z").unwrap_or_default()
}
