//! Human output: rustc-style reports rendered by miette, then a summary.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource,
    Report as MietteReport,
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
            diag = diag.with_label(LabeledSpan::at(span.range(), d.code));
            let named = NamedSource::new(d.path.clone(), text.as_str().to_string());
            let report = MietteReport::new(diag).with_source_code(named);
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
    out.push('\n');
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
