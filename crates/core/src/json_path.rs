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
    /// The key read last, once it is complete (a value for it may be under way, or done).
    Object { key: Option<String> },
    /// The index of the element under way, if one has started.
    Array { index: usize, started: bool },
}

/// The path of the value the reader was in when it stopped `end` bytes into `text`: the innermost
/// value that contains or just ended at that place (`""` for the root). `refused_an_array` says
/// the error is about an array (its message reads "found an array").
pub(crate) fn path_before(text: &[u8], end: usize, refused_an_array: bool) -> String {
    let end = end.min(text.len());
    let mut stack = walk(&text[..end]);
    // serde_json refuses an array or object where a string, number or literal belongs after
    // looking at its first byte, without consuming it: an element that opens next is the one the
    // error is about. Unless the error is about an array and the element is an object: then the
    // array just opened was refused before its first element was read. (An array refused before
    // its first element, itself an array, reads the same as that element refused: the element is
    // named.)
    if let Some(Frame::Array { started, .. }) = stack.last_mut() {
        match text[end..].iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => *started = true,
            Some(b'{') if !refused_an_array => *started = true,
            _ => {}
        }
    }
    render(&stack)
}

/// The frames open at the end of `prefix`, a prefix of a JSON text.
fn walk(prefix: &[u8]) -> Vec<Frame> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&b) = prefix.get(i) {
        match b {
            b'{' | b'[' => {
                start_value(&mut stack);
                stack.push(if b == b'{' { Frame::Object { key: None } } else { Frame::Array { index: 0, started: false } });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index, started }) => {
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
                        *key = Some(unescape(&prefix[i..=close]));
                    }
                } else {
                    start_value(&mut stack);
                }
                let Some(close) = close else { break };
                i = close;
            }
            b if b.is_ascii_whitespace() || b == b':' => {}
            _ => start_value(&mut stack),
        }
        i += 1;
    }
    stack
}

/// A value begins: in an array, that is the element under way.
fn start_value(stack: &mut [Frame]) {
    if let Some(Frame::Array { started, .. }) = stack.last_mut() {
        *started = true;
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

fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index, started: true } => {
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
    (err.is_data() && is_json && !err.to_string().starts_with("duplicate field")).then(|| if path == "." { String::new() } else { path })
}

#[cfg(test)]
mod tests {
    use super::{offset_of, path_before};

    /// The path where serde_json stops reading `text` as `T`.
    fn path<T: serde::de::DeserializeOwned>(text: &str) -> String {
        let err = serde_json::from_str::<T>(text).err().expect("the text does not read");
        path_at(text.as_bytes(), err.line(), err.column())
    }

    fn path_at(text: &[u8], line: usize, column: usize) -> String {
        offset_of(text, line, column).map_or_else(String::new, |end| path_before(text, end, false))
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
    fn names_the_object_missing_a_field_and_the_unknown_key() {
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1}, {"tags": null}]}"#), "items[1]");
        assert_eq!(path::<Body>(r#"{"items": [{"quantity": 1, "quantit\u0079y": 2}]}"#), "items[0].quantityy");
        assert_eq!(path::<Body>(r#"{"other": [{"x": "}]"}], "items": [{"qty": 1}]}"#), "items[0].qty");
    }

    #[test]
    fn has_no_path_without_a_position() {
        assert_eq!(path_at(b"{}", 0, 0), "");
        assert_eq!(path_at(b"{\"a\": 1}", 9, 9), "");
    }
}
