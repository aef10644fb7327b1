//! Which addresses a page may fetch from under its Content-Security-Policy (`connect-src`, else
//! `default-src`), so the connect form can say so before a request is made. The browser refuses a
//! fetch outside the policy with the same opaque network error as a server that is down; asked
//! first, the form can name the address and what the page allows instead.
//!
//! A subset of CSP 3's source matching: scheme sources (`https:`), host sources with `*.` host
//! and `:*` port wildcards and optional paths, `'self'`, `*` and `'none'`. Anything else
//! (nonces, hashes, keywords for scripts) allows nothing for a fetch and is ignored.

/// A URL's parts that source matching looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Address<'a> {
    scheme: String,
    host: String,
    port: Option<u16>,
    path: &'a str,
}

impl<'a> Address<'a> {
    /// Splits an absolute URL; `None` when it has no `scheme://host`.
    fn parse(url: &'a str) -> Option<Self> {
        let (scheme, rest) = url.trim().split_once("://")?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let (host, port) = split_port(authority)?;
        if scheme.is_empty() || host.is_empty() {
            return None;
        }
        let port = match port {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        };
        Some(Address { scheme: scheme.to_ascii_lowercase(), host: host.to_ascii_lowercase(), port, path: if path.is_empty() { "/" } else { path } })
    }

    /// The port, or the scheme's default.
    fn effective_port(&self) -> Option<u16> {
        self.port.or_else(|| default_port(&self.scheme))
    }

    /// How the address is named in a message: scheme, host and any explicit port.
    fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// `host[:port]` with IPv6 literals in brackets; the port text is not checked here.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, rest) = authority.split_at(close + 1);
        return Some((host, rest.strip_prefix(':')));
    }
    Some(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// A scheme in a source allows itself and its secure upgrade (CSP 3: `http:` allows `https:`).
fn scheme_allows(source: &str, url: &str) -> bool {
    source == url || (source == "http" && url == "https") || (source == "ws" && url == "wss")
}

/// The `connect-src` sources of a policy (`default-src` when there is none), or `None` when the
/// policy restricts nothing for fetches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectPolicy {
    sources: Option<Vec<String>>,
}

impl ConnectPolicy {
    /// Reads a policy's text (`directive value value; directive ...`). An empty text allows all.
    pub fn parse(policy: &str) -> Self {
        let mut default = None;
        let mut connect = None;
        for directive in policy.split(';') {
            let mut words = directive.split_ascii_whitespace();
            let Some(name) = words.next() else { continue };
            let values = || words.clone().map(str::to_string).collect::<Vec<_>>();
            // The first occurrence of a directive counts; later ones are ignored (CSP 3).
            match name.to_ascii_lowercase().as_str() {
                "connect-src" if connect.is_none() => connect = Some(values()),
                "default-src" if default.is_none() => default = Some(values()),
                _ => {}
            }
        }
        ConnectPolicy { sources: connect.or(default) }
    }

    /// Whether a page at `page_origin` (`https://portal.example.com`) may fetch `url`.
    pub fn allows(&self, url: &str, page_origin: &str) -> bool {
        let Some(sources) = &self.sources else { return true };
        let Some(target) = Address::parse(url) else { return false };
        let page = Address::parse(page_origin);
        sources.iter().any(|source| source_allows(source, &target, page.as_ref()))
    }

    /// The addresses the policy lets a page at `page_origin` fetch, as a user would type them
    /// (`'self'` becomes the page's own origin); `None` when it restricts nothing.
    pub fn allowed(&self, page_origin: &str) -> Option<Vec<String>> {
        let sources = self.sources.as_ref()?;
        let page = Address::parse(page_origin);
        // The page's own origin is listed only when no other source covers it already
        // (`http://127.0.0.1:*` beside a page at `http://127.0.0.1:8080`).
        let covered = |own: &Address<'_>| sources.iter().any(|s| !s.eq_ignore_ascii_case("'self'") && source_allows(s, own, Some(own)));
        Some(
            sources
                .iter()
                .filter_map(|s| match s.to_ascii_lowercase().as_str() {
                    "'self'" => page.as_ref().filter(|p| !covered(p)).map(Address::origin),
                    "'none'" => None,
                    other if other.starts_with('\'') => None,
                    _ => Some(s.clone()),
                })
                .collect(),
        )
    }

