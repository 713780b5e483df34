//! Which parser front a file goes to, decided from its path alone.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    WranglerToml,
    WranglerJson,
    /// `.env`, `.dev.vars` and their variants; `template` for `*.example`,
    /// `*.sample`, `*.template`.
    EnvFile {
        template: bool,
    },
    Workflow,
    /// A composite action's `action.yml`.
    Action,
    Shell,
    PackageJson,
    Prisma,
    PrismaConfig,
    /// TypeScript / JavaScript Worker source.
    Script,
    RustSource,
    /// Any other text file: scanned for credential formats only.
    Text,
}

impl FileKind {
    /// Files preflight must understand: a parse failure is PF000.
    pub fn is_structured(self) -> bool {
        !matches!(self, FileKind::Text)
    }

    /// Program source (TS/JS, Rust): parsed a batch of Workers at a time,
    /// after the configuration files.
    pub fn is_source(self) -> bool {
        matches!(self, FileKind::Script | FileKind::RustSource)
    }
}

const TEMPLATE_SUFFIXES: &[&str] = &[".example", ".sample", ".template", ".dist", ".defaults"];

pub fn classify(rel: &str) -> FileKind {
    let name = super::file_name(rel);
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "wrangler.toml" => return FileKind::WranglerToml,
        "wrangler.json" | "wrangler.jsonc" => return FileKind::WranglerJson,
        "package.json" => return FileKind::PackageJson,
        "prisma.config.ts" | "prisma.config.js" | "prisma.config.mjs" => {
            return FileKind::PrismaConfig;
        }
        _ => {}
    }
    if is_env_like(&lower) {
        return FileKind::EnvFile {
            template: TEMPLATE_SUFFIXES.iter().any(|s| lower.ends_with(s)),
        };
    }
    let in_workflows = rel.starts_with(".github/workflows/") || rel.contains("/.github/workflows/");
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml
        && in_workflows
        && !rel[rel.find(".github/workflows/").map_or(0, |i| i + 18)..].contains('/')
    {
        return FileKind::Workflow;
    }
    if (lower == "action.yml" || lower == "action.yaml") && rel.contains(".github/actions/") {
        return FileKind::Action;
    }
    if is_generated_script(rel, &lower) {
        return FileKind::Text;
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "sh" | "bash" => FileKind::Shell,
        "prisma" => FileKind::Prisma,
        "ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts" => FileKind::Script,
        "rs" => FileKind::RustSource,
        _ => FileKind::Text,
    }
}

/// Minified bundles and vendored copies are not the Worker's own source:
/// they are scanned for credentials like any text, but not parsed.
fn is_generated_script(rel: &str, lower_name: &str) -> bool {
    lower_name.contains(".min.")
        || lower_name.contains(".bundle.")
        || rel
            .split('/')
            .any(|seg| seg == "vendor" || seg == "third_party")
}

/// Whether a script's text is minified: most of its bytes sit in lines over
/// 1,000 characters that are dense with code punctuation. The names of
/// minified code mean nothing, so its facts would only mislead the rules;
/// like a `.min.js` it is scanned as text. A long string literal (a data
/// URI, an embedded blob) is not code-dense and does not count.
pub fn is_minified_script(text: &str) -> bool {
    const LONG_LINE: usize = 1000;
    if text.len() < 2 * LONG_LINE {
        return false;
    }
    let (mut dense_bytes, mut other_bytes) = (0, 0);
    // Lines found with memchr: asked of every script, and the lines of
    // ordinary code are short.
    let bytes = text.as_bytes();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]) {
        let line = &bytes[start..end];
        start = end + 1;
        let dense = line.len() > LONG_LINE && {
            let punctuation = line
                .iter()
                .filter(|b| matches!(b, b';' | b'{' | b'}' | b'(' | b','))
                .count();
            punctuation * 50 >= line.len()
        };
        if dense {
            dense_bytes += line.len();
        } else {
            other_bytes += line.len();
            // Asked of every script: most are settled halfway through.
            if other_bytes * 2 > text.len() {
                return false;
            }
        }
    }
    dense_bytes * 2 >= text.len()
}

