//! What `verify` reads from GitHub's REST API: the Actions secret names a
//! repository's workflows can see (names and dates only: the API never
//! returns values) and the state of a workflow.
//!
//! Endpoints:
//! - `GET /repos/{owner}/{repo}/actions/secrets`,
//!   `GET /repos/{owner}/{repo}/actions/organization-secrets`,
//!   `GET /repos/{owner}/{repo}/environments/{env}/secrets`:
//!   `{total_count, secrets: [{name, created_at, updated_at}]}`, paged with
//!   `per_page` (at most 100) and `page`;
//! - `GET /repos/{owner}/{repo}/actions/workflows/{file}`: `{path, state}`.

use serde::Deserialize;

use super::client::{ApiError, Client};
use super::cloudflare::segment;

/// The base URL when `GITHUB_API_URL` is not set.
pub const DEFAULT_BASE: &str = "https://api.github.com";

const PER_PAGE: u32 = 100;

/// Pages read at most (10,000 secrets).
const MAX_PAGES: u32 = 100;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Secret {
    pub name: String,
    /// RFC 3339 (`2020-01-10T14:59:22Z`).
    #[serde(default)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SecretPage {
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    secrets: Vec<Secret>,
}

/// `owner/repo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    /// `owner/repo`, as `GITHUB_REPOSITORY` holds it.
    pub fn parse(text: &str) -> Option<Repo> {
        let (owner, name) = text.trim().split_once('/')?;
        let name = name.trim_end_matches(".git");
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        (valid(owner) && valid(name)).then(|| Repo {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    /// The repository of a GitHub remote URL (`https://github.com/o/r.git`,
    /// `git@github.com:o/r.git`, `ssh://git@github.com/o/r`).
    pub fn from_remote(url: &str) -> Option<Repo> {
        let url = url.trim();
        let rest = url
            .split_once("github.com/")
            .or_else(|| url.split_once("github.com:"))?
            .1;
        Repo::parse(rest.trim_end_matches('/'))
    }

    pub fn display(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    fn path(&self) -> String {
        format!("/repos/{}/{}", segment(&self.owner), segment(&self.name))
    }
}

pub fn repository_secrets(client: &Client, repo: &Repo) -> Result<Vec<Secret>, ApiError> {
    secrets(client, &format!("{}/actions/secrets", repo.path()))
}

/// Organization secrets shared with this repository.
pub fn organization_secrets(client: &Client, repo: &Repo) -> Result<Vec<Secret>, ApiError> {
    secrets(
        client,
        &format!("{}/actions/organization-secrets", repo.path()),
    )
}

pub fn environment_secrets(
    client: &Client,
    repo: &Repo,
    environment: &str,
) -> Result<Vec<Secret>, ApiError> {
    secrets(
        client,
        &format!(
            "{}/environments/{}/secrets",
            repo.path(),
            segment(environment)
        ),
    )
}

/// A workflow's state: `active`, `disabled_manually`,
/// `disabled_inactivity`, `disabled_fork`, `deleted`.
pub fn workflow_state(client: &Client, repo: &Repo, file_name: &str) -> Result<String, ApiError> {
    #[derive(Deserialize)]
    struct Workflow {
        state: String,
    }
    let path = format!("{}/actions/workflows/{}", repo.path(), segment(file_name));
    let workflow: Workflow = serde_json::from_value(client.get(&path, &[])?)
        .map_err(|e| ApiError::Malformed(format!("not the documented workflow shape: {e}")))?;
    Ok(workflow.state)
}

fn secrets(client: &Client, path: &str) -> Result<Vec<Secret>, ApiError> {
    let mut all: Vec<Secret> = Vec::new();
    for page in 1..=MAX_PAGES {
        let answer = client.get(
            path,
            &[
                ("per_page", PER_PAGE.to_string()),
                ("page", page.to_string()),
            ],
        )?;
        let page: SecretPage = serde_json::from_value(answer)
            .map_err(|e| ApiError::Malformed(format!("not the documented secret list: {e}")))?;
        let short = (page.secrets.len() as u64) < u64::from(PER_PAGE);
        all.extend(page.secrets);
        if short || all.len() as u64 >= page.total_count {
            return Ok(all);
        }
    }
    Err(ApiError::Malformed(format!(
        "the list has more than {MAX_PAGES} pages; preflight reads at most that many"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_repository_of_a_remote() {
        let expected = Some(Repo {
            owner: "acme".into(),
            name: "api".into(),
        });
        assert_eq!(
            Repo::from_remote("https://github.com/acme/api.git"),
            expected
        );
        assert_eq!(Repo::from_remote("git@github.com:acme/api.git"), expected);
        assert_eq!(
            Repo::from_remote("ssh://git@github.com/acme/api/"),
            expected
        );
        assert_eq!(Repo::from_remote("https://gitlab.com/acme/api"), None);
        assert_eq!(Repo::parse("acme/api"), expected);
        assert_eq!(Repo::parse("acme"), None);
    }
}
