//! Turning findings into reports: resolve each finding's location against
//! its file's text, fingerprint it, apply severity overrides and
//! suppressions, and sort. Each output format is its own module.

pub mod checklist;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod rules_list;
pub mod sarif;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::finding::{Finding, Location, Severity};
use crate::project::Project;
use crate::span::{LineStarts, Span};

/// A finding with its location resolved, ready for any output format.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub help: String,
    pub fingerprint: String,
    /// Byte span into `Report::sources[path]`, for snippets.
    pub span: Option<Span>,
    /// For suppressed findings: the suppression's reason.
    pub reason: Option<String>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Diagnostic>,
    pub suppressed: Vec<Diagnostic>,
    pub files: usize,
    pub skipped: Vec<crate::discover::Skipped>,
    pub elapsed_ms: u128,
    /// The text of every file that has a finding (for snippets).
    pub sources: HashMap<String, Arc<String>>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|d| d.severity).max()
    }

    /// Merges another root's report, prefixing its paths.
    pub fn absorb(&mut self, other: Report, prefix: &str) {
        let fix = |mut d: Diagnostic| {
            d.path = join_prefix(prefix, &d.path);
            d
        };
        self.findings.extend(other.findings.into_iter().map(fix));
        self.suppressed
            .extend(other.suppressed.into_iter().map(fix));
        self.files += other.files;
        self.skipped.extend(other.skipped.into_iter().map(|mut s| {
            s.path = join_prefix(prefix, &s.path);
            s
        }));
        for (path, text) in other.sources {
            self.sources.insert(join_prefix(prefix, &path), text);
        }
        self.findings.sort_by(order);
        self.suppressed.sort_by(order);
    }
}

fn join_prefix(prefix: &str, path: &str) -> String {
    if prefix.is_empty() || prefix == "." {
        path.to_string()
    } else {
        format!("{}/{}", prefix.trim_end_matches('/'), path)
    }
}

fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (&a.path, a.line, a.column, a.code, &a.message)
        .cmp(&(&b.path, b.line, b.column, b.code, &b.message))
}

/// Loads the text of a scanned file again (only files with findings are
/// re-read, so the per-file phase never has to keep texts in memory).
fn load_source(project: &Project, path: &str) -> Arc<String> {
    let abs = project.root.join(path);
    let bytes = std::fs::read(&abs)
        .ok()
        .filter(|b| b.len() as u64 <= project.config.max_file_size)
        .unwrap_or_default();
    Arc::new(String::from_utf8_lossy(&bytes).into_owned())
}

/// Rules whose span covers a secret value (the value itself, not its key).
const VALUE_SPAN_CODES: &[&str] = &["SEC002", "SEC003", "SEC005", "SEC007", "SEC008", "CI002"];

/// Characters of a masked value left visible, as in `secrets::redact`.
const MASK_SHOWN: usize = 4;

/// Snippets (the human format shows the flagged line and its neighbours)
/// must not print a secret whole any more than messages may (RULES.md
/// "Redaction"). Masks, keeping every byte offset valid: the values that
/// secret findings point at, the file's known credential formats, passwords
/// in URLs, and any other token that looks like random key material (a
/// neighbouring line can hold a secret nobody reported).
fn mask_sources<'d>(
    project: &Project,
    diagnostics: impl Iterator<Item = &'d Diagnostic>,
    sources: &mut HashMap<String, Arc<String>>,
) {
    if sources.is_empty() {
        return;
    }
    let mut ranges: HashMap<&str, Vec<Span>> = HashMap::new();
    for d in diagnostics {
        if let Some(span) = d.span
            && VALUE_SPAN_CODES.contains(&d.code)
        {
            ranges.entry(d.path.as_str()).or_default().push(span);
        }
    }
    for file in &project.files {
        if !file.credentials.is_empty() && sources.contains_key(&file.path) {
            ranges
                .entry(file.path.as_str())
                .or_default()
                .extend(file.credentials.iter().map(|c| c.span));
        }
    }
    for (path, text) in sources.iter_mut() {
        let mut spans = ranges.remove(path.as_str()).unwrap_or_default();
        spans.extend(random_tokens(text));
        spans.extend(url_passwords(text));
        if spans.is_empty() {
            continue;
        }
        let mut bytes = text.as_bytes().to_vec();
        for span in spans {
            let Some(value) = text.get(span.range()) else {
                continue;
            };
            let start = span.start as usize;
            for (i, (offset, c)) in value.char_indices().enumerate() {
                if i >= MASK_SHOWN {
                    let at = start + offset;
                    if let Some(slot) = bytes.get_mut(at..at + c.len_utf8()) {
                        slot.fill(b'*');
                    }
                }
            }
        }
        // Whole characters were replaced by ASCII, so this cannot fail.
        if let Ok(masked) = String::from_utf8(bytes) {
            *text = Arc::new(masked);
        }
    }
}