/// `.env`, `.env.*`, `.dev.vars`, `.dev.vars.*`, and `*.env` names such as
/// `production.env`.
fn is_env_like(lower: &str) -> bool {
    lower == ".env"
        || lower.starts_with(".env.")
        || lower == ".dev.vars"
        || lower.starts_with(".dev.vars.")
        || (lower.ends_with(".env") && lower.len() > 4 && !lower.ends_with(".d.env"))
}

/// A local env file in SEC004's sense: holds real values and must never be
/// committed (templates excluded).
pub fn is_local_env_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower == ".env"
        || lower.starts_with(".env.")
        || lower == ".dev.vars"
        || lower.starts_with(".dev.vars."))
        && !TEMPLATE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// Whether `path` (relative, `/`-separated) is a test file: a `*.test.*` or
/// `*.spec.*` file name, or under a `__tests__`, `test` or `tests` directory.
pub fn is_test_file(path: &str) -> bool {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    while let Some(seg) = segments.next() {
        if segments.peek().is_none() {
            // Asked for every file by every source rule: no allocation.
            let has = |marker: &[u8]| {
                seg.as_bytes()
                    .windows(marker.len())
                    .any(|w| w.eq_ignore_ascii_case(marker))
            };
            return has(b".test.") || has(b".spec.");
        }
        if matches!(seg, "__tests__" | "test" | "tests") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        assert_eq!(classify("wrangler.toml"), FileKind::WranglerToml);
        assert_eq!(classify("apps/api/wrangler.jsonc"), FileKind::WranglerJson);
        assert_eq!(classify(".dev.vars"), FileKind::EnvFile { template: false });
        assert_eq!(
            classify(".dev.vars.example"),
            FileKind::EnvFile { template: true }
        );
        assert_eq!(
            classify("api/.env.production.local"),
            FileKind::EnvFile { template: false }
        );
        assert_eq!(classify(".github/workflows/deploy.yml"), FileKind::Workflow);
        assert_eq!(classify(".github/workflows/sub/x.yml"), FileKind::Text);
        assert_eq!(
            classify(".github/actions/setup/action.yml"),
            FileKind::Action
        );
        assert_eq!(classify("scripts/deploy-secrets.sh"), FileKind::Shell);
        assert_eq!(classify("prisma/schema.prisma"), FileKind::Prisma);
        assert_eq!(classify("prisma.config.ts"), FileKind::PrismaConfig);
        assert_eq!(classify("src/index.ts"), FileKind::Script);
        assert_eq!(classify("src/lib.rs"), FileKind::RustSource);
        assert_eq!(classify("README.md"), FileKind::Text);
        assert_eq!(classify("public/app.min.js"), FileKind::Text);
        assert_eq!(classify("src/vendor/lib.js"), FileKind::Text);
    }

    #[test]
    fn minified_text_is_told_from_long_strings() {
        let minified = "var a=1;function b(c){return c+a};".repeat(200);
        assert!(is_minified_script(&minified));
        let data_uri = format!(
            "export const font = '{}'\nexport function load() {{ return font }}\n",
            "QUFB".repeat(2000)
        );
        assert!(!is_minified_script(&data_uri));
        let ordinary = "const x = f(1, 2);\n".repeat(500);
        assert!(!is_minified_script(&ordinary));
    }

    #[test]
    fn local_env_files_exclude_templates() {
        assert!(is_local_env_file(".env"));
        assert!(is_local_env_file(".env.local"));
        assert!(is_local_env_file(".dev.vars.staging"));
        assert!(!is_local_env_file(".env.example"));
        assert!(!is_local_env_file(".dev.vars.template"));
        assert!(!is_local_env_file("env.ts"));
    }

    #[test]
    fn test_files() {
        assert!(is_test_file("src/db.test.ts"));
        assert!(is_test_file("src/db.spec.js"));
        assert!(is_test_file("src/__tests__/db.ts"));
        assert!(is_test_file("test/db.ts"));
        assert!(is_test_file("worker/tests/helpers/db.ts"));
        assert!(!is_test_file("src/testing.ts"));
        assert!(!is_test_file("src/test.ts"));
        assert!(!is_test_file("src/contest/db.ts"));
        assert!(!is_test_file("src/latest.ts"));
    }
}
