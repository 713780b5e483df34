//! Which names a Worker declares secret: shared by SEC001 and SEC010.

use crate::discover::{file_name, parent_dir};
use crate::formats::wrangler::WranglerConfig;
use crate::project::Project;

/// Named in this config's `secrets.required` (any env: a name declared
/// secret anywhere in the Worker is a secret everywhere) or in
/// preflight.toml's `[secrets] required`.
pub fn is_declared_secret(project: &Project, config: &WranglerConfig, key: &str) -> bool {
    config
        .scopes()
        .any(|(_, scope)| scope.secrets_required.iter().any(|s| s.value == key))
        || project.config.required_secrets.iter().any(|s| s == key)
}

/// Listed in a `.dev.vars` file or template (`.dev.vars.example`) beside
/// the Worker's config: wrangler reads that file for local secrets, so a
/// name there is one production sets as a secret.
pub fn is_local_secret_name(project: &Project, worker_dir: &str, key: &str) -> bool {
    project.dotenv_files().any(|(_, file, env)| {
        parent_dir(&file.path) == worker_dir
            && file_name(&file.path).starts_with(".dev.vars")
            && env.entries.iter().any(|e| e.key.value == key)
    })
}
