//! The field path (`items[3].quantity`) at the place a JSON reader stopped.
//!
//! Errors name their field by path. Tracking the path while reading (as `serde_path_to_error`
//! does) wraps every deserializer in a second, tracking one: it costs on every value read and
//! doubles the reading code in the wasm. Errors are rare, and serde_json says where it stopped
//! (line and column), so the path is found afterwards instead: by walking the text up to that
//! place, keeping a stack of the objects and arrays it is inside.
//!
//! Paths read as `serde_path_to_error` printed them, which users and tests know: keys joined by
//! `.`, array indices in brackets, the root as an empty path.

/// Where serde_json stopped, as a byte offset into `text` (its columns count bytes). `None` when
/// the error has no position.
pub(crate) fn offset_of(text: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..line {
        start += text.get(start..)?.iter().position(|b| *b == b'\n')? + 1;
    }
    Some((start + column).min(text.len()))
}

/// One object or array the reader is inside, with how far into it the reader is.
enum Frame {
    /// Where the key read last is (quotes included), once it is complete (a value for it may be
    /// under way, or done). Only the keys on the final path are unescaped, at the end.
    Object { key: Option<std::ops::Range<usize>> },
    /// The index of the element under way, if one has started, and whether the last element
    /// begun is an object or array.
    Array { index: usize, started: bool, holds_containers: bool },
}

/// What an error complains of, as far as placing it goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Complaint {
    /// "..., found an object".
    FoundAnObject,
    /// "..., found an array".
    FoundAnArray,
    /// An array has too few or too many elements (serde's "invalid length").
    Length,
    Other,
}

impl Complaint {
    /// From an error message as Tally words it ("expected a number, found an object").
    pub(crate) fn in_message(message: &str) -> Complaint {
        if message.ends_with("found an object") {
            Complaint::FoundAnObject
        } else if message.ends_with("found an array") {
            Complaint::FoundAnArray
        } else if message.starts_with("invalid length") {
            Complaint::Length
        } else {
            Complaint::Other
        }
    }
}

/// The path of the value that ends `end` bytes into `text`.
pub(crate) fn path_of_value_ending_at(text: &[u8], end: usize) -> String {
    render(text, &walk(&text[..end.min(text.len())]))
}

/// The path of the value serde_json was reading when it stopped `end` bytes into `text` (as its
/// error's line and column say), given what the error complains of.
///
/// serde_json places an error where it stopped reading, which is not always at the value the error
/// is about; what it does is known, and undone here:
/// - It refuses an object or array where a string, number or literal belongs after looking at its
///   first byte, without consuming it.
/// - An error raised after a value was read (by a visitor of Tally's, or about an object serde
///   buffered whole) comes without a place; the innermost object or array being read gives it
///   one when it has finished: an array after reading on past the next comma, or past its `]`
///   when that was its last element; an object where it stopped (at a comma, or past its `}`).
pub(crate) fn path_where_reader_stopped(text: &[u8], end: usize, complaint: Complaint) -> String {
    let end = end.min(text.len());
    let consumed = text[..end].trim_ascii_end();
    if consumed.ends_with(b"]") && complaint != Complaint::Length {
        // Past the end of an array: the error is about its last element (or the array, if empty).
        return render(text, &walk(&consumed[..consumed.len() - 1]));
    }
    let mut stack = walk(&text[..end]);
    if let Some(Frame::Array { index, started: started @ false, holds_containers }) = stack.last_mut() {
        let next = text[end..].iter().find(|b| !b.is_ascii_whitespace());
        let refused_next = matches!((next, complaint), (Some(b'{'), Complaint::FoundAnObject) | (Some(b'['), Complaint::FoundAnArray));
        if refused_next && (*index == 0 || !*holds_containers) {
            // serde_json refuses an object or array where a string, number or literal belongs
            // after looking at its first byte, without consuming it: the element opening next is
            // the one the error is about. (An array refused before its first element, itself an
            // array, reads the same: the element is named.)
            *started = true;
        } else if *index > 0 {
            // An error raised after a value was read comes without a place, and the array around
            // it places it after reading on past the comma: it is about the element before. (An
            // array of objects does not refuse its next object; an array of scalars might.)
            *index -= 1;
            *started = true;
        }
    }
    render(text, &stack)
}

/// The frames open at the end of `prefix`, a prefix of a JSON text.
fn walk(prefix: &[u8]) -> Vec<Frame> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = prefix.get(i) {
        match b {
            b'{' | b'[' => {
                start_value(&mut stack, true);
                stack.push(if b == b'{' { Frame::Object { key: None } } else { Frame::Array { index: 0, started: false, holds_containers: false } });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index, started, .. }) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                let close = string_end(prefix, i);
                let is_key = matches!(stack.last(), Some(Frame::Object { key: None }));
                if is_key {
                    // A key counts once it is whole; until then the path is the object's.
                    if let (Some(close), Some(Frame::Object { key })) = (close, stack.last_mut()) {
                        *key = Some(i..close + 1);
                    }
                } else {
                    start_value(&mut stack, false);
                }
                let Some(close) = close else { break };
                i = close;
            }
            b if b.is_ascii_whitespace() || b == b':' => {}
            _ => start_value(&mut stack, false),
        }
        i += 1;
    }
    stack
}

/// A value begins: in an array, that is the element under way.
fn start_value(stack: &mut [Frame], is_container: bool) {
    if let Some(Frame::Array { started, holds_containers, .. }) = stack.last_mut() {
        *started = true;
        *holds_containers = is_container;
    }
}

