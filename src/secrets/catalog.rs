//! The credential-format catalog (`rules/secrets.toml`), matched with an
//! Aho-Corasick keyword prefilter so that most files cost one pass.
//!
//! A scan runs the prefilter over the text once. An entry's regex only runs
//! in windows around that entry's keyword hits (merged when they overlap),
//! so its cost is bounded by the text length however many hits there are.
//! A match that reaches the end of its window may be cut short, so the
//! window grows (geometrically) until the match ends inside it; a match that
//! starts at the very beginning of a window has lost its left context (`\b`)
//! and is ignored, which is safe because every real match starts after its
//! own window's start (see the invariants in `rules/secrets.toml`).

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::conn_url::ConnUrl;
use super::entropy;
use super::placeholder::{has_placeholder_marker, is_placeholder};
use crate::span::Span;

const SOURCE: &str = include_str!("../../rules/secrets.toml");

/// A match starts at most this many bytes before one of its keywords.
const LOOKBEHIND: usize = 256;
/// A match can be recognised within this many bytes after its keyword.
const LOOKAHEAD: usize = 512;
/// The least a window grows by when a match runs into its end.
const MIN_GROWTH: usize = 4096;

const KNOWN_FIELDS: &[&str] = &[
    "id",
    "description",
    "keywords",
    "regex",
    "secret_group",
    "min_entropy",
    "placeholder",
    "validate",
];

/// One credential found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialMatch {
    /// The catalog entry's id, e.g. `clerk-secret-key`.
    pub id: &'static str,
    /// Human description, e.g. `Clerk secret key`.
    pub description: &'static str,
    /// Span of the credential itself.
    pub span: Span,
    /// A hash of the credential's text: tells repeats of one value apart
    /// from other values once the text is gone (SEC003 reports a value once
    /// per file). Never shown.
    pub value_hash: u64,
}

/// [`CredentialMatch::value_hash`] of a credential's text.
pub fn value_hash(credential: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    credential.hash(&mut hasher);
    hasher.finish()
}

/// How an entry's credential is tested for being a placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PlaceholderCheck {
    /// The placeholder rule ([`crate::secrets::is_placeholder`]) on the credential.
    Value,
    /// Template markers only (long random bodies such as PEM).
    Markers,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Validate {
    None,
    /// A database URL with a host and a real password.
    ConnectionUrl,
    /// A JWT whose payload claims `"role": "service_role"`.
    ServiceRoleJwt,
}

/// When a catalog's regexes are compiled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compile {
    Now,
    Lazily,
}

struct Entry {
    id: &'static str,
    description: &'static str,
    /// Lowercase, as given to the prefilter.
    keywords: Vec<String>,
    /// Compiled on first use: most runs need few of the entries, and
    /// compiling them all is a noticeable share of a small run.
    regex: OnceLock<Regex>,
    pattern: String,
    secret_group: usize,
    min_entropy: Option<f64>,
    placeholder: PlaceholderCheck,
    validate: Validate,
}

impl Entry {
    fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // Only the built-in catalog compiles lazily, and its unit test
            // compiles every entry.
            Regex::new(&self.pattern)
                .unwrap_or_else(|e| panic!("rules/secrets.toml: {}: {e}", self.id))
        })
    }
}

pub struct Catalog {
    entries: Vec<Entry>,
    /// `None` only for a catalog without entries.
    prefilter: Option<Keywords>,
    /// For each prefilter pattern, the entries that listed it.
    pattern_entries: Vec<Vec<usize>>,
}

/// The search of one window hit the window's end before the text's.
struct Truncated;

/// Every entry's keywords (lowercase), as two automata.
struct Keywords {
    /// Finds each keyword in any case, overlapping ones included.
    overlapping: AhoCorasick,
    /// Tells whether lowercased text holds a keyword at all. Case-sensitive
    /// automata get a SIMD prefilter that case-insensitive ones do not, and
    /// most files hold no keyword: this answers them several times faster.
    gate: AhoCorasick,
    longest: usize,
}

impl Keywords {
    fn new(patterns: &[String]) -> Result<Keywords, String> {
        let overlapping = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(patterns)
            .map_err(|e| e.to_string())?;
        // Leftmost semantics are what enable the packed (SIMD) prefilter.
        let gate = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(patterns)
            .map_err(|e| e.to_string())?;
        Ok(Keywords {
            overlapping,
            gate,
            longest: patterns.iter().map(String::len).max().unwrap_or(0),
        })
    }