    /// A sentence for the connect form when `url` is outside the policy, else `None`.
    pub fn refusal(&self, url: &str, page_origin: &str) -> Option<String> {
        if self.allows(url, page_origin) {
            return None;
        }
        let allowed = self.allowed(page_origin).unwrap_or_default();
        let name = Address::parse(url).map_or_else(|| url.trim().to_string(), |a| a.origin());
        Some(if allowed.is_empty() {
            format!("This page may not connect to {name}, or to any other address (the site hosting Tally decides).")
        } else {
            format!("This page may not connect to {name}; the site hosting Tally allows only {}.", allowed.join(", "))
        })
    }
}

fn source_allows(source: &str, target: &Address<'_>, page: Option<&Address<'_>>) -> bool {
    let lower = source.to_ascii_lowercase();
    match lower.as_str() {
        "'self'" => page.is_some_and(|p| {
            scheme_allows(&p.scheme, &target.scheme) && p.host == target.host && (p.effective_port() == target.effective_port() || (p.scheme == "http" && target.scheme == "https" && target.port.is_none()))
        }),
        // `*` allows every network scheme (not data: or blob:, which a fetch form never uses).
        "*" => matches!(target.scheme.as_str(), "http" | "https" | "ws" | "wss"),
        s if s.starts_with('\'') => false,
        s if s.ends_with(':') && !s.contains('/') => scheme_allows(&s[..s.len() - 1], &target.scheme),
        s => host_source_allows(s, target, page),
    }
}