/// The index of the quote closing the string that opens at `open`, if it is in `text`.
fn string_end(text: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        match text.get(i)? {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// A key's text, escapes resolved (a key that does not unescape is shown as written).
fn unescape(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned())
}

/// `path.field`, or `field` at the top level.
pub(crate) fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// The path of the frames open in `text`.
fn render(text: &[u8], stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&unescape(&text[key.clone()]));
            }
            Frame::Array { index, started: true, .. } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            _ => break,
        }
    }
    path
}

/// The reader a test hands to [`tracked_path`]: serde_json's, wrapped to track the path.
#[cfg(test)]
pub(crate) type Tracked<'t, 'de> = serde_path_to_error::Deserializer<'t, 't, &'t mut serde_json::Deserializer<serde_json::de::StrRead<'de>>>;

/// For tests: the path `serde_path_to_error` names where `read` refuses `text` with a data error
/// (how Tally named paths before this module), or `None` if `text` reads, is not JSON, or repeats
/// a key (a repeated key is now named at the key; it was at the object holding it).
#[cfg(test)]
pub(crate) fn tracked_path<'de>(text: &'de str, read: impl for<'t> FnOnce(Tracked<'t, 'de>) -> Result<(), serde_json::Error>) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let err = read(serde_path_to_error::Deserializer::new(&mut de, &mut track)).err()?;
    let is_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
    let path = track.path().to_string();
    let path = if path == "." { String::new() } else { path };
    // Tally names a missing field by its own path (see `Error::from_json`).
    let message = err.to_string();
    let path = match crate::error::missing_field(message.split(" at line ").next().unwrap_or_default()) {
        Some(field) => join(&path, field),
        None => path,
    };
    (err.is_data() && is_json && !message.starts_with("duplicate field")).then_some(path)
}

/// For tests: fails unless `read` refuses `text` naming the path `tracked` names (when it names one).
#[cfg(test)]
pub(crate) fn names_the_tracked_path<'de, T>(
    text: &'de str,
    tracked: impl for<'t> FnOnce(Tracked<'t, 'de>) -> Result<(), serde_json::Error>,
    read: impl FnOnce(&'de str) -> crate::Result<T>,
) -> Result<(), proptest::test_runner::TestCaseError> {
    if let Some(expected) = tracked_path(text, tracked) {
        let err = read(text).err();
        let found = err.as_ref().map(crate::Error::kind);
        proptest::prop_assert!(
            matches!(found, Some(crate::ErrorKind::Field { path, .. }) if *path == expected),
            "expected the path {expected:?}, found {found:?} in {text}"
        );
    }
    Ok(())
}

/// For tests: `text` with the value of its `nth` field (counting every `": "`, wrapping around)
/// replaced by `put`.
#[cfg(test)]
pub(crate) fn with_value_replaced(text: &str, nth: usize, put: &str) -> String {
    let starts: Vec<usize> = text.match_indices("\": ").map(|(i, _)| i + 3).collect();
    let start = starts[nth % starts.len()];
    let end = start + text[start..].find([',', '\n', '}']).unwrap_or(0);
    [&text[..start], put, &text[end..]].concat()
}

/// Values of every JSON shape, and strings no field of Tally's accepts, to put in place of others.
#[cfg(test)]
pub(crate) const WRONG_VALUES: [&str; 14] =
    ["\"x\"", "1", "-5", "null", "{}", "[]", "[1]", "{\"a\": 1}", "true", "\"2026-13-01\"", "\"1e999999\"", "1e99999", "[{}]", "[{\"up_to\": \"x\"}]"];

#[cfg(test)]
mod tests {
    use super::offset_of;

    /// The path an error names where serde_json stops reading `text` as `T`.
    fn path<T: serde::de::DeserializeOwned>(text: &str) -> String {
        let err = serde_json::from_str::<T>(text).err().expect("the text does not read");
        match crate::Error::from_json(text.as_bytes(), &err).kind() {
            crate::ErrorKind::Field { path, .. } => path.clone(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        quantity: u32,
        tags: Option<Vec<u32>>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        items: Vec<Item>,
    }

    #[test]
    fn names_the_value_of_the_wrong_type() {
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1}, {"quantity": "x"}]}"#), "items[1].quantity");
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1, "tags": [1, 2, "x"]}]}"#), "items[0].tags[2]");
        assert_eq!(path::<Body>("{\n  \"items\": [\n    {\"quantity\": {}}\n  ]\n}"), "items[0].quantity");
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1}, [1]]}"#), "items[1]");
        assert_eq!(path::<Body>(r#"{"items": 5}"#), "items");
        assert_eq!(path::<Body>(r#"[1]"#), "[0]", "a struct may be read from an array");
        assert_eq!(path::<Body>("5"), "");
    }

    #[test]
    fn names_the_missing_field_and_the_unknown_key() {
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1}, {"tags": null}]}"#), "items[1].quantity");
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1, "quantit\u0079y": 2}]}"#), "items[0].quantityy");
        assert_eq!(path::<Body>(r#"{"other": [{"x": "}]"}], "items": [{"qty": 1}]}"#), "items[0].qty");
    }

    #[test]
    fn has_no_place_without_a_position() {
        assert_eq!(offset_of(b"{}", 0, 0), None);
        assert_eq!(offset_of(b"{\"a\": 1}", 9, 9), None);
        assert_eq!(offset_of(b"{\n\"a\": 1}", 2, 3), Some(5));
    }
}