    /// Whether `text` holds some keyword, in any case. Lowercased a chunk at
    /// a time so a huge file costs no copy of itself; chunks overlap by a
    /// keyword's length so none is cut in two.
    fn any_in(&self, text: &[u8]) -> bool {
        const CHUNK: usize = 64 * 1024;
        let overlap = self.longest.saturating_sub(1);
        let mut lowered = Vec::with_capacity(text.len().min(CHUNK + overlap));
        let mut start = 0;
        loop {
            let end = (start + CHUNK + overlap).min(text.len());
            lowered.clear();
            lowered.extend(text[start..end].iter().map(u8::to_ascii_lowercase));
            if self.gate.is_match(lowered.as_slice()) {
                return true;
            }
            if end == text.len() {
                return false;
            }
            start += CHUNK;
        }
    }
}

impl Catalog {
    /// The built-in catalog, parsed once.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The source is compiled in and a unit test parses it (compiling
            // every regex), so this cannot fail on any input the tool reads.
            Catalog::parse_with(SOURCE, Compile::Lazily)
                .unwrap_or_else(|err| panic!("rules/secrets.toml: {err}"))
        })
    }

    /// Parses a catalog in the format of `rules/secrets.toml`. Ids and
    /// descriptions are leaked to give matches `'static` strings, which is
    /// meant for the built-in catalog (parsed once) and tests.
    pub fn parse(source: &str) -> Result<Catalog, String> {
        Catalog::parse_with(source, Compile::Now)
    }

    fn parse_with(source: &str, compile: Compile) -> Result<Catalog, String> {
        let doc: toml_edit::DocumentMut = source.parse().map_err(|e| format!("{e}"))?;
        let tables = doc
            .get("secret")
            .and_then(|item| item.as_array_of_tables())
            .ok_or("expected [[secret]] entries")?;

        let mut entries = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_entries: Vec<Vec<usize>> = Vec::new();
        for (n, table) in tables.iter().enumerate() {
            let field = |key: &str| table.get(key).and_then(|item| item.as_str());
            let id = field("id").ok_or(format!("entry {n}: missing id"))?;
            let context = |msg: &str| format!("{id}: {msg}");
            if let Some((key, _)) = table.iter().find(|(key, _)| !KNOWN_FIELDS.contains(key)) {
                return Err(context(&format!("unknown field `{key}`")));
            }
            if entries.iter().any(|e: &Entry| e.id == id) {
                return Err(context("duplicate id"));
            }
            let description = field("description").ok_or(context("missing description"))?;
            let pattern = field("regex").ok_or(context("missing regex"))?;
            let regex = OnceLock::new();
            if compile == Compile::Now {
                let compiled = Regex::new(pattern).map_err(|e| context(&e.to_string()))?;
                let _ = regex.set(compiled);
            }
            let secret_group = match table.get("secret_group") {
                None => 0,
                Some(item) => item
                    .as_integer()
                    .and_then(|g| usize::try_from(g).ok())
                    .filter(|g| regex.get().is_none_or(|r: &Regex| *g < r.captures_len()))
                    .ok_or(context("secret_group is not a group of the regex"))?,
            };
            let min_entropy = match table.get("min_entropy") {
                None => None,
                Some(item) => Some(
                    item.as_float()
                        .or_else(|| item.as_integer().map(|i| i as f64))
                        .ok_or(context("min_entropy must be a number"))?,
                ),
            };
            let placeholder = match field("placeholder") {
                None | Some("value") => PlaceholderCheck::Value,
                Some("markers") => PlaceholderCheck::Markers,
                Some(other) => return Err(context(&format!("unknown placeholder `{other}`"))),
            };
            let validate = match field("validate") {
                None => Validate::None,
                Some("connection-url") => Validate::ConnectionUrl,
                Some("service-role-jwt") => Validate::ServiceRoleJwt,
                Some(other) => return Err(context(&format!("unknown validate `{other}`"))),
            };

            let keywords = table
                .get("keywords")
                .and_then(|item| item.as_array())
                .ok_or(context("missing keywords"))?;
            if keywords.is_empty() {
                return Err(context("keywords is empty"));
            }
            let index = entries.len();
            let mut entry_keywords = Vec::new();
            for keyword in keywords.iter() {
                let keyword = keyword
                    .as_str()
                    .filter(|k| !k.is_empty())
                    .ok_or(context("keywords must be non-empty strings"))?
                    .to_ascii_lowercase();
                entry_keywords.push(keyword.clone());
                let pattern = match patterns.iter().position(|p| *p == keyword) {
                    Some(pattern) => pattern,
                    None => {
                        patterns.push(keyword);
                        pattern_entries.push(Vec::new());
                        patterns.len() - 1
                    }
                };
                if let Some(list) = pattern_entries.get_mut(pattern)
                    && !list.contains(&index)
                {
                    list.push(index);
                }
            }

            entries.push(Entry {
                id: Box::leak(id.to_string().into_boxed_str()),
                description: Box::leak(description.to_string().into_boxed_str()),
                keywords: entry_keywords,
                regex,
                pattern: pattern.to_string(),
                secret_group,
                min_entropy,
                placeholder,
                validate,
            });
        }

        let prefilter = if patterns.is_empty() {
            None
        } else {
            Some(Keywords::new(&patterns)?)
        };
        Ok(Catalog {
            entries,
            prefilter,
            pattern_entries,
        })
    }

    /// `(id, description)` of every entry, in catalog order.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.entries.iter().map(|e| (e.id, e.description))
    }

    /// The prefilter keywords of the entry `id` (lowercase).
    pub fn keywords(&self, id: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.keywords.as_slice())
    }

    /// Every non-placeholder credential in `text`, in text order, without
    /// overlaps (the longer match wins, then the earlier catalog entry).
    /// Spans cover the credential itself (a whole connection string for
    /// `database-url-password`); print them only through `redact`.
    pub fn scan(&self, text: &str) -> Vec<CredentialMatch> {
        let Some(prefilter) = &self.prefilter else {
            return Vec::new();
        };
        if !prefilter.any_in(text.as_bytes()) {
            return Vec::new();
        }
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.entries.len()];
        for hit in prefilter.overlapping.find_overlapping_iter(text) {
            let start = hit.start().saturating_sub(LOOKBEHIND);
            let end = hit.end().saturating_add(LOOKAHEAD).min(text.len());
            let Some(owners) = self.pattern_entries.get(hit.pattern().as_usize()) else {
                continue;
            };
            for &owner in owners {
                let Some(list) = windows.get_mut(owner) else {
                    continue;
                };
                match list.last_mut() {
                    Some(last) if start <= last.1 => {
                        last.0 = last.0.min(start);
                        last.1 = last.1.max(end);
                    }
                    _ => list.push((start, end)),
                }
            }
        }

        let mut found: Vec<(usize, CredentialMatch)> = Vec::new();
        for (entry, (index, list)) in self.entries.iter().zip(windows.iter().enumerate()) {
            scan_entry(entry, index, text, list, &mut found);
        }

        found.sort_by(|(ia, a), (ib, b)| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.span.end.cmp(&a.span.end))
                .then(ia.cmp(ib))
        });
        let mut kept: Vec<CredentialMatch> = Vec::with_capacity(found.len());
        for (_, m) in found {
            if kept.last().is_none_or(|last| m.span.start >= last.span.end) {
                kept.push(m);
            }
        }
        kept
    }

    /// Whether a whole value (already unquoted) is a credential of a known
    /// format; placeholders never are. Returns the first credential found
    /// in the value (`Bearer ghp_...` counts), with a span into `value`.
    pub fn match_value(&self, value: &str) -> Option<CredentialMatch> {
        if is_placeholder(value) {
            return None;
        }
        self.scan(value).into_iter().next()
    }
}

