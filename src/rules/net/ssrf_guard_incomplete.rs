//! NET005 ssrf-guard-incomplete: the doc lives in rules/NET005.md.
//!
//! Guard functions are the named functions matching `ssrf_guard_pattern`.
//! Their coverage is read from the literals of the guard, its nested
//! callbacks, the module constants it references and the same-file
//! functions it calls (one level): strings, template chunks, regexes, and
//! octet numbers (`a === 10`). A guard with no range literal at all that
//! calls something else is taken to delegate (to `ipaddr.js` and the like)
//! and is not judged.

use crate::hashing::HashSet;

use compact_str::CompactString;

use crate::finding::Finding;
use crate::formats::js::{BUILTIN_CALLS, FunctionFacts, JsFacts, LiteralKind, Redirect, UrlSource};
use crate::project::callees::CalleeTest;
use crate::project::{Project, WorkerId};
use crate::rules::support::sources::skip_test_or_unreachable_file;
use crate::rules::support::ssrf::is_guarded;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "NET005",
    "ssrf-guard-incomplete",
    Warning,
    "an SSRF guard misses required address ranges, or the guarded fetch follows redirects",
    "block 10/8, 172.16/12, 192.168/16, 127/8, localhost, 169.254.169.254, ::1 and ::ffff: and fetch with `redirect: 'manual'`",
    reach = Runtime,
);

pub struct SsrfGuardIncomplete;

impl Rule for SsrfGuardIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::ssrf::is_guard_callee_in]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        // Names that some fetch's URL actually went through, by the Worker
        // of the fetch (a shared file's fetches count for every Worker).
        let used_as_guard: HashSet<(Option<WorkerId>, String)> = project
            .js_files()
            .flat_map(|(_, source, f)| {
                f.fetches.iter().flat_map(|x| &x.guards).map(move |g| {
                    (
                        source.worker,
                        g.value.rsplit('.').next().unwrap_or(&g.value),
                    )
                })
            })
            .map(|(worker, name)| (worker, name.to_string()))
            .collect();
        let used = |worker: Option<WorkerId>, name: &str| {
            used_as_guard.contains(&(None, name.to_string()))
                || match worker {
                    Some(_) => used_as_guard.contains(&(worker, name.to_string())),
                    None => used_as_guard.iter().any(|(_, n)| n == name),
                }
        };
        for (file, source, facts) in project.js_files() {
            if skip_test_or_unreachable_file(project, file) {
                continue;
            }
            for guard in facts.functions.iter().filter(|f| {
                f.id != crate::formats::js::MODULE_SCOPE
                    && f.name
                        .as_deref()
                        .is_some_and(|n| project.config.ssrf_guard_pattern.is_match(n))
            }) {
                // A guard nested in another guard is judged with its parent.
                if guard.parent.is_some_and(|p| {
                    facts.function(p).is_some_and(|pf| {
                        pf.name
                            .as_deref()
                            .is_some_and(|n| project.config.ssrf_guard_pattern.is_match(n))
                    })
                }) {
                    continue;
                }
                let evidence = Evidence::gather(facts, guard);
                let missing: Vec<&str> = RANGES
                    .iter()
                    .filter(|(_, covered)| !covered(&evidence))
                    .map(|(name, _)| *name)
                    .collect();
                let name = guard.name.as_deref().unwrap_or("guard");
                // A validator that covers no range at all is only judged when
                // it is plainly an SSRF guard or guards a fetch: a
                // `validateUrl` for a form field is not one.
                let covers_nothing = missing.len() == RANGES.len();
                let lower = name.to_ascii_lowercase();
                let plainly_guard =
                    lower.contains("ssrf") || lower.contains("public") || used(source.worker, name);
                if missing.is_empty() || (covers_nothing && (evidence.delegates || !plainly_guard))
                {
                    continue;
                }
                let span = guard.name_span.unwrap_or(guard.span);
                out.push(
                    Finding::new(&META, file, span)
                        .message(format!(
                            "SSRF guard `{name}` does not block {}",
                            missing.join(", ")
                        ))
                        .help(
                            "reject every private and special range: 10.0.0.0/8, 172.16.0.0/12, \
                             192.168.0.0/16, 127.0.0.0/8 and `localhost`, 169.254.0.0/16 (cloud metadata), \
                             `::1`, and IPv4-mapped IPv6 (`::ffff:`); also 0.0.0.0, 100.64.0.0/10, \
                             fc00::/7 and fe80::/10",
                        ),
                );
            }
            for fetch in &facts.fetches {
                if !matches!(fetch.url, UrlSource::RequestInput { .. })
                    || !is_guarded(project, facts, fetch)
                {
                    continue;
                }
                let span = match &fetch.redirect {
                    Redirect::Absent => fetch.span,
                    Redirect::Literal(v) if v.value.eq_ignore_ascii_case("follow") => v.span,
                    _ => continue,
                };
                out.push(
                    Finding::new(&META, file, span)
                        .message(
                            "this guarded `fetch` follows redirects: a public URL can redirect to an \
                             internal address the guard never sees",
                        )
                        .help(
                            "fetch with `redirect: 'manual'` (and guard each `Location` you choose to \
                             follow) or `redirect: 'error'`",
                        ),
                );
            }
        }
    }
}

/// What a guard's literals show.
struct Evidence {
    /// Lower-cased string/regex texts with backslashes removed.
    texts: Vec<String>,
    /// Number literals as written.
    numbers: HashSet<String>,
    /// The guard calls something that is not a string/number builtin.
    delegates: bool,
}

