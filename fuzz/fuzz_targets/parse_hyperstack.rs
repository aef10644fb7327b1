//! The hyperstack reader on arbitrary bytes: an error or a usage, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tally_core::read_usage(data, Some(tally_core::Source::Hyperstack));
});
