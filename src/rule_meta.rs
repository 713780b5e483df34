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
    /// What the rule's findings are about, for the severity policy
    /// ([`Reach`]).
    pub reach: Reach,
    /// The root cause its findings name, when other rules name it too
    /// ([`Root`]).
    pub root: Root,
}

/// The root cause a rule's findings name. Several rules can see one
/// committed credential from different angles (SEC003's catalog, SEC002 in
/// `vars`, SEC005 in a template, SEC008 in a script, CI002 in a workflow):
/// their findings on one line are one problem with one fix (remove and
/// rotate the value), so the report keeps one of them and names the others
/// (`crate::report::merge`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// The rule's own finding: never merged with another rule's.
    Own,
    /// A committed credential value.
    CommittedCredential,
}

/// What a rule's findings are about, which decides whether code that no
/// Worker entry reaches lowers their severity (the policy, applied in one
/// place: `crate::run::analyze` marks such findings and the report lowers
/// them one level, after the `[severity]` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// What a file contains: a committed credential value, a configuration,
    /// a workflow. As true in a dead script as in deployed code (a real key
    /// is a real key), so never lowered.
    Content,
    /// What the deployed Worker does at run time (request input reaching a
    /// SQL sink, a cookie it sets, a route without auth). In a TS/JS file
    /// that no Worker entry reaches (a seeder, a local script, a dead
    /// module) the finding is not shown to happen: it keeps a note saying
    /// so and drops one level (error to warning, warning to info).
    Runtime,
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

/// Declares a rule's metadata next to its implementation. A rule about
/// run-time behaviour ends with `reach = Runtime` ([`Reach`]); the default
/// is `Content`. A rule that reports committed credential values ends with
/// `root = CommittedCredential` ([`Root`]); the default is `Own`.
#[macro_export]
macro_rules! rule_meta {
    ($code:literal, $name:literal, $severity:ident, $summary:expr, $help:expr $(,)?) => {
        $crate::rule_meta!($code, $name, $severity, $summary, $help, reach = Content)
    };
    ($code:literal, $name:literal, $severity:ident, $summary:expr, $help:expr, root = $root:ident $(,)?) => {
        $crate::rule_meta!(@build $code, $name, $severity, $summary, $help, Content, $root)
    };
    ($code:literal, $name:literal, $severity:ident, $summary:expr, $help:expr, reach = $reach:ident $(,)?) => {
        $crate::rule_meta!(@build $code, $name, $severity, $summary, $help, $reach, Own)
    };
    (@build $code:literal, $name:literal, $severity:ident, $summary:expr, $help:expr, $reach:ident, $root:ident) => {
        $crate::rule_meta::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::finding::Severity::$severity,
            summary: $summary,
            help: $help,
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".md")),
            reach: $crate::rule_meta::Reach::$reach,
            root: $crate::rule_meta::Root::$root,
        }
    };
}
