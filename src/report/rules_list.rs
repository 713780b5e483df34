//! `preflight rules`: the registry as a table or as JSON.

use serde_json::json;

use crate::rules::RuleMeta;

pub fn render_json<'a>(metas: impl Iterator<Item = &'a RuleMeta>) -> String {
    let rules: Vec<_> = metas
        .map(|m| {
            json!({
                "code": m.code,
                "name": m.name,
                "severity": m.severity.as_str(),
                "summary": m.summary,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&json!({ "rules": rules })).unwrap_or_default();
    out.push('\n');
    out
}

pub fn render_human<'a>(metas: impl Iterator<Item = &'a RuleMeta>) -> String {
    let mut out = String::new();
    for m in metas {
        out.push_str(&format!(
            "{:<8} {:<34} {:<8} {}\n",
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary
        ));
    }
    out
}

/// The Markdown rule table of the README (tested against the README).
pub fn render_markdown_table<'a>(metas: impl Iterator<Item = &'a RuleMeta>) -> String {
    let mut out = String::from("| code | name | severity | what it reports |\n|---|---|---|---|\n");
    for m in metas {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary
        ));
    }
    out
}
