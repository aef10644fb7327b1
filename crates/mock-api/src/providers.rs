//! The four providers' endpoints, credentials and error bodies (SPEC section 1).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tally_core::generate;
use tally_core::{parse_timestamp, Month, PriceBook};

use crate::http::{Request, Response};

const AETHER_PRICES: &[u8] = include_bytes!("../../../fixtures/aether/prices.json");
const UNKNOWN_ORG: &str = "00000000-0000-0000-0000-000000000000";

/// Remembers, per `flaky-*` token and path, whether the last request failed.
#[derive(Default)]
pub struct State {
    failed_once: Mutex<HashMap<String, bool>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Provider {
    Aether,
    Hyperstack,
    Elastic,
    Cu,
}

fn error_body(p: Provider, status: u16, code: &str, message: &str) -> Response {
    let body = match p {
        Provider::Aether => format!(r#"{{"error": {{"code": "{code}", "message": "{message}"}}}}"#),
        Provider::Hyperstack if status == 500 => String::new(),
        Provider::Hyperstack => format!(r#"{{"status": false, "message": "{message}", "error_reason": "{code}"}}"#),
        Provider::Elastic => format!(r#"{{"errors": [{{"code": "{code}", "message": "{message}"}}]}}"#),
        Provider::Cu => format!(r#"{{"code": {status}, "message": "{message}", "requestId": "req_mock"}}"#),
    };
    let mut r = Response::json(status, body);
    if p == Provider::Elastic {
        r = r.with_header("x-cloud-error-codes", code);
    }
    r
}

/// The provider's error for an HTTP status, in its own words.
fn failure(p: Provider, status: u16) -> Response {
    let (code, message) = match (p, status) {
        (Provider::Elastic, 400) => ("costs.invalid_date_range", "Invalid date range specified"),
        (Provider::Elastic, 403) => ("organization.invalid_access", "The current user does not have access to the requested organization"),
        (Provider::Elastic, 404) => ("organization.not_found", "The organization was not found"),
        (Provider::Elastic, 500) => ("billing_service.failed_request", "The billing service failed to handle the request"),
        (_, 400) => ("invalid_argument", "The request is invalid"),
        (_, 401) => ("unauthenticated", "Missing or invalid credentials."),
        (_, 403) => ("forbidden", "You do not have access to this organization"),
        (_, 404) => ("not_found", "Organization not found."),
        (_, 429) => ("rate_limited", "Too many requests: the limit is 100 requests per minute."),
        _ => ("internal", "Internal error"),
    };
    let r = error_body(p, status, code, message);
    if status == 429 {
        r.with_header("retry-after", "1")
    } else {
        r
    }
}

/// Reads the provider's credential header.
fn credential(p: Provider, req: &Request) -> Option<String> {
    let value = match p {
        Provider::Hyperstack => req.headers.get("api_key").cloned(),
        Provider::Elastic => req.headers.get("authorization").and_then(|v| v.strip_prefix("ApiKey ")).map(str::to_string),
        Provider::Aether | Provider::Cu => req.headers.get("authorization").and_then(|v| v.strip_prefix("Bearer ")).map(str::to_string),
    };
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Applies the credential's requested behaviour; `None` means "go on and answer".
fn behaviour(state: &State, p: Provider, req: &Request) -> Option<Response> {
    let Some(token) = credential(p, req) else { return Some(failure(p, 401)) };
    if let Some(code) = token.strip_prefix("fail-").and_then(|c| c.parse::<u16>().ok()) {
        return Some(failure(p, code));
    }
    if let Some(code) = token.strip_prefix("flaky-").and_then(|c| c.parse::<u16>().ok()) {
        let key = format!("{token} {}", req.path);
        let mut seen = state.failed_once.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Alternates, so every first request fails and its retry succeeds, however often a test runs.
        let failed = seen.entry(key).or_insert(false);
        *failed = !*failed;
        if *failed {
            return Some(failure(p, code));
        }
    }
    if let Some(ms) = token.strip_prefix("slow-").and_then(|c| c.parse::<u64>().ok()) {
        std::thread::sleep(Duration::from_millis(ms.min(120_000)));
    }
    if token == "not-json" {
        return Some(Response { status: 200, headers: vec![("content-type".into(), "text/html".into())], body: b"<html><body>Gateway login</body></html>".to_vec() });
    }
    None
}

fn seed(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Routes a request to its provider.
pub fn route(state: &State, req: &Request) -> Response {
    let parts: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let p = match parts.first() {
        Some(&"aether") => Provider::Aether,
        Some(&"hyperstack") => Provider::Hyperstack,
        Some(&"elastic") => Provider::Elastic,
        Some(&"cu") => Provider::Cu,
        Some(&"health") => return Response::json(200, r#"{"ok": true}"#),
        _ => return Response::json(404, r#"{"error": "unknown path: try /aether, /hyperstack, /elastic or /cu"}"#),
    };
    if req.method != "GET" {
        return failure(p, 405);
    }
    if let Some(r) = behaviour(state, p, req) {
        return r;
    }
    match (p, &parts[1..]) {
        (Provider::Aether, ["api", "v1", "organizations", org, "billing", "usage"]) => aether(org),
        (Provider::Hyperstack, ["v1", "billing", "billing", "usage"]) => hyperstack(req),
        (Provider::Elastic, ["api", "v1", "billing", "costs", org, "deployments"]) => elastic(org, req),
        (Provider::Cu, ["v1", "organizations", org, "cu", "usage"]) => cu(org, req),
        _ => error_body(p, 404, "not_found", "No such endpoint"),
    }
}

fn aether(org: &str) -> Response {
    if org == UNKNOWN_ORG || org.len() != 36 {
        return failure(Provider::Aether, 404);
    }
    let as_of = now();
    let month = Month::of(as_of);
    let book = match PriceBook::parse(AETHER_PRICES) {
        Ok(b) => b,
        Err(e) => return Response::json(500, format!(r#"{{"error": {{"code": "internal", "message": "{e}"}}}}"#)),
    };
    match generate::aether_priced(1200, month, as_of, seed(org), &book) {
        Ok(body) => Response::json(200, body),
        Err(e) => Response::json(500, format!(r#"{{"error": {{"code": "internal", "message": "{e}"}}}}"#)),
    }
}

fn hyperstack(req: &Request) -> Response {
    let as_of = now();
    let key = req.headers.get("api_key").cloned().unwrap_or_default();
    Response::json(200, generate::hyperstack(40, Month::of(as_of), as_of, seed(&key)))
}

fn elastic(org: &str, req: &Request) -> Response {
    if org == UNKNOWN_ORG {
        return failure(Provider::Elastic, 404);
    }
    let as_of = now();
    let parse = |k: &str| req.query.get(k).map(|v| parse_timestamp(v));
    let from = match parse("from") {
        Some(Ok(t)) => t,
        Some(Err(_)) => return failure(Provider::Elastic, 400),
        None => Month::of(as_of).start(),
    };
    let to = match parse("to") {
        Some(Ok(t)) => t,
        Some(Err(_)) => return failure(Provider::Elastic, 400),
        None => as_of,
    };
    if from >= to || (to - from).num_days() > 92 {
        return error_body(Provider::Elastic, 400, "costs.invalid_date_range", "Invalid date range specified: 'from' must be before 'to' and the range at most three months");
    }
    Response::json(200, generate::elastic(6, from, to, seed(&format!("{org}{from}"))))
}

fn cu(org: &str, req: &Request) -> Response {
    if org == UNKNOWN_ORG {
        return failure(Provider::Cu, 404);
    }
    let as_of = now();
    let month = match req.query.get("yearMonth") {
        None => Month::of(as_of),
        Some(text) => match Month::parse(text) {
            Some(m) => m,
            None => return error_body(Provider::Cu, 400, "400", "invalid yearMonth: expected YYYY-MM"),
        },
    };
    Response::json(200, generate::cu(180, month, as_of, seed(&format!("{org}{month}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str, headers: &[(&str, &str)]) -> Response {
        let (path, q) = path.split_once('?').unwrap_or((path, ""));
        let query = q.split('&').filter(|p| !p.is_empty()).map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        });
        let req = Request {
            method: "GET".into(),
            path: path.into(),
            query: query.collect(),
            headers: headers.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect(),
        };
        route(&State::default(), &req)
    }

    fn read(r: &Response) -> Result<tally_core::Usage, tally_core::Error> {
        tally_core::read_usage(&r.body, None)
    }

    #[test]
    fn each_provider_answers_with_a_body_the_core_reads_as_that_provider() {
        let org = "6513270e-269e-4d37-b2a7-4de452e6b438";
        let a = get(&format!("/aether/api/v1/organizations/{org}/billing/usage"), &[("authorization", "Bearer t")]);
        assert_eq!(read(&a).unwrap().source, tally_core::Source::Aether);
        let h = get("/hyperstack/v1/billing/billing/usage", &[("api_key", "k")]);
        assert_eq!(read(&h).unwrap().source, tally_core::Source::Hyperstack);
        let e = get(&format!("/elastic/api/v1/billing/costs/{org}/deployments?from=2026-09-01T00:00:00Z&to=2026-10-01T00:00:00Z"), &[("authorization", "ApiKey k")]);
        assert_eq!(read(&e).unwrap().source, tally_core::Source::Elastic);
        let c = get(&format!("/cu/v1/organizations/{org}/cu/usage?yearMonth=2026-10"), &[("authorization", "Bearer t")]);
        assert_eq!(read(&c).unwrap().source, tally_core::Source::Cu);
    }

    #[test]
    fn the_wrong_header_is_a_401_in_the_providers_words() {
        let r = get("/hyperstack/v1/billing/billing/usage", &[("authorization", "Bearer t")]);
        assert_eq!(r.status, 401);
        assert_eq!(read(&r).unwrap_err().code(), "provider");
        let r = get("/elastic/api/v1/billing/costs/o/deployments", &[("authorization", "Bearer t")]);
        assert_eq!(r.status, 401, "Elastic wants ApiKey, not Bearer");
    }

    #[test]
    fn failures_on_demand_carry_the_providers_error_bodies() {
        let r = get("/elastic/api/v1/billing/costs/o/deployments?from=2026-10-01T00:00:00Z&to=2026-09-01T00:00:00Z", &[("authorization", "ApiKey k")]);
        assert_eq!(r.status, 400);
        assert!(read(&r).unwrap_err().to_string().contains("costs.invalid_date_range"));
        let r = get("/aether/api/v1/organizations/x/billing/usage", &[("authorization", "Bearer fail-429")]);
        assert_eq!(r.status, 429);
        assert!(r.headers.iter().any(|(k, v)| k == "retry-after" && v == "1"));
        let r = get("/hyperstack/v1/billing/billing/usage", &[("api_key", "fail-500")]);
        assert_eq!((r.status, r.body.len()), (500, 0), "Hyperstack's 500 may have an empty body");
        let r = get(&format!("/cu/v1/organizations/{UNKNOWN_ORG}/cu/usage"), &[("authorization", "Bearer t")]);
        assert_eq!(r.status, 404);
    }
}
