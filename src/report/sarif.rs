//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning ingests it.
//!
//! Every registered rule is listed in `tool.driver.rules` (not only those
//! that fired) so that `ruleIndex` is stable across runs. Suppressed
//! findings are kept as results with an in-source suppression, so code
//! scanning shows them as dismissed instead of forgetting them. The other
//! places of a finding's root cause are its `relatedLocations`.

use serde_json::{Value, json};

use super::{Diagnostic, Report};
use crate::finding::Severity;
use crate::rules::RuleMeta;

/// Where the rule documents are published. A placeholder until the project
/// has its public home; each rule's `helpUri` is this plus `<CODE>.md`.
pub const RULE_DOC_BASE: &str = "https://github.com/preflight-dev/preflight/blob/main/rules/";
const INFORMATION_URI: &str = "https://github.com/preflight-dev/preflight";
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The key of `partialFingerprints`; bump the version if the fingerprint
/// recipe ever changes, so old and new alerts are not confused.
pub const FINGERPRINT_KEY: &str = "preflight/v2";

pub fn render(report: &Report) -> String {
    let metas: Vec<&RuleMeta> = crate::rules::metas().collect();
    let rules: Vec<Value> = metas.iter().map(|m| rule(m)).collect();
    let index_of = |code: &str| metas.iter().position(|m| m.code == code);
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|d| result(d, index_of(d.code)))
        .collect();
    results.extend(report.suppressed.iter().map(|d| {
        let mut r = result(d, index_of(d.code));
        let mut suppression = json!({"kind": "inSource"});
        if let Some(reason) = d.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            suppression["justification"] = json!(reason);
        }
        r["suppressions"] = json!([suppression]);
        r
    }));
    let notifications: Vec<Value> = report
        .skipped
        .iter()
        .map(|s| {
            json!({
                "level": "note",
                "message": {"text": format!("skipped {}: {}", s.path, s.reason)},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&s.path)}}],
            })
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "preflight",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub ranks security alerts by this score (0-10); the mapping follows
/// its bands: high for errors, medium for warnings, low for advice.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn rule(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": first_paragraph(meta.doc).unwrap_or(meta.summary)},
        "help": {"text": meta.doc, "markdown": meta.doc},
        "helpUri": format!("{RULE_DOC_BASE}{}.md", meta.code),
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {
            "tags": ["security", meta.family().to_ascii_lowercase()],
            "precision": "high",
            "security-severity": security_severity(meta.severity),
        },
    })
}

/// The first paragraph after the document's title.
pub fn first_paragraph(doc: &str) -> Option<&str> {
    let mut start = None;
    let mut end = doc.len();
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim();
        match start {
            None if !trimmed.is_empty() && !trimmed.starts_with('#') => start = Some(offset),
            Some(_) if trimmed.is_empty() || trimmed.starts_with('#') => {
                end = offset;
                break;
            }
            _ => {}
        }
        offset += line.len();
    }
    start
        .and_then(|s| doc.get(s..end))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

fn result(d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": {"text": d.message},
        "locations": [location(d)],
        "partialFingerprints": {FINGERPRINT_KEY: d.fingerprint},
    });
    if let Some(index) = rule_index {
        r["ruleIndex"] = json!(index);
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let physical = physical_location(
                    &rel.path,
                    rel.span
                        .map(|_| [rel.line, rel.column, rel.end_line, rel.end_column]),
                );
                json!({
                    "id": i + 1,
                    "physicalLocation": physical,
                    "message": {"text": rel.message},
                })
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    r
}

/// A file and, when the place is in its text, the region
/// (`[start line, start column, end line, end column]`).
fn physical_location(path: &str, region: Option<[usize; 4]>) -> Value {
    let mut physical = json!({"artifactLocation": artifact(path)});
    if let Some([start_line, start_column, end_line, end_column]) = region {
        physical["region"] = json!({
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        });
    }
    physical
}

/// A finding in a file gets a physical location; a pseudo-path such as
/// `<env>:ADMIN_KEY` (from `--check-env`) is not a file, so it becomes a
/// logical location instead of an invalid URI.
fn location(d: &Diagnostic) -> Value {
    if is_pseudo_path(&d.path) {
        let name = d.path.split_once(':').map_or(d.path.as_str(), |(_, n)| n);
        return json!({"logicalLocations": [{
            "name": name,
            "fullyQualifiedName": d.path,
            "kind": "variable",
        }]});
    }
    let physical = physical_location(
        &d.path,
        d.span.map(|_| [d.line, d.column, d.end_line, d.end_column]),
    );
    json!({"physicalLocation": physical})
}

pub fn is_pseudo_path(path: &str) -> bool {
    path.starts_with('<')
}

fn artifact(path: &str) -> Value {
    json!({"uri": uri_reference(path), "uriBaseId": "%SRCROOT%"})
}

/// A relative path as a URI reference: unreserved characters and `/` stay,
/// everything else (spaces, `%`, `#`, `?`, non-ASCII) is percent-encoded.
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_paragraph_skips_the_title() {
        let doc = "# SEC001 x\n\nLine one\nline two.\n\n## What\n\nmore\n";
        assert_eq!(first_paragraph(doc), Some("Line one\nline two."));
        assert_eq!(first_paragraph("# only a title\n"), None);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri_reference("a dir/wrangler.toml"),
            "a%20dir/wrangler.toml"
        );
        assert_eq!(uri_reference("x#1?.env"), "x%231%3F.env");
        assert_eq!(uri_reference("é.ts"), "%C3%A9.ts");
    }
}
