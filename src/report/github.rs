//! `--format github`: one GitHub Actions workflow command per finding, which
//! the runner turns into an annotation on the pull request's diff.
//!
//! Escaping follows the runner's parser: in the message `%`, `\r` and `\n`
//! are percent-encoded; in properties `:` and `,` are too, since they
//! delimit the properties. An encoded newline also keeps text taken from the
//! repository from starting a workflow command of its own.

use super::{Diagnostic, Report};
use crate::finding::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.findings {
        out.push_str(&command(d));
        out.push('\n');
    }
    out
}

pub fn command(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props: Vec<String> = Vec::new();
    // A pseudo-path such as `<env>:ADMIN_KEY` names no file: the annotation
    // then belongs to the run, not to a line.
    if !super::sarif::is_pseudo_path(&d.path) {
        props.push(format!("file={}", escape_property(&d.path)));
        if d.span.is_some() {
            props.push(format!("line={}", d.line));
            props.push(format!("col={}", d.column));
            props.push(format!("endLine={}", d.end_line));
            props.push(format!("endColumn={}", d.end_column));
        }
    }
    let title = if super::sarif::is_pseudo_path(&d.path) {
        format!("{} {} ({})", d.code, d.name, d.path)
    } else {
        format!("{} {}", d.code, d.name)
    };
    props.push(format!("title={}", escape_property(&title)));
    let mut message = d.message.to_string();
    message.push_str(&d.more_places());
    if !d.help.is_empty() {
        message.push_str("\nhelp: ");
        message.push_str(&d.help);
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&message))
}

pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
