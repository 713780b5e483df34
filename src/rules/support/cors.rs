//! Reading a CORS origin allowlist value (`CORS_ALLOWED_ORIGINS`) into its
//! entries, each with the span it was written at, and classifying an entry.
//! Shared by NET001 (wildcards) and NET003 (entries that are not exact
//! origins).

use crate::project::NamedValue;
use crate::span::Span;

/// Whether a variable holds a CORS origin allowlist. The checklist's name is
/// `CORS_ALLOWED_ORIGINS`; the common spellings of the same setting count too.
pub fn is_origins_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.ends_with("ALLOWED_ORIGINS")
        || upper.ends_with("CORS_ORIGINS")
        || upper.ends_with("CORS_ORIGIN")
}

/// One entry of an allowlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The entry as written between the separators (not trimmed).
    pub raw: &'a str,
    /// Where the entry is written; the whole value's span when the value's
    /// text cannot be mapped back onto the file (escapes, mixed quoting).
    pub span: Span,
    /// The value is a JSON array (`["https://a.example"]`): whitespace
    /// around entries is then syntax, not part of the entry.
    pub in_array: bool,
}

impl Entry<'_> {
    pub fn trimmed(&self) -> &str {
        let t = self.raw.trim();
        if self.in_array {
            t.strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(t)
        } else {
            t
        }
    }
}

/// Splits a value into its comma-separated entries. A value written as a
/// JSON array is read the same way, with brackets and quotes set aside.
pub fn entries<'a>(value: &'a str, value_span: Span) -> Vec<Entry<'a>> {
    // The value is unquoted and unescaped; its span covers it as written.
    // When the two differ by exactly one pair of quotes (or not at all), every
    // byte of the value sits at a known offset in the file.
    let base = if value_span.len() == value.len() {
        Some(value_span.start as usize)
    } else if value_span.len() == value.len() + 2 {
        Some(value_span.start as usize + 1)
    } else {
        None
    };

    let trimmed = value.trim();
    let (body, body_offset, in_array) =
        match trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(inner) => {
                let lead = value.len() - value.trim_start().len();
                (inner, lead + 1, true)
            }
            None => (value, 0, false),
        };

    let pieces: Vec<&str> = body.split(',').collect();
    let last = pieces.len().saturating_sub(1);
    let mut out = Vec::new();
    let mut offset = body_offset;
    for (index, raw) in pieces.into_iter().enumerate() {
        let span = match base {
            Some(b) => {
                let (mut start, mut end) = (b + offset, b + offset + raw.len());
                // An empty entry has no text of its own: point at the comma
                // that delimits it instead.
                if raw.trim().is_empty() {
                    if index > 0 {
                        start -= 1;
                    } else if index < last {
                        end += 1;
                    }
                }
                Span::new(start, end)
            }
            None => value_span,
        };
        out.push(Entry {
            raw,
            span,
            in_array,
        });
        offset += raw.len() + 1;
    }
    out
}

/// The span of an entry shrunk to its text without surrounding blanks, so
/// that a finding points at the origin rather than at the separator space.
pub fn trimmed_span(entry: &Entry<'_>) -> Span {
    if entry.span.len() != entry.raw.len() {
        return entry.span;
    }
    let lead = entry.raw.len() - entry.raw.trim_start().len();
    let core = entry.raw.trim().len();
    if core == 0 {
        return entry.span;
    }
    let start = entry.span.start as usize + lead;
    Span::new(start, start + core)
}

/// Whether an entry's text cannot be read because it holds an expansion
/// (`$ORIGINS`, `${{ vars.ORIGINS }}`) of a non-literal value.
pub fn is_unknown(value: &NamedValue<'_>, entry: &Entry<'_>) -> bool {
    !value.literal && (entry.raw.contains('$') || entry.raw.contains("${{"))
}