/// Runs of token characters that look like generated key material.
fn random_tokens(text: &str) -> Vec<Span> {
    // Token characters are ASCII, so byte offsets around them are char
    // boundaries; `=` ends a token: it joins `NAME=value`, and base64
    // padding is no secret.
    let is_token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/');
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_token(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token(bytes[i]) {
            i += 1;
        }
        if i - start >= crate::secrets::entropy::MIN_RANDOM_LEN
            && text
                .get(start..i)
                .is_some_and(crate::secrets::entropy::looks_random)
        {
            out.push(Span::new(start, i));
        }
    }
    out
}

/// `scheme://user:password@host`: the password part.
fn url_passwords(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|t| t.find("://")) {
        let auth_start = from + found + 3;
        from = auth_start;
        let rest = text.get(auth_start..).unwrap_or("");
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '`' | '?' | '#'))
            .unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
            && colon + 1 < at
        {
            out.push(Span::new(auth_start + colon + 1, auth_start + at));
        }
    }
    out
}

/// Resolves, overrides, suppresses and sorts. `restrict` limits the report
/// to some paths (the files given on the command line).
pub fn build(project: &Project, findings: Vec<Finding>, restrict: Option<&[String]>) -> Report {
    let mut resolver = Resolver {
        project,
        restrict,
        sources: HashMap::new(),
        lines: HashMap::new(),
    };
    let mut diagnostics = Vec::new();
    let mut suppressed = Vec::new();
    let mut used = vec![Vec::new(); project.files.len()];

    for finding in findings {
        let file_id = match finding.location {
            Location::File { file, .. } => Some(file),
            Location::Virtual { .. } => None,
        };
        let Some(mut diag) = resolver.resolve(finding) else {
            continue;
        };
        let suppression = file_id.and_then(|id| {
            project.files[id]
                .suppressions
                .iter()
                .position(|s| s.covers(diag.code, diag.line))
                .map(|i| (id, i))
        });
        match suppression {
            Some((id, index)) => {
                used[id].push(index);
                diag.reason = Some(project.files[id].suppressions[index].reason.clone());
                suppressed.push(diag);
            }
            None => diagnostics.push(diag),
        }
    }

    // PF001 needs to know which suppressions were used, so it runs here.
    if project.config.is_enabled("PF001") {
        for finding in crate::rules::pf::unused_suppression::unused(project, &used) {
            diagnostics.extend(resolver.resolve(finding));
        }
    }

    mask_sources(
        project,
        diagnostics.iter().chain(&suppressed),
        &mut resolver.sources,
    );
    finish_fingerprints(&mut diagnostics);
    finish_fingerprints(&mut suppressed);
    diagnostics.sort_by(order);
    suppressed.sort_by(order);
    Report {
        findings: diagnostics,
        suppressed,
        files: project.files.len(),
        skipped: project.skipped.clone(),
        elapsed_ms: 0,
        sources: resolver.sources,
    }
}

