//! SEC004 env-file-not-ignored: the doc lives in rules/SEC004.md.
//!
//! Discovery walks the tree with the repository's ignore rules applied and
//! adds back the env files git tracks, so a local env file that appears in
//! the project is either in the index or not ignored: both are reported.
//! Outside a git work tree nothing can be committed, so nothing is reported.
//!
//! Severity follows the evidence: an env file whose every entry is harmless
//! (no secret name with a real value, no credential format; a Vite mode
//! file of public settings, the `NEXTJS_ENV=development` an OpenNext
//! scaffold commits) is a warning; anything else, or a file that could not
//! be parsed, is an error.

use std::collections::{HashMap, HashSet};

use crate::discover::{file_name, is_local_env_file, parent_dir};
use crate::finding::{FileId, Finding, Severity};
use crate::project::{Facts, LocalSecretFile, LocalSecretWhy, Project, SourceFile};
use crate::rules::{Rule, RuleMeta};
use crate::secrets::names::hints_credential;
use crate::secrets::{Catalog, is_template_dummy, public_value};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC004",
    "env-file-not-ignored",
    Error,
    "a local env file is tracked by git or not covered by .gitignore",
    "add `.dev.vars*` and `.env*` (with `!*.example` for templates) to .gitignore and `git rm --cached` the file",
);

pub struct EnvFileNotIgnored;

impl Rule for EnvFileNotIgnored {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        if !project.in_git_repo {
            return;
        }
        let mut reported: HashSet<&str> = HashSet::new();
        for (id, file) in project.files() {
            let name = file_name(&file.path);
            if !is_local_env_file(name) {
                continue;
            }
            reported.insert(file.path.as_str());
            let mut finding = Finding::new(&META, id, Span::empty_at(0));
            let harmless = holds_no_secret(project, file);
            if harmless {
                finding = finding.severity(Severity::Warning);
            }
            let note = if harmless {
                "; it holds no secret-named key with a real value and no credential today, \
                 but the next secret added to it is committed too"
            } else {
                ""
            };
            out.push(if file.tracked {
                finding
                    .message(format!(
                        "`{}` is tracked by git: its values are in the repository whatever \
                         .gitignore says{note}",
                        file.path
                    ))
                    .help(format!(
                        "run `git rm --cached {}`, make sure .gitignore covers it, and rotate every \
                         credential it has ever held",
                        file.path
                    ))
            } else {
                finding
                    .message(format!(
                        "`{}` is not covered by the repository's ignore rules: the next `git add .` \
                         commits it{note}",
                        file.path
                    ))
                    .help(ignore_help(name))
            });
        }

        let by_path: HashMap<&str, FileId> = project
            .files()
            .map(|(id, f)| (f.path.as_str(), id))
            .collect();
        for (index, worker) in project.workers.iter().enumerate() {
            let Some(unignored) = project.unignored_secret_files.get(index) else {
                continue;
            };
            // An existing file was reported above, more precisely.
            let unignored: Vec<&LocalSecretFile> = unignored
                .iter()
                .filter(|f| !reported.contains(join(&worker.dir, &f.name).as_str()))
                .collect();
            let Some(first) = unignored.first() else {
                continue;
            };
            let (file, at_gitignore) = match nearest_gitignore(&by_path, &worker.dir) {
                Some(id) => (id, true),
                None => (worker.config_file, false),
            };
            let where_ = if worker.dir.is_empty() {
                "the repository root".to_string()
            } else {
                format!("`{}`", worker.dir)
            };
            let help = if at_gitignore {
                "add `.dev.vars*` and `!.dev.vars.example` to this .gitignore"
            } else {
                "create a .gitignore beside the wrangler config with `.dev.vars*` and `!.dev.vars.example`"
            };
            let also = match unignored.len() {
                1 => String::new(),
                _ => format!(
                    " (nor {})",
                    unignored[1..]
                        .iter()
                        .map(|f| describe(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Finding::new(&META, file, Span::empty_at(0))
                    .severity(Severity::Warning)
                    .message(format!(
                        "the ignore rules do not cover {}{also} for the Worker at {where_}: \
                         once someone creates it, its secrets are one `git add` away from a commit",
                        describe(first)
                    ))
                    .help(help),
            );
        }
    }
}

/// `.dev.vars.production` (the `deploy` script feeds it to `wrangler secret bulk`).
fn describe(file: &LocalSecretFile) -> String {
    match &file.why {
        LocalSecretWhy::DevVars => format!("`{}`", file.name),
        LocalSecretWhy::BulkUpload { script } => format!(
            "`{}` (the `{script}` script feeds it to `wrangler secret bulk`)",
            file.name
        ),
    }
}

/// The evidence that lowers SEC004 to a warning: the file was parsed, no
/// credential format matched its bytes, and every entry is harmless: a
/// name that is not a secret name, or an empty, placeholder or
/// public-by-design value (`VITE_API_KEY=https://api.example.dev`). A
/// file that could not be read this way stays an error.
fn holds_no_secret(project: &Project, file: &SourceFile) -> bool {
    let Facts::DotEnv(env) = &file.facts else {
        return false;
    };
    file.unanalysed.is_none()
        && file.parse_failure.is_none()
        && file.credentials.is_empty()
        && env.entries.iter().all(|e| {
            let value = e.value.as_str().trim();
            !may_name_a_secret(project, e.key.as_str())
                || value.is_empty()
                || is_template_dummy(value)
                || public_value(value).is_some()
        })
        && env
            .entries
            .iter()
            .all(|e| Catalog::builtin().match_value(e.value.as_str()).is_none())
}

/// Words that make a key possibly secret here beyond the secret names and
/// the credential hints (`KEY`, `TOKEN`, `SECRET`, `PASS`, ...): env files
/// are full of run-together names (`APIKEY`, `CRYPTOSALT`, a bare `SECRET`)
/// the name rules do not split, and a wrong warning here would hide a
/// committed secret.
const MORE_SECRET_WORDS: &[&str] = &["SALT", "DATABASE", "CONN"];

fn may_name_a_secret(project: &Project, key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    project.names.is_secret_name(key)
        || hints_credential(key)
        || MORE_SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// The `.gitignore` in the Worker's directory or the closest one above it.
fn nearest_gitignore(by_path: &HashMap<&str, FileId>, dir: &str) -> Option<FileId> {
    let mut current = dir;
    loop {
        if let Some(id) = by_path.get(join(current, ".gitignore").as_str()) {
            return Some(*id);
        }
        if current.is_empty() {
            return None;
        }
        current = parent_dir(current);
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Suggests the family's wildcard, which also covers the variants
/// (`.env.production.local`, `.dev.vars.staging`), and keeps the template.
fn ignore_help(name: &str) -> &'static str {
    if name.to_ascii_lowercase().starts_with(".dev.vars") {
        "add `.dev.vars*` and `!.dev.vars.example` to .gitignore"
    } else {
        "add `.env*` and `!.env.example` to .gitignore"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_closest_gitignore_above() {
        let files: HashMap<&str, FileId> = [(".gitignore", 0), ("apps/.gitignore", 1)]
            .into_iter()
            .collect();
        assert_eq!(nearest_gitignore(&files, "apps/api"), Some(1));
        assert_eq!(nearest_gitignore(&files, "apps"), Some(1));
        assert_eq!(nearest_gitignore(&files, "worker"), Some(0));
        assert_eq!(nearest_gitignore(&files, ""), Some(0));
        assert_eq!(nearest_gitignore(&HashMap::new(), "a/b"), None);
    }
}
