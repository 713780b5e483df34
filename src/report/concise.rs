//! `--format concise`: one line per finding, `path:line:col: CODE message`
//! (the shape compilers and editors' problem matchers read), then one
//! summary line. For a first look at a large repository; `--statistics`
//! gives the counts per rule.
//!
//! Control characters in paths and messages are escaped (`\u{1b}`), so
//! text from the repository cannot move the cursor or start a new line.

use super::{Diagnostic, Report};
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.findings {
        out.push_str(&line(d));
        out.push('\n');
    }
    for s in &report.skipped {
        out.push_str(&format!(
            "{}: skipped: {}\n",
            escape(&s.path),
            escape(&s.reason)
        ));
    }
    out.push_str(&format!(
        "preflight: {} error{}, {} warning{}, {} info ({} suppressed, {} skipped)\n",
        report.count(Severity::Error),
        plural(report.count(Severity::Error)),
        report.count(Severity::Warning),
        plural(report.count(Severity::Warning)),
        report.count(Severity::Info),
        report.suppressed.len(),
        report.skipped.len()
    ));
    out
}

/// One finding. A finding without a place in a file (`<env>:ADMIN_KEY`)
/// has no line and column.
pub fn line(d: &Diagnostic) -> String {
    let place = if d.span.is_some() {
        format!("{}:{}:{}", escape(&d.path), d.line, d.column)
    } else {
        escape(&d.path)
    };
    format!(
        "{place}: {} {}{}",
        d.code,
        escape(&d.message),
        d.more_places()
    )
}

fn escape(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\x1b[2Jb\nc"), "a\\u{1b}[2Jb\\u{a}c");
        assert_eq!(escape("plain `text`"), "plain `text`");
    }
}
