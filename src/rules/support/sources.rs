//! Helpers shared by the source (TS/JS) rules: the callees they declare for
//! compaction to keep, which files they skip, and resolving a relative import to the module constant it names.

use crate::hashing::HashMap;

use crate::config::Config;
use crate::finding::FileId;
use crate::formats::js::{ExportKind, Imported, JsFacts};
use crate::project::Project;

/// A call to a Turnstile verification (the configured pattern); kept by
/// compaction for the rules that declare it ([`crate::rules::Rule::kept_callees`]).
pub fn is_turnstile_callee(config: &Config, callee: &str) -> bool {
    config.turnstile_pattern.is_match(callee)
}

/// A call that records a security event (the configured pattern).
pub fn is_security_event_callee(config: &Config, callee: &str) -> bool {
    config.security_event_pattern.is_match(callee)
}

/// A call to a rate limiter (the configured pattern).
pub fn is_rate_limit_callee(config: &Config, callee: &str) -> bool {
    config.rate_limit_pattern.is_match(callee)
}

/// The TS/JS (and Rust) source files loaded, with facts, less those
/// [`skip_test_file`] skips.
pub fn source_files(
    project: &Project,
) -> impl Iterator<Item = (FileId, &crate::project::SourceFile, &JsFacts)> {
    project
        .js_files()
        .filter(|(_, file, _)| !skip_test_file(project, file))
}

// The two file-skip policies of the source rules. Every source rule uses
// one of them, and says which in its own code:
// - `skip_test_file` (the AUTH and DB003/DB004 source rules): a finding
//   that stays true in code no entry imports today, since the file may be
//   wired in tomorrow; such findings are reported one level lower, with a
//   note, by the one severity policy (`crate::rule_meta::Reach::Runtime`,
//   applied in `crate::run::analyze`);
// - `skip_test_or_unreachable_file` (NET001-NET005, SEC009, OBS001): rules
//   judging what the deployed Worker does, about which a frontend, a build
//   config or a script no entry imports says nothing.

/// Policy 1: skip a test file, unless the configuration includes tests.
pub fn skip_test_file(project: &Project, file: &crate::project::SourceFile) -> bool {
    !project.config.include_tests && file.is_test
}

/// Policy 2: skip a test file (as [`skip_test_file`]) and a file the
/// Worker's `main` never imports (not deployed code).
pub fn skip_test_or_unreachable_file(project: &Project, file: FileId) -> bool {
    skip_test_file(project, project.file(file))
        || project.reachability(file) == crate::project::routes::Reachability::Unreachable
}

/// Extensions tried, in order, for an extension-less relative specifier.
const EXTENSIONS: &[&str] = &[".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

/// Re-export hops followed before giving up.
const MAX_REEXPORT_HOPS: usize = 4;

/// The project's TS/JS files by path, to resolve relative imports.
pub struct ModuleIndex<'p> {
    files: HashMap<&'p str, (FileId, &'p JsFacts)>,
}

impl<'p> ModuleIndex<'p> {
    pub fn new(project: &'p Project) -> Self {
        let files = project
            .js_files()
            .map(|(id, f, facts)| (f.path.as_str(), (id, facts)))
            .collect();
        ModuleIndex { files }
    }

