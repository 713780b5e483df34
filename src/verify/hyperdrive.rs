//! LIVE003: the origin host of each deployed Hyperdrive config the wrangler
//! config binds, judged by DB001's policy (`[hyperdrive] origin`). The
//! repository holds only the id; the host lives in Cloudflare.

use std::collections::BTreeSet;

use crate::config::HyperdriveOrigin;
use crate::finding::Finding;
use crate::project::Project;
use crate::rules::db::hyperdrive_not_pooled::violation;
use crate::rules::live;
use crate::rules::support::neon::neon_host_name;

use super::Outcome;
use super::sources::Cloudflare;
use super::targets::Script;

pub fn check(project: &Project, scripts: &[Script], cloudflare: &Cloudflare, out: &mut Outcome) {
    let policy = project.config.hyperdrive_origin;
    if policy == HyperdriveOrigin::Any {
        return;
    }
    let mut seen = BTreeSet::new();
    for script in scripts {
        for hyperdrive in &script.hyperdrive {
            let id = &hyperdrive.id.value;
            if !seen.insert((script.config_file, id.clone())) {
                continue;
            }
            let at = |meta| Finding::new(meta, script.config_file, hyperdrive.id.span);
            let config = match cloudflare.hyperdrive(script.account_id.as_deref(), id) {
                Ok(config) => config,
                Err(why) => {
                    out.unknown(
                        &[&live::HYPERDRIVE_ORIGIN_NOT_POOLED],
                        at(&live::LIVE_STATE_UNVERIFIED).message(format!(
                            "the origin of Hyperdrive `{}` is not verified: {why}",
                            hyperdrive.binding
                        )),
                    );
                    continue;
                }
            };
            let Some(host) = config.host.as_deref() else {
                out.unknown(
                    &[&live::HYPERDRIVE_ORIGIN_NOT_POOLED],
                    at(&live::LIVE_STATE_UNVERIFIED).message(format!(
                        "Hyperdrive config `{id}` (binding `{}`) has no origin host to judge",
                        hyperdrive.binding
                    )),
                );
                continue;
            };
            // A host that is not Neon's is not judged, as in DB001.
            let Some(neon) = neon_host_name(host) else {
                continue;
            };
            if let Some((message, help)) = violation(policy, neon) {
                out.push(
                    at(&live::HYPERDRIVE_ORIGIN_NOT_POOLED)
                        .message(format!(
                            "{message} (deployed Hyperdrive config `{id}`, binding `{}`)",
                            hyperdrive.binding
                        ))
                        .help(help),
                );
            }
        }
    }
}
