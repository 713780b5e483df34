//! What describes a rule independently of any scan: its code, name,
//! default severity, texts and documentation. It sits below the rules so
//! that findings, the configuration and the reports can name a rule
//! without depending on the rules layer; each rule declares its own
//! [`RuleMeta`] with [`rule_meta!`](crate::rule_meta!).

use crate::finding::Severity;

/// Everything that describes a rule, independent of any scan.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The default fix advice; findings may give a more specific one.
    pub help: &'static str,
    /// The Markdown document (what / why / example / fix).
    pub doc: &'static str,
}

impl RuleMeta {
    pub fn family(&self) -> &'static str {
        let end = self
            .code
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.code.len());
        &self.code[..end]
    }
}

/// Declares a rule's metadata next to its implementation.
#[macro_export]
macro_rules! rule_meta {
    ($code:literal, $name:literal, $severity:ident, $summary:expr, $help:expr $(,)?) => {
        $crate::rule_meta::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::finding::Severity::$severity,
            summary: $summary,
            help: $help,
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".md")),
        }
    };
}
