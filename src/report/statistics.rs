//! `--statistics`: how many findings each rule produced (like
//! `ruff --statistics`), most frequent first, so a first run on a large
//! repository shows where the volume is. One row per rule and severity
//! (a `[severity]` or `[[overrides]]` entry can split a rule).

use serde::Serialize;

use super::Report;

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub count: usize,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
}

/// The rows, by count (descending), then code and severity.
pub fn rows(report: &Report) -> Vec<Row> {
    let mut counts: std::collections::BTreeMap<(&'static str, &'static str, &'static str), usize> =
        std::collections::BTreeMap::new();
    for d in &report.findings {
        *counts
            .entry((d.code, d.severity.as_str(), d.name))
            .or_default() += 1;
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|((code, severity, name), count)| Row {
            count,
            code,
            name,
            severity,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// A right-aligned count, the code, the severity and the rule's name, and
/// a total line.
pub fn render_human(report: &Report) -> String {
    let rows = rows(report);
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for r in &rows {
        out.push_str(&format!(
            "{:>width$}  {:<7} {:<7}  {}\n",
            r.count, r.code, r.severity, r.name
        ));
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    out.push_str(&format!(
        "preflight: {total} finding{} from {} rule{} ({} suppressed, {} skipped)\n",
        if total == 1 { "" } else { "s" },
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        report.suppressed.len(),
        report.skipped.len()
    ));
    out
}

/// `[{"count": 3, "code": "SEC001", "name": "...", "severity": "error"}]`.
pub fn render_json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(&rows(report)).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}
