//! Every parser front, fed mutated fixture files (byte flips, truncation,
//! stray brackets and quotes), returns a model or a ParseFailure: never a
//! panic. A bounded run (a few hundred cases) so that it fits the normal
//! test suite; the fuzz targets in `fuzz/` go further.

use std::path::{Path, PathBuf};

use preflight::formats::dotenv::DotEnvFile;
use preflight::formats::package_json::PackageJson;
use preflight::formats::prisma::PrismaSchema;
use preflight::formats::shell::ShellScript;
use preflight::formats::workflow::Workflow;
use preflight::formats::wrangler::{ConfigFormat, WranglerConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[derive(Clone, Copy, Debug)]
enum Front {
    Toml,
    Jsonc,
    DotEnv,
    Workflow,
    Shell,
    PackageJson,
    Prisma,
    Ts,
    Rust,
}

fn front_of(name: &str) -> Option<Front> {
    Some(match name {
        "wrangler.toml" => Front::Toml,
        "wrangler.jsonc" | "wrangler.json" => Front::Jsonc,
        "package.json" => Front::PackageJson,
        "schema.prisma" => Front::Prisma,
        _ if name.starts_with(".env") || name.starts_with(".dev.vars") => Front::DotEnv,
        _ if name.ends_with(".yml") || name.ends_with(".yaml") => Front::Workflow,
        _ if name.ends_with(".sh") => Front::Shell,
        _ if name.ends_with(".ts") || name.ends_with(".js") => Front::Ts,
        _ if name.ends_with(".rs") => Front::Rust,
        _ => return None,
    })
}

/// Each front's result is dropped: reaching the end without a panic is the
/// property. Returning at all (no hang) is covered by the test's runtime.
fn parse(front: Front, text: &str) {
    match front {
        Front::Toml => drop(WranglerConfig::parse(text, ConfigFormat::Toml)),
        Front::Jsonc => drop(WranglerConfig::parse(text, ConfigFormat::Json)),
        Front::DotEnv => drop(DotEnvFile::parse(text)),
        Front::Workflow => drop(Workflow::parse(text)),
        Front::Shell => drop(ShellScript::parse(text)),
        Front::PackageJson => drop(PackageJson::parse(text)),
        Front::Prisma => {
            drop(PrismaSchema::parse(text));
            drop(PrismaSchema::parse_config_ts(text));
        }
        Front::Ts => drop(preflight::formats::js::extract(text, "src/mutated.ts")),
        Front::Rust => drop(preflight::formats::rust_src::extract(text)),
    }
}

const RUST_SEED: &str = r#"use worker::*;

#[event(fetch)]
pub async fn main(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let secret = env.secret("ADMIN_KEY")?.to_string();
    let router = Router::new();
    router
        .get_async("/admin", |req, ctx| async move {
            if req.headers().get("x-admin")?.as_deref() != Some(secret.as_str()) {
                return Response::error("forbidden", 403);
            }
            Response::ok(format!("SELECT * FROM t WHERE id = {}", 1))
        })
        .run(req, env)
        .await
}
"#;

/// One seed file per parser front and fixture, at most a few per front so
/// that every front gets its share of the cases.
fn seeds() -> Vec<(Front, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    let mut per_front: std::collections::HashMap<String, usize> = Default::default();
    let mut seeds = vec![(Front::Rust, RUST_SEED.to_string())];
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(front) = front_of(&name) else {
            continue;
        };
        let count = per_front.entry(format!("{front:?}")).or_default();
        if *count >= 6 {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            *count += 1;
            seeds.push((front, text));
        }
    }
    seeds
}

#[derive(Clone, Debug)]
enum Mutation {
    /// XOR the byte at (position fraction) with a mask.
    Flip(f64, u8),
    /// Cut the file at (position fraction).
    Truncate(f64),
    /// Insert a syntax-significant token at (position fraction).
    Insert(f64, &'static str),
    /// Delete a run of bytes starting at (position fraction).
    Delete(f64, usize),
}

const TOKENS: &[&str] = &[
    "{", "}", "[", "]", "(", ")", "\"", "'", "`", "${", "\\", "#", "//", "/*", "*/", "\n", ":",
    ",", "=", "&a", "*a", "<<", "$(", "|", "---", "\t", "\u{feff}", "\u{0}", "é", "🦀",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64, 1u8..=255).prop_map(|(p, m)| Mutation::Flip(p, m)),
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, prop::sample::select(TOKENS)).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (0.0..1.0f64, 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |p: f64, len: usize| ((p * len as f64) as usize).min(len);
    match *m {
        Mutation::Flip(p, mask) => {
            let i = at(p, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b ^= mask;
            }
        }
        Mutation::Truncate(p) => {
            let i = at(p, bytes.len());
            bytes.truncate(i);
        }
        Mutation::Insert(p, token) => {
            let i = at(p, bytes.len());
            bytes.splice(i..i, token.bytes());
        }
        Mutation::Delete(p, n) => {
            let i = at(p, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
    }
}

#[test]
fn parser_fronts_never_panic_on_mutated_fixtures() {
    let seeds = seeds();
    assert!(seeds.len() > 9, "fixtures found: {}", seeds.len());
    let config = Config {
        cases: 384,
        failure_persistence: None,
        // The mutations are cheap; shrinking a failure is what matters.
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..8));
    let result = runner.run(&strategy, |(seed, mutations)| {
        let (front, text) = &seeds[seed];
        let mut bytes = text.clone().into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        // Invalid UTF-8 never reaches a parser (PF000 or a skip note comes
        // first), so the lossy text is what a parser could really see.
        let text = String::from_utf8_lossy(&bytes);
        parse(*front, &text);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every front also meets every other front's files: a TOML parser fed a
/// workflow, a YAML parser fed TypeScript, and so on.
#[test]
fn parser_fronts_never_panic_on_each_others_files() {
    let fronts = [
        Front::Toml,
        Front::Jsonc,
        Front::DotEnv,
        Front::Workflow,
        Front::Shell,
        Front::PackageJson,
        Front::Prisma,
        Front::Ts,
        Front::Rust,
    ];
    for (_, text) in seeds() {
        for front in fronts {
            parse(front, &text);
        }
    }
}
