//! Planning live fetches from the providers' APIs, and turning HTTP failures into messages a user
//! can act on (SPEC section 1). Pure: the app performs the requests; the rules live here, tested.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Period, Source, Usage};
use crate::sources::{read_usage, read_usage_with_progress};
use crate::time::Month;

/// One HTTP GET to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    /// Full URL. Never holds a credential.
    pub url: String,
    /// Header carrying the credential.
    pub header: &'static str,
    /// Prefix of the header value before the credential (`Bearer `, `ApiKey `, or none).
    pub scheme: &'static str,
    /// What this request covers, for progress and errors ("2026-10").
    pub label: String,
    /// The period asked for, when the request has one (Elastic), for bodies that omit it.
    pub range: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// What the user asked to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPlan {
    /// Provider.
    pub source: Source,
    /// API base URL (`https://api.elastic-cloud.com`).
    pub base_url: String,
    /// Organization id (not used by Hyperstack).
    pub org_id: String,
    /// First day (Elastic, CU), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (Elastic, CU), inclusive.
    pub to: Option<NaiveDate>,
}

/// The provider's documented API base.
pub fn default_base_url(source: Source) -> &'static str {
    match source {
        Source::Aether => "https://api.aetherplatform.cloud",
        Source::Hyperstack => "https://infrahub-api.nexgencloud.com",
        Source::Elastic => "https://api.elastic-cloud.com",
        Source::Cu => "https://api.example-workflows.com",
    }
}

/// Percent-encodes a path segment or query value.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// How many calendar months `from..=to` touches (0 when `to` is in an earlier month).
fn calendar_months(from: NaiveDate, to: NaiveDate) -> usize {
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    usize::try_from(index(to) - index(from) + 1).unwrap_or(0)
}

/// The calendar months of `from..=to`, at most [`MAX_MONTHS`] (the plan refuses longer periods).
fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<Month> {
    let mut out = Vec::new();
    let mut m = Month::of_day(from);
    let last = Month::of_day(to);
    while m <= last && out.len() < MAX_MONTHS {
        out.push(m);
        match m.next() {
            Some(n) => m = n,
            None => break,
        }
    }
    out
}

/// A field of the connect form that a [`FieldProblem`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanField {
    /// The API base URL.
    BaseUrl,
    /// The organization ID (every provider but Hyperstack).
    Organization,
    /// The period's end ("To"): where a period that ends too early or spans too long is shown.
    PeriodEnd,
}

impl PlanField {
    /// The field's name as the form labels it.
    pub fn label(self) -> &'static str {
        match self {
            PlanField::BaseUrl => "API base URL",
            PlanField::Organization => "Organization ID",
            PlanField::PeriodEnd => "Period",
        }
    }
}

/// One mistake on the connect form, in words meant to sit under the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Where the mistake is.
    pub field: PlanField,
    /// What to do about it, as a sentence.
    pub message: &'static str,
}

/// The most calendar months one fetch may span (ten years): one request per month for Elastic and
/// CU, so a mistyped year cannot start a thousand requests.
const MAX_MONTHS: usize = 120;

impl FetchPlan {
    /// The period asked for: empty dates mean this month so far.
    fn period(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        (self.from.unwrap_or_else(|| Month::of_day(today).first_day()), self.to.unwrap_or(today))
    }

