//! Human output: rustc-style reports rendered by miette, then a summary.
//!
//! miette is given only a window of the file around each finding (at most
//! [`WINDOW_BEFORE`] bytes before the span, [`MAX_LABEL`] of the span and
//! [`WINDOW_AFTER`] after it, within the context lines), never the whole
//! text: rendering stays linear in the number of findings, and very long
//! lines and far columns (miette panics past column 65535) are cut around
//! the finding. Line numbers and columns stay those of the file.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, Report as MietteReport, SourceCode, SourceSpan, SpanContents,
};

use super::{Diagnostic, Report};
use crate::finding::Severity;

pub fn render(report: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for d in &report.findings {
        render_one(&handler, report, d, &mut out);
    }
    out.push_str(&summary(report));
    out
}

fn render_one(handler: &GraphicalReportHandler, report: &Report, d: &Diagnostic, out: &mut String) {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let mut diag = MietteDiagnostic::new(d.message.clone())
        .with_code(format!("{}({})", d.code, d.name))
        .with_severity(severity)
        .with_help(d.help.clone());
    let source = report.sources.get(&d.path);
    let rendered = match (d.span, source) {
        (Some(span), Some(text)) if !text.is_empty() && (span.end as usize) <= text.len() => {
            let window = Window::around(text, d, span);
            diag = diag.with_label(LabeledSpan::at(window.label.clone(), d.code));
            let report = MietteReport::new(diag).with_source_code(window);
            let mut s = String::new();
            handler.render_report(&mut s, report.as_ref()).map(|_| s)
        }
        _ => {
            let report = MietteReport::new(diag);
            let mut s = String::new();
            handler.render_report(&mut s, report.as_ref()).map(|_| s)
        }
    };
    out.push_str(&format!("{}:{}:{}\n", d.path, d.line, d.column));
    match rendered {
        Ok(s) => out.push_str(&s),
        Err(_) => out.push_str(&format!(
            "{} {}: {}\n",
            d.code,
            d.severity.as_str(),
            d.message
        )),
    }
    related(d, out);
    out.push('\n');
}

/// Related locations listed under a finding, at most this many.
const MAX_RELATED_SHOWN: usize = 20;

/// `also at path:line:col: note` for each related location (the notes are
/// written by the rules, never taken from the file).
fn related(d: &Diagnostic, out: &mut String) {
    for r in d.related.iter().take(MAX_RELATED_SHOWN) {
        if r.span.is_some() {
            out.push_str(&format!(
                "  also at {}:{}:{}: {}\n",
                r.path, r.line, r.column, r.message
            ));
        } else {
            out.push_str(&format!("  also at {}: {}\n", r.path, r.message));
        }
    }
    if d.related.len() > MAX_RELATED_SHOWN {
        out.push_str(&format!(
            "  ... and {} more (see --format json or sarif)\n",
            d.related.len() - MAX_RELATED_SHOWN
        ));
    }
}

/// Bytes of the file shown before the finding's span, at most.
const WINDOW_BEFORE: usize = 160;
/// Bytes of the file shown after the (labelled part of the) span, at most.
const WINDOW_AFTER: usize = 160;
/// Bytes of a long span that are labelled.
const MAX_LABEL: usize = 2048;

/// The part of a file's text shown for one finding, in file coordinates:
/// `offset` is where `text` starts in the file, on line `line` (0-based)
/// at column `column` (0-based, in characters).
struct Window {
    name: String,
    text: String,
    offset: usize,
    line: usize,
    column: usize,
    /// The labelled span, in file offsets.
    label: std::ops::Range<usize>,
}

