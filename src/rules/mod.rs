//! The rule registry. Each rule lives in its own file under a family folder
//! (`sec/`, `db/`, `net/`, `pf/`), declares its `RuleMeta` (whose doc is
//! `rules/<CODE>.md`, embedded at compile time) and implements `Rule`.

use crate::finding::Finding;
use crate::project::Project;
use crate::project::callees::{CalleeTest, KeptCallees};

pub mod auth;
pub mod ci;
pub mod db;
pub mod live;
pub mod net;
pub mod obs;
pub mod pf;
pub mod sec;
pub mod support;

pub use crate::rule_meta::RuleMeta;

/// One rule. The engine calls [`Rule::check_sources`] on each batch of
/// Workers while its source files are loaded (`project/sources.rs`), then
/// [`Rule::check`] once on the whole project, when no source facts are
/// loaded: configuration rules implement `check`, source rules
/// `check_sources`, and a rule that judges both implements both.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// The calls to JavaScript built-ins this rule looks for. Facts
    /// compaction ([`crate::formats::js::JsFacts::compact`]) drops a call
    /// whose method is a built-in ([`crate::formats::js::BUILTIN_CALLS`]:
    /// `log`, `has`, `includes`...) on a value the file does not name,
    /// unless a test declared here keeps it: a rule that matches callees by
    /// pattern declares that pattern's test, or it never sees such calls
    /// (`no_rule_matches_a_callee_compaction_drops` checks it).
    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[]
    }

    /// Judges the configuration files (and [`Project::summary`]).
    fn check(&self, _project: &Project, _out: &mut Vec<Finding>) {}

    /// Judges the loaded batch of source files (with any configuration).
    fn check_sources(&self, _project: &Project, _out: &mut Vec<Finding>) {}
}

/// Every rule preflight runs, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    static RULES: &[&dyn Rule] = &[
        &pf::parse_error::ParseError,
        &pf::unused_suppression::UnusedSuppression,
        &pf::file_not_analysed::FileNotAnalysed,
        &sec::secret_in_vars::SecretInVars,
        &sec::secret_value_in_vars::SecretValueInVars,
        &sec::committed_secret::CommittedSecret,
        &sec::env_file_not_ignored::EnvFileNotIgnored,
        &sec::real_value_in_env_template::RealValueInEnvTemplate,
        &sec::turnstile_test_key_in_production::TurnstileTestKeyInProduction,
        &sec::weak_secret::WeakSecret,
        &sec::secret_literal_in_script::SecretLiteralInScript,
        &sec::undeclared_secret::UndeclaredSecret,
        &sec::env_not_inherited::EnvNotInherited,
        &db::hyperdrive_not_pooled::HyperdriveNotPooled,
        &db::migration_not_direct::MigrationNotDirect,
        &db::sql_injection::SqlInjection,
        &db::sql_string_interpolation::SqlStringInterpolation,
        &auth::insecure_cookie::InsecureCookie,
        &auth::write_route_without_turnstile::WriteRouteWithoutTurnstile,
        &auth::admin_route_unprotected::AdminRouteUnprotected,
        &auth::missing_rate_limit::MissingRateLimit,
        &auth::non_constant_time_compare::NonConstantTimeCompare,
        &auth::turnstile_fails_open::TurnstileFailsOpen,
        &auth::auth_without_captcha::AuthWithoutCaptcha,
        &auth::public_paid_endpoint::PublicPaidEndpoint,
        &net::cors_wildcard::CorsWildcard,
        &net::cors_reflects_origin::CorsReflectsOrigin,
        &net::cors_origin_invalid::CorsOriginInvalid,
        &net::ssrf_unguarded_fetch::SsrfUnguardedFetch,
        &net::ssrf_guard_incomplete::SsrfGuardIncomplete,
        &net::cors_allowlist_too_broad::CorsAllowlistTooBroad,
        &ci::secret_in_log::SecretInLog,
        &ci::hardcoded_secret_in_workflow::HardcodedSecretInWorkflow,
        &ci::deploy_without_checks::DeployWithoutChecks,
        &ci::missing_sourcemap_upload::MissingSourcemapUpload,
        &ci::untrusted_checkout_with_secrets::UntrustedCheckoutWithSecrets,
        &ci::no_health_monitoring::NoHealthMonitoring,
        &ci::secret_interpolated_in_script::SecretInterpolatedInScript,
        &obs::auth_failure_not_tracked::AuthFailureNotTracked,
        &pf::config_shadowed::ConfigShadowed,
    ];
    RULES
}

