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
use crate::span::{Span, line_col};

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

/// Resolves, overrides, suppresses and sorts. `restrict` limits the report
/// to some paths (the files given on the command line).
pub fn build(project: &Project, findings: Vec<Finding>, restrict: Option<&[String]>) -> Report {
    let mut resolver = Resolver {
        project,
        restrict,
        sources: HashMap::new(),
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
                (
                    line_col(text, span.start as usize),
                    line_col(text, span.end as usize),
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