impl Evidence {
    fn gather(facts: &JsFacts, guard: &FunctionFacts) -> Evidence {
        let mut scopes: Vec<&FunctionFacts> = facts.function_and_nested(guard.id);
        // Same-file helpers it calls, one level.
        let called: Vec<&FunctionFacts> = scopes
            .iter()
            .flat_map(|f| &f.calls)
            .flat_map(|c| facts.functions_named(c.method()))
            .filter(|f| f.id != guard.id)
            .collect();
        let mut delegates = false;
        for f in &scopes {
            for c in &f.calls {
                let known = BUILTIN_CALLS.contains(&c.method())
                    || facts.functions_named(c.method()).next().is_some();
                delegates |= !known;
            }
        }
        for f in called {
            scopes.extend(facts.function_and_nested(f.id));
        }
        let mut texts = Vec::new();
        let mut numbers = HashSet::default();
        let mut add = |kind: LiteralKind, value: &str| match kind {
            LiteralKind::Number => {
                numbers.insert(value.to_string());
            }
            _ => texts.push(value.to_ascii_lowercase().replace('\\', "")),
        };
        for f in &scopes {
            for l in &f.literals {
                add(l.kind, &l.value);
            }
        }
        // Module constants the guard reads (`const PRIVATE = [/^10\./, ...]`).
        let referenced: HashSet<&str> = scopes
            .iter()
            .flat_map(|f| f.references.iter().map(CompactString::as_str))
            .collect();
        if let Some(module) = facts.function(crate::formats::js::MODULE_SCOPE) {
            for c in &facts.module_constants {
                let Some(init) = c.init_span else { continue };
                if !referenced.contains(c.name.as_str()) {
                    continue;
                }
                for l in &module.literals {
                    if init.start <= l.span.start && l.span.end <= init.end {
                        add(l.kind, &l.value);
                    }
                }
            }
        }
        Evidence {
            texts,
            numbers,
            delegates,
        }
    }

    fn any_text(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.texts.iter().any(|t| pred(t))
    }

    fn has_number(&self, n: &str) -> bool {
        self.numbers.contains(n)
    }
}

/// An octet at the start of a text or after a non-digit, followed by a dot
/// or the end of a regex alternative (`^10.`, `10.0.0.0/8`, `^(10|127).`).
fn has_octet_prefix(text: &str, octet: &str) -> bool {
    text.match_indices(octet).any(|(i, _)| {
        let before_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_digit() && c != '.');
        let after_ok = matches!(
            text[i + octet.len()..].chars().next(),
            Some('.' | '|' | ')')
        );
        before_ok && after_ok
    })
}

type Covered = fn(&Evidence) -> bool;

const RANGES: &[(&str, Covered)] = &[
    ("10.0.0.0/8", |e| {
        e.any_text(|t| has_octet_prefix(t, "10")) || e.has_number("10")
    }),
    ("172.16.0.0/12", |e| {
        e.any_text(|t| has_octet_prefix(t, "172"))
            || (e.has_number("172") && (e.has_number("16") || e.has_number("31")))
    }),
    ("192.168.0.0/16", |e| {
        e.any_text(|t| t.contains("192.168")) || (e.has_number("192") && e.has_number("168"))
    }),
    ("127.0.0.0/8 (not only 127.0.0.1)", |e| {
        e.any_text(|t| has_octet_prefix(&t.replace("127.0.0.1", ""), "127")) || e.has_number("127")
    }),
    ("localhost", |e| e.any_text(|t| t.contains("localhost"))),
    ("169.254.169.254 (cloud metadata)", |e| {
        e.any_text(|t| t.contains("169.254")) || (e.has_number("169") && e.has_number("254"))
    }),
    ("::1", |e| {
        e.any_text(|t| t.contains("::1") || t.contains("0:0:0:0:0:0:0:1"))
    }),
    ("IPv4-mapped IPv6 (::ffff:)", |e| {
        e.any_text(|t| t.contains("::ffff"))
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(texts: &[&str], numbers: &[&str]) -> Evidence {
        Evidence {
            texts: texts
                .iter()
                .map(|t| t.to_ascii_lowercase().replace('\\', ""))
                .collect(),
            numbers: numbers.iter().map(|n| n.to_string()).collect(),
            delegates: false,
        }
    }

    fn missing(e: &Evidence) -> Vec<&'static str> {
        RANGES
            .iter()
            .filter(|(_, c)| !c(e))
            .map(|(n, _)| *n)
            .collect()
    }

    #[test]
    fn octets() {
        assert!(has_octet_prefix("^10.", "10"));
        assert!(has_octet_prefix("^(10|127).", "127"));
        assert!(has_octet_prefix("10.0.0.0/8", "10"));
        assert!(!has_octet_prefix("192.168.10.1", "10"));
        assert!(!has_octet_prefix("110.", "10"));
    }

    #[test]
    fn loopback_needs_more_than_one_address() {
        let e = evidence(&["127.0.0.1"], &[]);
        assert!(missing(&e).contains(&"127.0.0.0/8 (not only 127.0.0.1)"));
        let e = evidence(&[r"^127\.", "::ffff:127.0.0.1"], &[]);
        assert!(!missing(&e).contains(&"127.0.0.0/8 (not only 127.0.0.1)"));
    }

    #[test]
    fn complete_regex_guard() {
        let e = evidence(
            &[
                r"^(10|127)\.",
                r"^172\.(1[6-9]|2\d|3[01])\.",
                r"^192\.168\.",
                r"^169\.254\.",
                "localhost",
                "::1",
                "::ffff:",
            ],
            &[],
        );
        assert!(missing(&e).is_empty());
    }

    #[test]
    fn octet_comparisons() {
        let e = evidence(
            &["localhost", "::1", "::ffff:"],
            &["10", "127", "172", "16", "31", "192", "168", "169", "254"],
        );
        assert!(missing(&e).is_empty());
    }
}
