//! Which provider a body is from, decided by its shape (SPEC 1: auto-detection decides by shape),
//! from the keys `tally_formats`' envelope reader saw.

use tally_formats::{Data, Envelope};

use crate::error::{Error, ErrorKind, Result};
use crate::model::Source;

/// Which providers this shape could come from.
fn candidates(e: &Envelope<'_>) -> Vec<Source> {
    let mut out = Vec::new();
    let cu_envelope = e.has("success") || (e.has("code") && (e.has("requestId") || matches!(e.data, Some(Data::Cu(_) | Data::Skipped { object: true }))));
    if ["items", "subscriptions", "total_eur", "period_start"].iter().any(|k| e.has(k))
        || (e.has("error") && !e.has("success"))
    {
        out.push(Source::Aether);
    }
    if e.has("status") {
        out.push(Source::Hyperstack);
    }
    if ["deployments", "total_cost", "errors"].iter().any(|k| e.has(k)) {
        out.push(Source::Elastic);
    }
    if cu_envelope {
        out.push(Source::Cu);
    }
    out
}

/// Decides the provider of a body read into `e`, honouring an explicit choice.
pub(super) fn detect(e: &Envelope<'_>, wanted: Option<Source>) -> Result<Source> {
    let candidates = candidates(e);
    match wanted {
        Some(source) if candidates.contains(&source) => Ok(source),
        Some(source) => Err(Error::new(ErrorKind::Shape(format!(
            "this is not {} body: expected {}; found {}",
            article(source),
            expected_shape(source),
            describe_keys(e)
        )))),
        None => match candidates.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::new(ErrorKind::Shape(format!(
                "unknown body: expected one of {}; found {}",
                Source::ALL.iter().map(|s| format!("{} {}", s.display_name(), expected_shape(*s))).collect::<Vec<_>>().join(", "),
                describe_keys(e)
            )))),
            many => Err(Error::new(ErrorKind::Shape(format!(
                "ambiguous body: it has keys of {}; choose the source explicitly",
                many.iter().map(|s| s.display_name()).collect::<Vec<_>>().join(" and ")
            )))),
        },
    }
}

fn describe_keys(e: &Envelope<'_>) -> String {
    let mut keys: Vec<String> = e.keys.iter().filter(|k| **k != "ignored").map(|k| (*k).to_string()).collect();
    keys.extend(e.other_keys.iter().cloned());
    if keys.is_empty() {
        "an object with no known keys".into()
    } else {
        format!("keys {}", keys.join(", "))
    }
}

fn article(source: Source) -> String {
    match source {
        Source::Aether | Source::Elastic => format!("an {}", source.display_name()),
        _ => format!("a {}", source.display_name()),
    }
}

fn expected_shape(source: Source) -> &'static str {
    match source {
        Source::Aether => "{items, subscriptions, total_eur}",
        Source::Hyperstack => "{status, message, data[]}",
        Source::Elastic => "{total_cost, deployments[]}",
        Source::Cu => "{code, message, requestId, data}",
    }
}
