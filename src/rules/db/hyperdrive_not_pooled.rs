//! DB001 hyperdrive-not-pooled: the doc lives in rules/DB001.md.
//!
//! The checklist wants Hyperdrive's origin on Neon's `-pooler` endpoint;
//! Cloudflare's own Neon guide prefers the direct host, since Hyperdrive
//! pools connections itself. `[hyperdrive] origin` picks the policy.

use crate::config::HyperdriveOrigin;
use crate::finding::Finding;
use crate::formats::shell::{Command, Op, Word};
use crate::project::Project;
use crate::rules::support::neon::{NeonHost, neon_host, neon_host_name};
use crate::rules::support::scripts::all_scripts;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "DB001",
    "hyperdrive-not-pooled",
    Error,
    "Hyperdrive's origin is not the Neon endpoint the policy asks for (by default the `-pooler` one)",
    "use the Neon pooler host (`ep-...-pooler.<region>.aws.neon.tech`) as the Hyperdrive origin",
);

pub struct HyperdriveNotPooled;

/// `wrangler hyperdrive create|update ... --origin-host HOST`: the origin
/// given in parts rather than as a URL.
fn origin_host(command: &Command) -> Option<&Word> {
    let words = &command.words;
    let at = words.windows(2).position(|w| {
        w[0].text == "hyperdrive" && matches!(w[1].text.as_str(), "create" | "update")
    })?;
    if !words[..at]
        .iter()
        .any(|w| w.text == "wrangler" || w.text.ends_with("/wrangler"))
    {
        return None;
    }
    const FLAGS: &[&str] = &["--origin-host", "--host"];
    let joined = command.flag_values.iter().find_map(|(i, value)| {
        let flag = words.get(*i)?.text.split('=').next()?;
        FLAGS.contains(&flag).then_some(value)
    });
    joined.or_else(|| {
        let flag = words
            .iter()
            .position(|w| FLAGS.contains(&w.text.as_str()))?;
        words.get(flag + 1)
    })
}

/// The message for a host that breaks the policy, if it does.
pub(crate) fn violation(
    policy: HyperdriveOrigin,
    host: NeonHost<'_>,
) -> Option<(String, &'static str)> {
    match policy {
        HyperdriveOrigin::Pooler if !host.pooler => Some((
            format!(
                "Hyperdrive's origin `{}` is a Neon direct host; the checklist requires the `-pooler` endpoint",
                host.host
            ),
            "use the pooler host (the first label ends in `-pooler`, e.g. `ep-...-pooler.<region>.aws.neon.tech`), \
             or set `[hyperdrive] origin = \"direct\"` in preflight.toml if you follow Cloudflare's Neon guide",
        )),
        HyperdriveOrigin::Direct if host.pooler => Some((
            format!(
                "Hyperdrive's origin `{}` is a Neon pooler host; the configured policy (`origin = \"direct\"`) \
                 wants the direct endpoint, since Hyperdrive pools connections itself",
                host.host
            ),
            "drop `-pooler` from the first label of the host",
        )),
        _ => None,
    }
}

impl Rule for HyperdriveNotPooled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let policy = project.config.hyperdrive_origin;
        if policy == HyperdriveOrigin::Any {
            return;
        }
        let mut report = |file, span: Span, host: Option<NeonHost<'_>>, context: &str| {
            let Some(host) = host else { return };
            if let Some((message, help)) = violation(policy, host) {
                out.push(
                    Finding::new(&META, file, span)
                        .message(format!("{message} ({context})"))
                        .help(help),
                );
            }
        };

        for (file, script, _) in all_scripts(project) {
            for command in &script.commands {
                if let Some(Op::HyperdriveOrigin { url }) =
                    command.op(&project.config.migration_tasks)
                {
                    report(
                        file,
                        url.span,
                        neon_host(&url.text),
                        "`wrangler hyperdrive` origin URL",
                    );
                } else if let Some(host) = origin_host(command) {
                    report(
                        file,
                        host.span,
                        neon_host_name(&host.text),
                        "`wrangler hyperdrive --origin-host`",
                    );
                }
            }
        }

        for (file, config) in project.wrangler_configs() {
            for (env, scope) in config.scopes() {
                if !project
                    .config
                    .is_production_env(env.map(|e| e.value.as_str()))
                {
                    continue;
                }
                for hyperdrive in &scope.hyperdrive {
                    if let Some(local) = &hyperdrive.local_connection_string {
                        let context = format!(
                            "`localConnectionString` of binding `{}`",
                            hyperdrive.binding.value
                        );
                        report(file, local.span, neon_host(&local.value), &context);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_decides_which_host_is_wrong() {
        let direct = NeonHost {
            host: "ep-cool-1.us-east-2.aws.neon.tech",
            pooler: false,
        };
        let pooler = NeonHost {
            host: "ep-cool-1-pooler.us-east-2.aws.neon.tech",
            pooler: true,
        };
        assert!(violation(HyperdriveOrigin::Pooler, direct).is_some());
        assert!(violation(HyperdriveOrigin::Pooler, pooler).is_none());
        assert!(violation(HyperdriveOrigin::Direct, pooler).is_some());
        assert!(violation(HyperdriveOrigin::Direct, direct).is_none());
        assert!(violation(HyperdriveOrigin::Any, direct).is_none());
    }

    #[test]
    fn reads_neon_hosts_out_of_urls() {
        let host = |t| neon_host(t).map(|h| (h.host, h.pooler));
        assert_eq!(
            host("--origin-url=postgresql://u:$PW@ep-a-1-pooler.us-east-2.aws.neon.tech/db"),
            Some(("ep-a-1-pooler.us-east-2.aws.neon.tech", true))
        );
        assert_eq!(
            host("postgres://u:p@ep-a-1.us-east-2.aws.neon.tech:5432/db?sslmode=require"),
            Some(("ep-a-1.us-east-2.aws.neon.tech", false))
        );
        assert_eq!(
            host("postgresql://<user>:<password>@<branch-host>.neon.tech/<db>"),
            None
        );
        assert_eq!(
            host("postgres://postgres:postgres@localhost:5432/app"),
            None
        );
        assert_eq!(host("$HYPERDRIVE_ORIGIN"), None);
        assert_eq!(host("postgres://u:p@${HOST}.neon.tech/db"), None);
    }
}
