//! Where live state comes from: the APIs (with the tokens of the
//! environment) or the files wrangler printed. Each read answers with the
//! state or with the reason it is unknown, worded to say what would settle
//! it; the reason never holds a token.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::client::{ApiError, Client, Service};
use super::cloudflare::{self, DeployedBinding, HyperdriveConfig};
use super::github::{self, Repo, Secret};

/// The variables `verify` reads, gathered once (tests pass their own).
#[derive(Clone, Debug, Default)]
pub struct Environment {
    pub cloudflare_token: Option<String>,
    pub cloudflare_account: Option<String>,
    pub cloudflare_base: Option<String>,
    pub github_token: Option<String>,
    pub github_repository: Option<String>,
    pub github_base: Option<String>,
}

impl Environment {
    pub fn from_process() -> Environment {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Environment {
            cloudflare_token: var("CLOUDFLARE_API_TOKEN"),
            cloudflare_account: var("CLOUDFLARE_ACCOUNT_ID"),
            cloudflare_base: var("CLOUDFLARE_API_BASE_URL"),
            github_token: var("GITHUB_TOKEN").or_else(|| var("GH_TOKEN")),
            github_repository: var("GITHUB_REPOSITORY"),
            github_base: var("GITHUB_API_URL"),
        }
    }
}

/// Why something is unknown: the message of a LIVE007 finding.
pub type Unknown = String;

/// Cloudflare state, from the API and/or from files.
pub struct Cloudflare {
    api: Result<Client, Unknown>,
    account: Option<String>,
    secrets_file: Option<(PathBuf, Vec<String>)>,
    hyperdrive_file: Option<(PathBuf, Vec<HyperdriveConfig>)>,
}

impl Cloudflare {
    pub fn new(
        env: &Environment,
        timeout: Duration,
        secrets_file: Option<&Path>,
        hyperdrive_file: Option<&Path>,
    ) -> Result<Cloudflare, String> {
        let api = match &env.cloudflare_token {
            Some(token) => Ok(Client::new(
                Service::Cloudflare,
                env.cloudflare_base
                    .as_deref()
                    .unwrap_or(cloudflare::DEFAULT_BASE),
                token.clone(),
                timeout,
            )),
            None => Err("CLOUDFLARE_API_TOKEN is not set".to_string()),
        };
        let secrets_file = match secrets_file {
            Some(path) => Some((
                path.to_path_buf(),
                cloudflare::parse_secret_list(&read(path)?)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            )),
            None => None,
        };
        let hyperdrive_file = match hyperdrive_file {
            Some(path) => Some((
                path.to_path_buf(),
                cloudflare::parse_hyperdrive(&read(path)?)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            )),
            None => None,
        };
        Ok(Cloudflare {
            api,
            account: env.cloudflare_account.clone(),
            secrets_file,
            hyperdrive_file,
        })
    }

    pub fn has_secrets_file(&self) -> bool {
        self.secrets_file.is_some()
    }

    /// The API client and the account: `CLOUDFLARE_ACCOUNT_ID`, else the
    /// config's `account_id`.
    fn api<'a>(
        &'a self,
        config_account: Option<&'a str>,
    ) -> Result<(&'a Client, &'a str), Unknown> {
        let client = self.api.as_ref().map_err(Clone::clone)?;
        let account = self.account.as_deref().or(config_account).ok_or_else(|| {
            "no account: set CLOUDFLARE_ACCOUNT_ID or `account_id` in the wrangler config"
                .to_string()
        })?;
        Ok((client, account))
    }

    /// The secret names set on `script`.
    pub fn secret_names(
        &self,
        config_account: Option<&str>,
        script: &str,
        env_flag: &str,
    ) -> Result<Vec<String>, Unknown> {
        if let Some((_, names)) = &self.secrets_file {
            return Ok(names.clone());
        }
        let settle = format!(
            "set CLOUDFLARE_API_TOKEN (Workers Scripts Read) or pass --cloudflare-secrets FILE \
             with the output of `wrangler secret list --format json{env_flag}`"
        );
        let (client, account) = self
            .api(config_account)
            .map_err(|why| format!("{why}; {settle}"))?;
        cloudflare::secret_names(client, account, script)
            .map_err(|e| api_reason(&e, &format!("the secrets of script `{script}`"), &settle))
    }

    /// The bindings of `script`; `None` in file mode (wrangler prints no
    /// binding types), which the caller reports.
    pub fn bindings(
        &self,
        config_account: Option<&str>,
        script: &str,
    ) -> Result<Vec<DeployedBinding>, Unknown> {
        let settle = "set CLOUDFLARE_API_TOKEN (Workers Scripts Read)";
        let (client, account) = self.api(config_account).map_err(|why| {
            if self.secrets_file.is_some() {
                format!(
                    "`wrangler secret list` does not show vars, and {why}; {settle} to read the \
                     deployed bindings"
                )
            } else {
                format!("{why}; {settle}")
            }
        })?;
        cloudflare::bindings(client, account, script).map_err(|e| {
            api_reason(
                &e,
                &format!("the deployed bindings of script `{script}`"),
                settle,
            )
        })
    }

    pub fn hyperdrive(
        &self,
        config_account: Option<&str>,
        id: &str,
    ) -> Result<HyperdriveConfig, Unknown> {
        if let Some((path, configs)) = &self.hyperdrive_file {
            if let Some(config) = configs.iter().find(|c| c.id == id) {
                return Ok(config.clone());
            }
            if self.api.is_err() {
                return Err(format!(
                    "{} holds no Hyperdrive config with id `{id}`; add the output of \
                     `wrangler hyperdrive get {id}`",
                    path.display()
                ));
            }
        }
        let settle = format!(
            "set CLOUDFLARE_API_TOKEN (Hyperdrive Read) or pass --hyperdrive FILE with the \
             output of `wrangler hyperdrive get {id}`"
        );
        let (client, account) = self
            .api(config_account)
            .map_err(|why| format!("{why}; {settle}"))?;
        cloudflare::hyperdrive(client, account, id)
            .map_err(|e| api_reason(&e, &format!("Hyperdrive config `{id}`"), &settle))
    }
}