/// Turns findings into diagnostics, loading each file's text once.
struct Resolver<'p> {
    project: &'p Project,
    restrict: Option<&'p [String]>,
    sources: HashMap<String, Arc<String>>,
    /// Line index of each loaded source: a file with thousands of findings
    /// must not be rescanned from its start for each one.
    lines: HashMap<String, LineStarts>,
}

impl Resolver<'_> {
    /// `None` when the finding is outside the restricted paths.
    fn resolve(&mut self, finding: Finding) -> Option<Diagnostic> {
        let (path, span) = match &finding.location {
            Location::File { file, span } => (self.project.files[*file].path.clone(), Some(*span)),
            Location::Virtual { path } => (path.clone(), None),
        };
        if self
            .restrict
            .is_some_and(|only| !only.iter().any(|p| p == &path))
        {
            return None;
        }
        let ((line, column), (end_line, end_column), excerpt) = match span {
            Some(span) => {
                let project = self.project;
                let text = self
                    .sources
                    .entry(path.clone())
                    .or_insert_with(|| load_source(project, &path));
                let index = self
                    .lines
                    .entry(path.clone())
                    .or_insert_with(|| LineStarts::new(text));
                (
                    index.line_col(text, span.start as usize),
                    index.line_col(text, span.end as usize),
                    text.get(span.range()).unwrap_or("").to_string(),
                )
            }
            None => ((1, 1), (1, 1), String::new()),
        };
        Some(Diagnostic {
            code: finding.meta.code,
            name: finding.meta.name,
            severity: effective_severity(self.project, &finding, &path),
            path,
            line,
            column,
            end_line,
            end_column,
            fingerprint: fingerprint_seed(finding.meta.code, &excerpt),
            message: finding.message,
            help: finding.help,
            span,
            reason: None,
        })
    }
}

fn effective_severity(project: &Project, finding: &Finding, path: &str) -> Severity {
    let code = finding.meta.code;
    let mut severity = project
        .config
        .severity
        .get(code)
        .copied()
        .unwrap_or(finding.severity);
    for o in &project.config.overrides {
        let code_matches =
            o.codes.is_empty() || o.codes.iter().any(|c| code.starts_with(c.as_str()));
        if code_matches && o.paths.is_match(path) {
            severity = o.severity;
        }
    }
    severity
}

/// The part of the fingerprint that does not depend on line numbers: the
/// code and the offending text with whitespace normalized. The path and an
/// occurrence counter are mixed in by `finish_fingerprints`.
fn fingerprint_seed(code: &str, excerpt: &str) -> String {
    let normalized: Vec<&str> = excerpt.split_whitespace().collect();
    format!("{code}\u{0}{}", normalized.join(" "))
}

fn finish_fingerprints(diags: &mut [Diagnostic]) {
    diags.sort_by(order);
    let mut seen: BTreeMap<(String, String), u32> = BTreeMap::new();
    for d in diags.iter_mut() {
        let key = (d.path.clone(), std::mem::take(&mut d.fingerprint));
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        d.fingerprint = format!(
            "{:016x}",
            fnv1a(&[key.0.as_bytes(), key.1.as_bytes(), &n.to_le_bytes()])
        );
    }
}

/// FNV-1a, 64 bits: stable across versions and platforms (unlike std's
/// hasher), which is all a fingerprint needs.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| text.get(s.range()).unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn url_passwords_are_found_between_colon_and_at() {
        let text = "A=postgresql://app:Zt9x2LwQ8rPk@ep-x.neon.tech/db\nB=https://example.com/a:b@c\nC=redis://:p4ss@h";
        assert_eq!(pieces(text, &url_passwords(text)), ["Zt9x2LwQ8rPk", "p4ss"]);
    }

    #[test]
    fn random_tokens_skip_names_and_words() {
        let text = "BETTER_AUTH_SECRET=u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO é deploy-production-worker";
        assert_eq!(
            pieces(text, &random_tokens(text)),
            ["u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO"]
        );
    }
}
