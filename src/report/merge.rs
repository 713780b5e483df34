//! One committed credential, one finding.
//!
//! Rules that report committed credential values
//! ([`Root::CommittedCredential`]) can all see the same value: SEC003's
//! catalog matches a key that SEC002 also finds in `vars`, SEC005 in a
//! template, SEC008 in a script, CI002 in a workflow. Their findings on one
//! line are one problem with one fix, so the report keeps one: the most
//! severe, and among equals the most specific (any rule over SEC003's
//! generic catalog match), and names the other codes in its message.
//! Findings of other rules on the same line (SEC001 on the key, SEC007 on
//! a weak value) ask for different fixes and stay separate.
//!
//! Runs after suppressions: a suppressed finding is not merged into one
//! that is shown.

use std::collections::HashMap;

use super::Diagnostic;
use crate::rule_meta::Root;

/// The catalog rule: a generic match, the least specific of the group.
const CATALOG_CODE: &str = "SEC003";

fn shares_root(code: &str) -> bool {
    crate::rules::find(code).is_some_and(|m| m.root == Root::CommittedCredential)
}

/// Merges the committed-credential findings that share a path and line.
pub fn committed_credentials(diagnostics: &mut Vec<Diagnostic>) {
    let mut groups: HashMap<(&str, usize), Vec<usize>> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if shares_root(d.code) {
            groups.entry((d.path.as_str(), d.line)).or_default().push(i);
        }
    }
    let mut merged_away = vec![false; diagnostics.len()];
    let mut notes: Vec<(usize, Vec<&'static str>, Vec<usize>)> = Vec::new();
    for (_, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let Some(&keep) = members.iter().max_by_key(|&&i| {
            let d = &diagnostics[i];
            (
                d.severity,
                d.code != CATALOG_CODE,
                std::cmp::Reverse(d.code),
            )
        }) else {
            continue;
        };
        let mut others: Vec<&'static str> = Vec::new();
        for &i in &members {
            if i != keep {
                merged_away[i] = true;
                if !others.contains(&diagnostics[i].code)
                    && diagnostics[i].code != diagnostics[keep].code
                {
                    others.push(diagnostics[i].code);
                }
            }
        }
        others.sort_unstable();
        let absorbed = members.iter().copied().filter(|&i| i != keep).collect();
        notes.push((keep, others, absorbed));
    }
    for (keep, others, absorbed) in notes {
        // The merged findings' other places (the same value repeated
        // further down) belong to the finding that stays.
        let mut related: Vec<_> = absorbed
            .iter()
            .flat_map(|&i| diagnostics[i].related.clone())
            .collect();
        let d = &mut diagnostics[keep];
        related.retain(|r| !d.related.contains(r));
        d.related.extend(related);
        d.related
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        d.related.dedup();
        if others.is_empty() {
            continue;
        }
        d.message = format!(
            "{} (the same value is also {}: one credential, one fix)",
            d.message,
            others.join(" and ")
        )
        .into();
    }
    let mut index = 0;
    diagnostics.retain(|_| {
        let keep = !merged_away[index];
        index += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn diag(code: &'static str, line: usize, severity: Severity) -> Diagnostic {
        Diagnostic {
            code,
            name: "",
            severity,
            path: "wrangler.toml".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            message: "msg".into(),
            help: "".into(),
            fingerprint: String::new(),
            span: None,
            reason: None,
            related: Vec::new(),
        }
    }

    #[test]
    fn one_credential_on_a_line_is_one_finding_naming_the_other_rules() {
        let mut ds = vec![
            diag("SEC003", 7, Severity::Error),
            diag("SEC002", 7, Severity::Error),
            diag("SEC001", 7, Severity::Error),
            diag("SEC003", 9, Severity::Error),
            diag("SEC005", 9, Severity::Info),
        ];
        committed_credentials(&mut ds);
        let kept: Vec<(&str, usize)> = ds.iter().map(|d| (d.code, d.line)).collect();
        // SEC002 is more specific than the catalog; SEC001 is about the key;
        // on line 9 the error outranks the info.
        assert_eq!(kept, vec![("SEC002", 7), ("SEC001", 7), ("SEC003", 9)]);
        assert!(ds[0].message.contains("also SEC003"), "{}", ds[0].message);
        assert!(ds[2].message.contains("also SEC005"), "{}", ds[2].message);
        assert_eq!(ds[1].message, "msg");
    }
}
