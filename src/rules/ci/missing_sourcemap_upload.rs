//! CI004 missing-sourcemap-upload: the doc lives in rules/CI004.md.
//!
//! Without source maps Sentry shows stack traces of the bundled, minified
//! Worker. Uploads are recognised in workflow steps, committed scripts and
//! package.json scripts (a deploy script often chains the upload), and
//! through Sentry's bundler plugins, which upload at build time.

use crate::finding::Finding;
use crate::formats::shell::Command;
use crate::project::{Facts, Project};
use crate::rules::support::workflows::{action_name, step_deploy_span};
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "CI004",
    "missing-sourcemap-upload",
    Warning,
    "the Worker uses Sentry but deploys upload no source maps",
    "upload source maps on deploy (`sentry-cli sourcemaps upload` or `getsentry/action-release`)",
);

pub struct MissingSourcemapUpload;

fn is_sentry_package(name: &str) -> bool {
    name.starts_with("@sentry/") || name == "toucan-js"
}

fn is_sentry_bundler_plugin(name: &str) -> bool {
    name.starts_with("@sentry/") && name.ends_with("-plugin")
}

fn uses_sentry(project: &Project) -> bool {
    let summary = &project.summary;
    summary.packages.iter().any(|p| is_sentry_package(p))
        || summary.env_names.contains("SENTRY_DSN")
        || project.files().any(|(_, f)| match &f.facts {
            Facts::PackageJson(p) => p.dependencies.iter().any(|d| is_sentry_package(d)),
            _ => false,
        })
}

/// A command that uploads source maps, or runs a script named for it.
fn uploads(command: &Command) -> bool {
    let words: Vec<String> = command
        .words
        .iter()
        .map(|w| w.text.to_ascii_lowercase())
        .collect();
    let sentry_cli = words
        .iter()
        .any(|w| w.ends_with("sentry-cli") || w.starts_with("@sentry/cli"));
    let named = words
        .iter()
        .any(|w| !w.starts_with("--") && (w.contains("sourcemap") || w.contains("source-map")));
    (sentry_cli && words.iter().any(|w| w == "sourcemaps" || w == "releases")) || named
}

fn has_upload(project: &Project) -> bool {
    let bundler_plugin = project.files().any(|(_, f)| match &f.facts {
        Facts::PackageJson(p) => p.dependencies.iter().any(|d| is_sentry_bundler_plugin(d)),
        _ => false,
    });
    let in_scripts = project
        .shell_scripts()
        .any(|(_, s)| s.commands.iter().any(uploads));
    let in_workflows = project.workflows().any(|(_, w)| {
        w.jobs.iter().flat_map(|j| &j.steps).any(|s| {
            s.uses
                .as_ref()
                .is_some_and(|u| action_name(&u.value).starts_with("getsentry/"))
                || s.run
                    .as_ref()
                    .is_some_and(|r| r.script.commands.iter().any(uploads))
        })
    });
    bundler_plugin || in_scripts || in_workflows
}

impl Rule for MissingSourcemapUpload {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let deploys: Vec<_> = project
            .workflows()
            .flat_map(|(file, w)| {
                w.jobs.iter().filter_map(move |j| {
                    j.steps.iter().find_map(step_deploy_span).map(|s| (file, s))
                })
            })
            .collect();
        if deploys.is_empty() || !uses_sentry(project) || has_upload(project) {
            return;
        }
        for (file, span) in deploys {
            out.push(
                Finding::new(&META, file, span)
                    .message(
                        "this deploys a Worker that reports errors to Sentry, but no step uploads its source \
                         maps: Sentry will show stack traces of the minified bundle",
                    )
                    .help(
                        "build with `wrangler deploy --outdir dist --upload-source-maps` (or `--dry-run --outdir`), \
                         then run `sentry-cli sourcemaps inject dist && sentry-cli sourcemaps upload dist`, or use \
                         `getsentry/action-release`",
                    ),
            );
        }
    }
}
