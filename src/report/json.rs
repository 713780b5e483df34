//! `--format json`: the version-1 contract of DESIGN.md.

use serde_json::{Value, json};

use super::{Diagnostic, Report};
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|d| diagnostic(d, false))
        .collect();
    let suppressed: Vec<Value> = report
        .suppressed
        .iter()
        .map(|d| diagnostic(d, true))
        .collect();
    let skipped: Vec<Value> = report
        .skipped
        .iter()
        .map(|s| json!({"path": s.path, "reason": s.reason}))
        .collect();
    let doc = json!({
        "version": 1,
        "tool": {"name": "preflight", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "suppressed": suppressed,
        "skipped": skipped,
        "summary": {
            "files": report.files,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
            "suppressed": report.suppressed.len(),
            "skipped": report.skipped.len(),
            "elapsed_ms": report.elapsed_ms,
        }
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

fn diagnostic(d: &Diagnostic, with_reason: bool) -> Value {
    let mut v = json!({
        "code": d.code,
        "name": d.name,
        "severity": d.severity.as_str(),
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "message": d.message,
        "help": d.help,
        "fingerprint": d.fingerprint,
    });
    if with_reason {
        v["reason"] = json!(d.reason.clone().unwrap_or_default());
    }
    v
}
