//! The fast Aether reader against the general one: a body read both ways gives the same usage,
//! or an error both ways. `"items"` spelled `"\u0069tems"` means the same to JSON but makes the
//! fast reader step aside, so the second read is the general reader's alone.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if !text.contains("\"items\"") {
        return;
    }
    let general = text.replace("\"items\"", "\"\\u0069tems\"");
    let (a, b) = (tally_core::read_usage(text.as_bytes(), None), tally_core::read_usage(general.as_bytes(), None));
    match (&a, &b) {
        (Ok(x), Ok(y)) => assert_eq!(x, y, "the two readers disagree"),
        (Err(_), Err(_)) => {}
        _ => panic!("one reader failed: fast {:?}, general {:?}", a.as_ref().err().map(ToString::to_string), b.as_ref().err().map(ToString::to_string)),
    }
});
