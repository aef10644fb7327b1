//! One error type for the whole core, with a kind and the context a user needs to fix the input.
//!
//! Every message says *where* (the file, when known, and the JSON field path) and *what*:
//! `usage.json: items[3].quantity: expected a number, found "abc"`.

use std::fmt;

use crate::model::Source;

/// The result type of every fallible function in the core.
pub type Result<T> = std::result::Result<T, Error>;

/// An error from the core. Boxed so that `Result<T>` stays one pointer wide on the happy path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    file: Option<String>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not JSON (or not UTF-8). `line`/`column` are 1-based.
    Syntax {
        /// What the parser saw.
        message: String,
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
    },
    /// The JSON is well formed but a field has the wrong type, is missing or out of range.
    Field {
        /// Field path such as `items[3].quantity` (empty for the top level).
        path: String,
        /// What was wrong with it.
        message: String,
    },
    /// The body is a provider's own error response.
    Provider {
        /// Which provider sent it.
        source: Source,
        /// The provider's error code (`unauthenticated`, `costs.invalid_date_range`, `404`...).
        code: String,
        /// The provider's message.
        message: String,
    },
    /// The body's shape matches no provider, or matches a different one than was asked for.
    Shape(String),
    /// Two amounts in different currencies would be added and no exchange rate is known.
    Currency {
        /// The display currency.
        target: String,
        /// The currency with no rate into it.
        other: String,
    },
    /// A price book or scenario is invalid (path, message).
    Invalid {
        /// Path inside the document.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An amount grew past what a 96-bit decimal holds.
    Overflow(String),
    /// A command-line style usage problem (unknown dimension, bad option value).
    Usage(String),
}

impl Error {
    /// Builds an error of the given kind.
    pub fn new(kind: ErrorKind) -> Self {
        Error(Box::new(Inner { kind, file: None }))
    }

    /// Adds the name of the file (or sample, or URL) that the input came from.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.0.file = Some(file.into());
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The file name, if one was attached.
    pub fn file(&self) -> Option<&str> {
        self.0.file.as_deref()
    }

    /// A short stable code, for the JS API and tests (`syntax`, `field`, `provider`...).
    pub fn code(&self) -> &'static str {
        match self.kind() {
            ErrorKind::Syntax { .. } => "syntax",
            ErrorKind::Field { .. } => "field",
            ErrorKind::Provider { .. } => "provider",
            ErrorKind::Shape(_) => "shape",
            ErrorKind::Currency { .. } => "currency",
            ErrorKind::Invalid { .. } => "invalid",
            ErrorKind::Overflow(_) => "overflow",
            ErrorKind::Usage(_) => "usage",
        }
    }

    pub(crate) fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Field { path: path.into(), message: message.into() })
    }

    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Invalid { path: path.into(), message: message.into() })
    }

    pub(crate) fn overflow(what: impl Into<String>) -> Self {
        Error::new(ErrorKind::Overflow(what.into()))
    }

    pub(crate) fn usage(what: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage(what.into()))
    }

    /// Converts a serde_json failure reading `text` into a syntax error, or a field error at the
    /// path of the value where the reader stopped.
    pub(crate) fn from_json(text: &[u8], inner: &serde_json::Error) -> Self {
        let message = tidy_serde_message(inner);
        let refused_number_end = tally_formats::take_refused_number_end(text);
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            return Error::new(ErrorKind::Syntax { message, line: inner.line(), column: inner.column() });
        }
        // A number refused after it was read whole says itself where it ends (see `tally_formats`' `num`).
        let stopped = crate::json_path::offset_of(text, inner.line(), inner.column());
        let path = match (refused_number_end.filter(|end| stopped.is_none_or(|s| *end <= s)), stopped) {
            (Some(end), _) => crate::json_path::path_of_value_ending_at(text, end),
            (None, Some(end)) => crate::json_path::path_where_reader_stopped(text, end, crate::json_path::Complaint::in_message(&message)),
            (None, None) => String::new(),
        };
        match missing_field(&message) {
            Some(field) => Error::field(crate::json_path::join(&path, field), "required, but missing"),
            None => Error::field(path, message),
        }
    }
}

/// The field serde names in "missing field `quantity`". serde says it of the object the field is
/// missing from; the message names the field's own path (`items[3].quantity: required, but
/// missing`), as every other field error does.
pub(crate) fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// serde's messages read "invalid type: string \"abc\", expected a number at line 3 column 9";
/// users read "expected a number, found \"abc\"" better, and the path already says where.
fn tidy_serde_message(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let without_position = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = without_position.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                let found = found
                    .strip_prefix("string ")
                    .or_else(|| found.strip_prefix("integer "))
                    .or_else(|| found.strip_prefix("floating point "))
                    .unwrap_or(found)
                    .trim_matches('`');
                let found = found.strip_prefix("boolean ").unwrap_or(found).trim_matches('`');
                let found = match found {
                    "unit value" => "null",
                    "sequence" => "an array",
                    "map" => "an object",
                    other => other,
                };
                // Rust's integer type names mean nothing to someone editing a scenario.
                let expected = match expected {
                    "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)".to_string(),
                    "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
                    other => other.replace("a borrowed string", "a string"),
                };
                return format!("expected {expected}, found {found}");
            }
        }
    }
    without_position.replace("EOF while parsing", "the input ended while parsing")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.0.file {
            write!(f, "{file}: ")?;
        }
        match &self.0.kind {
            ErrorKind::Syntax { message, line, column } => {
                write!(f, "not valid JSON: {message} (line {line}, column {column})")
            }
            ErrorKind::Field { path, message } if path.is_empty() => write!(f, "{message}"),
            ErrorKind::Field { path, message } => write!(f, "{path}: {message}"),
            ErrorKind::Provider { source, code, message } => {
                write!(f, "{} API error {code}: {message}", source.display_name())
            }
            ErrorKind::Shape(message) => write!(f, "{message}"),
            ErrorKind::Currency { target, other } => write!(
                f,
                "cannot add {other} amounts to {target} amounts without an exchange rate; \
                 add \"fx\": {{\"{other}\": \"<rate>\"}} to a price book with \"currency\": \"{target}\""
            ),
            ErrorKind::Invalid { path, message } if path.is_empty() => write!(f, "{message}"),
            ErrorKind::Invalid { path, message } => write!(f, "{path}: {message}"),
            ErrorKind::Overflow(what) => write!(f, "number out of range: {what}"),
            ErrorKind::Usage(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for Error {}
