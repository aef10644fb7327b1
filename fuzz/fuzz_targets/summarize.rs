//! The whole pipeline: a body and a price book from one input (split at the first 0xFF byte),
//! read, priced, summarized, broken down by every dimension and exported.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (body, book) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let Ok(usage) = tally_core::read_usage(body, None) else { return };
    let book = book.and_then(|b| tally_core::PriceBook::parse(b).ok());
    for as_of in ["2026-11-23T12:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
        let as_of = tally_core::parse_timestamp(as_of).unwrap_or_default();
        let Ok(priced) = tally_core::price(&[&usage], book.as_ref(), tally_core::Context { as_of, range: None }) else { continue };
        let _ = tally_core::summarize(&priced);
        let _ = tally_core::breakdown(&priced, &tally_core::Dimension::ALL);
        let _ = tally_core::focus_csv(&priced);
    }
});