/// Runs one entry's regex over its merged windows, in text order.
fn scan_entry(
    entry: &Entry,
    index: usize,
    text: &str,
    windows: &[(usize, usize)],
    out: &mut Vec<(usize, CredentialMatch)>,
) {
    // Text before `done` has been searched already (a grown window can
    // swallow the windows after it).
    let mut done = 0;
    for &(start, end) in windows {
        let start = floor_boundary(text, start);
        let mut end = ceil_boundary(text, end);
        if end <= done {
            continue;
        }
        loop {
            match search_window(entry, text, start, end, done.max(start)) {
                Ok(matches) => {
                    out.extend(matches.into_iter().map(|m| (index, m)));
                    done = end;
                    break;
                }
                Err(Truncated) => {
                    let grown = end.saturating_add((end - start).max(MIN_GROWTH));
                    end = ceil_boundary(text, grown);
                }
            }
        }
    }
}

/// The accepted matches of `entry` starting in `text[from..end]`, searching
/// the slice `text[start..end]` so that `\b` sees real context after
/// `start`. `Err` when a match runs into `end` and the text goes on.
fn search_window(
    entry: &Entry,
    text: &str,
    start: usize,
    end: usize,
    from: usize,
) -> Result<Vec<CredentialMatch>, Truncated> {
    let hay = &text[start..end];
    let mut pos = from - start;
    let mut out = Vec::new();
    while pos <= hay.len() {
        let Some(caps) = entry.regex().captures_at(hay, pos) else {
            break;
        };
        let Some(whole) = caps.get(0) else {
            break;
        };
        if whole.end() == hay.len() && end < text.len() {
            return Err(Truncated);
        }
        if whole.start() == 0 && start > 0 {
            // Left context lost; look again one character further on.
            pos = next_boundary(hay, 0);
            continue;
        }
        let credential = caps.get(entry.secret_group).unwrap_or(whole);
        if let Some(m) = accept(
            entry,
            text,
            start + credential.start(),
            start + credential.end(),
        ) {
            out.push(m);
        }
        pos = if whole.end() > whole.start() {
            whole.end()
        } else {
            next_boundary(hay, whole.end())
        };
    }
    Ok(out)
}