    /// Every mistake on the form at once, in the form's order, so that one submit shows them all.
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut problem = |field, message| out.push(FieldProblem { field, message });
        let base = self.base_url.trim().trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.len() < 10 {
            problem(PlanField::BaseUrl, "Enter an address that starts with https:// or http://.");
        }
        let org = self.org_id.trim();
        if self.source != Source::Hyperstack && org.is_empty() {
            problem(PlanField::Organization, "Enter the organization ID.");
        } else if self.source == Source::Aether && !is_uuid(org) {
            problem(PlanField::Organization, "Aether organization IDs are UUIDs (8-4-4-4-12 hex digits).");
        }
        if matches!(self.source, Source::Elastic | Source::Cu) {
            let (from, to) = self.period(today);
            if to < from {
                problem(PlanField::PeriodEnd, "The end is before the start.");
            } else if calendar_months(from, to) > MAX_MONTHS {
                problem(PlanField::PeriodEnd, "At most ten years at a time.");
            }
        }
        out
    }

    /// The requests to make: one for Aether and Hyperstack; one per calendar month for Elastic
    /// (the provider refuses ranges over three months) and for CU (`yearMonth`).
    ///
    /// # Errors
    /// The form's first mistake (see [`FetchPlan::problems`]), named by the field's label.
    pub fn requests(&self, today: NaiveDate) -> Result<Vec<PlannedRequest>> {
        if let Some(p) = self.problems(today).first() {
            return Err(Error::invalid(p.field.label(), p.message));
        }
        let base = self.base_url.trim().trim_end_matches('/');
        let org = self.org_id.trim();
        let (from, to) = self.period(today);
        let org = encode(org);
        let req = |url: String, header, scheme, label: String, range| PlannedRequest { url, header, scheme, label, range };
        Ok(match self.source {
            Source::Aether => vec![req(format!("{base}/api/v1/organizations/{org}/billing/usage"), "Authorization", "Bearer ", "month to date".into(), None)],
            Source::Hyperstack => vec![req(format!("{base}/v1/billing/billing/usage"), "api_key", "", "all resources".into(), None)],
            Source::Elastic => {
                months_between(from, to)
                    .into_iter()
                    .map(|m| {
                        let start = m.start().max(crate::time::day_start(from));
                        let end = m.end().min(to.succ_opt().map_or(m.end(), crate::time::day_start));
                        let q = |t: DateTime<Utc>| encode(&crate::rfc3339(t));
                        req(
                            format!("{base}/api/v1/billing/costs/{org}/deployments?from={}&to={}", q(start), q(end)),
                            "Authorization",
                            "ApiKey ",
                            m.to_string(),
                            Some((start, end)),
                        )
                    })
                    .collect()
            }
            Source::Cu => months_between(from, to)
                .into_iter()
                .map(|m| req(format!("{base}/v1/organizations/{org}/cu/usage?yearMonth={m}"), "Authorization", "Bearer ", m.to_string(), None))
                .collect(),
        })
    }
}

/// Reads a fetched body; an Elastic deployment without a period gets the request's range.
///
/// # Errors
/// As [`read_usage`].
pub fn read_fetched(bytes: &[u8], request: &PlannedRequest, source: Source) -> Result<Usage> {
    read_fetched_range(bytes, request.range, source, None)
}

/// [`read_fetched`] given only the request's range (what travels to the app's engine worker), and
/// the instant it will be priced at, if known (see [`read_usage_at`](crate::read_usage_at)).
pub fn read_fetched_range(bytes: &[u8], range: Option<(DateTime<Utc>, DateTime<Utc>)>, source: Source, as_of: Option<DateTime<Utc>>) -> Result<Usage> {
    let mut usage = read_usage_with_progress(bytes, Some(source), as_of, &mut |_| {})?;
    if let Some((start, end)) = range {
        for c in &mut usage.charges {
            if c.period == Period::Unspecified {
                c.period = Period::Span { start, end };
            }
        }
        if usage.coverage == Some(Period::Unspecified) {
            usage.coverage = Some(Period::Span { start, end });
        }
    }
    Ok(usage)
}

/// Whether a status is worth retrying (rate limits and server errors).
pub fn is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// How long to wait before retry number `attempt` (0-based), honouring `Retry-After` (seconds, or an
/// HTTP date is treated as 5 s), capped at 30 s; `None` once `max_retries` are used up.
pub fn retry_delay_ms(attempt: u32, retry_after: Option<&str>, max_retries: u32) -> Option<u64> {
    if attempt >= max_retries {
        return None;
    }
    let asked = retry_after.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse::<u64>().map_or(5_000, |secs| secs.saturating_mul(1000)));
    Some(asked.unwrap_or_else(|| 500u64.saturating_mul(1 << attempt.min(10))).min(30_000))
}

/// A message for a failed HTTP answer: the provider's own error when the body is one, with what
/// the status means for the user. Never includes the credential.
pub fn http_error(source: Source, status: u16, body: &[u8], label: &str) -> Error {
    let provider = match read_usage(body, Some(source)) {
        Err(e) if matches!(e.kind(), ErrorKind::Provider { .. }) => Some(e.to_string()),
        _ => None,
    };
    let name = source.display_name();
    let hint = match status {
        401 => format!("{name} refused the credentials (HTTP 401): check the token"),
        403 => format!("{name} denied access (HTTP 403): the credentials are valid but may not see this organization"),
        404 => format!("{name} does not know this organization or address (HTTP 404): check the organization ID and base URL"),
        400 => format!("{name} rejected the request (HTTP 400)"),
        429 => format!("{name} is rate limiting requests (HTTP 429) and still was after retrying: wait a minute and try again"),
        s if s >= 500 => format!("{name} had a server error (HTTP {s}) and still did after retrying: try again later"),
        s => format!("{name} answered HTTP {s}"),
    };
    let text = match provider {
        Some(p) => format!("{hint}. {p}"),
        None if body.iter().all(u8::is_ascii_whitespace) => format!("{hint} (empty body)"),
        None => hint,
    };
    Error::new(ErrorKind::Shape(format!("{label}: {text}")))
}