impl Window {
    fn around(text: &str, d: &Diagnostic, span: crate::span::Span) -> Window {
        let start = floor_char(text, span.start as usize);
        let label_end = floor_char(text, (span.end as usize).min(start + MAX_LABEL)).max(start);
        // One context line each side, cut to the byte limits.
        let line_before = text[..start]
            .rfind('\n')
            .map_or(0, |nl| text[..nl].rfind('\n').map_or(0, |p| p + 1));
        let from = floor_char(text, line_before.max(start.saturating_sub(WINDOW_BEFORE)));
        let after_end = text[label_end..]
            .find('\n')
            .map(|nl| label_end + nl + 1)
            .map_or(text.len(), |next| {
                text[next..]
                    .find('\n')
                    .map_or(text.len(), |nl| next + nl + 1)
            });
        let to = floor_char(text, after_end.min(label_end + WINDOW_AFTER)).max(label_end);
        let shown = &text[from..to];
        let before = &text[from..start];
        let newlines_before = before.bytes().filter(|&b| b == b'\n').count();
        let line = d.line.saturating_sub(1 + newlines_before);
        // The column of `from`: the finding's column less the characters
        // between them (when both are on one line).
        let column = if newlines_before == 0 {
            d.column.saturating_sub(1 + before.chars().count())
        } else {
            0
        };
        Window {
            name: d.path.clone(),
            text: shown.to_string(),
            offset: from,
            line,
            column,
            label: start..label_end,
        }
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = SourceSpan::new(span.offset().saturating_sub(self.offset).into(), span.len());
        let inner =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let column = if inner.line() == 0 {
            inner.column() + self.column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.offset).into(),
                inner.span().len(),
            ),
            inner.line() + self.line,
            column,
            inner.line_count(),
        )))
    }
}

fn summary(report: &Report) -> String {
    let mut line = format!(
        "preflight: {} error{}, {} warning{}, {} info in {} file{} ({} suppressed",
        report.count(Severity::Error),
        plural(report.count(Severity::Error)),
        report.count(Severity::Warning),
        plural(report.count(Severity::Warning)),
        report.count(Severity::Info),
        report.files,
        plural(report.files),
        report.suppressed.len(),
    );
    if !report.skipped.is_empty() {
        line.push_str(&format!(", {} skipped", report.skipped.len()));
    }
    line.push_str(&format!(") in {} ms\n", report.elapsed_ms));
    for s in &report.skipped {
        line.push_str(&format!("  skipped {}: {}\n", s.path, s.reason));
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{LineStarts, Place, Span};
    use std::sync::Arc;

    fn report_with(text: &str, span: Span) -> Report {
        let place = Place::of(text, &LineStarts::new(text), span);
        let d = Diagnostic {
            code: "SEC001",
            name: "secret-in-vars",
            severity: Severity::Error,
            path: "f".to_string(),
            line: place.start.0,
            column: place.start.1,
            end_line: place.end.0,
            end_column: place.end.1,
            message: "m".into(),
            help: "h".into(),
            fingerprint: String::new(),
            span: Some(span),
            reason: None,
            related: Vec::new(),
        };
        let mut report = Report::default();
        report.findings.push(d);
        report
            .sources
            .insert("f".to_string(), Arc::new(text.to_string()));
        report
    }

    #[test]
    fn far_columns_are_windowed_with_the_file_s_own_place() {
        let text = format!("a\n{}KEY = 1\nb\n", "x".repeat(70_000));
        let at = text.find("KEY").unwrap();
        let out = render(&report_with(&text, Span::new(at, at + 3)), false);
        assert!(out.contains("f:2:70001"), "{out}");
        assert!(out.contains("KEY = 1"), "{out}");
        assert!(out.len() < 4_000, "{} bytes", out.len());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(128))]

        /// Any text and span: rendered, never a panic, and the output is
        /// bounded whatever the line lengths.
        #[test]
        fn any_span_renders(
            lines in proptest::collection::vec((0usize..90_000, "[a-zé\\t]{0,3}"), 1..4),
            start in 0usize..300_000,
            len in 0usize..300_000,
        ) {
            let text: String = lines
                .iter()
                .map(|(n, tail)| format!("{}{tail}\n", "y".repeat(*n)))
                .collect();
            let mut start = start.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let out = render(&report_with(&text, Span::new(start, end)), false);
            proptest::prop_assert!(out.len() < 20_000, "{} bytes", out.len());
        }
    }
}