    /// The file a relative `specifier` imported from `from` (a project path)
    /// names: `./x` finds `x.ts`, `x.js`, `x/index.ts`...; `./x.js` also finds
    /// `x.ts` (TypeScript ESM style). Bare specifiers and path aliases are
    /// not resolved.
    pub fn resolve(&self, from: &str, specifier: &str) -> Option<(&'p str, &'p JsFacts)> {
        if !(specifier.starts_with("./") || specifier.starts_with("../")) {
            return None;
        }
        let dir = from.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        for seg in specifier.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                other => parts.push(other),
            }
        }
        let base = parts.join("/");
        let mut candidates = vec![base.clone()];
        for (js, ts) in [
            (".js", ".ts"),
            (".jsx", ".tsx"),
            (".mjs", ".mts"),
            (".cjs", ".cts"),
        ] {
            if let Some(stem) = base.strip_suffix(js) {
                candidates.push(format!("{stem}{ts}"));
            }
        }
        candidates.extend(EXTENSIONS.iter().map(|e| format!("{base}{e}")));
        candidates.extend(EXTENSIONS.iter().map(|e| format!("{base}/index{e}")));
        candidates.iter().find_map(|c| {
            self.files
                .get_key_value(c.as_str())
                .map(|(path, (_, facts))| (*path, *facts))
        })
    }

    /// The files that import `exported` from the file at `path` (static,
    /// named imports, directly): each with the local name it is bound to;
    /// `None` as the name for a namespace or default import of that file,
    /// whose uses are not followed.
    pub fn importers(
        &self,
        path: &str,
        exported: &str,
    ) -> Vec<(&'p str, &'p JsFacts, Option<String>)> {
        let mut out = Vec::new();
        let mut paths: Vec<&&'p str> = self.files.keys().collect();
        paths.sort();
        for from in paths {
            let (_, facts) = self.files[*from];
            for import in &facts.imports {
                if import.type_only
                    || import.kind != crate::formats::js::ImportKind::Static
                    || self.resolve(from, &import.source.value).map(|(p, _)| p) != Some(path)
                {
                    continue;
                }
                for n in &import.names {
                    match &n.imported {
                        Imported::Named(x) if x == exported => {
                            out.push((*from, facts, Some(n.local.to_string())))
                        }
                        Imported::Named(_) => {}
                        Imported::Default if exported != "default" => {}
                        _ => out.push((*from, facts, None)),
                    }
                }
            }
        }
        out
    }

    /// Whether `used` (an imported local name, or `ns.NAME` for a namespace
    /// import) in the file at `path` with `facts` resolves to an exported
    /// `const` whose value is built only from literals.
    /// A call written `name()` resolves to a function of `constant_fns`:
    /// this file's own when `name` is not imported.
    pub fn is_literal_import(&self, path: &str, facts: &JsFacts, used: &str) -> bool {
        // `f()` / `f().prop`: `call` is `Some("")` / `Some(".prop")`.
        let (used, call) = match used.find("()") {
            Some(at) => (&used[..at], Some(&used[at + 2..])),
            None => (used, None),
        };
        let (local, member) = match used.split_once('.') {
            Some((l, m)) => (l, Some(m)),
            None => (used, None),
        };
        let Some((import, name)) = facts.import_of(local) else {
            return call.is_some_and(|rest| member.is_none() && constant_fn(facts, local, rest));
        };
        if import.type_only {
            return false;
        }
        let exported = match (&name.imported, member) {
            (Imported::Named(n), None) => n.as_str(),
            (Imported::Namespace, Some(m)) => m,
            _ => return false,
        };
        match self.resolve(path, &import.source.value) {
            Some((target_path, target)) => {
                self.exports_literal(target_path, target, exported, call, 0)
            }
            None => false,
        }
    }

    fn exports_literal(
        &self,
        path: &str,
        facts: &JsFacts,
        name: &str,
        call: Option<&str>,
        hops: usize,
    ) -> bool {
        if hops > MAX_REEXPORT_HOPS {
            return false;
        }
        let literal_const = |local: &str| {
            if let Some(rest) = call {
                return constant_fn(facts, local, rest);
            }
            facts
                .module_constants
                .iter()
                .any(|c| c.name == local && c.is_const && c.literal_only)
        };
        for e in facts.exports.iter().filter(|e| e.exported == name) {
            let inner = e.local.as_deref().unwrap_or(name);
            let found = match &e.kind {
                ExportKind::Local => literal_const(inner),
                ExportKind::ReExport { source } => self
                    .resolve(path, source)
                    .is_some_and(|(p, f)| self.exports_literal(p, f, inner, call, hops + 1)),
                _ => false,
            };
            if found {
                return true;
            }
        }
        let star_sources = facts.exports.iter().filter_map(|e| match &e.kind {
            ExportKind::ReExportAll { source } if e.exported == "*" => Some(source),
            _ => None,
        });
        for source in star_sources {
            if let Some((p, f)) = self.resolve(path, source)
                && self.exports_literal(p, f, name, call, hops + 1)
            {
                return true;
            }
        }
        false
    }
}

/// Whether `name` (with `rest` empty) or its property `rest` (`.sql`) is
/// in the file's `constant_fns`.
fn constant_fn(facts: &JsFacts, name: &str, rest: &str) -> bool {
    facts.constant_fns.iter().any(|f| {
        f == name
            || (!rest.is_empty()
                && f.strip_prefix(name)
                    .and_then(|t| t.strip_prefix("()"))
                    .is_some_and(|t| t == rest))
    })
}

/// Test support: a temporary directory holding `files` (path, text).
#[cfg(test)]
pub(crate) fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(full, text).expect("write");
    }
    dir
}

/// Test support: scans a temporary project made of `files` (path, text)
/// and runs `rule`, returning each finding as (path, line, reported text).
#[cfg(test)]
pub(crate) fn run_rule_on(
    rule: &dyn crate::rules::Rule,
    files: &[(&str, &str)],
    config: crate::config::Config,
) -> Vec<(String, usize, String)> {
    let dir = temp_tree(files);
    let (project, out) = crate::run::analyze(dir.path(), config, &[rule]);
    out.iter()
        .filter_map(|f| match &f.location {
            crate::finding::Location::File { file, span } => {
                let sf = project.file(*file);
                let text = std::fs::read_to_string(dir.path().join(&sf.path)).ok()?;
                let (line, _) = crate::span::line_col(&text, span.start as usize);
                let snippet = text.get(span.range()).unwrap_or("").to_string();
                Some((sf.path.clone(), line, snippet))
            }
            crate::finding::Location::Virtual { .. } => None,
        })
        .collect()
}
