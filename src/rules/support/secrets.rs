//! Which names a Worker declares secret: shared by SEC001 and SEC010.

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
