//! `tally`: the same core as the browser app, on the command line (SPEC section 7).

mod args;
mod table;

use std::io::{Read, Write};
use std::process::ExitCode;

use args::{Args, UsageError};
use chrono::{DateTime, Utc};
use tally_core::{breakdown, estimate, focus_csv, generate, parse_timestamp, price, read_usage_at, summarize, Context, Dimension, Error, ErrorKind, Month, PriceBook, Scenario, Source, Usage};

/// What went wrong, and so which exit status: 2 for usage, 1 for input.
enum Failure {
    Usage(String),
    Input(String),
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e.0)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        if e.code() == "usage" {
            Failure::Usage(e.to_string())
        } else {
            Failure::Input(e.to_string())
        }
    }
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.is_empty() || raw.iter().any(|a| a == "--help" || a == "-h") || raw[0] == "help" {
        print!("{}", args::HELP);
        return if raw.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    match run(&raw) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`tally ... | head`) is not an error worth a panic.
            let _ = stdout.write_all(output.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}\n\nRun `tally --help` for usage.");
            ExitCode::from(2)
        }
        Err(Failure::Input(msg)) => {
            eprintln!("error: {}", msg.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}

fn run(raw: &[String]) -> Result<String, Failure> {
    let a = args::parse(raw)?;
    match a.command.as_str() {
        "summarize" => summarize_cmd(&a),
        "breakdown" => breakdown_cmd(&a),
        "estimate" => estimate_cmd(&a),
        "export" => export_cmd(&a),
        "generate" => generate_cmd(&a),
        other => Err(Failure::Usage(format!("unknown command \"{other}\""))),
    }
}

fn instant(flag: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, Failure> {
    text.map(|t| parse_timestamp(t).map_err(|m| Failure::Usage(format!("{flag}: {m}")))).transpose()
}

fn context(a: &Args) -> Result<Context, Failure> {
    let as_of = instant("--as-of", a.as_of.as_deref())?.unwrap_or_else(Utc::now);
    let range = match (instant("--from", a.from.as_deref())?, instant("--to", a.to.as_deref())?) {
        (Some(from), Some(to)) if from < to => Some((from, to)),
        (Some(_), Some(_)) => return Err(Failure::Usage("--from must be before --to".into())),
        (None, None) => None,
        _ => return Err(Failure::Usage("--from and --to go together".into())),
    };
    Ok(Context { as_of, range })
}

fn read_file(path: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let result = if path == "-" { std::io::stdin().read_to_end(&mut bytes).map(|_| ()) } else { std::fs::read(path).map(|b| bytes = b) };
    result.map_err(|e| Failure::Input(format!("{path}: cannot read: {e}")))?;
    Ok(bytes)
}

fn file_label(path: &str) -> String {
    if path == "-" {
        "stdin".into()
    } else {
        std::path::Path::new(path).file_name().map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
    }
}

fn load(a: &Args) -> Result<(Vec<Usage>, Option<PriceBook>, Context), Failure> {
    if a.files.is_empty() {
        return Err(Failure::Usage("no input file given".into()));
    }
    let source = match a.source.as_deref() {
        None | Some("auto") => None,
        Some(s) => Some(Source::from_id(s).ok_or_else(|| {
            Failure::Usage(format!("--source: unknown source \"{s}\": expected auto, aether, hyperstack, elastic or cu"))
        })?),
    };
    let ctx = context(a)?;
    let book = match &a.prices {
        Some(path) => Some(PriceBook::parse(&read_file(path)?).map_err(|e| e.in_file(file_label(path)))?),
        None => None,
    };
    let mut usages = Vec::with_capacity(a.files.len());
    for path in &a.files {
        let bytes = read_file(path)?;
        // Read for pricing at `as_of`, so the forecast counts usage so far exactly (`read_usage_at`).
        usages.push(read_usage_at(&bytes, source, ctx.as_of).map_err(|e| e.in_file(file_label(path)))?);
    }
    Ok((usages, book, ctx))
}

/// Names the input file an error found after reading comes from, where one can be told: the file
/// whose currency has no rate into the display currency; else the first file that fails the same
/// way on its own (`alone` runs the failed step over one file: an amount out of range), with that
/// file's own message, whose numbers are its own; else the only file. (An error from reading
/// names its file already.) Only a failed run pays for the second look.
fn blame(e: Error, a: &Args, usages: &[Usage], alone: impl Fn(&Usage) -> Option<Error>) -> Error {
    if e.file().is_some() {
        return e;
    }
    if let ErrorKind::Currency { other, .. } = e.kind() {
        if let Some((file, _)) = a.files.iter().zip(usages).find(|(_, u)| u.currency == other.as_str()) {
            return e.in_file(file_label(file));
        }
    }
    if let [only] = a.files.as_slice() {
        return e.in_file(file_label(only));
    }
    let own = a.files.iter().zip(usages).find_map(|(file, u)| alone(u).filter(|own| own.code() == e.code()).map(|own| own.in_file(file_label(file))));
    own.unwrap_or(e)
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn summarize_cmd(a: &Args) -> Result<String, Failure> {
    let (usages, book, ctx) = load(a)?;
    let refs: Vec<&Usage> = usages.iter().collect();
    let alone = |u: &Usage| price(&[u], book.as_ref(), ctx).and_then(|p| summarize(&p).map(drop)).err();
    let priced = price(&refs, book.as_ref(), ctx).map_err(|e| blame(e, a, &usages, alone))?;
    let summary = summarize(&priced).map_err(|e| blame(e, a, &usages, alone))?;
    Ok(if a.json { to_json(&summary) } else { table::summary(&summary) })
}

fn breakdown_cmd(a: &Args) -> Result<String, Failure> {
    let by = Dimension::parse_list(a.by.as_deref().ok_or_else(|| Failure::Usage("breakdown needs --by DIM,...".into()))?)?;
    if a.json && a.csv {
        return Err(Failure::Usage("choose one of --json and --csv".into()));
    }
    let (usages, book, ctx) = load(a)?;
    let refs: Vec<&Usage> = usages.iter().collect();
    let alone = |u: &Usage| price(&[u], book.as_ref(), ctx).and_then(|p| breakdown(&p, &by).map(drop)).err();
    let priced = price(&refs, book.as_ref(), ctx).map_err(|e| blame(e, a, &usages, alone))?;
    let b = breakdown(&priced, &by).map_err(|e| blame(e, a, &usages, alone))?;
    Ok(if a.json {
        to_json(&b)
    } else if a.csv {
        b.to_csv()
    } else {
        table::breakdown(&b)
    })
}

fn estimate_cmd(a: &Args) -> Result<String, Failure> {
    let path = a.scenario.as_deref().ok_or_else(|| Failure::Usage("estimate needs --scenario SCENARIO.json".into()))?;
    let scenario = Scenario::parse(&read_file(path)?).map_err(|e| e.in_file(file_label(path)))?;
    let (usages, book, ctx) = load(a)?;
    let refs: Vec<&Usage> = usages.iter().collect();
    let (_, _, comparison) = estimate(&scenario, &refs, book.as_ref(), ctx).map_err(|e| {
        // Whose problem is it? Pricing the usage as it is tells (only when something failed): its
        // own problems name its files, not the scenario's.
        match price(&refs, book.as_ref(), ctx) {
            Err(base) => blame(base, a, &usages, |u| price(&[u], book.as_ref(), ctx).err()),
            Ok(_) => e.in_file(file_label(path)),
        }
    })?;
    Ok(if a.json { to_json(&comparison) } else { table::comparison(&comparison) })
}

fn export_cmd(a: &Args) -> Result<String, Failure> {
    if !a.focus {
        return Err(Failure::Usage("export needs --focus (the only export format)".into()));
    }
    let (usages, book, ctx) = load(a)?;
    let refs: Vec<&Usage> = usages.iter().collect();
    let priced = price(&refs, book.as_ref(), ctx).map_err(|e| blame(e, a, &usages, |u| price(&[u], book.as_ref(), ctx).err()))?;
    Ok(focus_csv(&priced))
}

fn generate_cmd(a: &Args) -> Result<String, Failure> {
    let source = a.source.as_deref().and_then(Source::from_id).ok_or_else(|| Failure::Usage("generate needs --source aether|hyperstack|elastic|cu".into()))?;
    let records: usize = a
        .records
        .as_deref()
        .ok_or_else(|| Failure::Usage("generate needs --records N".into()))?
        .replace('_', "")
        .parse()
        .map_err(|_| Failure::Usage("--records: expected a whole number".into()))?;
    let seed: u64 = a.seed.as_deref().unwrap_or("1").parse().map_err(|_| Failure::Usage("--seed: expected a whole number".into()))?;
    let ctx = context(a)?;
    let month = Month::of(ctx.as_of);
    let body = match source {
        Source::Aether => {
            let book = match &a.prices {
                Some(path) => PriceBook::parse(&read_file(path)?).map_err(|e| e.in_file(file_label(path)))?,
                None => PriceBook::parse(include_bytes!("../../../fixtures/aether/prices.json"))?,
            };
            generate::aether_priced(records, month, month.end(), seed, &book)?
        }
        Source::Hyperstack => generate::hyperstack(records, month, ctx.as_of, seed),
        Source::Elastic => generate::elastic(records, month.start(), ctx.as_of.max(month.start()), seed),
        Source::Cu => generate::cu(records, month, ctx.as_of, seed),
    };
    match &a.out {
        Some(path) => {
            std::fs::write(path, body.as_bytes()).map_err(|e| Failure::Input(format!("{path}: cannot write: {e}")))?;
            Ok(String::new())
        }
        None => Ok(body),
    }
}