/// A loopback host as written in an origin (`localhost`, `*.localhost`,
/// `127.x.x.x`, `[::1]`).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|rest| {
            let parts: Vec<&str> = rest.split('.').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Why an entry (already known to hold no `*`) is not an exact origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Empty,
    Whitespace,
    NullOrigin,
    NoScheme,
    Credentials,
    TrailingSlash,
    Path,
    BadPort,
    DefaultPort,
    NotLowercase,
    InsecureHttp,
    LocalhostInProduction,
}

impl Problem {
    pub fn describe(self) -> &'static str {
        match self {
            Problem::Empty => "is an empty entry (a stray or doubled comma)",
            Problem::Whitespace => {
                "contains whitespace; it matches the browser's `Origin` header only if the Worker trims every entry"
            }
            Problem::NullOrigin => {
                "is `null`, the origin that sandboxed iframes and `file:` pages send: any site can produce it"
            }
            Problem::NoScheme => "has no scheme; an origin is `https://host[:port]`",
            Problem::Credentials => "contains `user@`; an origin never carries credentials",
            Problem::TrailingSlash => {
                "ends with `/`; the browser's `Origin` header never does, so it never matches"
            }
            Problem::Path => {
                "has a path, query or fragment; an origin is only `scheme://host[:port]`"
            }
            Problem::BadPort => "has a port that is not a number",
            Problem::DefaultPort => {
                "names the scheme's default port, which the browser leaves out of `Origin`"
            }
            Problem::NotLowercase => {
                "has upper-case letters; browsers send the scheme and host in lower case"
            }
            Problem::InsecureHttp => {
                "uses `http://` for a host other than localhost: the origin can be spoofed on the network"
            }
            Problem::LocalhostInProduction => {
                "allows a localhost origin in production scope: any page served from a visitor's own machine may call the API"
            }
        }
    }
}

/// Classifies one entry of an allowlist. `None` means it is an exact origin
/// (or holds a `*`, which is NET001's to report).
pub fn problem(entry: &Entry<'_>, production: bool) -> Option<Problem> {
    let text = entry.trimmed();
    if text.contains('*') {
        return None;
    }
    if text.is_empty() {
        return Some(Problem::Empty);
    }
    if text.chars().any(char::is_whitespace) {
        return Some(Problem::Whitespace);
    }
    if text.eq_ignore_ascii_case("null") {
        return Some(Problem::NullOrigin);
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Some(Problem::NoScheme);
    };
    if scheme.is_empty() {
        return Some(Problem::NoScheme);
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Some(Problem::Credentials);
    }
    if tail == "/" {
        return Some(Problem::TrailingSlash);
    }
    if !tail.is_empty() {
        return Some(Problem::Path);
    }
    let (host, port) = split_port(authority);
    if host.is_empty() {
        return Some(Problem::NoScheme);
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
            return Some(Problem::BadPort);
        }
        let scheme = scheme.to_ascii_lowercase();
        if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
            return Some(Problem::DefaultPort);
        }
    }
    if scheme.bytes().any(|b| b.is_ascii_uppercase())
        || host.bytes().any(|b| b.is_ascii_uppercase())
    {
        return Some(Problem::NotLowercase);
    }
    let loopback = is_loopback_host(host);
    if scheme == "http" && !loopback {
        return Some(Problem::InsecureHttp);
    }
    if loopback && production {
        return Some(Problem::LocalhostInProduction);
    }
    // Blanks around an otherwise exact origin are the mildest problem: many
    // Workers trim each entry. Anything that never matches is reported first.
    if !entry.in_array && text.len() != entry.raw.len() {
        return Some(Problem::Whitespace);
    }
    None
}

