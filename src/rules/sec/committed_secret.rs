//! SEC003 committed-secret: the doc lives in rules/SEC003.md.
//!
//! The per-file phase already ran the credential catalog over every scanned
//! text (placeholders excluded), so this rule only turns those matches into
//! findings. The file's text is gone by now, which suits the rule: the
//! message names the credential's kind and length, never its characters.
//!
//! Two kinds of match drop to info: one in a test file or fixture folder
//! (almost always a dummy; `include_tests` keeps the error), and a Sentry
//! DSN, which is public by design.
//!
//! A value committed several times in one file is one finding, at its first
//! occurrence, with the others as related locations.

use crate::discover::is_test_file;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};
use crate::secrets::is_public_credential_id;

pub static META: RuleMeta = crate::rule_meta!(
    "SEC003",
    "committed-secret",
    Error,
    "a credential in a known format is committed",
    "rotate the credential (it is in the history now), remove it from the file, and load it from a secret store",
    root = CommittedCredential,
);

pub struct CommittedSecret;

impl Rule for CommittedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        for (id, file) in project.files() {
            let in_test_tree = is_test_path(&file.path) || is_test_file(&file.path);
            let demote_tests = in_test_tree && !project.config.include_tests;
            // Credentials of a file that was not analysed come from its raw
            // bytes, with their places: the report cannot read it back.
            let raw_places = file.unanalysed.as_ref().map(|u| &u.places);
            // One finding per value and file: the value's first occurrence,
            // with the others as related locations (one rotation fixes all).
            let mut firsts: crate::hashing::HashMap<(u64, &str), usize> = Default::default();
            for (index, found) in file.credentials.iter().enumerate() {
                if let Some(&at) = firsts.get(&(found.value_hash, found.id)) {
                    let primary: &mut Finding = &mut out[at];
                    primary.related.push(crate::finding::Related {
                        location: crate::finding::Location::File {
                            file: id,
                            span: found.span,
                        },
                        message: "the same value again".into(),
                        place: raw_places
                            .and_then(|p| p.get(index))
                            .map(|p| Box::new(p.clone())),
                    });
                    continue;
                }
                firsts.insert((found.value_hash, found.id), out.len());
                let help = if in_test_tree {
                    "a live credential in a test is still leaked: rotate it and use an obviously fake \
                     value (`sk_test_...`, `<token>`); if these paths only hold fakes, downgrade them \
                     with an [[overrides]] entry in preflight.toml"
                } else {
                    META.help
                };
                let public = is_public_credential_id(found.id);
                let message = if public {
                    format!(
                        "{} committed ({} chars): public by design (it only lets clients send \
                         events), so no leak; keep it in config if you prefer",
                        found.description,
                        found.span.len()
                    )
                } else if demote_tests {
                    format!(
                        "{} committed ({} chars) in a test file: likely a dummy, but a live one \
                         is as leaked as anywhere",
                        found.description,
                        found.span.len()
                    )
                } else {
                    format!(
                        "{} committed ({} chars): anyone who can read the repository can use it",
                        found.description,
                        found.span.len()
                    )
                };
                let mut finding =
                    Finding::new(&META, id, found.span)
                        .message(message)
                        .help(if public {
                            "no rotation needed: Sentry documents DSNs as safe to expose to clients"
                        } else {
                            help
                        });
                if public || demote_tests {
                    finding = finding.severity(Severity::Info);
                }
                if let Some(place) = raw_places.and_then(|p| p.get(index)) {
                    finding.place = Some(Box::new(place.clone()));
                }
                out.push(finding);
            }
        }
    }
}

/// Folders whose files are usually fakes; their findings keep their
/// severity, only the advice changes.
fn is_test_path(path: &str) -> bool {
    path.split('/').any(|segment| {
        matches!(
            segment.to_ascii_lowercase().as_str(),
            "test"
                | "tests"
                | "__tests__"
                | "spec"
                | "specs"
                | "fixture"
                | "fixtures"
                | "testdata"
                | "__fixtures__"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_test_folders() {
        assert!(is_test_path("tests/auth.test.ts"));
        assert!(is_test_path("packages/api/__fixtures__/keys.json"));
        assert!(!is_test_path("src/contest.ts"));
        assert!(!is_test_path("README.md"));
    }
}
