//! PF002 file-not-analysed: the doc lives in rules/PF002.md.
//!
//! A file of a kind preflight must understand (wrangler config, env file,
//! workflow, script, Worker source, manifest) that it could not analyse is
//! reported, so that padding a file past the size cap, a NUL byte, a
//! minified-looking line or a symlink cannot hide its findings. Other files
//! (images, data, vendored bundles) that were skipped are only listed in the
//! report's summary: they hold no configuration or Worker code, and the
//! credential catalog still ran over their raw bytes (SEC003).

use crate::discover::classify;
use crate::finding::Finding;
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
            let finding = Finding::new(&META, id, Span::empty_at(0)).message(format!(
                "{} was not analysed: {}; none of its findings can be checked",
                file.path, unanalysed.reason
            ));
            out.push(if unanalysed.reason.starts_with("judged minified") {
                finding.help(MINIFIED_HELP)
            } else {
                finding
            });
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
