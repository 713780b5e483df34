//! The rule registry. Each rule lives in its own file under a family folder
//! (`sec/`, `db/`, `net/`, `pf/`), declares its `RuleMeta` (whose doc is
//! `rules/<CODE>.md`, embedded at compile time) and implements `Rule`.

use crate::finding::Finding;
use crate::project::Project;
use crate::project::callees::{CalleeTest, KeptCallees};

pub mod auth;
pub mod ci;
pub mod cors;
pub mod db;
pub mod net;
pub mod obs;
pub mod pf;
pub mod sec;
pub mod source_util;

pub use crate::rule_meta::RuleMeta;

/// One rule. The engine calls [`Rule::check_sources`] on each batch of
/// Workers while its source files are loaded (`project/sources.rs`), then
/// [`Rule::check`] once on the whole project, when no source facts are
/// loaded: configuration rules implement `check`, source rules
/// `check_sources`, and a rule that judges both implements both.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

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
    ];
    RULES
}

pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    all().iter().map(|r| r.meta())
}

pub fn find(code: &str) -> Option<&'static RuleMeta> {
    metas().find(|m| m.code.eq_ignore_ascii_case(code))
}

/// The calls to built-ins that facts compaction must keep for the rules.
pub fn kept_callees() -> KeptCallees {
    KeptCallees::new([source_util::callee_may_matter as CalleeTest])
}
