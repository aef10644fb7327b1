//! The fast Aether reader against the general one: a body read both ways gives the same usage,
//! or an error both ways; and read in three pieces (as a file arrives, dropping what was read),
//! the same as whole, or asking for the whole body again. `"items"` spelled `"\u0069tems"` means
//! the same to JSON but makes the fast reader step aside, so the second read is the general
//! reader's alone. Bodies need not be UTF-8: the fast reader checks the text it reads itself.
#![no_main]
use libfuzzer_sys::fuzz_target;

const ITEMS: &[u8] = b"\"items\"";

fuzz_target!(|data: &[u8]| {
    let Some(at) = data.windows(ITEMS.len()).position(|w| w == ITEMS) else { return };
    let general = [&data[..at], b"\"\\u0069tems\"".as_slice(), &data[at + ITEMS.len()..]].concat();
    let (a, b) = (tally_core::read_usage(data, None), tally_core::read_usage(&general, None));
    let mut reader = tally_core::BodyReader::new(data.len());
    let mut from = 0;
    for cut in [data.len() / 3, data.len() * 2 / 3, data.len()] {
        reader.room(cut - from).copy_from_slice(&data[from..cut]);
        from = cut;
        reader.scan(&mut |_| {});
    }
    let pieces = reader.finish(None, &mut |_| {}).unwrap_or_else(|| tally_core::read_usage_generally(data, None, None, &mut |_| {}));
    assert_eq!(pieces.as_ref().map_err(ToString::to_string), a.as_ref().map_err(ToString::to_string), "read in pieces and whole differ");
    match (&a, &b) {
        (Ok(x), Ok(y)) => assert_eq!(x, y, "the two readers disagree"),
        (Err(_), Err(_)) => {}
        _ => panic!("one reader failed: fast {:?}, general {:?}", a.as_ref().err().map(ToString::to_string), b.as_ref().err().map(ToString::to_string)),
    }
});
