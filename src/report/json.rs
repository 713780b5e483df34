//! `--format json`: the version-1 contract (docs/architecture.md, "Contracts").
//!
//! The document is serialized straight from borrowed views of the report
//! (no intermediate `serde_json::Value` tree), so rendering a large report
//! costs little more memory than its text.

use serde::Serialize;

use super::{Diagnostic, Report};
use crate::finding::Severity;

#[derive(Serialize)]
struct Document<'r> {
    version: u32,
    tool: Tool,
    findings: Vec<Entry<'r>>,
    suppressed: Vec<Entry<'r>>,
    skipped: Vec<SkippedEntry<'r>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Entry<'r> {
    code: &'r str,
    name: &'r str,
    severity: &'r str,
    path: &'r str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'r str,
    help: &'r str,
    fingerprint: &'r str,
    /// Only for suppressed findings (empty when the comment gave none).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'r str>,
    /// The other places of the same root cause (empty for most findings).
    related: Vec<RelatedEntry<'r>>,
}

#[derive(Serialize)]
struct RelatedEntry<'r> {
    path: &'r str,
    line: usize,
    column: usize,
    message: &'r str,
}

#[derive(Serialize)]
struct SkippedEntry<'r> {
    path: &'r str,
    reason: &'r str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    skipped: usize,
    baselined: usize,
    elapsed_ms: u128,
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = render_to(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report as it is serialized: large reports are never held
/// whole in memory.
pub fn render_to(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "preflight",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report.findings.iter().map(|d| entry(d, false)).collect(),
        suppressed: report.suppressed.iter().map(|d| entry(d, true)).collect(),
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedEntry {
                path: &s.path,
                reason: &s.reason,
            })
            .collect(),
        summary: Summary {
            files: report.files,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            suppressed: report.suppressed.len(),
            skipped: report.skipped.len(),
            baselined: report.baselined,
            elapsed_ms: report.elapsed_ms,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

fn entry(d: &Diagnostic, suppressed: bool) -> Entry<'_> {
    Entry {
        code: d.code,
        name: d.name,
        severity: d.severity.as_str(),
        path: &d.path,
        line: d.line,
        column: d.column,
        end_line: d.end_line,
        end_column: d.end_column,
        message: &d.message,
        help: &d.help,
        fingerprint: &d.fingerprint,
        reason: suppressed.then(|| d.reason.as_deref().unwrap_or_default()),
        related: d
            .related
            .iter()
            .map(|r| RelatedEntry {
                path: &r.path,
                line: r.line,
                column: r.column,
                message: &r.message,
            })
            .collect(),
    }
}