/// `host[:port]`, with IPv6 literals kept in their brackets.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let (host, rest) = authority.split_at(end + 1);
                (host, rest.strip_prefix(':'))
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Entry<'_> {
        Entry {
            raw: text,
            span: Span::new(0, text.len()),
            in_array: false,
        }
    }

    #[test]
    fn maps_entries_onto_quoted_and_bare_values() {
        // `"a,b"` written at offset 10 with quotes.
        let es = entries("https://a.example,https://b.example", Span::new(10, 47));
        assert_eq!(es.len(), 2);
        assert_eq!(es[0].span, Span::new(11, 28));
        assert_eq!(es[1].span, Span::new(29, 46));
        // Bare value: no quote offset.
        let es = entries("*,x", Span::new(4, 7));
        assert_eq!(es[0].span, Span::new(4, 5));
        assert_eq!(es[1].span, Span::new(6, 7));
        // Escapes: the whole value's span.
        let es = entries("a,b", Span::new(0, 9));
        assert!(es.iter().all(|e| e.span == Span::new(0, 9)));
        // An empty entry points at its comma.
        let es = entries("a,,b", Span::new(0, 4));
        assert_eq!(es[1].span, Span::new(1, 2));
        assert_eq!(trimmed_span(&es[1]), Span::new(1, 2));
        let es = entries(",a", Span::new(0, 2));
        assert_eq!(es[0].span, Span::new(0, 1));
    }

    #[test]
    fn reads_json_arrays() {
        let value = r#"["https://a.example", "*"]"#;
        let es = entries(value, Span::new(0, value.len()));
        let texts: Vec<_> = es.iter().map(Entry::trimmed).collect();
        assert_eq!(texts, ["https://a.example", "*"]);
        assert_eq!(&value[es[1].span.range()], r#" "*""#);
        assert_eq!(problem(&es[0], true), None);
    }

    #[test]
    fn trims_spans_to_the_entry() {
        let es = entries("https://a.example, https://b.example", Span::new(0, 36));
        assert_eq!(trimmed_span(&es[1]), Span::new(19, 36));
    }

    #[test]
    fn classifies_entries() {
        let p = |t: &str, prod: bool| problem(&entry(t), prod);
        assert_eq!(p("https://app.example.com", true), None);
        assert_eq!(p("https://app.example.com:8443", true), None);
        assert_eq!(p("http://localhost:4200", false), None);
        assert_eq!(p("http://127.0.0.1:8787", false), None);
        assert_eq!(p("http://[::1]:3000", false), None);
        assert_eq!(p("*", true), None);
        assert_eq!(p("https://*.example.com", true), None);
        assert_eq!(p("", true), Some(Problem::Empty));
        assert_eq!(p(" https://a.example", true), Some(Problem::Whitespace));
        assert_eq!(p(" https://a.example/", true), Some(Problem::TrailingSlash));
        assert_eq!(
            p("https://a.example https://b.example", true),
            Some(Problem::Whitespace)
        );
        assert_eq!(p("null", true), Some(Problem::NullOrigin));
        assert_eq!(p("app.example.com", true), Some(Problem::NoScheme));
        assert_eq!(
            p("https://app.example.com/", true),
            Some(Problem::TrailingSlash)
        );
        assert_eq!(p("https://app.example.com/api", true), Some(Problem::Path));
        assert_eq!(
            p("https://user@app.example.com", true),
            Some(Problem::Credentials)
        );
        assert_eq!(
            p("https://app.example.com:443", true),
            Some(Problem::DefaultPort)
        );
        assert_eq!(p("https://app.example.com:x", true), Some(Problem::BadPort));
        assert_eq!(
            p("https://App.example.com", true),
            Some(Problem::NotLowercase)
        );
        assert_eq!(
            p("http://app.example.com", false),
            Some(Problem::InsecureHttp)
        );
        assert_eq!(
            p("http://localhost:4200", true),
            Some(Problem::LocalhostInProduction)
        );
        assert_eq!(
            p("https://localhost", true),
            Some(Problem::LocalhostInProduction)
        );
    }

    #[test]
    fn knows_loopback_hosts() {
        assert!(is_loopback_host("localhost"));
        assert!(is_loopback_host("app.localhost"));
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("127.1.2.3"));
        assert!(is_loopback_host("[::1]"));
        assert!(!is_loopback_host("127.example.com"));
        assert!(!is_loopback_host("localhost.example.com"));
    }

    #[test]
    fn recognises_names() {
        assert!(is_origins_name("CORS_ALLOWED_ORIGINS"));
        assert!(is_origins_name("ALLOWED_ORIGINS"));
        assert!(!is_origins_name("CORS_MAX_AGE"));
    }
}