/// Applies the entry's validation, placeholder and entropy checks to the
/// credential at `text[start..end]`.
fn accept(entry: &Entry, text: &str, start: usize, end: usize) -> Option<CredentialMatch> {
    let raw = text.get(start..end)?;
    let credential = match entry.validate {
        Validate::None => raw,
        Validate::ConnectionUrl => {
            let url = trim_url(raw);
            let parsed = ConnUrl::parse(url)?;
            if !parsed.is_database() || is_placeholder(raw) || is_placeholder(url) {
                return None;
            }
            url
        }
        Validate::ServiceRoleJwt => {
            if jwt_role(raw)? != "service_role" {
                return None;
            }
            raw
        }
    };
    let end = start + credential.len();
    let placeholder = match entry.placeholder {
        PlaceholderCheck::Value => {
            is_placeholder(credential) || {
                // `sk_live_abc...`: the regex stops before the ellipsis.
                let after = text.get(end..).unwrap_or("");
                after.starts_with("...") || after.starts_with('…')
            }
        }
        PlaceholderCheck::Markers => has_placeholder_marker(credential),
    };
    if placeholder {
        return None;
    }
    if entry
        .min_entropy
        .is_some_and(|min| entropy::shannon(credential) < min)
    {
        return None;
    }
    Some(CredentialMatch {
        id: entry.id,
        description: entry.description,
        span: Span::new(start, end),
        value_hash: value_hash(credential),
    })
}

/// The `role` claim of a JWT's payload, when it decodes (base64url, JSON)
/// and has one.
fn jwt_role(jwt: &str) -> Option<String> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Some(claims.get("role")?.as_str()?.to_string())
}

/// Drops punctuation that ends a sentence or closes a bracket opened before
/// the URL: `(see postgres://u:p@h/db).` keeps `postgres://u:p@h/db`.
fn trim_url(url: &str) -> &str {
    let count = |c: char| url.chars().filter(|x| *x == c).count();
    let mut unbalanced = [
        (')', count(')').saturating_sub(count('('))),
        (']', count(']').saturating_sub(count('['))),
        ('}', count('}').saturating_sub(count('{'))),
    ];
    let mut trimmed = url;
    while let Some(last) = trimmed.chars().next_back() {
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' => true,
            _ => match unbalanced.iter_mut().find(|(c, _)| *c == last) {
                Some((_, excess)) if *excess > 0 => {
                    *excess -= 1;
                    true
                }
                _ => false,
            },
        };
        if !drop {
            break;
        }
        trimmed = &trimmed[..trimmed.len() - last.len_utf8()];
    }
    trimmed
}

fn floor_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

