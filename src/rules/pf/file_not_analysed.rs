//! PF002 file-not-analysed: the doc lives in rules/PF002.md.
//!
//! A file of a kind preflight must understand (wrangler config, env file,
//! workflow, script, Worker source, manifest) that it could not analyse is
//! reported, so that padding a file past the size cap, a NUL byte, a
//! minified-looking line or a symlink cannot hide its findings. Other files
//! (images, data, vendored bundles) that were skipped are only listed in the
//! report's summary: they hold no configuration or Worker code, and the
//! credential catalog still ran over their raw bytes (SEC003).
//!
//! Generated source (a client a code generator wrote, such as Prisma's
//! `generated/prisma/`, and `.d.ts` declarations, which never run) is often
//! too big or dense to parse and is nobody's hand-written code: its notice
//! is info, still listed in every format. Limit: the path is the evidence,
//! and a pull request chooses paths; a padded file under `generated/` is
//! therefore visible as info rather than failing the check, and the
//! credential scan over its bytes still runs.

use crate::discover::classify;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::span::Span;

pub static META: RuleMeta = crate::rule_meta!(
    "PF002",
    "file-not-analysed",
    Error,
    "a file preflight must understand could not be analysed",
    "make the file analysable (under `max_file_size`, text without NUL bytes, not minified), or exclude it in preflight.toml if it is generated",
);

const MINIFIED_HELP: &str = "if it is a generated bundle, name it `*.min.js` (or keep it in `dist/`) \
     or exclude it in preflight.toml; if it is the Worker's own source, keep it formatted so that \
     preflight can parse it";

const IGNORE_HELP: &str = "keep `.gitignore` files to the patterns the project needs (a directory \
     pattern such as `generated/` instead of one line per file)";

pub struct FileNotAnalysed;

impl Rule for FileNotAnalysed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, file) in project.files() {
            let Some(unanalysed) = &file.unanalysed else {
                continue;
            };
            // Not valid UTF-8 is a parse failure of its own (PF000).
            if !file.kind.is_structured() || file.parse_failure.is_some() {
                continue;
            }
            let finding = if file.kind.is_source() && is_generated_source(&file.path) {
                Finding::new(&META, id, Span::empty_at(0))
                    .severity(Severity::Info)
                    .message(format!(
                        "{} was not analysed: {}; it looks generated (a declaration file or \
                         under a `generated` directory), so only its credentials were checked",
                        file.path, unanalysed.reason
                    ))
            } else {
                Finding::new(&META, id, Span::empty_at(0)).message(format!(
                    "{} was not analysed: {}; none of its findings can be checked",
                    file.path, unanalysed.reason
                ))
            };
            out.push(if unanalysed.reason.starts_with("judged minified") {
                finding.help(MINIFIED_HELP)
            } else {
                finding
            });
        }
        if let Some(dropped) = &project.ignore_rules_dropped {
            out.push(
                Finding::virtual_path(&META, dropped.largest.clone())
                    .severity(Severity::Warning)
                    .message(format!(
                        "the ignore rules were not applied: the {} ignore files git reads hold {} \
                         bytes together, over the {} bytes preflight compiles, so every file \
                         they would hide was scanned",
                        dropped.files,
                        dropped.total_bytes,
                        crate::discover::MAX_IGNORE_BYTES
                    ))
                    .help(IGNORE_HELP),
            );
        }
        // Files the walk could not even open (symlinks leaving the root,
        // FIFOs, unreadable entries) have no file id.
        for skipped in &project.skipped {
            if classify(&skipped.path).is_structured() {
                out.push(
                    Finding::virtual_path(&META, skipped.path.clone()).message(format!(
                        "{} was not analysed: {}; none of its findings can be checked",
                        skipped.path, skipped.reason
                    )),
                );
            }
        }
    }
}

/// Directory names code generators write into.
const GENERATED_DIRS: &[&str] = &["generated", "__generated__", ".generated"];

/// A declaration file, or source under a generator's directory.
fn is_generated_source(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|s| lower.ends_with(s))
        || lower
            .split('/')
            .rev()
            .skip(1)
            .any(|seg| GENERATED_DIRS.contains(&seg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sources_are_declarations_or_under_generator_directories() {
        for p in [
            "server/src/generated/prisma/runtime/client.js",
            "src/__generated__/graphql.ts",
            "types/index.d.ts",
        ] {
            assert!(is_generated_source(p), "{p}");
        }
        for p in ["src/index.ts", "src/generated.ts", "src/generator/run.ts"] {
            assert!(!is_generated_source(p), "{p}");
        }
    }
}
