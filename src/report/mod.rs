//! Turning findings into reports: resolve each finding's location against
//! its file's text, fingerprint it, apply severity overrides and
//! suppressions, and sort. Each output format is its own module.

pub mod checklist;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
mod mask;
mod merge;
pub mod rules_list;
pub mod sarif;
pub mod statistics;

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::{FileId, Finding, Location, Severity};
use crate::project::Project;
use crate::span::{LineStarts, Place, Span};

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
    pub message: std::borrow::Cow<'static, str>,
    pub help: std::borrow::Cow<'static, str>,
    pub fingerprint: String,
    /// Byte span into `Report::sources[path]`, for snippets.
    pub span: Option<Span>,
    /// For suppressed findings: the suppression's reason.
    pub reason: Option<String>,
    /// The other places of the same root cause, resolved like the primary
    /// (in path and line order). Not part of the fingerprint.
    pub related: Vec<RelatedLocation>,
}

/// A related location, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedLocation {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// A short note written by the rule ("also read here").
    pub message: std::borrow::Cow<'static, str>,
    /// `None` for a location that is no place in a file.
    pub span: Option<Span>,
}

impl Diagnostic {
    /// ", and N more places" for the formats that only mention them.
    pub fn more_places(&self) -> String {
        match self.related.len() {
            0 => String::new(),
            1 => " (and 1 more place)".to_string(),
            n => format!(" (and {n} more places)"),
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Diagnostic>,
    pub suppressed: Vec<Diagnostic>,
    pub files: usize,
    pub skipped: Vec<crate::discover::Skipped>,
    /// Findings hidden by `--baseline`.
    pub baselined: usize,
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
            for r in &mut d.related {
                r.path = join_prefix(prefix, &r.path);
            }
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
    // Read as the analysis read it: a file that was not analysed (too
    // large, binary) has no text to show.
    let abs = project.root.join(path);
    match crate::discover::read_text(&abs, project.config.max_file_size) {
        crate::discover::ReadOutcome::Text(text) => Arc::new(text),
        _ => Arc::new(String::new()),
    }
}

/// Rules whose span covers a secret value (the value itself, not its key).
const VALUE_SPAN_CODES: &[&str] = &["SEC002", "SEC003", "SEC005", "SEC007", "SEC008", "CI002"];

/// Characters of a masked value left visible, as in `secrets::redact`.
const MASK_SHOWN: usize = 4;

/// Findings about a secret: the value on their line is masked whatever its
/// key is called (SEC001 points at the key, a custom secret name may be
/// configured, CI findings point into a `run:` line).
fn about_secret(code: &str) -> bool {
    (code.starts_with("SEC") && code != "SEC006") || matches!(code, "CI001" | "CI002" | "CI007")
}

/// Snippets (the human format shows the flagged line and its neighbours)
/// must not print a secret whole any more than messages may (docs/architecture.md,
/// "Redaction"). Masks, keeping every byte offset valid: the values that
/// secret findings point at and every value on their lines, the values of
/// keys with secret names anywhere in the file and of every key in an env
/// file, the file's known credential formats, passwords in URLs, and any
/// other token that looks like random key material (a neighbouring line can
/// hold a secret nobody reported).
fn mask_sources<'d>(
    project: &Project,
    diagnostics: impl Iterator<Item = &'d Diagnostic>,
    sources: &mut HashMap<String, Arc<String>>,
) {
    if sources.is_empty() {
        return;
    }
    let mut ranges: HashMap<&str, Vec<Span>> = HashMap::new();
    // Lines of findings about secrets, whose every value is masked.
    let mut secret_lines: HashMap<&str, Vec<Span>> = HashMap::new();
    for d in diagnostics {
        let Some(span) = d.span else { continue };
        if VALUE_SPAN_CODES.contains(&d.code) {
            ranges.entry(d.path.as_str()).or_default().push(span);
        }
        if about_secret(d.code) {
            secret_lines.entry(d.path.as_str()).or_default().push(span);
        }
    }
    let mut env_files = std::collections::HashSet::new();
    for file in &project.files {
        if !sources.contains_key(&file.path) {
            continue;
        }
        if matches!(file.kind, crate::discover::FileKind::EnvFile { .. }) {
            env_files.insert(file.path.as_str());
        }
        if !file.credentials.is_empty() {
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
        if env_files.contains(path.as_str()) {
            spans.extend(mask::assignment_values(text, |_| true));
        } else {
            spans.extend(mask::assignment_values(text, |key| {
                project.names.is_secret_name(key)
            }));
        }
        for line in secret_lines.get(path.as_str()).into_iter().flatten() {
            let line = mask::lines_of(text, *line);
            let on_line = &text[line.range()];
            spans.extend(
                mask::assignment_values(on_line, |_| true)
                    .into_iter()
                    .map(|s| s.shifted(line.start as usize)),
            );
        }
        if spans.is_empty() {
            continue;
        }
        *text = Arc::new(mask::masked(text, &spans, MASK_SHOWN));
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

/// Whether a report keeps the (masked) text of every file with a finding:
/// only the human format shows snippets, and on large trees the texts are
/// a large part of the memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snippets {
    Keep,
    Drop,
}

/// Resolves, overrides, suppresses and sorts. `restrict` limits the report
/// to some paths (the files given on the command line).
pub fn build(
    project: &Project,
    findings: Vec<Finding>,
    restrict: Option<&[String]>,
    snippets: Snippets,
) -> Report {
    use rayon::prelude::*;

    let mut findings = findings;
    resolve_related(project, &mut findings);
    // Each file's text is read once, on whichever thread resolves its
    // findings; virtual findings (no file) need no text.
    let file_of = |finding: &Finding| match finding.location {
        Location::File { file, .. } if file < project.files.len() => Some(file),
        _ => None,
    };
    let (mut in_files, virtual_findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| file_of(f).is_some());
    in_files.sort_by_key(|f| file_of(f));
    // Grouped by file into lists of their exact size: large trees have
    // tens of thousands of files with one finding each.
    let mut per_file: Vec<(FileId, Vec<Finding>)> = Vec::new();
    let mut rest = in_files.into_iter().peekable();
    while let Some(first) = rest.next() {
        let id = file_of(&first).unwrap_or_default();
        let mut group = vec![first];
        while let Some(next) = rest.next_if(|f| file_of(f) == Some(id)) {
            group.push(next);
        }
        per_file.push((id, group));
    }
    drop(rest);
    let allowed = |path: &str| restrict.is_none_or(|only| only.iter().any(|p| p == path));
    let resolved: Vec<ResolvedFile> = per_file
        .into_par_iter()
        .filter(|(id, _)| allowed(&project.files[*id].path))
        .map(|(id, findings)| resolve_file(project, id, findings, snippets))
        .collect();

    let mut diagnostics = Vec::new();
    let mut suppressed = Vec::new();
    let mut sources = HashMap::new();
    let mut used = vec![Vec::new(); project.files.len()];
    for file in resolved {
        let suppressions = &project.files[file.id].suppressions;
        for mut diag in file.diagnostics {
            match suppressions
                .iter()
                .position(|s| s.covers(diag.code, diag.line))
            {
                Some(index) => {
                    used[file.id].push(index);
                    diag.reason = Some(suppressions[index].reason.clone());
                    suppressed.push(diag);
                }
                None => diagnostics.push(diag),
            }
        }
        if let Some(text) = file.text {
            sources.insert(project.files[file.id].path.clone(), text);
        }
    }
    merge::committed_credentials(&mut diagnostics);
    for finding in virtual_findings {
        if let Location::Virtual { path } = &finding.location
            && allowed(path)
        {
            let path = path.clone();
            diagnostics.push(diagnostic(project, finding, path, None, None));
        }
    }

    // PF001 needs to know which suppressions were used, so it runs here.
    if project.config.is_enabled("PF001") {
        for finding in crate::rules::pf::unused_suppression::unused(project, &used) {
            let Location::File { file, span } = finding.location else {
                continue;
            };
            let path = project.files[file].path.clone();
            if !allowed(&path) {
                continue;
            }
            let text = sources
                .get(&path)
                .cloned()
                .unwrap_or_else(|| load_source(project, &path));
            let place = Place::of(&text, &LineStarts::new(&text), span);
            diagnostics.push(diagnostic(project, finding, path, Some(span), Some(place)));
            if snippets == Snippets::Keep {
                sources
                    .entry(project.files[file].path.clone())
                    .or_insert(text);
            }
        }
    }

    mask_sources(project, diagnostics.iter().chain(&suppressed), &mut sources);
    finish_fingerprints(&mut diagnostics);
    finish_fingerprints(&mut suppressed);
    diagnostics.sort_by(order);
    suppressed.sort_by(order);
    Report {
        findings: diagnostics,
        suppressed,
        files: project.files.len(),
        skipped: skipped(project),
        baselined: 0,
        elapsed_ms: 0,
        sources,
    }
}

/// A file name or message with its control characters (ESC, CR, C1
/// codes; newlines and tabs are kept in messages, not in paths) and
/// bidirectional overrides written as escapes: a hostile name must not
/// drive the terminal, forge an annotation or reorder what a reviewer
/// reads. Applied when findings are built, so every format gets it.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hostile) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hostile(c) {
            if c.is_ascii() {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape_controls`] for a path: newlines and tabs too.
fn escape_path(path: &str) -> String {
    escape_controls(path)
        .replace('\n', "\\x0a")
        .replace('\t', "\\x09")
}

/// Every file that was not analysed, with its reason: those the walk
/// could not open and those read but not analysed (PF002 reports the ones
/// preflight must understand as findings too).
fn skipped(project: &Project) -> Vec<crate::discover::Skipped> {
    let mut skipped = project.skipped.clone();
    skipped.extend(project.files.iter().filter_map(|f| {
        let unanalysed = f.unanalysed.as_ref()?;
        Some(crate::discover::Skipped {
            path: f.path.clone(),
            reason: unanalysed.reason.clone(),
        })
    }));
    for s in &mut skipped {
        s.path = escape_path(&s.path);
        s.reason = escape_controls(&s.reason).into_owned();
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped
}

/// Gives the related locations that the batches did not resolve (those in
/// files that were not source files of the batch) their places, reading
/// each such file once.
fn resolve_related(project: &Project, findings: &mut [Finding]) {
    let mut texts: HashMap<FileId, (Arc<String>, LineStarts)> = HashMap::new();
    for finding in findings.iter_mut() {
        for related in finding.related.iter_mut().filter(|r| r.place.is_none()) {
            let Location::File { file, span } = related.location else {
                continue;
            };
            let Some(source) = project.files.get(file) else {
                continue;
            };
            let (text, lines) = texts.entry(file).or_insert_with(|| {
                let text = load_source(project, &source.path);
                let lines = LineStarts::new(&text);
                (text, lines)
            });
            related.place = Some(Box::new(Place::of(text, lines, span)));
        }
    }
}

/// One file's findings, resolved against its text (kept for snippets only).
struct ResolvedFile {
    id: FileId,
    diagnostics: Vec<Diagnostic>,
    text: Option<Arc<String>>,
}

fn resolve_file(
    project: &Project,
    id: FileId,
    findings: Vec<Finding>,
    snippets: Snippets,
) -> ResolvedFile {
    let path = &project.files[id].path;
    // Source files' findings come with their places; other files, and
    // snippets, need the text again.
    let needs_text = snippets == Snippets::Keep || findings.iter().any(|f| f.place.is_none());
    let text = needs_text.then(|| load_source(project, path));
    // One line index per file: a file with thousands of findings must not
    // be rescanned from its start for each one.
    let lines = text.as_deref().map(|t| LineStarts::new(t));
    let diagnostics = findings
        .into_iter()
        .map(|mut finding| {
            let span = match finding.location {
                Location::File { span, .. } => span,
                Location::Virtual { .. } => Span::default(),
            };
            let place = finding
                .place
                .take()
                .map(|place| *place)
                .or_else(|| Some(Place::of(text.as_deref()?, lines.as_ref()?, span)));
            diagnostic(project, finding, path.clone(), Some(span), place)
        })
        .collect();
    ResolvedFile {
        id,
        diagnostics,
        text: text.filter(|_| snippets == Snippets::Keep),
    }
}

fn diagnostic(
    project: &Project,
    finding: Finding,
    path: String,
    span: Option<Span>,
    place: Option<Place>,
) -> Diagnostic {
    let place = place.unwrap_or(Place {
        start: (1, 1),
        end: (1, 1),
        excerpt: String::new(),
    });
    let mut related: Vec<RelatedLocation> = finding
        .related
        .iter()
        .map(|r| {
            let (path, span) = match &r.location {
                Location::File { file, span } => (
                    project
                        .files
                        .get(*file)
                        .map_or_else(String::new, |f| escape_path(&f.path)),
                    Some(*span),
                ),
                Location::Virtual { path } => (escape_path(path), None),
            };
            let (start, end) = r
                .place
                .as_deref()
                .map_or(((1, 1), (1, 1)), |p| (p.start, p.end));
            RelatedLocation {
                path,
                line: start.0,
                column: start.1,
                end_line: end.0,
                end_column: end.1,
                message: match escape_controls(&r.message) {
                    std::borrow::Cow::Borrowed(_) => r.message.clone(),
                    std::borrow::Cow::Owned(escaped) => escaped.into(),
                },
                span,
            }
        })
        .collect();
    related.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    related.dedup_by(|a, b| a.path == b.path && a.line == b.line && a.column == b.column);
    Diagnostic {
        related,
        code: finding.meta.code,
        name: finding.meta.name,
        severity: effective_severity(project, &finding, &path),
        path: escape_path(&path),
        line: place.start.0,
        column: place.start.1,
        end_line: place.end.0,
        end_column: place.end.1,
        fingerprint: fingerprint_seed(project, finding.meta.code, &place.excerpt),
        message: match escape_controls(&finding.message) {
            std::borrow::Cow::Borrowed(_) => finding.message,
            std::borrow::Cow::Owned(escaped) => escaped.into(),
        },
        help: finding.help,
        span,
        reason: None,
    }
}

fn effective_severity(project: &Project, finding: &Finding, path: &str) -> Severity {
    let code = finding.meta.code;
    // A `[severity]` entry sets the rule's level; code no Worker entry
    // reaches lowers it one level as it lowered the default
    // (`run::lower_unreached`). A path override is the last word.
    let mut severity = match project.config.severity.get(code) {
        Some(&configured) if finding.unreached => configured.lowered(),
        Some(&configured) => configured,
        None => finding.severity,
    };
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
/// code and the offending text, masked as snippets are (a secret value
/// keeps its first characters and its length only, so the hash cannot be
/// brute-forced back to it), with whitespace normalized. The path and an
/// occurrence counter are mixed in by `finish_fingerprints`.
fn fingerprint_seed(project: &Project, code: &str, excerpt: &str) -> String {
    let masked = if VALUE_SPAN_CODES.contains(&code) {
        crate::secrets::redact(excerpt)
    } else {
        let mut spans = random_tokens(excerpt);
        spans.extend(url_passwords(excerpt));
        spans.extend(mask::assignment_values(excerpt, |key| {
            about_secret(code) || project.names.is_secret_name(key)
        }));
        mask::masked(excerpt, &spans, MASK_SHOWN)
    };
    let normalized: Vec<&str> = masked.split_whitespace().collect();
    format!("{code}\u{0}{}", normalized.join(" "))
}

fn finish_fingerprints(diags: &mut [Diagnostic]) {
    diags.sort_by(order);
    // Occurrence numbers first, counted on borrowed keys: large reports
    // would otherwise hold a copy of every path and seed.
    let occurrences: Vec<u32> = {
        let mut seen: crate::hashing::HashMap<(&str, &str), u32> = Default::default();
        diags
            .iter()
            .map(|d| {
                let n = seen.entry((&d.path, &d.fingerprint)).or_insert(0);
                *n += 1;
                *n
            })
            .collect()
    };
    for (d, n) in diags.iter_mut().zip(occurrences) {
        let seed = std::mem::take(&mut d.fingerprint);
        d.fingerprint = format!(
            "{:016x}",
            fnv1a(&[d.path.as_bytes(), seed.as_bytes(), &n.to_le_bytes()])
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

    #[test]
    fn places_resolved_in_batches_match_those_the_report_resolves() {
        // Source findings get their places while their batch's texts are in
        // memory; the report resolves the others by reading the file again.
        // Both ways must give the same report.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let config = crate::config::Config::default();
        let (project, findings) = crate::run::analyze(&root, config, crate::rules::all());
        let resolved = findings.iter().filter(|f| f.place.is_some()).count();
        assert!(resolved > 50, "{resolved} of {} resolved", findings.len());
        let mut unresolved = findings.clone();
        for finding in &mut unresolved {
            // Files that were not analysed have no text to resolve against:
            // their places come from the raw bytes.
            let raw = matches!(finding.location, Location::File { file, .. }
                if project.files[file].unanalysed.is_some());
            if !raw {
                finding.place = None;
            }
        }
        let json = |findings| {
            let report = build(&project, findings, None, Snippets::Keep);
            assert!(!report.findings.is_empty());
            json::render(&report)
        };
        assert_eq!(json(findings), json(unresolved));
    }

    fn pieces(text: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| text.get(s.range()).unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("src/a.ts"), "src/a.ts");
        assert_eq!(
            escape_controls("x\u{1b}[31m\r\u{9b}\u{202e}y\nz"),
            "x\\x1b[31m\\x0d\\u{9b}\\u{202e}y\nz"
        );
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
