//! Baselines: `--write-baseline FILE` records the current findings,
//! `--baseline FILE` hides them, so a project can adopt preflight and block
//! only new problems.
//!
//! Findings are matched by fingerprint, which hashes the code, the path and
//! the normalized offending text with secret values masked (plus an
//! occurrence counter), never the line: edits elsewhere in the file do not
//! resurrect baselined findings. The file keeps code and path beside each
//! fingerprint so that a reviewer can read it; it holds no message, so no
//! value can leak into it.
//!
//! Version 1 fingerprints hashed the offending text unmasked, so a short
//! secret could be brute-forced back from them. A version 1 baseline still
//! works: its entries are matched by code and path (each entry hides one
//! finding of that code in that file), and `--baseline` says once that it
//! should be rewritten.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{Value, json};

use crate::report::Report;

pub const VERSION: u64 = 2;

/// The version whose fingerprints are no longer made: matched by code and
/// path.
const LEGACY_VERSION: u64 = 1;

#[derive(Debug, Default)]
pub struct Baseline {
    /// (code, fingerprint).
    entries: HashSet<(String, String)>,
    /// For a version 1 baseline: how many findings of each (code, path)
    /// it records.
    legacy: Option<HashMap<(String, String), usize>>,
}

impl Baseline {
    /// The text of a baseline recording every finding of `report`
    /// (suppressed ones are already accepted in the source).
    pub fn render(report: &Report) -> String {
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|d| json!({"code": d.code, "path": d.path, "fingerprint": d.fingerprint}))
            .collect();
        let doc = json!({"version": VERSION, "tool": "preflight", "findings": findings});
        let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
        out.push('\n');
        out
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let legacy = match doc.get("version").and_then(Value::as_u64) {
            Some(VERSION) => false,
            Some(LEGACY_VERSION) => true,
            Some(v) => {
                return Err(format!(
                    "unsupported baseline version {v} (expected {VERSION})"
                ));
            }
            None => return Err("missing \"version\"".to_string()),
        };
        let findings = doc
            .get("findings")
            .and_then(Value::as_array)
            .ok_or_else(|| "missing \"findings\" array".to_string())?;
        let mut entries = HashSet::new();
        let mut by_path: HashMap<(String, String), usize> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            let field = |key: &str| {
                f.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("findings[{i}] lacks a string \"{key}\""))
            };
            let code = field("code")?;
            if legacy {
                *by_path.entry((code.clone(), field("path")?)).or_default() += 1;
            }
            entries.insert((code, field("fingerprint")?));
        }
        Ok(Baseline {
            entries,
            legacy: legacy.then_some(by_path),
        })
    }

    /// Whether this baseline has the old fingerprints (matched by code and
    /// path only): it should be rewritten with `--write-baseline`.
    pub fn is_legacy(&self) -> bool {
        self.legacy.is_some()
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::parse(&text).map_err(|e| format!("invalid baseline {}: {e}", path.display()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes the baselined findings from the report; returns how many.
    pub fn apply(&self, report: &mut Report) -> usize {
        let before = report.findings.len();
        if let Some(legacy) = &self.legacy {
            let mut left = legacy.clone();
            report.findings.retain(
                |d| match left.get_mut(&(d.code.to_string(), d.path.clone())) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                },
            );
            return before - report.findings.len();
        }
        report.findings.retain(|d| {
            !self
                .entries
                .contains(&(d.code.to_string(), d.fingerprint.clone()))
        });
        before - report.findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_malformed_baselines() {
        assert!(Baseline::parse("[]").is_err());
        assert!(Baseline::parse(r#"{"version": 3, "findings": []}"#).is_err());
        assert!(Baseline::parse(r#"{"version": 2, "findings": [{"code": "SEC001"}]}"#).is_err());
        let b = Baseline::parse(
            r#"{"version": 2, "findings": [{"code": "SEC001", "path": "a", "fingerprint": "f"}]}"#,
        )
        .unwrap();
        assert_eq!(b.len(), 1);
        assert!(!b.is_legacy());
        let old = Baseline::parse(
            r#"{"version": 1, "findings": [{"code": "SEC001", "path": "a", "fingerprint": "f"}]}"#,
        )
        .unwrap();
        assert!(old.is_legacy());
    }
}