/// GitHub state through the API.
pub struct GitHub {
    api: Result<(Client, Repo), Unknown>,
}

impl GitHub {
    pub fn new(env: &Environment, timeout: Duration, root: &Path) -> GitHub {
        let repo = env
            .github_repository
            .as_deref()
            .and_then(Repo::parse)
            .or_else(|| origin_remote(root).as_deref().and_then(Repo::from_remote));
        let api = match (&env.github_token, repo) {
            (None, _) => Err(
                "GITHUB_TOKEN (or GH_TOKEN) is not set; set a token that can read Actions \
                 secrets (a fine-grained token with `Secrets: read`; a workflow's default \
                 GITHUB_TOKEN cannot list them)"
                    .to_string(),
            ),
            (Some(_), None) => Err(
                "the GitHub repository is unknown: set GITHUB_REPOSITORY=owner/repo or add an \
                 `origin` remote on GitHub"
                    .to_string(),
            ),
            (Some(token), Some(repo)) => Ok((
                Client::new(
                    Service::GitHub,
                    env.github_base.as_deref().unwrap_or(github::DEFAULT_BASE),
                    token.clone(),
                    timeout,
                ),
                repo,
            )),
        };
        GitHub { api }
    }

    pub fn repo(&self) -> Option<&Repo> {
        self.api.as_ref().ok().map(|(_, repo)| repo)
    }

    fn api(&self) -> Result<&(Client, Repo), Unknown> {
        self.api.as_ref().map_err(Clone::clone)
    }

    pub fn repository_secrets(&self) -> Result<Vec<Secret>, Unknown> {
        let (client, repo) = self.api()?;
        github::repository_secrets(client, repo).map_err(|e| {
            api_reason(
                &e,
                &format!("the Actions secrets of {}", repo.display()),
                SECRETS_SCOPE,
            )
        })
    }

    pub fn organization_secrets(&self) -> Result<Vec<Secret>, Unknown> {
        let (client, repo) = self.api()?;
        github::organization_secrets(client, repo).map_err(|e| {
            api_reason(
                &e,
                &format!("the organization secrets shared with {}", repo.display()),
                SECRETS_SCOPE,
            )
        })
    }

    pub fn environment_secrets(&self, environment: &str) -> Result<Vec<Secret>, Unknown> {
        let (client, repo) = self.api()?;
        github::environment_secrets(client, repo, environment).map_err(|e| {
            api_reason(
                &e,
                &format!(
                    "the secrets of environment `{environment}` of {}",
                    repo.display()
                ),
                SECRETS_SCOPE,
            )
        })
    }

    pub fn workflow_state(&self, file_name: &str) -> Result<String, Unknown> {
        let (client, repo) = self.api()?;
        github::workflow_state(client, repo, file_name).map_err(|e| {
            api_reason(
                &e,
                &format!("workflow `{file_name}` of {}", repo.display()),
                "the token needs `Actions: read`; a workflow GitHub does not know is not on the \
                 default branch",
            )
        })
    }
}

const SECRETS_SCOPE: &str = "the token needs `Secrets: read` on the repository (a workflow's default GITHUB_TOKEN cannot list secrets)";

/// A failed request as a reason: what could not be read, what the API
/// said, and what would settle it.
fn api_reason(error: &ApiError, what: &str, settle: &str) -> Unknown {
    let hint = match error {
        ApiError::Unauthorized(_) => "the token is invalid or expired",
        ApiError::Forbidden(_) => settle,
        ApiError::NotFound(d) if d.contains("10007") => {
            "the script is not deployed under this name in this account"
        }
        ApiError::NotFound(_) => "check the name, the account and the token's access",
        ApiError::RateLimited(_) => "run `preflight verify` again later",
        ApiError::Transport(_) => "check the network and the API base URL",
        ApiError::Status(..) | ApiError::Malformed(_) => "run `preflight verify` again later",
    };
    format!("{what} could not be read ({error}): {hint}")
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// `git remote get-url origin` in `root`, if git and the remote exist.
fn origin_remote(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
