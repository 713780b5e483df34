//! The LIVE family: what only live Cloudflare and GitHub state can answer.
//!
//! These findings come from `preflight verify` (`src/verify/`), never from
//! `check`, which makes no network request: the family has metadata here,
//! in the registry like every rule (docs, `explain`, `--select`, the README
//! table), but no [`crate::rules::Rule`] implementation.

use crate::rules::RuleMeta;

pub static WORKER_SECRET_MISSING: RuleMeta = crate::rule_meta!(
    "LIVE001",
    "worker-secret-missing",
    Error,
    "a secret the Worker needs is not set on the deployed Worker",
    "set it with `wrangler secret put NAME` (add `--env ENV` for an environment)",
);

pub static SECRET_DEPLOYED_AS_PLAIN_TEXT: RuleMeta = crate::rule_meta!(
    "LIVE002",
    "secret-deployed-as-plain-text",
    Error,
    "a secret-named binding of the deployed Worker is a plain-text var, visible in the dashboard",
    "delete the var in the dashboard (or deploy without it), rotate the value, and set it with `wrangler secret put NAME`",
);

pub static HYPERDRIVE_ORIGIN_NOT_POOLED: RuleMeta = crate::rule_meta!(
    "LIVE003",
    "hyperdrive-origin-not-pooled",
    Error,
    "the deployed Hyperdrive config's origin host is not the Neon endpoint the policy asks for",
    "point the Hyperdrive config at the Neon pooler host with `wrangler hyperdrive update ID --origin-host HOST`",
);

pub static ACTIONS_SECRET_MISSING: RuleMeta = crate::rule_meta!(
    "LIVE004",
    "actions-secret-missing",
    Error,
    "a workflow uses a GitHub Actions secret that is not configured for the repository",
    "add it under Settings > Secrets and variables > Actions (repository, environment or organization)",
);

pub static HEALTH_WORKFLOW_DISABLED: RuleMeta = crate::rule_meta!(
    "LIVE005",
    "health-workflow-disabled",
    Warning,
    "the scheduled health-probe workflow is disabled on GitHub",
    "enable it (`gh workflow enable FILE`); GitHub disables scheduled workflows after 60 days without repository activity",
);

pub static SECRET_ROTATION_OVERDUE: RuleMeta = crate::rule_meta!(
    "LIVE006",
    "secret-rotation-overdue",
    Warning,
    "a secret has not changed for longer than its rotation policy",
    "rotate it: set a new value and revoke the old one",
);

pub static LIVE_STATE_UNVERIFIED: RuleMeta = crate::rule_meta!(
    "LIVE007",
    "live-state-unverified",
    Warning,
    "a checklist item that only live state can answer could not be verified",
    "provide the token or file the message names, then run `preflight verify` again",
);

/// Every LIVE code, in code order.
pub static METAS: &[&RuleMeta] = &[
    &WORKER_SECRET_MISSING,
    &SECRET_DEPLOYED_AS_PLAIN_TEXT,
    &HYPERDRIVE_ORIGIN_NOT_POOLED,
    &ACTIONS_SECRET_MISSING,
    &HEALTH_WORKFLOW_DISABLED,
    &SECRET_ROTATION_OVERDUE,
    &LIVE_STATE_UNVERIFIED,
];