/// Joins the bodies of one multi-request fetch (one provider, several months) into one usage.
/// Reported totals add up (when every part has one); CU credits are the latest month's balance,
/// with `used` summed.
pub fn merge(parts: Vec<Usage>) -> Option<Usage> {
    let mut iter = parts.into_iter();
    let mut out = iter.next()?;
    for u in iter {
        out.charges.extend(u.charges);
        out.reported_total = match (out.reported_total, u.reported_total) {
            (Some(a), Some(b)) => a.checked_add(b),
            _ => None,
        };
        out.credits = match (out.credits, u.credits) {
            (Some(a), Some(b)) => Some(crate::model::CreditBalance { used: a.used.checked_add(b.used).unwrap_or(b.used), ..b }),
            (a, b) => b.or(a),
        };
        out.coverage = match (out.coverage, u.coverage) {
            (Some(Period::Span { start: s1, end: e1 }), Some(Period::Span { start: s2, end: e2 })) => Some(Period::Span { start: s1.min(s2), end: e1.max(e2) }),
            (Some(Period::Month(a)), Some(Period::Month(b))) => Some(Period::Span { start: a.start().min(b.start()), end: a.end().max(b.end()) }),
            (Some(Period::Span { start, end }), Some(Period::Month(m))) | (Some(Period::Month(m)), Some(Period::Span { start, end })) => {
                Some(Period::Span { start: start.min(m.start()), end: end.max(m.end()) })
            }
            (a, b) => b.or(a),
        };
        out.warnings.extend(u.warnings);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plan(source: Source, from: Option<&str>, to: Option<&str>) -> FetchPlan {
        FetchPlan { source, base_url: "http://127.0.0.1:8081/x/".into(), org_id: "6513270e-269e-4d37-b2a7-4de452e6b438".into(), from: from.map(day), to: to.map(day) }
    }

    #[test]
    fn elastic_is_fetched_one_calendar_month_per_request() {
        let reqs = plan(Source::Elastic, Some("2026-08-15"), Some("2026-10-10")).requests(day("2026-11-23")).unwrap();
        assert_eq!(reqs.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["2026-08", "2026-09", "2026-10"]);
        assert_eq!(
            reqs[0].url,
            "http://127.0.0.1:8081/x/api/v1/billing/costs/6513270e-269e-4d37-b2a7-4de452e6b438/deployments?from=2026-08-15T00%3A00%3A00Z&to=2026-09-01T00%3A00%3A00Z"
        );
        assert!(reqs[2].url.ends_with("to=2026-10-11T00%3A00%3A00Z"), "the last day is included");
        assert_eq!((reqs[0].header, reqs[0].scheme), ("Authorization", "ApiKey "));
    }

    #[test]
    fn each_provider_uses_its_own_header_and_no_credential_in_the_url() {
        let today = day("2026-11-23");
        let a = plan(Source::Aether, None, None).requests(today).unwrap();
        assert_eq!((a.len(), a[0].header, a[0].scheme), (1, "Authorization", "Bearer "));
        let h = plan(Source::Hyperstack, None, None).requests(today).unwrap();
        assert_eq!((h[0].url.as_str(), h[0].header, h[0].scheme), ("http://127.0.0.1:8081/x/v1/billing/billing/usage", "api_key", ""));
        let c = plan(Source::Cu, Some("2026-10-01"), Some("2026-11-05")).requests(today).unwrap();
        assert_eq!(c.iter().map(|r| r.url.rsplit('=').next().unwrap()).collect::<Vec<_>>(), ["2026-10", "2026-11"]);
        let e = plan(Source::Elastic, None, None).requests(today).unwrap();
        assert_eq!(e.len(), 1, "Elastic defaults to the current month");
    }

    #[test]
    fn form_mistakes_are_named() {
        let today = day("2026-11-23");
        let mut p = plan(Source::Aether, None, None);
        p.org_id = "acme".into();
        assert_eq!(p.requests(today).unwrap_err().to_string(), "Organization ID: Aether organization IDs are UUIDs (8-4-4-4-12 hex digits).");
        p.base_url = "ftp://x".into();
        assert!(p.requests(today).unwrap_err().to_string().starts_with("API base URL: "), "the first mistake in the form's order");
        let p = plan(Source::Elastic, Some("2026-10-01"), Some("2026-09-01"));
        assert_eq!(p.requests(today).unwrap_err().to_string(), "Period: The end is before the start.");
    }

    #[test]
    fn every_mistake_on_the_form_is_reported_at_once() {
        let today = day("2026-11-23");
        let fields = |p: &FetchPlan| p.problems(today).iter().map(|p| p.field).collect::<Vec<_>>();
        let mut p = plan(Source::Elastic, Some("2026-10-01"), Some("2026-09-01"));
        p.base_url = "  ".into();
        p.org_id = " ".into();
        assert_eq!(fields(&p), [PlanField::BaseUrl, PlanField::Organization, PlanField::PeriodEnd]);
        assert!(fields(&plan(Source::Elastic, Some("2026-09-01"), Some("2026-09-01"))).is_empty(), "a one-day period is fine");
        let mut h = plan(Source::Hyperstack, Some("2026-10-01"), Some("2026-09-01"));
        h.org_id = String::new();
        assert!(fields(&h).is_empty(), "Hyperstack takes neither an organization nor a period");
    }

    #[test]
    fn a_period_over_ten_years_is_refused_not_cut_short() {
        let today = day("2026-11-23");
        let exactly_ten_years = plan(Source::Cu, Some("2016-12-01"), Some("2026-11-30"));
        assert_eq!(exactly_ten_years.requests(today).unwrap().len(), 120);
        for source in [Source::Cu, Source::Elastic] {
            let p = plan(source, Some("2016-11-30"), Some("2026-11-01"));
            let problems = p.problems(today);
            assert_eq!(problems, [FieldProblem { field: PlanField::PeriodEnd, message: "At most ten years at a time." }], "{source:?}");
        }
        assert_eq!(calendar_months(day("2026-11-01"), day("2026-10-31")), 0);
    }

    #[test]
    fn retries_honour_retry_after_then_back_off_and_stop() {
        assert_eq!(retry_delay_ms(0, Some("2"), 3), Some(2_000));
        assert_eq!(retry_delay_ms(0, None, 3), Some(500));
        assert_eq!(retry_delay_ms(2, None, 3), Some(2_000));
        assert_eq!(retry_delay_ms(1, Some("3600"), 3), Some(30_000));
        assert_eq!(retry_delay_ms(3, Some("1"), 3), None);
        assert!(is_retryable(429) && is_retryable(503) && !is_retryable(404));
    }

    #[test]
    fn http_errors_carry_the_providers_words() {
        let body = br#"{"errors": [{"code": "costs.invalid_date_range", "message": "bad range"}]}"#;
        let e = http_error(Source::Elastic, 400, body, "2026-10").to_string();
        assert_eq!(e, "2026-10: Elastic Cloud rejected the request (HTTP 400). Elastic Cloud API error costs.invalid_date_range: bad range");
        let e = http_error(Source::Hyperstack, 500, b"", "all resources").to_string();
        assert!(e.ends_with("(empty body)"), "{e}");
        let e = http_error(Source::Aether, 401, br#"{"error": {"code": "unauthenticated", "message": "no"}}"#, "month to date").to_string();
        assert!(e.contains("refused the credentials") && e.contains("unauthenticated"));
    }

    #[test]
    fn an_elastic_body_without_periods_gets_the_request_range() {
        let req = &plan(Source::Elastic, Some("2026-09-01"), Some("2026-09-30")).requests(day("2026-11-23")).unwrap()[0];
        let body = br#"{"total_cost": 1, "deployments": [{"deployment_id": "d", "costs": {"total": 1, "dimensions": []}}]}"#;
        let u = read_fetched(body, req, Source::Elastic).unwrap();
        assert_eq!(u.charges[0].period, Period::Span { start: Month::parse("2026-09").unwrap().start(), end: Month::parse("2026-10").unwrap().start() });
    }
}
