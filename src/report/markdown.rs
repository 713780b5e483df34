//! `--format markdown`: a report for `$GITHUB_STEP_SUMMARY` or a PR comment.
//!
//! Messages quote repository content, so everything outside code spans is
//! escaped: no HTML, no table breakage, no `@mentions`.

use super::{Diagnostic, Report};
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::from("## preflight\n\n");
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let infos = report.count(Severity::Info);
    if report.findings.is_empty() {
        out.push_str(&format!(
            "✅ No findings in {} file{}",
            report.files,
            plural(report.files)
        ));
    } else {
        out.push_str(&format!(
            "**{errors} error{}, {warnings} warning{}, {infos} info** in {} file{}",
            plural(errors),
            plural(warnings),
            report.files,
            plural(report.files)
        ));
    }
    out.push_str(&format!(" ({} suppressed)\n\n", report.suppressed.len()));

    if !report.findings.is_empty() {
        table(&report.findings, &mut out);
        out.push('\n');
    }
    if !report.suppressed.is_empty() {
        out.push_str(&format!(
            "<details><summary>{} suppressed finding{}</summary>\n\n",
            report.suppressed.len(),
            plural(report.suppressed.len())
        ));
        out.push_str("| code | location | reason |\n|---|---|---|\n");
        for d in &report.suppressed {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                code(d.code),
                location(d),
                inline(d.reason.as_deref().unwrap_or(""))
            ));
        }
        out.push_str("\n</details>\n\n");
    }
    if !report.skipped.is_empty() {
        out.push_str(&format!(
            "<details><summary>{} file{} skipped</summary>\n\n",
            report.skipped.len(),
            plural(report.skipped.len())
        ));
        for s in &report.skipped {
            out.push_str(&format!("- {}: {}\n", code(&s.path), inline(&s.reason)));
        }
        out.push_str("\n</details>\n\n");
    }
    out
}

fn table(findings: &[Diagnostic], out: &mut String) {
    out.push_str("| severity | rule | location | message |\n|---|---|---|---|\n");
    for d in findings {
        let icon = match d.severity {
            Severity::Error => "🔴 error",
            Severity::Warning => "🟠 warning",
            Severity::Info => "🔵 info",
        };
        let mut message = inline(&d.message);
        message.push_str(&inline(&d.more_places()));
        if !d.help.is_empty() {
            message.push_str("<br>**help:** ");
            message.push_str(&inline(&d.help));
        }
        out.push_str(&format!(
            "| {icon} | {} {} | {} | {message} |\n",
            code(d.code),
            inline(d.name),
            location(d)
        ));
    }
}

fn location(d: &Diagnostic) -> String {
    if d.span.is_some() {
        code(&format!("{}:{}:{}", d.path, d.line, d.column))
    } else {
        code(&d.path)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A code span holding any text, safe inside a table cell.
pub fn code(text: &str) -> String {
    let body = text.replace(['\r', '\n'], " ").replace('|', "\\|");
    if body.contains('`') {
        format!("`` {body} ``")
    } else {
        format!("`{body}`")
    }
}

/// Text for a table cell or list item: code spans written with backticks
/// are kept, everything else is escaped.
pub fn inline(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    // An odd number of backticks leaves one unpaired: escape it as text.
    let paired = parts.len() % 2 == 1;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let is_code = i % 2 == 1 && (paired || i + 1 < parts.len());
        if is_code {
            out.push('`');
            out.push_str(&part.replace(['\r', '\n'], " ").replace('|', "\\|"));
            out.push('`');
        } else {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&escape_text(part));
        }
    }
    out
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width joiner keeps `@name` from pinging anyone.
            '@' => out.push_str("@\u{2060}"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_keeps_code_spans_and_escapes_the_rest() {
        assert_eq!(inline("`A|B` is <b>|x"), "`A\\|B` is &lt;b&gt;\\|x");
        assert_eq!(inline("odd ` tick"), "odd \\` tick");
        assert_eq!(inline("hi @team\nnext"), "hi @\u{2060}team<br>next");
    }

    #[test]
    fn code_handles_backticks() {
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x|y"), "`x\\|y`");
    }
}