/// Every rule's metadata: the rules `check` runs, then the LIVE family
/// that only `verify` reports.
pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    all()
        .iter()
        .map(|r| r.meta())
        .chain(live::METAS.iter().copied())
}

pub fn find(code: &str) -> Option<&'static RuleMeta> {
    metas().find(|m| m.code.eq_ignore_ascii_case(code))
}

/// The calls to built-ins that facts compaction must keep for `rules`:
/// the union of what each declares ([`Rule::kept_callees`]).
pub fn kept_callees(rules: &[&dyn Rule]) -> KeptCallees {
    let mut tests: Vec<CalleeTest> = rules
        .iter()
        .flat_map(|r| r.kept_callees().iter().copied())
        .collect();
    // Several rules declare the same test: each runs once.
    tests.sort_by_key(|t| *t as usize);
    tests.dedup_by_key(|t| *t as usize);
    KeptCallees::new(tests)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::finding::Location;

    static PROBE: RuleMeta = crate::rule_meta!("PF000", "probe", Info, "probe", "probe");

    /// Reports every call it sees whose callee is `audit.log`; keeps what
    /// `keep` declares.
    struct Probe {
        keep: &'static [CalleeTest],
    }

    impl Rule for Probe {
        fn meta(&self) -> &'static RuleMeta {
            &PROBE
        }

        fn kept_callees(&self) -> &'static [CalleeTest] {
            self.keep
        }

        fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
            for (id, _, facts) in project.js_files() {
                for call in facts.functions.iter().flat_map(|f| &f.calls) {
                    if call.callee == "audit.log" {
                        out.push(Finding::new(&PROBE, id, call.span));
                    }
                }
            }
        }
    }

    fn is_audit_log(_: &Config, callee: &str) -> bool {
        callee == "audit.log"
    }

    fn keep_all(_: &Config, _: &str) -> bool {
        true
    }

    #[test]
    fn a_rule_sees_the_builtin_callees_it_declares() {
        // `log` is a built-in method and `audit` a name the file does not
        // define: compaction drops the call unless a rule declares it.
        let files = [(
            "src/index.ts",
            "export default { fetch() { audit.log('x'); return new Response('') } }\n",
        )];
        let seen = |keep: &'static [CalleeTest]| {
            support::sources::run_rule_on(&Probe { keep }, &files, Config::default()).len()
        };
        assert_eq!(seen(&[is_audit_log]), 1);
        assert_eq!(seen(&[]), 0);
    }

    /// What a finding says and where, to compare two runs.
    fn keys(findings: &[Finding]) -> Vec<String> {
        let mut keys: Vec<String> = findings
            .iter()
            .map(|f| {
                let at = match &f.location {
                    Location::File { file, span } => format!("{file}:{}-{}", span.start, span.end),
                    Location::Virtual { path } => path.clone(),
                };
                format!(
                    "{} {at} {:?} {} {}",
                    f.meta.code, f.severity, f.message, f.help
                )
            })
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn no_rule_matches_a_callee_compaction_drops() {
        // Each rule alone, with only what it declares kept, must find what
        // it finds when compaction keeps every call: otherwise it matches a
        // callee it does not declare. (A rule's findings depend on the facts,
        // not on the other rules: one run of all of them keeping every call
        // answers for each.)
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let keep_everything = Probe { keep: &[keep_all] };
        let mut with_everything: Vec<&dyn Rule> = all().to_vec();
        with_everything.push(&keep_everything);
        let (_, everything) = crate::run::analyze(&root, Config::default(), &with_everything);
        let mut starved = Vec::new();
        for rule in all() {
            let code = rule.meta().code;
            let (_, declared) = crate::run::analyze(&root, Config::default(), &[*rule]);
            let expected: Vec<Finding> = everything
                .iter()
                .filter(|f| std::ptr::eq(f.meta, rule.meta()))
                .cloned()
                .collect();
            if keys(&declared) != keys(&expected) {
                starved.push(code);
            }
        }
        assert!(
            starved.is_empty(),
            "rules that see more when compaction keeps every call (declare the callees in `kept_callees`): {starved:?}"
        );
    }
}
