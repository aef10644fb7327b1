//! Command-line arguments, parsed by hand: the surface is small and errors must say exactly what is wrong.

use std::fmt;

/// A usage error: exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Options shared by every command that reads usage files.
#[derive(Debug, Default)]
pub struct Args {
    pub command: String,
    pub files: Vec<String>,
    pub source: Option<String>,
    pub prices: Option<String>,
    pub as_of: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub scenario: Option<String>,
    pub json: bool,
    pub csv: bool,
    pub focus: bool,
    pub records: Option<String>,
    pub seed: Option<String>,
    pub out: Option<String>,
}

const VALUE_FLAGS: [&str; 10] = ["--source", "--prices", "--as-of", "--from", "--to", "--by", "--scenario", "--records", "--seed", "--out"];

pub fn parse(raw: &[String]) -> Result<Args, UsageError> {
    let mut it = raw.iter();
    let command = it.next().ok_or_else(|| UsageError("missing command".into()))?.clone();
    let mut a = Args { command, ..Args::default() };
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if VALUE_FLAGS.contains(&flag) {
            let value = match inline {
                Some(v) => v,
                None => it.next().cloned().ok_or_else(|| UsageError(format!("{flag} needs a value")))?,
            };
            let slot = match flag {
                "--source" => &mut a.source,
                "--prices" => &mut a.prices,
                "--as-of" => &mut a.as_of,
                "--from" => &mut a.from,
                "--to" => &mut a.to,
                "--by" => &mut a.by,
                "--scenario" => &mut a.scenario,
                "--records" => &mut a.records,
                "--seed" => &mut a.seed,
                _ => &mut a.out,
            };
            *slot = Some(value);
            continue;
        }
        match flag {
            "--json" => a.json = true,
            "--csv" => a.csv = true,
            "--focus" => a.focus = true,
            "-" => a.files.push(arg.clone()),
            f if f.starts_with('-') => return Err(UsageError(format!("unknown option {f}"))),
            _ => a.files.push(arg.clone()),
        }
    }
    Ok(a)
}

pub const HELP: &str = "\
tally: summarize cloud and SaaS usage and billing JSON, exactly

USAGE:
  tally summarize FILE... [--source auto|aether|hyperstack|elastic|cu] [--prices BOOK.json]
                          [--as-of RFC3339] [--from DATETIME --to DATETIME] [--json]
  tally breakdown FILE... --by DIM,DIM... [--json|--csv] (same options as summarize)
  tally estimate FILE... --scenario SCENARIO.json [--json] (same options as summarize)
  tally export FILE... --focus (same options as summarize): FOCUS CSV on stdout
  tally generate --source PROVIDER --records N [--seed S] [--out FILE]

Dimensions: month, day, source, category, resource_type, resource, cluster_id, node_pool_id,
deployment_id, node_type, charge_class.
Exit status: 0 success, 1 input error (one line on stderr naming file, field and problem), 2 usage error.
";