/// The char boundary after the one at `index` (one past the end at the end).
fn next_boundary(text: &str, index: usize) -> usize {
    index
        + text
            .get(index..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic high-entropy text over `alphabet`, built at run time so
    /// that this file holds no key-shaped literal.
    fn noise(len: usize, seed: u64, alphabet: &str) -> String {
        let alphabet: Vec<char> = alphabet.chars().collect();
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[((state >> 33) % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789";
    const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWYZ234567";
    const HEX: &str = "0123456789abcdef";

    fn alnum(len: usize, seed: u64) -> String {
        noise(len, seed, ALNUM)
    }

    /// A signed-looking JWT whose payload claims `role`.
    fn jwt(role: &str, seed: u64) -> String {
        use base64::Engine;
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let header = encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = encode(&format!(
            r#"{{"iss":"supabase","ref":"{}","role":"{role}","iat":1700000000}}"#,
            alnum(20, seed)
        ));
        format!("{header}.{payload}.{}", alnum(43, seed + 1))
    }

    fn catalog() -> &'static Catalog {
        Catalog::builtin()
    }

    /// Scans `credential` embedded in a line and checks the one match.
    fn assert_found(id: &str, credential: &str) {
        let text = format!("config:\n  value = \"{credential}\" # end\n");
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 1, "{id}: {found:?}");
        assert_eq!(found[0].id, id);
        assert_eq!(&text[found[0].span.range()], credential, "{id}");
        assert_keyword_invariant(id, credential);
    }

    /// The invariant documented in rules/secrets.toml: a keyword occurs
    /// within the first LOOKBEHIND bytes of every match.
    fn assert_keyword_invariant(id: &str, matched: &str) {
        let entry = catalog()
            .entries
            .iter()
            .find(|e| e.id == id)
            .expect("entry");
        let lower = matched.to_ascii_lowercase();
        let ok = entry.keywords.iter().any(|k| {
            lower
                .find(k.as_str())
                .is_some_and(|at| at < LOOKBEHIND && at + k.len() <= lower.len())
        });
        assert!(ok, "{id}: no keyword near the start of the match");
    }

    fn assert_none(text: &str) {
        let found = catalog().scan(text);
        assert!(found.is_empty(), "{text:?}: {found:?}");
    }

    fn pem(kind: &str, lines: usize, seed: u64) -> String {
        let b64 = "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789+/";
        let body: Vec<String> = (0..lines)
            .map(|i| noise(64, seed + i as u64, b64))
            .collect();
        format!(
            "-----BEGIN {kind}PRIVATE KEY-----\n{}\n-----END {kind}PRIVATE KEY-----",
            body.join("\n")
        )
    }

    #[test]
    fn builtin_catalog_compiles_every_regex() {
        // The built-in catalog compiles lazily; this is where a bad regex or
        // secret group would show.
        let eager = Catalog::parse(SOURCE).expect("rules/secrets.toml");
        assert_eq!(eager.entries.len(), catalog().entries.len());
    }

    #[test]
    fn builtin_catalog_parses_with_expected_ids() {
        let ids: Vec<&str> = catalog().entries().map(|(id, _)| id).collect();
        for id in [
            "stripe-secret-key",
            "clerk-secret-key",
            "webhook-signing-secret",
            "neon-api-key",
            "sentry-dsn",
            "sentry-auth-token",
            "docker-hub-token",
            "github-token",
            "github-fine-grained-pat",
            "anthropic-api-key",
            "openai-api-key",
            "aws-access-key-id",
            "aws-secret-access-key",
            "slack-token",
            "slack-webhook-url",
            "private-key",
            "cloudflare-api-token",
            "google-api-key",
            "npm-token",
            "cloudflare-access-service-token",
            "turnstile-secret-key",
            "supabase-secret-key",
            "service-role-jwt",
            "database-url-password",
        ] {
            assert!(ids.contains(&id), "missing {id}");
        }
        assert!(catalog().entries().all(|(_, d)| !d.is_empty()));
    }

    #[test]
    fn finds_each_format() {
        let cases = [
            ("clerk-secret-key", format!("sk_live_{}", alnum(40, 1))),
            ("clerk-secret-key", format!("sk_test_{}", alnum(20, 2))),
            ("stripe-secret-key", format!("sk_live_51{}", alnum(97, 3))),
            ("stripe-secret-key", format!("rk_live_{}", alnum(24, 4))),
            (
                "webhook-signing-secret",
                format!("whsec_{}+/=", alnum(32, 5)),
            ),
            (
                "neon-api-key",
                format!(
                    "napi_{}",
                    noise(64, 6, "abcdefghijklmnopqrstuvwyz0123456789")
                ),
            ),
            ("sentry-auth-token", format!("sntrys_{}", alnum(64, 7))),
            (
                "docker-hub-token",
                format!("dckr_pat_{}-{}", alnum(12, 8), alnum(14, 9)),
            ),
            ("github-token", format!("ghp_{}", alnum(36, 10))),
            ("github-token", format!("ghs_{}", alnum(36, 11))),
            (
                "github-fine-grained-pat",
                format!("github_pat_{}_{}", alnum(22, 12), alnum(59, 13)),
            ),
            (
                "anthropic-api-key",
                format!("sk-ant-api03-{}-{}", alnum(80, 14), alnum(12, 15)),
            ),
            (
                "openai-api-key",
                format!("sk-proj-{}_{}", alnum(60, 16), alnum(40, 17)),
            ),
            (
                "openai-api-key",
                format!("sk-{}T3BlbkFJ{}", alnum(20, 18), alnum(20, 19)),
            ),
            (
                "aws-access-key-id",
                format!("AKIA{}", noise(16, 20, UPPER_DIGITS)),
            ),
            (
                "aws-access-key-id",
                format!("ASIA{}", noise(16, 21, UPPER_DIGITS)),
            ),
            (
                "slack-token",
                format!("xoxb-1234567890-9876543210-{}", alnum(24, 22)),
            ),
            (
                "slack-webhook-url",
                format!(
                    "https://hooks.slack.com/services/T{}/B{}/{}",
                    alnum(8, 23),
                    alnum(10, 24),
                    alnum(24, 25)
                ),
            ),
            (
                "cloudflare-api-token",
                format!("cfut_{}{}", alnum(40, 26), noise(8, 27, HEX)),
            ),
            ("cloudflare-api-token", format!("cfk_{}", alnum(44, 28))),
            ("cloudflare-api-token", format!("cfat_{}", alnum(48, 29))),
            (
                "google-api-key",
                format!("AIza{}-{}", alnum(20, 30), alnum(14, 31)),
            ),
            ("npm-token", format!("npm_{}", alnum(36, 32))),
            (
                "cloudflare-access-service-token",
                format!("cfast_{}", alnum(44, 36)),
            ),
            (
                "turnstile-secret-key",
                format!("0x4AAAAAAA{}", alnum(25, 37)),
            ),
            (
                "supabase-secret-key",
                format!("sb_secret_{}", alnum(32, 38)),
            ),
            ("service-role-jwt", jwt("service_role", 39)),
            ("private-key", pem("", 8, 33)),
            ("private-key", pem("RSA ", 20, 34)),
            ("private-key", pem("OPENSSH ", 6, 35)),
        ];
        for (id, credential) in &cases {
            assert_found(id, credential);
        }
    }

    #[test]
    fn finds_a_keyword_cut_by_the_gate_chunks_in_any_case() {
        // The gate lowercases 64 KiB chunks that overlap by a keyword's
        // length: a keyword straddling a chunk end must still be seen.
        let key = format!("AKIA{}", noise(16, 90, UPPER_DIGITS));
        for offset in [65_536 - 4, 65_536 - 2, 65_536, 2 * 65_536 - 3] {
            let text = format!("{}{key} tail", " ".repeat(offset));
            let found = catalog().scan(&text);
            assert_eq!(found.len(), 1, "keyword at {offset}");
            assert_eq!(found[0].span.start as usize, offset);
        }
    }

    #[test]
    fn credential_spans_of_grouped_and_url_formats() {
        let key = noise(32, 40, HEX);
        for host in [
            "o123456.ingest.sentry.io",
            "o123456.ingest.us.sentry.io",
            "sentry.io",
        ] {
            let text = format!("SENTRY_DSN=https://{key}@{host}/4504123\n");
            let found = catalog().scan(&text);
            assert_eq!(found.len(), 1, "{host}");
            assert_eq!(found[0].id, "sentry-dsn");
            assert_eq!(&text[found[0].span.range()], key);
            assert_keyword_invariant("sentry-dsn", &format!("https://{key}@{host}/4504123"));
        }

        let secret = alnum(40, 41);
        let text = format!("aws_secret_access_key = {secret}\n");
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].id, &text[found[0].span.range()]),
            ("aws-secret-access-key", secret.as_str())
        );

        let password = alnum(16, 42);
        for url in [
            format!(
                "postgresql://neondb_owner:{password}@ep-cool-1.us-east-2.aws.neon.tech/neondb?sslmode=require"
            ),
            format!("postgres://app:{password}@10.0.0.5:5432/app"),
            format!("POSTGRES://app:{password}@db.internal/app"),
            format!("postgresql+asyncpg://app:{password}@db.internal/app"),
            format!("mysql://root:{password}@db.internal:3306/app"),
            format!("mariadb://root:{password}@db.internal/app"),
            format!("postgres://app:p@{password}@[2001:db8::5]:5432/app"),
        ] {
            for (line, expected) in [
                (format!("DATABASE_URL={url}\n"), url.as_str()),
                (format!("see ({url}).\n"), url.as_str()),
                (format!("\"url\": \"{url}\",\n"), url.as_str()),
                (format!("jdbc:{url}\n"), url.as_str()),
            ] {
                let found = catalog().scan(&line);
                assert_eq!(found.len(), 1, "{line:?}");
                assert_eq!(found[0].id, "database-url-password");
                assert_eq!(&line[found[0].span.range()], expected);
            }
        }
    }

    #[test]
    fn placeholders_are_not_reported() {
        let real_password = alnum(16, 50);
        for text in [
            "sk_test_...".to_string(),
            "sk_test_xxx".to_string(),
            "CLERK_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".to_string(),
            format!("sk_live_{}...", alnum(24, 51)),
            format!("sk_live_{}…", alnum(24, 51)),
            format!("sk_live_{}EXAMPLE", alnum(24, 52)),
            format!("sk_live_{}", "a".repeat(30)),
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX".to_string(),
            format!("AKIA{}EXAMPLE", noise(9, 53, UPPER_DIGITS)),
            "AKIAAAAAAAAAAAAAAAAA".to_string(),
            "https://examplePublicKey@o0.ingest.sentry.io/0".to_string(),
            "postgresql://<user>:<password>@ep-xxx.us-east-2.aws.neon.tech/neondb".to_string(),
            "postgres://user:password@db.internal/app".to_string(),
            "postgres://user:pass@db.internal/app".to_string(),
            "postgres://user:secret@db.internal/app".to_string(),
            "postgres://user@db.internal/app".to_string(),
            "postgres://db.internal/app".to_string(),
            "postgres://user:${DB_PASSWORD}@db.internal/app".to_string(),
            "postgres://user:$PGPASSWORD@db.internal/app".to_string(),
            format!("postgres://user:{real_password}@localhost:5432/app"),
            format!("postgres://user:{real_password}@127.0.0.1/app"),
            format!("postgres://user:{real_password}@[::1]/app"),
            format!("postgres://user:{real_password}@<host>/app"),
            format!("postgres://user:{real_password}@your-project.neon.tech/app"),
            format!("postgres://user:{real_password}@db.internal/app..."),
            "postgres is the database; mysql too".to_string(),
            "-----BEGIN PRIVATE KEY-----\n<your private key here>\n-----END PRIVATE KEY-----".to_string(),
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC...\n-----END PRIVATE KEY-----"
                .to_string(),
            "if (pem.startsWith('-----BEGIN PRIVATE KEY-----')) { return parse(pem); }".to_string(),
        ] {
            assert_none(&text);
        }
    }

    #[test]
    fn public_formats_never_match() {
        for text in [
            format!("TURNSTILE_SITE_KEY = \"0x4AAAAAAA{}\"", alnum(14, 60)),
            format!("SUPABASE_ANON_KEY={}", jwt("anon", 63)),
            format!("sb_publishable_{}", alnum(32, 64)),
            // Not a JWT payload at all.
            format!(
                "eyJhbGciOiJIUzI1NiJ9.eyJ{}.{}",
                alnum(30, 65),
                alnum(43, 66)
            ),
            format!("CLERK_PUBLISHABLE_KEY=pk_live_{}", alnum(40, 61)),
            format!("pk_test_{}", alnum(40, 62)),
            "1x00000000000000000000AA 1x0000000000000000000000000000000AA".to_string(),
            "https://o123.ingest.sentry.io/456".to_string(),
            "https://api.myapp.dev/v1".to_string(),
        ] {
            assert_none(&text);
        }
    }

    #[test]
    fn word_boundaries() {
        let body = alnum(40, 70);
        for text in [
            format!("my_sk_live_{body}"),
            format!("xsk_test_{body}"),
            format!("Xghp_{}", alnum(36, 71)),
            format!("XAKIA{}", noise(16, 72, UPPER_DIGITS)),
            format!("AKIA{}Q", noise(16, 73, UPPER_DIGITS)),
            format!("npm_{}Z", alnum(36, 74)),
            format!("AIza{}q", alnum(35, 75)),
            format!("mynapi_{}", alnum(64, 76)),
            format!("notpostgres://app:{}@db.internal/app", alnum(16, 77)),
        ] {
            assert_none(&text);
        }
        // Punctuation is a boundary.
        let key = format!("ghp_{}", alnum(36, 78));
        for text in [
            format!("({key})"),
            format!("'{key}'"),
            format!("token={key}"),
            format!("é{key}"),
        ] {
            let found = catalog().scan(&text);
            assert_eq!(found.len(), usize::from(!text.starts_with('é')), "{text:?}");
        }
    }

    #[test]
    fn pem_inside_a_json_string() {
        let key = pem("", 6, 36).replace('\n', "\\n");
        let text = format!("{{\"type\": \"service_account\", \"private_key\": \"{key}\\n\"}}");
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.range()], key);
    }

    #[test]
    fn overlapping_matches_are_deduplicated() {
        // A long `sk_live_` key matches both Stripe and Clerk: one report.
        let key = format!("sk_live_51{}", alnum(97, 80));
        let found = catalog().scan(&key);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "stripe-secret-key");

        let a = format!("ghp_{}", alnum(36, 81));
        let b = format!("sk-ant-api03-{}", alnum(90, 82));
        let text = format!("{b}\n{a} {a}\n");
        let ids: Vec<&str> = catalog().scan(&text).iter().map(|m| m.id).collect();
        assert_eq!(ids, ["anthropic-api-key", "github-token", "github-token"]);
    }

    #[test]
    fn long_matches_grow_their_window() {
        let key = format!("sk_live_{}", alnum(20_000, 90));
        let text = format!("x = \"{key}\"");
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.range()], key);

        let big = pem("RSA ", 400, 91);
        let text = format!("{}\n{big}\n", "filler line\n".repeat(100));
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.range()], big);
    }

    #[test]
    fn many_hits_and_windows() {
        // Matches far apart, close together, and at both ends of the text.
        let keys: Vec<String> = (0..50)
            .map(|i| format!("ghp_{}", alnum(36, 100 + i)))
            .collect();
        let mut text = String::new();
        for (i, key) in keys.iter().enumerate() {
            text.push_str(key);
            text.push_str(&" pad".repeat(i * 37 % 300));
            text.push('\n');
        }
        text.push_str(&keys[0]);
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 51);
        for (m, key) in found
            .iter()
            .zip(keys.iter().chain(std::iter::once(&keys[0])))
        {
            assert_eq!(&text[m.span.range()], key.as_str());
        }
    }

    #[test]
    fn non_ascii_text_keeps_char_boundaries() {
        let key = format!("ghp_{}", alnum(36, 120));
        let text = format!("{}ünïcödé {key} ☃{}", "ä".repeat(300), "€".repeat(400));
        let found = catalog().scan(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.range()], key);
        // Keyword hits right next to multi-byte characters.
        let _ = catalog().scan(&"€ghp_€sk_live_€AKIA€".repeat(2000));
    }

    #[test]
    fn match_value_tests_whole_values() {
        let key = format!("sk_live_{}", alnum(40, 130));
        let m = catalog().match_value(&key).expect("credential");
        assert_eq!(
            (m.id, m.span),
            ("clerk-secret-key", Span::new(0, key.len()))
        );
        let bearer = format!("Bearer {key}");
        assert_eq!(
            catalog().match_value(&bearer).map(|m| m.span.start),
            Some(7)
        );
        assert!(catalog().match_value("sk_test_...").is_none());
        assert!(catalog().match_value("").is_none());
        assert!(catalog().match_value("production").is_none());
        assert!(
            catalog()
                .match_value(&format!("0x4AAAAAAA{}", alnum(14, 131)))
                .is_none()
        );
    }

    #[test]
    fn large_texts_complete() {
        // 5 MB without keywords: one prefilter pass.
        let text = "lorem ipsum dolor sit amet, consectetur adipiscing\n".repeat(100_000);
        assert!(catalog().scan(&text).is_empty());
        // A 1 MB line dense with keywords: windows merge, regexes stay linear.
        let dense = "postgres asia AKIA sk_live_ -----BEGIN PRIVATE KEY----- ".repeat(18_000);
        assert!(catalog().scan(&dense).is_empty());
        // A 200 KB line with no newline and one key at the end.
        let key = format!("npm_{}", alnum(36, 140));
        let line = format!("{}{key}", "a,".repeat(100_000));
        assert_eq!(catalog().scan(&line).len(), 1);
    }

    #[test]
    fn parse_rejects_bad_catalogs() {
        let ok = "[[secret]]\nid = \"t\"\ndescription = \"d\"\nkeywords = [\"k_\"]\nregex = 'k_[0-9]+'\n";
        let catalog = Catalog::parse(ok).expect("valid");
        assert_eq!(catalog.scan("k_123 K_9").len(), 1);
        for bad in [
            "",
            "[[secret]]\nid = \"t\"\n",
            &ok.replace("regex = 'k_[0-9]+'", "regex = 'k_[0-9'"),
            &ok.replace("[\"k_\"]", "[]"),
            &ok.replace("[\"k_\"]", "[\"\"]"),
            &format!("{ok}secret_group = 1\n"),
            &format!("{ok}min_entropy = \"high\"\n"),
            &format!("{ok}placeholder = \"none\"\n"),
            &format!("{ok}validate = \"luhn\"\n"),
            &format!("{ok}regexp = \"typo\"\n"),
            &format!("{ok}{ok}"),
        ] {
            assert!(Catalog::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn trims_url_punctuation() {
        assert_eq!(trim_url("postgres://u:p@h/db)."), "postgres://u:p@h/db");
        assert_eq!(trim_url("postgres://u:p@h/db(x)"), "postgres://u:p@h/db(x)");
        assert_eq!(trim_url("postgres://u:p@h/db**,"), "postgres://u:p@h/db");
        assert_eq!(
            trim_url(&format!("postgres://u:p@h/db{}", ")".repeat(50_000))),
            "postgres://u:p@h/db"
        );
    }
}
