//! LIVE001 (a needed secret not set on the deployed Worker), LIVE002 (a
//! secret-named binding deployed as a plain-text var) and the rotation of
//! Worker secrets, which Cloudflare does not date (LIVE007).

use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::live;

use super::Outcome;
use super::sources::Cloudflare;
use super::targets::Script;

pub fn check(project: &Project, scripts: &[Script], cloudflare: &Cloudflare, out: &mut Outcome) {
    for script in scripts {
        let Some(name) = &script.name else {
            out.unknown(
                &[
                    &live::WORKER_SECRET_MISSING,
                    &live::SECRET_DEPLOYED_AS_PLAIN_TEXT,
                ],
                Finding::new(
                    &live::LIVE_STATE_UNVERIFIED,
                    script.config_file,
                    script.anchor,
                )
                .message(
                    "the wrangler config has no `name`, so the deployed script is unknown: \
                         its secrets cannot be verified",
                )
                .help("add `name` to the wrangler config"),
            );
            continue;
        };
        let account = script.account_id.as_deref();
        let flag = script.env_flag();
        let deployed = match cloudflare.secret_names(account, name, &flag) {
            Ok(names) => names,
            Err(why) => {
                let names: Vec<&str> = script.required.iter().map(|r| r.name.as_str()).collect();
                let needs = if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", names.join(", "))
                };
                out.unknown(
                    &[
                        &live::WORKER_SECRET_MISSING,
                        &live::SECRET_DEPLOYED_AS_PLAIN_TEXT,
                    ],
                    Finding::new(
                        &live::LIVE_STATE_UNVERIFIED,
                        script.config_file,
                        script.anchor,
                    )
                    .message(format!(
                        "the secrets of script {}{needs} are not verified: {why}",
                        script.label()
                    )),
                );
                continue;
            }
        };
        // In file mode the bindings are unknown unless a token reads them.
        let bindings = cloudflare.bindings(account, name);
        match &bindings {
            Ok(bindings) => {
                for binding in bindings {
                    if binding.kind == "plain_text" && project.names.is_secret_name(&binding.name) {
                        out.push(
                            Finding::new(
                                &live::SECRET_DEPLOYED_AS_PLAIN_TEXT,
                                script.config_file,
                                script.anchor,
                            )
                            .message(format!(
                                "`{}` is deployed on script {} as a plain-text var: its value is \
                                 visible in the dashboard and the API to anyone with read access",
                                binding.name,
                                script.label()
                            ))
                            .help(format!(
                                "rotate the value, set it with `wrangler secret put {}{flag}` and \
                                 remove the var (deploy without it)",
                                binding.name
                            )),
                        );
                    }
                }
            }
            Err(why) => out.unknown(
                &[&live::SECRET_DEPLOYED_AS_PLAIN_TEXT],
                Finding::new(
                    &live::LIVE_STATE_UNVERIFIED,
                    script.config_file,
                    script.anchor,
                )
                .message(format!(
                    "plain-text secrets of script {} are not verified: {why}",
                    script.label()
                )),
            ),
        }
        let bound = |n: &str| {
            bindings
                .as_ref()
                .is_ok_and(|b| b.iter().any(|b| b.name == n))
        };
        for required in &script.required {
            if deployed.contains(&required.name) || bound(&required.name) {
                continue;
            }
            out.push(
                Finding::new(&live::WORKER_SECRET_MISSING, required.file, required.span)
                    .severity(required.why.severity())
                    .message(format!(
                        "`{}` ({}) is not set on the deployed script {}",
                        required.name,
                        required.why.text(),
                        script.label()
                    ))
                    .help(format!(
                        "set it with `wrangler secret put {}{flag}`",
                        required.name
                    )),
            );
        }
        for policy in project.config.rotation_days.keys() {
            if deployed.iter().any(|d| d == policy) {
                out.unknown(
                    &[&live::SECRET_ROTATION_OVERDUE],
                    Finding::new(
                        &live::LIVE_STATE_UNVERIFIED,
                        script.config_file,
                        script.anchor,
                    )
                    .severity(Severity::Info)
                    .message(format!(
                        "rotation of `{policy}` on script {} not verified: Cloudflare does \
                             not say when a Worker secret last changed",
                        script.label()
                    ))
                    .help(format!(
                        "rotate it by hand every {} days (`wrangler secret put {policy}{flag}`)",
                        project.config.rotation_days[policy]
                    )),
                );
            }
        }
    }
}
