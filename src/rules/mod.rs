//! The rule registry. Each rule lives in its own file under a family folder
//! (`sec/`, `db/`, `net/`, `pf/`), declares its `RuleMeta` (whose doc is
//! `rules/<CODE>.md`, embedded at compile time) and implements `Rule`.

use crate::finding::{Finding, Severity};
use crate::project::Project;

pub mod cors;
pub mod db;
pub mod net;
pub mod pf;
pub mod sec;

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

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, project: &Project, out: &mut Vec<Finding>);
}

/// Declares a rule's metadata next to its implementation.
#[macro_export]
macro_rules! rule_meta {
    ($code:literal, $name:literal, $severity:ident, $summary:expr, $help:expr $(,)?) => {
        $crate::rules::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::finding::Severity::$severity,
            summary: $summary,
            help: $help,
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".md")),
        }
    };
}

/// Every rule preflight runs, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    static RULES: &[&dyn Rule] = &[
        &pf::parse_error::ParseError,
        &pf::unused_suppression::UnusedSuppression,
        &sec::secret_in_vars::SecretInVars,
        &sec::secret_value_in_vars::SecretValueInVars,
        &sec::committed_secret::CommittedSecret,
        &sec::env_file_not_ignored::EnvFileNotIgnored,
        &sec::real_value_in_env_template::RealValueInEnvTemplate,
        &sec::turnstile_test_key_in_production::TurnstileTestKeyInProduction,
        &sec::weak_secret::WeakSecret,
        &sec::secret_literal_in_script::SecretLiteralInScript,
        &sec::env_not_inherited::EnvNotInherited,
        &db::hyperdrive_not_pooled::HyperdriveNotPooled,
        &db::migration_not_direct::MigrationNotDirect,
        &net::cors_wildcard::CorsWildcard,
        &net::cors_origin_invalid::CorsOriginInvalid,
    ];
    RULES
}

pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    all().iter().map(|r| r.meta())
}

pub fn find(code: &str) -> Option<&'static RuleMeta> {
    metas().find(|m| m.code.eq_ignore_ascii_case(code))
}