/// `[scheme://]host[:port][/path]`, lowercased.
fn host_source_allows(source: &str, target: &Address<'_>, page: Option<&Address<'_>>) -> bool {
    let (scheme, rest) = match source.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, source),
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let Some((host, port)) = split_port(authority) else { return false };
    let scheme_ok = match scheme {
        Some(s) => scheme_allows(s, &target.scheme),
        // No scheme: the page's own, or its upgrade.
        None => page.map_or(matches!(target.scheme.as_str(), "http" | "https"), |p| scheme_allows(&p.scheme, &target.scheme)),
    };
    let host_ok = match host.strip_prefix("*.") {
        Some(domain) => target.host.len() > domain.len() + 1 && target.host.ends_with(domain) && target.host[..target.host.len() - domain.len()].ends_with('.'),
        None => host == "*" || host == target.host,
    };
    let port_ok = match port {
        Some("*") => true,
        Some(p) => p.parse::<u16>().ok() == target.effective_port(),
        // No port: the scheme's default, or 443 for an http source upgraded to https.
        None => {
            let source_scheme = scheme.or(page.map(|p| p.scheme.as_str())).unwrap_or(&target.scheme);
            default_port(source_scheme) == target.effective_port() || target.effective_port() == default_port(&target.scheme)
        }
    };
    let path_ok = path.is_empty() || if path.ends_with('/') { target.path.starts_with(path) } else { target.path == path };
    scheme_ok && host_ok && port_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http://127.0.0.1:* http://localhost:* https://api.aetherplatform.cloud https://infrahub-api.nexgencloud.com https://api.elastic-cloud.com; img-src 'self' data:";
    const PAGE: &str = "https://tally.example.com";

    #[test]
    fn the_shipped_policy_allows_the_mock_and_the_providers() {
        let p = ConnectPolicy::parse(SHIPPED);
        assert!(p.allows("http://127.0.0.1:8081/aether", PAGE));
        assert!(p.allows("http://localhost:9000", PAGE));
        assert!(p.allows("https://api.aetherplatform.cloud", PAGE));
        assert!(p.allows("https://API.Elastic-Cloud.com/api/v1/billing", PAGE));
        assert!(p.allows("https://api.aetherplatform.cloud:443/x", PAGE));
        assert!(p.allows("https://tally.example.com/samples/x.json", PAGE), "'self'");
    }

    #[test]
    fn the_shipped_policy_refuses_other_hosts_ports_and_schemes() {
        let p = ConnectPolicy::parse(SHIPPED);
        assert!(!p.allows("https://api.example-workflows.com", PAGE));
        assert!(!p.allows("https://evil.aetherplatform.cloud", PAGE));
        assert!(!p.allows("https://api.aetherplatform.cloud:8443", PAGE));
        assert!(!p.allows("http://api.aetherplatform.cloud", PAGE), "https source does not allow http");
        assert!(!p.allows("https://127.0.0.2:8081", PAGE));
        assert!(!p.allows("https://tally.example.com:8443", PAGE), "'self' is the same port");
        assert!(!p.allows("not a url", PAGE));
    }

    #[test]
    fn connect_src_falls_back_to_default_src_and_to_nothing() {
        assert!(ConnectPolicy::parse("").allows("https://anything.test", PAGE));
        assert!(ConnectPolicy::parse("script-src 'self'").allows("https://anything.test", PAGE));
        let only_self = ConnectPolicy::parse("default-src 'self'");
        assert!(only_self.allows("https://tally.example.com/api", PAGE));
        assert!(!only_self.allows("https://api.elastic-cloud.com", PAGE));
        assert!(!ConnectPolicy::parse("connect-src 'none'").allows("https://tally.example.com", PAGE));
        // The first connect-src counts.
        let twice = ConnectPolicy::parse("connect-src https://a.test; connect-src https://b.test");
        assert!(twice.allows("https://a.test", PAGE) && !twice.allows("https://b.test", PAGE));
    }

    #[test]
    fn wildcards_schemes_and_paths() {
        let p = ConnectPolicy::parse("connect-src *.corp.test:* api.plain.test https://paths.test/v1/ https://exact.test/only");
        assert!(p.allows("https://billing.corp.test:8080", PAGE));
        assert!(!p.allows("http://billing.corp.test:8080", PAGE), "no scheme: the https page's own");
        assert!(!p.allows("https://corp.test", PAGE), "*. needs a subdomain");
        assert!(!p.allows("https://xcorp.test:1", PAGE));
        assert!(!p.allows("https://any.where", PAGE));
        assert!(ConnectPolicy::parse("connect-src https:").allows("https://any.where", PAGE), "scheme source https:");
        assert!(!ConnectPolicy::parse("connect-src https:").allows("http://any.where", PAGE));
        assert!(ConnectPolicy::parse("connect-src http:").allows("https://any.where", PAGE), "http: allows its upgrade");
        assert!(p.allows("https://api.plain.test", PAGE), "no scheme: the page's");
        assert!(p.allows("https://paths.test/v1/billing", PAGE) && !p.allows("https://paths.test/v2", PAGE));
        assert!(p.allows("https://exact.test/only", PAGE) && !p.allows("https://exact.test/only/more", PAGE));
        assert!(ConnectPolicy::parse("connect-src *").allows("http://x.test:1234", PAGE));
        assert!(ConnectPolicy::parse("connect-src [::1]:*").allows("https://[::1]:8081/x", PAGE));
        assert!(ConnectPolicy::parse("connect-src https://user.test").allows("https://me:pw@user.test/x", PAGE));
    }

    #[test]
    fn the_refusal_names_the_address_and_what_is_allowed() {
        let p = ConnectPolicy::parse(SHIPPED);
        assert_eq!(p.refusal("https://api.aetherplatform.cloud", PAGE), None);
        let said = p.refusal("https://billing.corp.test:8443/api/", PAGE).unwrap_or_default();
        assert!(said.starts_with("This page may not connect to https://billing.corp.test:8443; "), "{said}");
        assert!(said.contains("allows only https://tally.example.com, http://127.0.0.1:*, http://localhost:*, https://api.aetherplatform.cloud"), "{said}");
        let none = ConnectPolicy::parse("connect-src 'none'").refusal("https://x.test", PAGE).unwrap_or_default();
        assert!(none.contains("or to any other address"), "{none}");
        // The page's own origin is not listed beside a source that covers it.
        let local = p.refusal("https://x.test", "http://127.0.0.1:8080").unwrap_or_default();
        assert!(local.contains("allows only http://127.0.0.1:*, http://localhost:*,"), "{local}");
    }
}
